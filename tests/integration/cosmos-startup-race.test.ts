import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RunningCosmosServer, makeCosmosStore, startCosmosServer } from '../support/cosmos-server';
import { spawnTs } from '../support/ts-child';
import { CONTAINER_LIST } from '../../services/store/containers';

const CHILD = path.join(__dirname, '..', 'support', 'cosmos-init-child.ts');

describe('several instances starting together on an empty Cosmos database', () => {
  let server: RunningCosmosServer;
  beforeAll(async () => {
    server = await startCosmosServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('all start when several stores in one process run init() at once', async () => {
    const database = `race-${randomBytes(6).toString('hex')}`;
    const stores = Array.from({ length: 6 }, () => makeCosmosStore(server.endpoint, database));
    const results = await Promise.allSettled(stores.map((store) => store.init()));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const [i, store] of stores.entries()) await store.create('disputes', { id: `doc-${i}`, tenantId: 'startup' });
    const seen = await stores[0].query('disputes', { partitionKey: 'startup' });
    expect(seen.map((d) => d.id).sort()).toEqual(stores.map((_, i) => `doc-${i}`));
    for (const def of CONTAINER_LIST) await expect(stores[5].query(def.name, { limit: 1 })).resolves.toEqual(expect.any(Array));
    for (const store of stores) await store.close();
  });

  it('all start when three processes start at the same moment', async () => {
    const database = `race-${randomBytes(6).toString('hex')}`;
    const go = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cosmos-race-')), 'go');
    const children = [0, 1, 2].map(() => {
      const proc = spawnTs(CHILD, [server.endpoint, database, go]);
      let out = '';
      let err = '';
      proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
      return { proc, exited, out: () => out, err: () => err };
    });
    // The children load TypeScript first; release them together once every one is waiting.
    while (!children.every((c) => c.out().includes('waiting') || c.proc.exitCode !== null)) await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(go, '');
    const codes = await Promise.all(children.map((c) => c.exited));
    expect(children.map((c) => c.err())).toEqual(['', '', '']);
    expect(codes).toEqual([0, 0, 0]);
    expect(children.every((c) => c.out().includes('started'))).toBe(true);
    const store = makeCosmosStore(server.endpoint, database);
    await store.init();
    expect((await store.query('disputes', { partitionKey: 'startup' })).map((d) => d.id).sort()).toEqual(
      children.map((c) => `started-${c.proc.pid}`).sort(),
    );
    await store.close();
  }, 120_000);
});
