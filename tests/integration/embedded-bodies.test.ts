import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Doc, Stored } from '../../services/store/port';
import { StoreConflict } from '../../services/store/port';

/** A log-shaped document: the log container keeps its bodies on disk and indexes seq, recordedAt and source. */
interface Entry extends Doc {
  tenantId: string;
  seq: number;
  source: string;
  text: string;
}

const TENANT = 'bodies';

describe('embedded store: bodies kept on disk (the log)', () => {
  let dir: string;
  const open: EmbeddedStore[] = [];
  /** Bodies go to disk as soon as they are written unless `recentBodiesInMemory` says otherwise. */
  const openStore = async (options: { compactAfter?: number; recentBodiesInMemory?: number } = {}): Promise<EmbeddedStore> => {
    const store = new EmbeddedStore({ dataDir: dir, recentBodiesInMemory: 0, ...options });
    await store.init();
    open.push(store);
    return store;
  };
  const entry = (seq: number, text = `entry ${seq}`): Entry => ({ id: `e-${seq}`, tenantId: TENANT, seq, source: `p-${seq}`, text });
  const all = async (store: EmbeddedStore): Promise<Stored<Entry>[]> =>
    store.query<Entry>('log', { partitionKey: TENANT, orderBy: [{ field: 'seq', direction: 'asc' }] });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-bodies-'));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds the log in the bodies file and other containers in memory', async () => {
    const store = await openStore();
    for (let seq = 1; seq <= 20; seq++) await store.create('log', entry(seq));
    await store.create('disputes', { id: 'd-1', tenantId: TENANT });
    expect(store.documentsHeld('log')).toEqual({ inMemory: 0, onDisk: 20 });
    expect(store.documentsHeld('disputes')).toEqual({ inMemory: 1, onDisk: 0 });
  });

  it('keeps the latest bodies in memory and moves older ones to disk; one removed while recent never reaches disk', async () => {
    const store = await openStore({ recentBodiesInMemory: 4 });
    for (let seq = 1; seq <= 3; seq++) await store.create('log', entry(seq));
    expect(store.documentsHeld('log')).toEqual({ inMemory: 3, onDisk: 0 });
    // A pending entry's life: written, then removed by the sealer while still recent.
    const pending = await store.create('log', { ...entry(100), id: 'p-100', source: undefined });
    expect(await store.delete('log', TENANT, 'p-100', pending._etag)).toBe(true);
    expect(store.documentsHeld('log')).toEqual({ inMemory: 3, onDisk: 0 });
    for (let seq = 4; seq <= 10; seq++) await store.create('log', entry(seq));
    expect(store.documentsHeld('log')).toEqual({ inMemory: 4, onDisk: 6 });
    // Replaced while recent: the replacement is the one that moves to disk later, and reads see it.
    const seven = (await store.read<Entry>('log', TENANT, 'e-7'))!;
    await store.replace('log', { ...seven, text: 'seven, amended' }, seven._etag);
    for (let seq = 11; seq <= 20; seq++) await store.create('log', entry(seq));
    expect(store.documentsHeld('log')).toEqual({ inMemory: 4, onDisk: 16 });
    expect((await store.read<Entry>('log', TENANT, 'e-7'))?.text).toBe('seven, amended');
    expect((await all(store)).map((d) => d.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('reads, finds by index, replaces and removes bodies on disk as before, through compaction and a reopen', async () => {
    let store = await openStore({ compactAfter: 1_000_000 });
    const etags = new Map<number, string>();
    for (let seq = 1; seq <= 30; seq++) etags.set(seq, (await store.create('log', entry(seq)))._etag);
    // Replace some (their old bodies become garbage in the file) and remove others.
    for (const seq of [3, 7, 11]) etags.set(seq, (await store.replace('log', entry(seq, `entry ${seq}, amended`), etags.get(seq)!))._etag);
    for (const seq of [5, 6]) expect(await store.delete('log', TENANT, `e-${seq}`, etags.get(seq))).toBe(true);
    const expected = (await all(store)).map((d) => [d.seq, d.text, d._etag]);
    expect(expected).toHaveLength(28);
    expect(expected.find(([seq]) => seq === 7)?.[1]).toBe('entry 7, amended');

    store.compact();
    expect((await all(store)).map((d) => [d.seq, d.text, d._etag])).toEqual(expected);
    // An ETag taken before the compaction still guards a write after it; a stale one is refused.
    await expect(store.replace('log', entry(3, 'again'), 'stale')).rejects.toBeInstanceOf(StoreConflict);
    etags.set(3, (await store.replace('log', entry(3, 'entry 3, again'), etags.get(3)!))._etag);
    await store.close();
    open.pop();

    store = await openStore();
    expect(store.documentsHeld('log')).toEqual({ inMemory: 0, onDisk: 28 });
    expect((await store.read<Entry>('log', TENANT, 'e-3'))?.text).toBe('entry 3, again');
    const [head] = await store.query<Entry>('log', { partitionKey: TENANT, orderBy: [{ field: 'seq', direction: 'desc' }], limit: 1 });
    expect(head.seq).toBe(30);
    const bySource = await store.query<Entry>('log', { partitionKey: TENANT, where: [{ field: 'source', op: '=', value: 'p-11' }] });
    expect(bySource.map((d) => d.text)).toEqual(['entry 11, amended']);
    expect(await store.read('log', TENANT, 'e-5')).toBeUndefined();
  });

  it('hands out copies: changing a document read does not change what is stored', async () => {
    const store = await openStore();
    await store.create('log', entry(1));
    const read = (await store.read<Entry>('log', TENANT, 'e-1'))!;
    read.text = 'changed by the caller';
    const [queried] = await all(store);
    queried.text = 'changed again';
    expect((await store.read<Entry>('log', TENANT, 'e-1'))?.text).toBe('entry 1');
  });

  it('keeps no bodies file in DATA_DIR, open or closed', async () => {
    const store = await openStore({ compactAfter: 7 });
    for (let seq = 1; seq <= 25; seq++) await store.create('log', entry(seq));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('bodies.'))).toEqual([]);
    await store.close();
    open.pop();
    expect(fs.readdirSync(dir).sort()).toEqual(['journal.jsonl', 'snapshot.json']);
  });

  it('refuses an unknown container in bodiesOnDisk', () => {
    expect(() => new EmbeddedStore({ dataDir: dir, bodiesOnDisk: ['logs'] })).toThrow(/Unknown container "logs"/);
  });
});
