import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedStore } from '../../services/store/embedded-store';

/**
 * The embedded store's ordered index is kept in blocks; with thousands of entries (several
 * blocks, splits, emptied blocks, many equal values) range queries must still return exactly what
 * a full scan would.
 */
describe('EmbeddedStore ordered index over many documents', () => {
  const tenant = 'index-tenant';
  let dir: string;
  let store: EmbeddedStore;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-index-'));
    store = new EmbeddedStore({ dataDir: dir, compactAfter: 1_000_000 });
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers range and equality queries like a scan after inserts, replaces and deletes', async () => {
    // A fixed pseudo-random sequence, so a failure can be replayed.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const day = (n: number) => `2026-03-${String(1 + (n % 28)).padStart(2, '0')}T09:00:00.000Z`;
    const docs = new Map<string, { id: string; tenantId: string; dueAt?: string }>();
    for (let i = 0; i < 4000; i++) {
      const doc = { id: `t-${i}`, tenantId: tenant, dueAt: day(Math.floor(next() * 28)) };
      await store.create('timers', doc);
      docs.set(doc.id, doc);
    }
    for (let i = 0; i < 4000; i += 3) {
      const current = (await store.read<{ id: string; tenantId: string; dueAt?: string }>('timers', tenant, `t-${i}`))!;
      // every third one moves; some leave the index (no dueAt), as a sent timer leaves pendingDueAt
      const { _etag, ...rest } = current;
      const moved = i % 2 === 0 ? { ...rest, dueAt: day(Math.floor(next() * 28)) } : { id: rest.id, tenantId: tenant };
      await store.replace('timers', moved, _etag);
      docs.set(moved.id, moved);
    }
    for (let i = 1; i < 4000; i += 7) {
      await store.delete('timers', tenant, `t-${i}`);
      docs.delete(`t-${i}`);
    }
    const all = [...docs.values()];
    const ids = (list: { id: string }[]) => list.map((d) => d.id).sort();
    for (const [op, value] of [
      ['<=', day(9)],
      ['<', day(9)],
      ['>=', day(20)],
      ['>', day(20)],
      ['=', day(14)],
      ['<=', day(0)],
      ['>', day(27)],
    ] as const) {
      const got = await store.query<{ id: string }>('timers', { partitionKey: tenant, where: [{ field: 'dueAt', op, value }] });
      const expected = all.filter((d) => {
        if (d.dueAt === undefined) return false;
        return op === '<=' ? d.dueAt <= value : op === '<' ? d.dueAt < value : op === '>=' ? d.dueAt >= value : op === '>' ? d.dueAt > value : d.dueAt === value;
      });
      expect(ids(got)).toEqual(ids(expected));
    }
    const before = store.stats.documentsScanned;
    const early = await store.query('timers', { partitionKey: tenant, where: [{ field: 'dueAt', op: '<', value: day(1) }] });
    expect(store.stats.documentsScanned - before).toBe(early.length);
  });
});
