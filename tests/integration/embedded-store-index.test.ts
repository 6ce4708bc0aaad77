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

  it('reads ORDER BY one indexed field from its index: the same answer as a scan, ties in write order, stopping at the limit', async () => {
    type Timer = { id: string; tenantId: string; dueAt?: unknown; n: number };
    const mine = 'order-mine';
    const other = 'order-other';
    const dueOf = (i: number) => `2026-05-${String(1 + (i % 5)).padStart(2, '0')}T09:00:00.000Z`;
    const written: Timer[] = [];
    for (let i = 0; i < 3000; i++) {
      const doc: Timer = { id: `o-${i}`, tenantId: i % 3 === 0 ? other : mine, dueAt: dueOf(i), n: i };
      await store.create('timers', doc);
      written.push(doc);
    }
    // Rewriting one moves it: among equal values it now comes last.
    const moved = (await store.read<Timer>('timers', mine, 'o-1'))!;
    await store.replace('timers', { id: moved.id, tenantId: mine, dueAt: dueOf(1), n: 1 }, moved._etag);
    const inWriteOrder = written.filter((d) => d.tenantId === mine && d.n !== 1).concat(written[1]);
    const expected = (direction: 'asc' | 'desc', keep: (d: Timer) => boolean = () => true) =>
      inWriteOrder
        .filter(keep)
        .sort((a, b) => (a.dueAt === b.dueAt ? 0 : (String(a.dueAt) < String(b.dueAt) ? -1 : 1) * (direction === 'asc' ? 1 : -1)))
        .map((d) => d.n);
    for (const direction of ['asc', 'desc'] as const) {
      const before = store.stats.documentsScanned;
      const first = await store.query<Timer>('timers', { partitionKey: mine, orderBy: [{ field: 'dueAt', direction }], limit: 5 });
      expect(first.map((d) => d.n)).toEqual(expected(direction).slice(0, 5));
      // It stops at the limit; the other tenant's entries are passed over unread.
      expect(store.stats.documentsScanned - before).toBe(5);
      const odd = await store.query<Timer>('timers', { partitionKey: mine, where: [{ field: 'n', op: '>', value: 1500 }], orderBy: [{ field: 'dueAt', direction }], limit: 300 });
      expect(odd.map((d) => d.n)).toEqual(expected(direction, (d) => d.n > 1500).slice(0, 300));
      const all = await store.query<Timer>('timers', { partitionKey: mine, orderBy: [{ field: 'dueAt', direction }] });
      expect(all.map((d) => d.n)).toEqual(expected(direction));
    }
    const newestFirst = await store.query<Timer>('timers', { partitionKey: mine, orderBy: [{ field: 'dueAt', direction: 'desc' }] });
    expect(newestFirst.filter((d) => d.dueAt === dueOf(1)).pop()!.n).toBe(1); // rewritten last among its day
    const everyTenant = await store.query<Timer>('timers', { where: [{ field: 'n', op: '>=', value: 0 }], orderBy: [{ field: 'dueAt', direction: 'asc' }], limit: 2000 });
    expect(everyTenant).toHaveLength(2000);
    expect(new Set(everyTenant.map((d) => d.tenantId))).toEqual(new Set([mine, other]));

    // A value the index cannot order (here `true`) is still returned, as Cosmos does: the query falls back to a scan.
    await store.create('timers', { id: 'o-odd', tenantId: mine, dueAt: true, n: 9999 });
    const withOdd = await store.query<Timer>('timers', { partitionKey: mine, orderBy: [{ field: 'dueAt', direction: 'asc' }] });
    expect(withOdd.map((d) => d.n)).toContain(9999);
    expect(withOdd).toHaveLength(newestFirst.length + 1);
    await store.delete('timers', mine, 'o-odd');
    const before = store.stats.documentsScanned;
    await store.query('timers', { partitionKey: mine, orderBy: [{ field: 'dueAt', direction: 'desc' }], limit: 1 });
    expect(store.stats.documentsScanned - before).toBe(1);
  });
});
