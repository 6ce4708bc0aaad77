/**
 * The Cosmos DB adapter (and with it `@azure/cosmos`) is loaded only when the config names Cosmos
 * DB: an instance on the embedded store never holds the SDK in memory (issue 11, resident memory).
 */
const mockLoaded: string[] = [];
jest.mock('@azure/cosmos', () => {
  mockLoaded.push('@azure/cosmos');
  return jest.requireActual('@azure/cosmos');
});

import { createStore } from '../../bot/compose';
import { parseConfig } from '../../services/config';

describe('createStore loads the Cosmos DB SDK only for Cosmos DB', () => {
  it('the embedded store: the composition root and its store come up without @azure/cosmos', async () => {
    const store = await createStore(parseConfig({ DATA_DIR: '/tmp/wsb-never-created' }));
    expect(store.kind).toBe('embedded');
    expect(mockLoaded).toEqual([]);
  });

  it('Cosmos DB: the SDK is loaded when the store is made', async () => {
    const store = await createStore(parseConfig({ COSMOS_ENDPOINT: 'https://127.0.0.1:8081/', COSMOS_DATABASE: 'local', COSMOS_KEY: 'local-emulator-key', COSMOS_ALLOW_SELF_SIGNED: 'true' }));
    expect(store.kind).toBe('cosmos');
    expect(mockLoaded).toContain('@azure/cosmos');
  });
});
