import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import cosmosServer from '@vercel/cosmosdb-server';
import { CosmosStore } from '../../services/store/cosmos-store';

/** The Cosmos emulator's published key; @vercel/cosmosdb-server accepts any key. */
export const COSMOS_TEST_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface RunningCosmosServer {
  /** https://127.0.0.1:<ephemeral port>/ */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts an in-memory Cosmos DB wire-protocol server on an ephemeral port (HTTPS with a
 * self-signed certificate), so the real @azure/cosmos SDK is exercised over the network.
 */
export async function startCosmosServer(): Promise<RunningCosmosServer> {
  // keepAlive: without it the server answers every request with "Connection: close", so each request
  // paid a TLS handshake (a third of the bot's CPU in the vote storm); real Cosmos DB keeps connections.
  const server = cosmosServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A CosmosStore on the test server with a fresh database, so tests never see each other's data. */
export function makeCosmosStore(endpoint: string, database = `test-${randomBytes(6).toString('hex')}`): CosmosStore {
  return new CosmosStore({ endpoint, database, auth: { kind: 'key', key: COSMOS_TEST_KEY }, allowSelfSigned: true });
}
