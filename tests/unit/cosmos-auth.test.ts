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

import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as identity from '@azure/identity';
import { createStore } from '../../bot/compose';
import { CosmosStore } from '../../services/store/cosmos-store';

const actualIdentity = jest.requireActual<typeof import('@azure/identity')>('@azure/identity');
const ENDPOINT = 'https://wsb-cosmos.documents.azure.com:443/';
const CLIENT_ID = '5b3f2c1e-0000-4000-8000-0000000000aa';

const storeOptions = () => (CosmosStore as unknown as jest.Mock).mock.calls.at(-1)?.[0] as { auth: { kind: string; key?: string; credential?: unknown }; endpoint: string; database: string };

beforeEach(() => jest.clearAllMocks());

describe('COSMOS_AUTH chooses how the bot signs in to Cosmos DB', () => {
  it('identity with AZURE_CLIENT_ID: the user-assigned managed identity, no key anywhere', async () => {
    const config = parseConfig({ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'safeguarding', COSMOS_AUTH: 'identity', AZURE_CLIENT_ID: CLIENT_ID });
    expect(config.store).toEqual({ kind: 'cosmos', endpoint: ENDPOINT, database: 'safeguarding', auth: { kind: 'identity', clientId: CLIENT_ID }, allowSelfSigned: false });

    const store = await createStore(config);
    expect(store.kind).toBe('cosmos');
    expect(identity.ManagedIdentityCredential).toHaveBeenCalledWith(expect.objectContaining({ clientId: CLIENT_ID }));
    expect(identity.DefaultAzureCredential).not.toHaveBeenCalled();
    const options = storeOptions();
    expect(options).toMatchObject({ endpoint: ENDPOINT, database: 'safeguarding', auth: { kind: 'credential' } });
    expect(options.auth.credential).toBeInstanceOf(actualIdentity.ManagedIdentityCredential);
    expect(options.auth.key).toBeUndefined();
  });

  it('identity without AZURE_CLIENT_ID: the default credential chain (az login locally, system identity in Azure)', async () => {
    const store = await createStore(parseConfig({ COSMOS_ENDPOINT: ENDPOINT, COSMOS_DATABASE: 'safeguarding', COSMOS_AUTH: 'identity' }));
    expect(store.kind).toBe('cosmos');
    expect(identity.DefaultAzureCredential).toHaveBeenCalledTimes(1);
    expect(identity.ManagedIdentityCredential).not.toHaveBeenCalled();
    expect(storeOptions().auth.credential).toBeInstanceOf(actualIdentity.DefaultAzureCredential);
  });

  it('key (the default when COSMOS_KEY is given): the account key, no Entra credential built', async () => {
    const config = parseConfig({ COSMOS_ENDPOINT: 'https://127.0.0.1:8081/', COSMOS_DATABASE: 'local', COSMOS_KEY: 'local-emulator-key', COSMOS_ALLOW_SELF_SIGNED: 'true' });
    expect(config.store).toMatchObject({ kind: 'cosmos', auth: { kind: 'key', key: 'local-emulator-key' }, allowSelfSigned: true });
    await createStore(config);
    expect(storeOptions().auth).toEqual({ kind: 'key', key: 'local-emulator-key' });
    expect(identity.ManagedIdentityCredential).not.toHaveBeenCalled();
    expect(identity.DefaultAzureCredential).not.toHaveBeenCalled();
  });

  it('no COSMOS_ settings: the embedded store, nothing Azure', async () => {
    const store = await createStore(parseConfig({ DATA_DIR: '/tmp/wsb-never-created' }));
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

describe('an identity Cosmos DB refuses', () => {
  it('fails start-up with a message that says what to fix, not a bare 403', async () => {
    const seen: string[] = [];
    // HTTPS (bearer tokens are never sent over plain HTTP) with the local Cosmos server's self-signed certificate.
    const certDir = path.dirname(require.resolve('@vercel/cosmosdb-server/package.json'));
    const tls = { cert: fs.readFileSync(path.join(certDir, 'cert.pem')), key: fs.readFileSync(path.join(certDir, 'key.pem')) };
    const server = https.createServer(tls, (req, res) => {
      seen.push(String(req.headers.authorization ?? ''));
      res.writeHead(403, { 'Content-Type': 'application/json', 'x-ms-activity-id': 'a1' });
      res.end(JSON.stringify({ code: 'Forbidden', message: 'Request blocked by Auth: principal does not have the required RBAC permissions' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const credential = { getToken: async () => ({ token: 'fake-entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const store = new (jest.requireActual<typeof import('../../services/store/cosmos-store')>('../../services/store/cosmos-store').CosmosStore)({
      endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      database: 'safeguarding',
      auth: { kind: 'credential', credential },
      allowSelfSigned: true,
    });
    try {
      await expect(store.init()).rejects.toThrow(/refused this identity \(403\).*infra\/azure\.bicep.*Built-in Data Contributor/);
      expect(seen.some((auth) => decodeURIComponent(auth).includes('type=aad'))).toBe(true);
    } finally {
      await store.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
