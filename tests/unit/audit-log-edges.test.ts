/**
 * The audit log at its edges (issue 13): the sealer's lease between instances, the seal order and
 * its page boundary, recorded entries not yet sealed, the head record, and store failures. Each test
 * fails when the rule it names is broken, where the older suite (audit-log.test.ts) did not notice.
 */
import { AuditLog, GENESIS_HASH, LogEntry, LogInput, RecordedEntry, SEAL_GATHER_MS, SYSTEM_ACTOR, UNCONFIGURED_SEAL_KEY } from '../../services/log/audit-log';
import type { Actor } from '../../services/directory/roles';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import { Doc, Query, Store, StoreConflict, Stored } from '../../services/store/port';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const TENANT = 'tenant-edges';
const PATTI: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] };
const START = '2026-03-02T10:00:00.000Z';
const change = (id: string, extra: Partial<LogInput> = {}): LogInput => ({ action: 'test.changed', entity: { type: 'test', id }, ...extra });

/** Runs before a store call reaches the store: to act as another instance mid-round, or to make the write fail. */
interface Hooks {
  read?: (container: string, id: string) => Promise<void> | void;
  create?: (container: string, doc: Doc) => Promise<void> | void;
  replace?: (container: string, doc: Doc) => Promise<void> | void;
  delete?: (container: string, id: string) => Promise<void> | void;
}

/** The real store behind hooks the test sets (every call goes on to the store unless a hook throws). */
function hooked(inner: EmbeddedStore, hooks: Hooks): Store {
  return {
    kind: inner.kind,
    stats: inner.stats,
    init: () => inner.init(),
    ping: () => inner.ping(),
    close: () => inner.close(),
    async read<T extends Doc>(container: string, partitionKey: string, id: string): Promise<Stored<T> | undefined> {
      await hooks.read?.(container, id);
      return inner.read<T>(container, partitionKey, id);
    },
    async create<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
      await hooks.create?.(container, doc);
      return inner.create(container, doc);
    },
    async replace<T extends Doc>(container: string, doc: T, etag: string): Promise<Stored<T>> {
      await hooks.replace?.(container, doc);
      return inner.replace(container, doc, etag);
    },
    upsert: <T extends Doc>(container: string, doc: T) => inner.upsert(container, doc),
    async delete(container: string, partitionKey: string, id: string, etag?: string): Promise<boolean> {
      await hooks.delete?.(container, id);
      return inner.delete(container, partitionKey, id, etag);
    },
    query: <T extends Doc>(container: string, query: Query) => inner.query<T>(container, query),
  };
}

/** A hook that runs its body the first time only (the body may call back into the store). */
function once<A extends unknown[]>(when: (...args: A) => boolean, body: () => Promise<void> | void): (...args: A) => Promise<void> {
  let done = false;
  return async (...args: A) => {
    if (done || !when(...args)) return;
    done = true;
    await body();
  };
}

