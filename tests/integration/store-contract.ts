import { randomUUID } from 'node:crypto';
import { TestClock } from '../support/clock';
import { AuditLog } from '../../services/log/audit-log';
import type { Actor } from '../../services/directory/roles';
import { Condition, Store, StoreConflict, Stored, updateWithRetry } from '../../services/store/port';

/** A document shape used only by these tests; `disputes` has no ordered index, `timers` indexes dueAt. */
interface Item {
  id: string;
  tenantId: string;
  run: string;
  n: number;
  name?: string;
  dueAt?: string;
  entity?: { id: string; type: string };
  tags?: string[];
  active?: boolean;
}

const PLAIN = 'disputes';
/** For the tests that make hundreds of round trips: other test runs may share this 2-core machine. */
const SLOW = 60_000;
const INDEXED = 'timers';

async function conflictOf(promise: Promise<unknown>): Promise<StoreConflict> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StoreConflict) return err;
    throw err;
  }
  throw new Error('expected a StoreConflict, but the write succeeded');
}

const ids = (docs: { id: string }[]): string[] => docs.map((d) => d.id);

/**
 * The one contract both store adapters must keep. `makeStore` returns an initialised store;
 * each test writes under its own tenant (partition) and run marker, so tests never see each
 * other's documents even when they share a database.
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>, release: (store: Store) => Promise<void>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let tenant: string;
    let run: string;
    const item = (id: string, n: number, extra: Partial<Item> = {}): Item => ({ id, tenantId: tenant, run, n, ...extra });

    beforeAll(async () => {
      store = await makeStore();
    }, SLOW);
    afterAll(async () => {
      await release(store);
    }, SLOW);
    beforeEach(() => {
      tenant = `tenant-${randomUUID()}`;
      run = randomUUID();
    });

    describe('point operations', () => {
      it('creates a document and reads it back with an ETag, and nothing but what was written', async () => {
        const created = await store.create(PLAIN, item('a', 1, { name: 'first', entity: { id: 'E-1', type: 'x' } }));
        expect(typeof created._etag).toBe('string');
        expect(created._etag.length).toBeGreaterThan(0);
        const read = await store.read<Item>(PLAIN, tenant, 'a');
        expect(read).toEqual({ ...item('a', 1, { name: 'first', entity: { id: 'E-1', type: 'x' } }), _etag: created._etag });
      });

      it('reads a missing id, or a known id in another partition, as undefined', async () => {
        await store.create(PLAIN, item('here', 1));
        expect(await store.read(PLAIN, tenant, 'nowhere')).toBeUndefined();
        expect(await store.read(PLAIN, `${tenant}-other`, 'here')).toBeUndefined();
      });

      it('refuses a duplicate create with StoreConflict "exists" and keeps the first document', async () => {
        await store.create(PLAIN, item('dup', 1));
        const conflict = await conflictOf(store.create(PLAIN, item('dup', 2)));
        expect(conflict.reason).toBe('exists');
        expect(conflict.id).toBe('dup');
        expect((await store.read<Item>(PLAIN, tenant, 'dup'))?.n).toBe(1);
      });

      it('allows the same id in two partitions', async () => {
        await store.create(PLAIN, item('same', 1));
        await store.create(PLAIN, { ...item('same', 2), tenantId: `${tenant}-b` });
        expect((await store.read<Item>(PLAIN, tenant, 'same'))?.n).toBe(1);
        expect((await store.read<Item>(PLAIN, `${tenant}-b`, 'same'))?.n).toBe(2);
      });

      it('replaces with the current ETag and issues a new one', async () => {
        const v1 = await store.create(PLAIN, item('r', 1));
        const v2 = await store.replace(PLAIN, { ...item('r', 2), _etag: v1._etag }, v1._etag);
        expect(v2._etag).not.toBe(v1._etag);
        expect(v2.n).toBe(2);
        const read = await store.read<Item>(PLAIN, tenant, 'r');
        expect(read?.n).toBe(2);
        expect(read?._etag).toBe(v2._etag);
      });

      it('refuses a replace with a stale ETag ("stale") and leaves the document as it was', async () => {
        const v1 = await store.create(PLAIN, item('s', 1));
        await store.replace(PLAIN, item('s', 2), v1._etag);
        const conflict = await conflictOf(store.replace(PLAIN, item('s', 3), v1._etag));
        expect(conflict.reason).toBe('stale');
        expect((await store.read<Item>(PLAIN, tenant, 's'))?.n).toBe(2);
      });

      it('refuses a replace of a missing document ("gone") without creating it', async () => {
        const v1 = await store.create(PLAIN, item('g', 1));
        await store.delete(PLAIN, tenant, 'g');
        const conflict = await conflictOf(store.replace(PLAIN, item('g', 2), v1._etag));
        expect(conflict.reason).toBe('gone');
        expect(await store.read(PLAIN, tenant, 'g')).toBeUndefined();
      });

      it('upserts: creates when missing, overwrites when present, new ETag each time', async () => {
        const first = await store.upsert(PLAIN, item('u', 1));
        expect((await store.read<Item>(PLAIN, tenant, 'u'))?.n).toBe(1);
        const second = await store.upsert(PLAIN, { ...item('u', 2), _etag: first._etag });
        expect(second._etag).not.toBe(first._etag);
        const read = await store.read<Item>(PLAIN, tenant, 'u');
        expect(read?.n).toBe(2);
        expect(read?._etag).toBe(second._etag);
      });

      it('deletes without an ETag, and answers false when there is nothing to delete', async () => {
        await store.create(PLAIN, item('d', 1));
        expect(await store.delete(PLAIN, tenant, 'd')).toBe(true);
        expect(await store.read(PLAIN, tenant, 'd')).toBeUndefined();
        expect(await store.delete(PLAIN, tenant, 'd')).toBe(false);
      });

      it('deletes with the current ETag, and refuses a stale one ("stale") leaving the document', async () => {
        const v1 = await store.create(PLAIN, item('de', 1));
        const v2 = await store.replace(PLAIN, item('de', 2), v1._etag);
        expect((await conflictOf(store.delete(PLAIN, tenant, 'de', v1._etag))).reason).toBe('stale');
        expect((await store.read<Item>(PLAIN, tenant, 'de'))?.n).toBe(2);
        expect(await store.delete(PLAIN, tenant, 'de', v2._etag)).toBe(true);
        expect(await store.read(PLAIN, tenant, 'de')).toBeUndefined();
      });

      it('keeps nested objects and arrays intact', async () => {
        const doc = item('nest', 1, { entity: { id: 'D-7', type: 'dispute' }, tags: ['a', 'b'] });
        await store.create(PLAIN, doc);
        const read = await store.read<Item>(PLAIN, tenant, 'nest');
        expect(read?.entity).toEqual({ id: 'D-7', type: 'dispute' });
        expect(read?.tags).toEqual(['a', 'b']);
      });

      it('returns copies: changing a returned document does not change the stored one', async () => {
        const created = await store.create(PLAIN, item('copy', 1, { tags: ['x'] }));
        created.n = 99;
        created.tags!.push('y');
        const read = await store.read<Item>(PLAIN, tenant, 'copy');
        expect(read?.n).toBe(1);
        expect(read?.tags).toEqual(['x']);
      });

      it('counts the documents it reads: one per point read found, one per query result', async () => {
        await store.create(PLAIN, item('c1', 1));
        await store.create(PLAIN, item('c2', 2));
        const start = store.stats.documentsRead;
        await store.read(PLAIN, tenant, 'c1');
        await store.read(PLAIN, tenant, 'missing');
        expect(store.stats.documentsRead - start).toBe(1);
        await store.query(PLAIN, { partitionKey: tenant });
        expect(store.stats.documentsRead - start).toBe(3);
      });

      it('refuses a document without its partition key instead of storing it somewhere else', async () => {
        const orphan = { id: 'orphan', run, n: 1 } as unknown as Item;
        await expect(store.create(PLAIN, orphan)).rejects.toThrow(/partition key/);
        await expect(store.upsert(PLAIN, orphan)).rejects.toThrow(/partition key/);
        const created = await store.create(PLAIN, item('keyed', 1));
        await expect(store.replace(PLAIN, { ...created, tenantId: '' }, created._etag)).rejects.toThrow(/partition key/);
        expect(await store.query(PLAIN, { where: [{ field: 'run', op: '=', value: run }] })).toHaveLength(1);
      });

      it('answers ping', async () => {
        expect(await store.ping()).toBe(true);
      });
    });

    describe.each([
      ['an unindexed container', PLAIN],
      ['a container with an ordered index', INDEXED],
    ])('queries on %s', (_label, container) => {
      const seed = async (): Promise<void> => {
        const rows: [string, number, string][] = [
          ['q1', 5, '2026-03-05T09:00:00.000Z'],
          ['q2', 1, '2026-03-01T09:00:00.000Z'],
          ['q3', 3, '2026-03-03T09:00:00.000Z'],
          ['q4', 4, '2026-03-04T09:00:00.000Z'],
          ['q5', 2, '2026-03-02T09:00:00.000Z'],
        ];
        for (const [id, n, dueAt] of rows)
          await store.create(container, item(id, n, { dueAt, name: `name-${n}`, entity: { id: `E-${n % 2}`, type: 'test' } }));
        // Another partition with the same run marker: visible to cross-partition queries only.
        await store.create(container, { ...item('other', 10, { dueAt: '2026-03-10T09:00:00.000Z', entity: { id: 'E-0', type: 'test' } }), tenantId: `${tenant}-other` });
      };
      const q = (where: Condition[], extra: { orderBy?: { field: string; direction?: 'asc' | 'desc' }[]; limit?: number; crossPartition?: boolean } = {}) =>
        store.query<Item>(container, {
          ...(extra.crossPartition ? {} : { partitionKey: tenant }),
          where: [{ field: 'run', op: '=', value: run }, ...where],
          orderBy: extra.orderBy ?? [{ field: 'n', direction: 'asc' }],
          ...(extra.limit !== undefined ? { limit: extra.limit } : {}),
        });

      beforeEach(seed);

      it('scopes a query to one partition, or reads across partitions when none is given', async () => {
        expect(ids(await q([]))).toEqual(['q2', 'q5', 'q3', 'q4', 'q1']);
        expect(ids(await q([], { crossPartition: true }))).toEqual(['q2', 'q5', 'q3', 'q4', 'q1', 'other']);
        const all = await store.query<Item>(container, { partitionKey: `${tenant}-other` });
        expect(ids(all)).toEqual(['other']);
      });

      it('returns stored documents with ETags that a replace accepts', async () => {
        const [doc] = await q([{ field: 'n', op: '=', value: 3 }]);
        expect(doc._etag).toBeTruthy();
        const replaced = await store.replace(container, { ...doc, n: 30 }, doc._etag);
        expect(replaced.n).toBe(30);
      });

      it.each<[Condition['op'], unknown, string[]]>([
        ['=', 3, ['q3']],
        ['!=', 3, ['q2', 'q5', 'q4', 'q1']],
        ['<', 3, ['q2', 'q5']],
        ['<=', 3, ['q2', 'q5', 'q3']],
        ['>', 3, ['q4', 'q1']],
        ['>=', 3, ['q3', 'q4', 'q1']],
        ['in', [1, 4, 99], ['q2', 'q4']],
        ['in', [], []],
      ])('filters numbers with %s %j', async (op, value, expected) => {
        expect(ids(await q([{ field: 'n', op, value }]))).toEqual(expected);
      });

      it.each<[Condition['op'], string, string[]]>([
        ['=', '2026-03-03T09:00:00.000Z', ['q3']],
        ['<', '2026-03-03T09:00:00.000Z', ['q2', 'q5']],
        ['<=', '2026-03-03T09:00:00.000Z', ['q2', 'q5', 'q3']],
        ['>', '2026-03-03T09:00:00.000Z', ['q4', 'q1']],
        ['>=', '2026-03-03T09:00:00.000Z', ['q3', 'q4', 'q1']],
        ['!=', '2026-03-03T09:00:00.000Z', ['q2', 'q5', 'q4', 'q1']],
      ])('filters ISO instants (strings) with %s', async (op, value, expected) => {
        expect(ids(await q([{ field: 'dueAt', op, value }]))).toEqual(expected);
      });

      it('filters booleans', async () => {
        const q1 = (await store.read<Item>(container, tenant, 'q1'))!;
        await store.replace(container, { ...q1, active: true }, q1._etag);
        const q2 = (await store.read<Item>(container, tenant, 'q2'))!;
        await store.replace(container, { ...q2, active: false }, q2._etag);
        expect(ids(await q([{ field: 'active', op: '=', value: true }]))).toEqual(['q1']);
        expect(ids(await q([{ field: 'active', op: '!=', value: true }]))).toEqual(['q2']);
      });

      it('filters strings with in', async () => {
        expect(ids(await q([{ field: 'name', op: 'in', value: ['name-2', 'name-5', 'nobody'] }]))).toEqual(['q5', 'q1']);
      });

      it('combines conditions with AND, across partitions too', async () => {
        expect(ids(await q([{ field: 'dueAt', op: '<', value: '2026-03-05T00:00:00.000Z' }, { field: 'n', op: '>', value: 1 }]))).toEqual(['q5', 'q3', 'q4']);
        expect(
          ids(await q([{ field: 'dueAt', op: '>=', value: '2026-03-04T00:00:00.000Z' }, { field: 'entity.id', op: '=', value: 'E-0' }], { crossPartition: true })),
        ).toEqual(['q4', 'other']);
      });

      it('filters and orders on dotted fields', async () => {
        expect(ids(await q([{ field: 'entity.id', op: '=', value: 'E-1' }]))).toEqual(['q2', 'q3', 'q1']);
        expect(ids(await q([{ field: 'entity.id', op: 'in', value: ['E-0'] }]))).toEqual(['q5', 'q4']);
        // One ORDER BY field: Cosmos serves several only from a declared composite index.
        const oneEach = [{ field: 'n', op: 'in' as const, value: [1, 2] }];
        expect(ids(await q(oneEach, { orderBy: [{ field: 'entity.id', direction: 'desc' }] }))).toEqual(['q2', 'q5']);
        expect(ids(await q(oneEach, { orderBy: [{ field: 'entity.id', direction: 'asc' }] }))).toEqual(['q5', 'q2']);
      });

      it('orders ascending (the default) and descending', async () => {
        expect(ids(await q([], { orderBy: [{ field: 'dueAt' }] }))).toEqual(['q2', 'q5', 'q3', 'q4', 'q1']);
        expect(ids(await q([], { orderBy: [{ field: 'dueAt', direction: 'desc' }] }))).toEqual(['q1', 'q4', 'q3', 'q5', 'q2']);
        expect(ids(await q([], { orderBy: [{ field: 'n', direction: 'desc' }], crossPartition: true }))).toEqual(['other', 'q1', 'q4', 'q3', 'q5', 'q2']);
      });

      it('leaves out documents that lack the field they are ordered by', async () => {
        await store.create(container, item('no-name', 6));
        expect(ids(await q([], { orderBy: [{ field: 'name', direction: 'asc' }] }))).toEqual(['q2', 'q5', 'q3', 'q4', 'q1']);
        expect(ids(await q([], { orderBy: [{ field: 'name', direction: 'desc' }] }))).toEqual(['q1', 'q4', 'q3', 'q5', 'q2']);
        expect(ids(await q([], { orderBy: [{ field: 'n', direction: 'desc' }], limit: 1 }))).toEqual(['no-name']);
      });

      it('limits after filtering and ordering', async () => {
        expect(ids(await q([], { orderBy: [{ field: 'n', direction: 'desc' }], limit: 2 }))).toEqual(['q1', 'q4']);
        expect(ids(await q([{ field: 'n', op: '<', value: 5 }], { orderBy: [{ field: 'dueAt', direction: 'desc' }], limit: 1 }))).toEqual(['q4']);
        expect(ids(await q([{ field: 'n', op: '>', value: 0 }], { limit: 3, crossPartition: true }))).toEqual(['q2', 'q5', 'q3']);
        expect(await q([], { limit: 0 })).toEqual([]);
      });

      it('sees replaces and deletes in later queries', async () => {
        const q3 = (await store.read<Item>(container, tenant, 'q3'))!;
        await store.replace(container, { ...q3, n: 100, dueAt: '2026-04-01T00:00:00.000Z' }, q3._etag);
        await store.delete(container, tenant, 'q2');
        expect(ids(await q([{ field: 'dueAt', op: '<', value: '2026-03-04T00:00:00.000Z' }]))).toEqual(['q5']);
        expect(ids(await q([{ field: 'n', op: '>=', value: 5 }]))).toEqual(['q1', 'q3']);
      });

      it('matches nothing for a field that is absent', async () => {
        expect(await q([{ field: 'missing', op: '=', value: 1 }])).toEqual([]);
        expect(await q([{ field: 'entity.missing', op: '>', value: 0 }])).toEqual([]);
        expect(await q([{ field: 'missing', op: '!=', value: 1 }])).toEqual([]);
      });

      it('compares a number with a string as false (no type coercion)', async () => {
        expect(await q([{ field: 'n', op: '>', value: '0' }])).toEqual([]);
        expect(await q([{ field: 'n', op: '=', value: '3' }])).toEqual([]);
      });

      it('refuses a field name that could inject query text', async () => {
        await expect(store.query(container, { partitionKey: tenant, where: [{ field: 'n = 1 OR 1', op: '=', value: 1 }] })).rejects.toThrow();
      });
    });

    describe('concurrency', () => {
      it('updateWithRetry: 20 concurrent increments end at exactly 20', async () => {
        await Promise.all(
          Array.from({ length: 20 }, () =>
            updateWithRetry<Item>(store, PLAIN, tenant, 'counter', (current) => ({ ...(current ?? item('counter', 0)), n: (current?.n ?? 0) + 1 }), 100),
          ),
        );
        expect((await store.read<Item>(PLAIN, tenant, 'counter'))?.n).toBe(20);
      }, SLOW);

      it('updateWithRetry leaves the document alone when the change returns undefined', async () => {
        const created = await store.create(PLAIN, item('same', 1));
        const result = await updateWithRetry<Item>(store, PLAIN, tenant, 'same', () => undefined);
        expect(result?._etag).toBe(created._etag);
        expect((await store.read<Stored<Item>>(PLAIN, tenant, 'same'))?._etag).toBe(created._etag);
      });

      it('exactly one of several concurrent creates of one id wins', async () => {
        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.create(PLAIN, item('once', i))));
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((o) => o.reason instanceof StoreConflict && o.reason.reason === 'exists')).toBe(true);
      });

      it('AuditLog: two instances appending 30 entries each at once make one unbroken chain', async () => {
        const clock = new TestClock('2026-03-02T10:00:00Z');
        const actor: Actor = { tenantId: tenant, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] };
        const first = new AuditLog(store, clock);
        const second = new AuditLog(store, clock);
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => [
            first.append(actor, tenant, { action: 'test.first', entity: { type: 'test', id: `first-${i}` } }),
            second.append(actor, tenant, { action: 'test.second', entity: { type: 'test', id: `second-${i}` } }),
          ]).flat(),
        );
        const verdict = await new AuditLog(store, clock).verify(tenant);
        expect(verdict).toEqual({ ok: true, entries: 60 });
        const entries = [];
        for await (const e of first.all(tenant, 7)) entries.push(e);
        expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
        const written = new Set(entries.map((e) => e.entity.id));
        expect(written.size).toBe(60);
      }, SLOW);
    });
  });
}
