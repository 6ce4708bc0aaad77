import { RunningCosmosServer, makeCosmosStore, startCosmosServer } from '../support/cosmos-server';
import { runStoreContract } from './store-contract';

let server: RunningCosmosServer | undefined;

runStoreContract(
  'Cosmos (real @azure/cosmos SDK against @vercel/cosmosdb-server over HTTPS)',
  async () => {
    server = await startCosmosServer();
    const store = makeCosmosStore(server.endpoint);
    await store.init();
    return store;
  },
  async (store) => {
    await store.close();
    await server?.stop();
  },
);
