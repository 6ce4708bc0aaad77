/**
 * Cosmos DB by key (local server, emulator) or by Entra identity (managed identity in Azure),
 * chosen by config. Nothing here touches the network: constructing the SDK client does not connect.
 */
import { ConfigError, parseConfig } from '../../services/config';

jest.mock('@azure/identity', () => {
  const actual = jest.requireActual<typeof import('@azure/identity')>('@azure/identity');
  return {
    ...actual,
    ManagedIdentityCredential: jest.fn((options: { clientId: string }) => new actual.ManagedIdentityCredential(options)),
    DefaultAzureCredential: jest.fn(() => new actual.DefaultAzureCredential()),
  };
});
jest.mock('../../services/store/cosmos-store', () => {
  const actual = jest.requireActual<typeof import('../../services/store/cosmos-store')>('../../services/store/cosmos-store');
  return { ...actual, CosmosStore: jest.fn((options: unknown) => new actual.CosmosStore(options as never)) };
});

import * as identity from '@azure/identity';
import { createStore } from '../../bot/compose';
import { CosmosStore } from '../../services/store/cosmos-store';

const actualIdentity = jest.requireActual<typeof import('@azure/identity')>('@azure/identity');
const ENDPOINT = 'https://wsb-cosmos.documents.azure.com:443/';
const CLIENT_ID = '5b3f2c1e-0000-4000-8000-0000000000aa';

const storeOptions = () => (CosmosStore as unknown as jest.Mock).mock.calls.at(-1)?.[0] as { auth: { kind: string; key?: string; credential?: unknown }; endpoint: string; database: string };

beforeEach(() => jest.clearAllMocks());

describe('COSMOS_AUTH chooses how the bot signs in to Cosmos DB', () => {
  it('identity with AZURE_CLIENT_ID: the user-assigned managed identity, no key anywhere', () => {
    const config = parseConfig({ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'safeguarding', COSMOS_AUTH: 'identity', AZURE_CLIENT_ID: CLIENT_ID });
    expect(config.store).toEqual({ kind: 'cosmos', endpoint: ENDPOINT, database: 'safeguarding', auth: { kind: 'identity', clientId: CLIENT_ID }, allowSelfSigned: false });

    const store = createStore(config);
    expect(store.kind).toBe('cosmos');
    expect(identity.ManagedIdentityCredential).toHaveBeenCalledWith(expect.objectContaining({ clientId: CLIENT_ID }));
    expect(identity.DefaultAzureCredential).not.toHaveBeenCalled();
    const options = storeOptions();
    expect(options).toMatchObject({ endpoint: ENDPOINT, database: 'safeguarding', auth: { kind: 'credential' } });
    expect(options.auth.credential).toBeInstanceOf(actualIdentity.ManagedIdentityCredential);
    expect(options.auth.key).toBeUndefined();
  });

  it('identity without AZURE_CLIENT_ID: the default credential chain (az login locally, system identity in Azure)', () => {
    const store = createStore(parseConfig({ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'safeguarding', COSMOS_AUTH: 'identity' }));
    expect(store.kind).toBe('cosmos');
    expect(identity.DefaultAzureCredential).toHaveBeenCalledTimes(1);
    expect(identity.ManagedIdentityCredential).not.toHaveBeenCalled();
    expect(storeOptions().auth.credential).toBeInstanceOf(actualIdentity.DefaultAzureCredential);
  });

  it('key (the default when COSMOS_KEY is given): the account key, no Entra credential built', () => {
    const config = parseConfig({ COSMOS_ENDPOINT: 'https://127.0.0.1:8081/', COSMOS_DATABASE: 'local', COSMOS_KEY: 'local-emulator-key', COSMOS_ALLOW_SELF_SIGNED: 'true' });
    expect(config.store).toMatchObject({ kind: 'cosmos', auth: { kind: 'key', key: 'local-emulator-key' }, allowSelfSigned: true });
    createStore(config);
    expect(storeOptions().auth).toEqual({ kind: 'key', key: 'local-emulator-key' });
    expect(identity.ManagedIdentityCredential).not.toHaveBeenCalled();
    expect(identity.DefaultAzureCredential).not.toHaveBeenCalled();
  });

  it('no COSMOS_ settings: the embedded store, nothing Azure', () => {
    const store = createStore(parseConfig({ DATA_DIR: '/tmp/wsb-never-created' }));
    expect(store.kind).toBe('embedded');
    expect(CosmosStore).not.toHaveBeenCalled();
  });

  it.each([
    [{ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'd', COSMOS_AUTH: 'identity', COSMOS_KEY: 'k' }, 'COSMOS_KEY'],
    [{ COSMOS_DATABASE: 'd', COSMOS_AUTH: 'identity' }, 'COSMOS_ENDPOINT'],
    [{ COSMOS_ENDPOINT: ENDPOINT, COSMOS_AUTH: 'identity' }, 'COSMOS_DATABASE'],
    [{ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'd' }, 'COSMOS_KEY'],
    [{ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'd', COSMOS_AUTH: 'password' }, 'COSMOS_AUTH'],
  ])('refuses a half-given setting %j, naming %s', (env, variable) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