describe('AuditLog at its edges', () => {
  let store: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let hooks: Hooks;
  let shared: Store;

  beforeEach(async () => {
    ({ store, dispose } = await tempStore());
    clock = new TestClock(START);
    hooks = {};
    shared = hooked(store, hooks);
  });
  afterEach(() => dispose());

  const logAs = (instanceId: string, over: Store = shared) => new AuditLog(over, clock, UNCONFIGURED_SEAL_KEY, instanceId);
  const pending = async (tenantId = TENANT): Promise<RecordedEntry[]> =>
    store.query<RecordedEntry>('log', { partitionKey: tenantId, where: [{ field: 'recorded', op: '=', value: true }] });
  const chain = async (tenantId = TENANT): Promise<LogEntry[]> =>
    store.query<LogEntry>('log', { partitionKey: tenantId, where: [{ field: 'seq', op: '>', value: 0 }], orderBy: [{ field: 'seq', direction: 'asc' }] });
  const sealedIds = async (): Promise<string[]> => (await chain()).map((e) => e.entity.id);
  const lease = () => store.read<{ id: string; owner: string; until: string }>('counters', TENANT, 'log-sealer');
  const holdLease = (owner: string, until: string) => store.upsert('counters', { id: 'log-sealer', tenantId: TENANT, owner, until });
  const anchor = () => store.read<{ id: string; seq: number; hash: string }>('counters', TENANT, 'log-anchor');
  /** Seals until nothing is left recorded (a round may leave entries for the next one), at most five rounds. */
  const sealAll = async (log: AuditLog): Promise<void> => {
    for (let round = 0; round < 5 && (await pending()).length; round++) await log.seal(TENANT);
  };

  describe('the values other code relies on', () => {
    it('logs the bot\'s own actions as "system", named Safeguarding bot, with no roles and no tenant of its own', () => {
      expect(SYSTEM_ACTOR).toEqual({ tenantId: '', aadObjectId: 'system', name: 'Safeguarding bot', roles: [] });
    });

    it('links the first entry to sixty-four zeros', async () => {
      const first = await logAs('log-a').append(PATTI, TENANT, change('T-1'));
      expect(first.prevHash).toBe('0000000000000000000000000000000000000000000000000000000000000000');
      expect(GENESIS_HASH).toBe(first.prevHash);
    });

    it('seals with the named test key when built without one', async () => {
      await new AuditLog(store, clock).append(PATTI, TENANT, change('T-1'));
      expect(await new AuditLog(store, clock, 'unconfigured-log-seal-key-for-tests-only').verify(TENANT)).toEqual({ ok: true, entries: 1 });
      expect(await new AuditLog(store, clock, 'another-key-of-at-least-thirty-two-chars').verify(TENANT)).toMatchObject({ ok: false, brokenAt: 1 });
    });
  });

  describe('record', () => {
    it('only records: the entry waits, unsealed, as p-<key>', async () => {
      const recorded = await logAs('log-a').record(PATTI, TENANT, change('T-1'), 'k1');
      expect(recorded).toMatchObject({ id: 'p-k1', recorded: true, recordedAt: START, at: START, prevHash: GENESIS_HASH });
      expect((await pending()).map((p) => p.id)).toEqual(['p-k1']);
      expect(await chain()).toEqual([]);
    });

    it('stores one entry for a key recorded twice, and answers the second time too', async () => {
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      clock.advance(1000);
      const again = await log.record(PATTI, TENANT, change('T-1'), 'k1');
      expect(again).toMatchObject({ id: 'p-k1', action: 'test.changed', entity: { type: 'test', id: 'T-1' } });
      expect(await pending()).toHaveLength(1);
      await log.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1']);
    });

    it('keeps no before or after field for a change that has none, recorded or sealed', async () => {
      const log = logAs('log-a');
      const recorded = await log.record(PATTI, TENANT, change('T-1'), 'k1');
      expect(Object.keys(recorded)).not.toContain('before');
      expect(Object.keys(recorded)).not.toContain('after');
      const sealed = await log.append(PATTI, TENANT, change('T-2'));
      expect(Object.keys(sealed)).not.toContain('before');
      expect(Object.keys(sealed)).not.toContain('after');
    });

    it.each([
      ['a store failure', new Error('disk full')],
      ['a conflict other than "the id exists"', new StoreConflict('stale', 'log', 'p-k1')],
    ])('passes on %s instead of taking it for a repeat', async (_what, failure) => {
      hooks.create = (container, doc) => {
        if (container === 'log' && doc.id.startsWith('p-')) throw failure;
      };
      await expect(logAs('log-a').record(PATTI, TENANT, change('T-1'), 'k1')).rejects.toBe(failure);
    });
  });

  describe('tenantsWithRecorded', () => {
    it('lists each tenant with entries waiting once, the longest waiting first, and none whose entries are all sealed', async () => {
      const log = logAs('log-a');
      await log.append({ ...PATTI, tenantId: 'tenant-a' }, 'tenant-a', change('A-0')); // tenant-a's partition is the oldest
      await log.append({ ...PATTI, tenantId: 'tenant-c' }, 'tenant-c', change('C-0'));
      clock.advance(1000);
      await log.record({ ...PATTI, tenantId: 'tenant-b' }, 'tenant-b', change('B-1'), 'b1');
      clock.advance(1000);
      await log.record({ ...PATTI, tenantId: 'tenant-a' }, 'tenant-a', change('A-1'), 'a1');
      clock.advance(1000);
      await log.record({ ...PATTI, tenantId: 'tenant-b' }, 'tenant-b', change('B-2'), 'b2');
      expect(await log.tenantsWithRecorded()).toEqual(['tenant-b', 'tenant-a']);
      expect(await log.tenantsWithRecorded(1)).toEqual(['tenant-b']);
    });
  });

  describe('the sealer lease', () => {
    const until = (ms: number) => new Date(new Date(START).getTime() + ms).toISOString();

    it('does not seal while another instance holds a lease that has not run out', async () => {
      await holdLease('log-other', until(1));
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      await log.seal(TENANT);
      expect((await pending()).map((p) => p.id)).toEqual(['p-k1']);
      expect(await chain()).toEqual([]);
    });

    it('takes over a lease at the instant it runs out', async () => {
      await holdLease('log-other', START);
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      await log.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1']);
    });

    it('takes back its own lease that has not run out (a restart with the same name)', async () => {
      await holdLease('log-a', until(10_000));
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      await log.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1']);
    });

    it('releases the lease after a round (no owner, no end), so another instance seals at once', async () => {
      await logAs('log-a').append(PATTI, TENANT, change('T-1'));
      expect(await lease()).toMatchObject({ owner: '', until: '' });
      const other = logAs('log-b');
      await other.record(PATTI, TENANT, change('T-2'), 'k2');
      await other.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1', 'T-2']);
    });

    it('holds the lease through its round: another instance (both built without a name) that seals meanwhile seals nothing', async () => {
      const first = new AuditLog(shared, clock);
      const second = new AuditLog(shared, clock);
      let waitingWhileHeld: string[] = [];
      hooks.create = once(
        (container, doc) => container === 'log' && doc.id.startsWith('e-'),
        async () => {
          clock.advance(14_999); // the first one's lease has a millisecond to run
          await second.record(PATTI, TENANT, change('T-2'), 'k2');
          await second.seal(TENANT);
          waitingWhileHeld = (await pending()).map((p) => p.id);
        },
      );
      await first.record(PATTI, TENANT, change('T-1'), 'k1');
      await first.seal(TENANT);
      expect(waitingWhileHeld).toEqual(['p-k1', 'p-k2']);
      expect(await sealedIds()).toEqual(['T-1']);
      expect((await pending()).map((p) => p.id)).toEqual(['p-k2']);
    });

    it('releases only its own lease: one another instance took over meanwhile stays that instance\'s', async () => {
      hooks.create = once(
        (container, doc) => container === 'log' && doc.id.startsWith('e-'),
        async () => {
          await holdLease('log-b', until(30_000));
        },
      );
      await logAs('log-a').append(PATTI, TENANT, change('T-1'));
      expect(await lease()).toMatchObject({ owner: 'log-b', until: until(30_000) });
    });

    it('finishes its round when the lease document is gone by the end of it', async () => {
      hooks.create = once(
        (container, doc) => container === 'log' && doc.id.startsWith('e-'),
        async () => {
          await store.delete('counters', TENANT, 'log-sealer');
        },
      );
      await expect(logAs('log-a').append(PATTI, TENANT, change('T-1'))).resolves.toMatchObject({ seq: 1 });
    });

    it('seals nothing, and does not fail, when it keeps losing the race for the lease', async () => {
      const lost = (container: string, doc: Doc) => {
        if (container === 'counters' && doc.id === 'log-sealer') throw new StoreConflict('stale', container, doc.id);
      };
      hooks.create = lost;
      hooks.replace = lost;
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      await expect(log.seal(TENANT)).resolves.toBeUndefined();
      expect((await pending()).map((p) => p.id)).toEqual(['p-k1']);
    });

    it('passes on a store failure while claiming the lease', async () => {
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      hooks.read = (container, id) => {
        if (container === 'counters' && id === 'log-sealer') throw new Error('store down');
      };
      await expect(log.seal(TENANT)).rejects.toThrow('store down');
    });
  });

  describe('sealing rounds', () => {
    it('answers a seal asked for while a round runs with that round', async () => {
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      const running = log.seal(TENANT);
      expect(log.seal(TENANT)).toBe(running);
      await running;
      expect(await sealedIds()).toEqual(['T-1']);
    });

    it('runs one more round for an entry recorded while a round runs', async () => {
      const log = logAs('log-a');
      hooks.create = once(
        (container, doc) => container === 'log' && doc.id.startsWith('e-'),
        async () => {
          await log.record(PATTI, TENANT, change('T-2'), 'k2');
          void log.seal(TENANT);
        },
      );
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      await log.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1', 'T-2']);
      expect(await pending()).toEqual([]);
    });

    it('deletes, and never seals twice, an entry recorded again after it was sealed (the newest, or an older one)', async () => {
      const log = logAs('log-a');
      await log.append(PATTI, TENANT, change('T-1'), 'k1');
      await log.append(PATTI, TENANT, change('T-2'), 'k2');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      await log.record(PATTI, TENANT, change('T-2'), 'k2');
      await log.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1', 'T-2']);
      expect(await pending()).toEqual([]);
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 2 });
    });

    it('stops without failing when another sealer took its next position (its lease ran out mid-round)', async () => {
      const mine = logAs('log-a');
      const other = logAs('log-b');
      hooks.create = once(
        (container, doc) => container === 'log' && doc.id.startsWith('e-'),
        async () => {
          clock.advance(15_000);
          await other.seal(TENANT);
        },
      );
      await mine.record(PATTI, TENANT, change('T-1'), 'k1');
      await mine.record(PATTI, TENANT, change('T-2'), 'k2');
      await expect(mine.seal(TENANT)).resolves.toBeUndefined();
      expect(await sealedIds()).toEqual(['T-1', 'T-2']);
      expect(await mine.verify(TENANT)).toEqual({ ok: true, entries: 2 });
    });

    it.each([
      ['a store failure', new Error('disk full')],
      ['a conflict other than "the position is taken"', new StoreConflict('stale', 'log', 'e-000000000001')],
    ])('passes on %s while sealing, and leaves the entry recorded', async (_what, failure) => {
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k1');
      hooks.create = (container, doc) => {
        if (container === 'log' && doc.id.startsWith('e-')) throw failure;
      };
      await expect(log.seal(TENANT)).rejects.toBe(failure);
      expect((await pending()).map((p) => p.id)).toEqual(['p-k1']);
      expect(await lease()).toMatchObject({ owner: '' });
    });

    it('never moves the head record back: a sealer that lost its lease mid-round leaves the newer head, so a cut tail is still caught', async () => {
      const mine = logAs('log-a');
      const other = logAs('log-b');
      hooks.delete = once(
        (container, id) => container === 'log' && id === 'p-k1',
        async () => {
          clock.advance(15_000);
          await other.seal(TENANT); // seals T-2 as entry 2 and moves the head record to 2
        },
      );
      await mine.record(PATTI, TENANT, change('T-1'), 'k1');
      await mine.record(PATTI, TENANT, change('T-2'), 'k2');
      await mine.seal(TENANT);
      expect(await sealedIds()).toEqual(['T-1', 'T-2']);
      expect(await anchor()).toMatchObject({ seq: 2 });
      await store.delete('log', TENANT, 'e-000000000002');
      expect(await mine.verify(TENANT)).toEqual({
        ok: false,
        entries: 1,
        brokenAt: 2,
        reason: "entries 2 to 2 are missing from the end (the log's head record says 2 were written)",
      });
    });
  });

  describe('the seal order', () => {
    it('seals entries of one instant in the order each instance recorded them, then by id', async () => {
      const a = logAs('log-a');
      const b = logAs('log-b');
      // Written z1, a1, a2, z2: each instance's first, then each one's second; the id breaks the tie, whichever was written first.
      await a.record(PATTI, TENANT, change('Z-1'), 'z1');
      await b.record(PATTI, TENANT, change('A-1'), 'a1');
      await b.record(PATTI, TENANT, change('A-2'), 'a2');
      await a.record(PATTI, TENANT, change('Z-2'), 'z2');
      await a.seal(TENANT);
      expect(await sealedIds()).toEqual(['A-1', 'Z-1', 'A-2', 'Z-2']);
    });

    it('seals the earlier instant first, whichever instance recorded more before it', async () => {
      const a = logAs('log-a');
      const b = logAs('log-b');
      for (let i = 1; i <= 3; i++) await b.record(PATTI, TENANT, change(`B-${i}`), `b${i}`); // b's 1st to 3rd, at START
      clock.advance(1);
      await a.record(PATTI, TENANT, change('A-1'), 'a1'); // a's 1st, a millisecond later
      clock.advance(1);
      await b.record(PATTI, TENANT, change('B-4'), 'b4');
      await a.seal(TENANT);
      expect(await sealedIds()).toEqual(['B-1', 'B-2', 'B-3', 'A-1', 'B-4']);
    });

    it('seals more than a page of entries sharing one instant in one round, in the order recorded', async () => {
      const log = logAs('log-a');
      for (let i = 1; i <= 201; i++) await log.record(PATTI, TENANT, change(`T-${i}`), `k${String(i).padStart(3, '0')}`);
      await log.seal(TENANT);
      expect(await pending()).toEqual([]);
      expect(await sealedIds()).toEqual(Array.from({ length: 201 }, (_, i) => `T-${i + 1}`));
    });

    it('leaves the instant a page ends in for a later page, so an entry of that instant past the page still goes first by its order', async () => {
      const a = logAs('log-a');
      const b = logAs('log-b');
      for (let i = 1; i <= 199; i++) await a.record(PATTI, TENANT, change(`T-${i}`), `t${String(i).padStart(3, '0')}`);
      clock.advance(1000);
      await a.record(PATTI, TENANT, change('Z'), 'z'); // a's 200th: the last on the first page
      await b.record(PATTI, TENANT, change('A'), 'a'); // b's 1st, the same instant, just past the page
      await sealAll(a);
      const ids = await sealedIds();
      expect(ids).toHaveLength(201);
      expect(ids.slice(198)).toEqual(['T-199', 'A', 'Z']);
    });

    it('carries on past a page cut short at its last instant, in the same round', async () => {
      const log = logAs('log-a');
      for (let i = 1; i <= 199; i++) await log.record(PATTI, TENANT, change(`T-${i}`), `t${String(i).padStart(3, '0')}`);
      clock.advance(1000);
      for (let i = 1; i <= 5; i++) await log.record(PATTI, TENANT, change(`U-${i}`), `u${i}`);
      // The first page is 199 of the first instant and 1 of the second, cut back to the 199: the round goes on to the rest.
      await log.seal(TENANT);
      expect(await pending()).toEqual([]);
      const ids = await sealedIds();
      expect(ids).toHaveLength(204);
      expect(ids.slice(199)).toEqual(['U-1', 'U-2', 'U-3', 'U-4', 'U-5']);
    });

    it('seals by recorded instant across pages, even when an instance whose clock is behind recorded last', async () => {
      const ahead = logAs('log-a');
      for (let i = 1; i <= 200; i++) await ahead.record(PATTI, TENANT, change(`T-${i}`), `t${String(i).padStart(3, '0')}`);
      const behind = new AuditLog(shared, new TestClock('2026-03-02T09:59:59.000Z'), UNCONFIGURED_SEAL_KEY, 'log-b');
      await behind.record(PATTI, TENANT, change('EARLY'), 'early');
      await sealAll(ahead);
      const ids = await sealedIds();
      expect(ids).toHaveLength(201);
      expect(ids.slice(0, 2)).toEqual(['EARLY', 'T-1']);
    });
  });

  describe('verify and entries not yet sealed', () => {
    /** Two sealed entries, then another instance holds the lease while two more are recorded. */
    const twoSealedTwoWaiting = async (): Promise<AuditLog> => {
      const log = logAs('log-a');
      await log.append(PATTI, TENANT, change('T-1'));
      await log.append(PATTI, TENANT, change('T-2'));
      await holdLease('log-other', new Date(new Date(START).getTime() + 60_000).toISOString());
      await log.record(PATTI, TENANT, change('T-3', { before: 'old', after: 'new' }), 'k3');
      await log.record(PATTI, TENANT, change('T-4'), 'k4');
      return log;
    };
    const alter = async (id: string, edit: (doc: Stored<RecordedEntry>) => Doc): Promise<void> => {
      const doc = (await store.read<RecordedEntry>('log', TENANT, id))!;
      await store.replace('log', edit(doc), doc._etag);
    };

    it('counts the entries waiting to be sealed, each checked against its own hash', async () => {
      const log = await twoSealedTwoWaiting();
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 2, pending: 2 });
    });

    it.each([
      ['after', (d: RecordedEntry) => ({ ...d, after: 'forged' })],
      ['before', (d: RecordedEntry) => ({ ...d, before: 'forged' })],
      ['action', (d: RecordedEntry) => ({ ...d, action: 'test.forged' })],
      ['actor', (d: RecordedEntry) => ({ ...d, actor: { ...d.actor, roles: ['chair'] } })],
    ])('names a waiting entry whose %s was altered', async (_what, edit) => {
      const log = await twoSealedTwoWaiting();
      await alter('p-k3', edit);
      expect(await log.verify(TENANT)).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: 'the recorded entry p-k3 (not yet sealed) was altered after it was written' });
    });

    it.each([
      ['a before', (d: RecordedEntry) => ({ ...d, before: 'added' })],
      ['an after', (d: RecordedEntry) => ({ ...d, after: 'added' })],
    ])('names a waiting entry given %s it was recorded without', async (_what, edit) => {
      const log = await twoSealedTwoWaiting();
      await alter('p-k4', edit);
      expect(await log.verify(TENANT)).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: 'the recorded entry p-k4 (not yet sealed) was altered after it was written' });
    });
  });

  describe('verify and the head record', () => {
    const threeEntries = async (): Promise<AuditLog> => {
      const log = logAs('log-a');
      for (let i = 1; i <= 3; i++) await log.append(PATTI, TENANT, change(`T-${i}`));
      return log;
    };

    it('accepts a head record one entry behind (a crash before it moved)', async () => {
      const log = await threeEntries();
      const [, second] = await chain();
      const head = (await anchor())!;
      await store.replace('counters', { ...head, seq: 2, hash: second.hash }, head._etag);
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 3 });
    });

    it('names the newest entry when the head record at its position holds another hash', async () => {
      const log = await threeEntries();
      const head = (await anchor())!;
      await store.replace('counters', { ...head, hash: 'f'.repeat(64) }, head._etag);
      expect(await log.verify(TENANT)).toEqual({ ok: false, entries: 3, brokenAt: 3, reason: "entry 3 does not match the log's head record" });
    });
  });

  describe('CSV export of what an entry may lack or hold several of', () => {
    it('joins several roles with a space, and leaves before and after empty for a change without them', async () => {
      const log = logAs('log-a');
      await log.append({ ...PATTI, roles: ['chair', 'business'] }, TENANT, change('T-1'));
      const [, row] = (await log.exportCsv(TENANT)).slice(1).split('\r\n');
      const cells = row.split(',');
      expect(cells[4]).toBe('chair business');
      expect(cells.slice(8, 11)).toEqual(['', '', '']);
    });
  });

  describe('sealSoon gathers a burst into one round', () => {
    afterEach(() => jest.useRealTimers());
    /** Lease writes: each round claims the lease and gives it back (two writes). */
    const leaseWrites = (): (() => number) => {
      let writes = 0;
      hooks.replace = (container, doc) => void (container === 'counters' && doc.id === 'log-sealer' && (writes += 1));
      hooks.create = (container, doc) => void (container === 'counters' && doc.id === 'log-sealer' && (writes += 1));
      return () => writes;
    };

    it('entries recorded within SEAL_GATHER_MS of the first are sealed by one round, in order, with nobody asking', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const log = logAs('log-a');
      const writes = leaseWrites();
      for (const id of ['T-1', 'T-2', 'T-3']) {
        await log.record(PATTI, TENANT, change(id), `k-${id}`);
        log.sealSoon(TENANT);
      }
      await jest.advanceTimersByTimeAsync(SEAL_GATHER_MS - 1);
      expect(await chain()).toEqual([]); // still gathering
      expect(writes()).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      await log.seal(TENANT); // joins the round the timer started (and runs one more, which finds nothing)
      expect(await sealedIds()).toEqual(['T-1', 'T-2', 'T-3']);
      expect(await pending()).toEqual([]);
      // one round for the burst, one for the seal() above: never one per entry
      expect(writes()).toBe(4);
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 3 });
    });

    it('sealGathered (shutdown) seals what was gathering at once, and no round is left waiting', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const log = logAs('log-a');
      const writes = leaseWrites();
      await log.record(PATTI, TENANT, change('T-1'), 'k-1');
      log.sealSoon(TENANT);
      await log.sealGathered();
      expect(await sealedIds()).toEqual(['T-1']);
      expect(writes()).toBe(2); // one round
      expect(jest.getTimerCount()).toBe(0);
      await log.sealGathered(); // nothing gathering: nothing to do
      expect(writes()).toBe(2);
    });

    it('a read does not wait for the gathering: recent and all seal what was recorded before answering', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const log = logAs('log-a');
      await log.record(PATTI, TENANT, change('T-1'), 'k-1');
      log.sealSoon(TENANT);
      expect((await log.recent(TENANT)).map((e) => e.entity.id)).toEqual(['T-1']);
      await log.record(PATTI, TENANT, change('T-2'), 'k-2');
      log.sealSoon(TENANT);
      const all: string[] = [];
      for await (const e of log.all(TENANT)) all.push(e.entity.id);
      expect(all).toEqual(['T-1', 'T-2']);
      await jest.advanceTimersByTimeAsync(SEAL_GATHER_MS); // the waiting round finds nothing left, and breaks nothing
      await log.seal(TENANT);
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 2 });
    });
  });

  describe('append when the entry cannot be sealed at once', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['Date', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    /** Lets the promise chain run (no timers) until append is waiting on its 100 ms timer or has settled. */
    const untilWaitingOrSettled = async (settled: () => boolean): Promise<void> => {
      for (let i = 0; i < 10_000 && !settled() && jest.getTimerCount() === 0; i++) await Promise.resolve();
    };

    it('waits while another instance holds the lease, and seals the entry once the lease runs out', async () => {
      await holdLease('log-other', new Date(new Date(START).getTime() + 15_000).toISOString());
      const log = logAs('log-a');
      let settled = false;
      const appended = log.append(PATTI, TENANT, change('T-1')).finally(() => (settled = true));
      await untilWaitingOrSettled(() => settled);
      expect(settled).toBe(false);
      expect(await chain()).toEqual([]);
      clock.advance(15_000);
      await jest.advanceTimersByTimeAsync(100);
      await expect(appended).resolves.toMatchObject({ seq: 1, entity: { id: 'T-1' } });
    });

    it('gives up after 100 tries 100 ms apart (ten seconds), saying the entry is recorded and will be sealed', async () => {
      await holdLease('log-other', '2026-03-03T10:00:00.000Z');
      const log = logAs('log-a');
      let settled = false;
      let failure: unknown;
      void log.append(PATTI, TENANT, change('T-1')).then(
        () => (settled = true),
        (err: unknown) => ((failure = err), (settled = true)),
      );
      await untilWaitingOrSettled(() => settled);
      await jest.advanceTimersByTimeAsync(9_999);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      for (let i = 0; i < 1000 && !settled; i++) await Promise.resolve();
      expect(failure).toEqual(new Error('The log is too busy to seal the entry now; it is recorded and will be sealed'));
      expect((await pending()).map((p) => p.entity.id)).toEqual(['T-1']);
    });
  });
});
