import * as fs from 'node:fs';
import { Directory, DirectorySeed } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import type { Dispute } from '../../services/disputes/dispute';
import { DISPUTE_EFFECTS, DisputesService } from '../../services/disputes/disputes-service';
import { AuditLog, LogEntry, RecordedEntry, UNCONFIGURED_SEAL_KEY } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import { Outbox, OutboxFields } from '../../services/outbox/outbox';
import { parseConfig } from '../../services/config';
import { References } from '../../services/refs';
import { RemindersService } from '../../services/reminders/reminders-service';
import { CONTAINERS, OUTBOX_CONTAINERS } from '../../services/store/containers';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import type { Doc, Store, Stored } from '../../services/store/port';
import { CalendarTime } from '../../services/time';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const T = 'tenant-outbox';
const PATTI = '00000000-0000-0000-0000-0000000000024';
const MEGAN = '00000000-0000-0000-0000-0000000000021';

/** The real embedded store, with writes to one container refused while `refuse` is set (a database that says no). */
function refusingStore(inner: Store, container: string): { store: Store; refuse: { on: boolean } } {
  const refuse = { on: false };
  const guard = (name: string): void => {
    if (refuse.on && name === container) throw new Error(`write to ${name} refused`);
  };
  const store: Store = Object.create(inner) as Store;
  store.create = async <D extends Doc>(name: string, doc: D) => (guard(name), inner.create(name, doc));
  store.replace = async <D extends Doc>(name: string, doc: D, etag: string) => (guard(name), inner.replace(name, doc, etag));
  store.delete = async (name: string, pk: string, id: string, etag?: string) => (guard(name), inner.delete(name, pk, id, etag));
  return { store, refuse };
}

describe('the transactional outbox', () => {
  let embedded: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let store: Store;
  let refuse: { on: boolean };
  let patti: Actor;
  let form = 0;

  /** One bot instance: its own log, reminders, outbox and disputes service over the shared store. */
  const instance = (instanceId: string) => {
    const time = new CalendarTime('Europe/London');
    const config = parseConfig({});
    const log = new AuditLog(store, clock, UNCONFIGURED_SEAL_KEY, instanceId);
    const reminders = new RemindersService(store, log, clock, time, config.reminders);
    const outbox = new Outbox({ store, clock, log, reminders, logger: silentLogger }, OUTBOX_CONTAINERS, { instanceId, leaseMs: 30_000 });
    const announced: string[] = [];
    outbox.registerHandler(DISPUTE_EFFECTS.announce, async (_tenantId, data, progress) => {
      for (const target of ['board-channel', 'megan', 'isaiah']) {
        if (progress.has(target)) continue;
        if (target === failAt.target && failAt.times > 0) {
          failAt.times -= 1;
          throw new Error(`Teams refused the post to ${target}`);
        }
        announced.push(`${String(data.disputeId)}→${target}`);
        await progress.mark(target);
      }
    });
    const disputes = new DisputesService(store, log, clock, time, new Directory(store, log, clock), new References(store), outbox, config.domain);
    return { log, reminders, outbox, disputes, announced };
  };
  let failAt: { target: string; times: number };

  const raise = (d: DisputesService) =>
    d.raise(patti, { formId: `form-${String(++form).padStart(6, '0')}`, parties: [`p:${MEGAN}`, 'o:Warwickshire Police'], subject: 'Thresholds', determinedOn: '2026-03-10' });
  const stored = async (id: string) => (await embedded.read<Dispute & OutboxFields>(CONTAINERS.disputes.name, T, id))!;
  const entries = async (log: AuditLog): Promise<LogEntry[]> => {
    const all: LogEntry[] = [];
    for await (const e of log.all(T)) all.push(e);
    return all;
  };

  beforeEach(async () => {
    ({ store: embedded, dispose } = await tempStore());
    ({ store, refuse } = refusingStore(embedded, CONTAINERS.log.name));
    clock = new TestClock('2026-03-10T10:00:00Z');
    failAt = { target: '', times: 0 };
    const seedLog = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'seed');
    const directory = new Directory(embedded, seedLog, clock);
    await directory.seedIfEmpty(T, JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed);
    const p = (await directory.get(T, PATTI))!;
    patti = { tenantId: T, aadObjectId: PATTI, name: p.name, roles: p.roles };
  });
  afterEach(() => dispose());

  it('carries out every effect of a change once, and removes them from the document', async () => {
    const a = instance('a');
    const { dispute } = await raise(a.disputes);
    const doc = await stored(dispute.id);
    expect(doc.outbox).toBeUndefined();
    expect(doc.outboxDueAt).toBeUndefined();
    expect((await entries(a.log)).filter((e) => e.action === 'dispute.raised')).toHaveLength(1);
    expect(a.announced).toEqual([`${dispute.id}→board-channel`, `${dispute.id}→megan`, `${dispute.id}→isaiah`]);
    expect((await a.reminders.pendingFor(T, dispute.id)).length).toBeGreaterThan(0);
    // Nothing is left for a later pass.
    clock.advance(3_600_000);
    expect(await a.outbox.tick()).toBe(0);
    expect(a.announced).toHaveLength(3);
  });

  it('settles a change with the document it just wrote (no read back), and reads again only when the document changed meanwhile', async () => {
    const a = instance('a');
    const reads: string[] = [];
    const read = embedded.read.bind(embedded);
    embedded.read = (async (container: string, pk: string, id: string) => {
      if (container === CONTAINERS.disputes.name) reads.push(id);
      return read(container, pk, id);
    });
    const change = (id: string) =>
      a.outbox.stage(undefined, { id, tenantId: T, note: 'a change' }, `${id}.v1`, [{ kind: 'log', actor: patti, input: { action: 'test.changed', entity: { type: 'test', id } } }]);

    const quiet = await store.create(CONTAINERS.disputes.name, change('quiet'));
    await a.outbox.deliver(CONTAINERS.disputes.name, quiet);
    expect(reads).toEqual([]);
    expect((await stored('quiet')).outbox).toBeUndefined();
    reads.length = 0;

    // Another write lands between this instance's write and its settling: the stale ETag sends it back to read.
    const busy = await store.create(CONTAINERS.disputes.name, change('busy'));
    await embedded.replace(CONTAINERS.disputes.name, { ...(await read<Doc & OutboxFields>(CONTAINERS.disputes.name, T, 'busy'))!, note: 'changed meanwhile' }, busy._etag);
    await a.outbox.deliver(CONTAINERS.disputes.name, busy);
    expect(reads).toEqual(['busy']);
    const after = await stored('busy');
    expect(after.outbox).toBeUndefined();
    expect((after as unknown as { note: string }).note).toBe('changed meanwhile');
    await a.log.seal(T);
    expect((await entries(a.log)).filter((e) => e.action === 'test.changed').map((e) => e.entity.id).sort()).toEqual(['busy', 'quiet']);
  });

  it('keeps a change whose log write is refused, with its effects, and logs it once when the log takes writes again', async () => {
    const a = instance('a');
    refuse.on = true;
    const { dispute, created } = await raise(a.disputes);
    expect(created).toBe(true);
    const doc = await stored(dispute.id);
    // The state and its pending effects were one write: the log entry and the reminders wait in the dispute.
    expect(doc.outbox?.[0].kind).toBe('log');
    expect(new Set(doc.outbox?.map((e) => e.kind))).toEqual(new Set(['log', 'schedule']));
    expect(await a.reminders.pendingFor(T, dispute.id)).toHaveLength(0); // ordered after the refused log entry
    expect(a.announced).toHaveLength(3); // a post does not wait for the log
    expect((await a.log.verify(T)).ok).toBe(true);

    refuse.on = false;
    clock.advance(60_000);
    expect(await a.outbox.tick()).toBe(1);
    clock.advance(3_600_000);
    await a.outbox.tick();
    const raised = (await entries(a.log)).filter((e) => e.action === 'dispute.raised');
    expect(raised).toHaveLength(1);
    expect(raised[0].at).toBe('2026-03-10T10:01:00.000Z');
    expect((await a.reminders.pendingFor(T, dispute.id)).length).toBeGreaterThan(0);
    expect(a.announced).toHaveLength(3);
    expect((await stored(dispute.id)).outbox).toBeUndefined();
    expect(await a.log.verify(T)).toMatchObject({ ok: true });
  });

  it('leaves effects held by a live lease alone, and lets another instance take them over once it expires', async () => {
    const a = instance('a');
    const b = instance('b');
    // Instance a is killed right after its state write: the dispute holds its effects under a's lease.
    const dispute = { id: 'd-crashed-0001', tenantId: T, ref: 'D-99', version: 1 };
    const entity = { type: 'dispute', id: dispute.id, ref: dispute.ref };
    await store.create(
      CONTAINERS.disputes.name,
      a.outbox.stage(undefined, dispute, `${dispute.id}.v1`, [
        { kind: 'log', actor: patti, input: { action: 'dispute.raised', entity, after: 'raised just before a crash' } },
        { kind: 'handler', handler: DISPUTE_EFFECTS.announce, tenantId: T, data: { disputeId: dispute.id } },
      ]),
    );
    clock.advance(29_000);
    expect(await b.outbox.tick()).toBe(0);
    clock.advance(2_000);
    expect(await b.outbox.tick()).toBe(1);
    clock.advance(60_000);
    expect(await a.outbox.tick()).toBe(0);
    expect(await b.outbox.tick()).toBe(0);
    expect(b.announced).toEqual([`${dispute.id}→board-channel`, `${dispute.id}→megan`, `${dispute.id}→isaiah`]);
    expect(a.announced).toEqual([]);
    expect((await entries(b.log)).filter((e) => e.action === 'dispute.raised').map((e) => e.entity.id)).toEqual([dispute.id]);
    expect((await stored(dispute.id)).outbox).toBeUndefined();
  });

  it('remembers each target a fan-out reached, so a retry posts only the ones still missing', async () => {
    const a = instance('a');
    failAt = { target: 'isaiah', times: 2 };
    const { dispute } = await raise(a.disputes);
    expect(a.announced).toEqual([`${dispute.id}→board-channel`, `${dispute.id}→megan`]);
    expect((await stored(dispute.id)).outbox?.[0].done).toEqual(['board-channel', 'megan']);
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * 60_000);
      await a.outbox.tick();
    }
    expect(a.announced).toEqual([`${dispute.id}→board-channel`, `${dispute.id}→megan`, `${dispute.id}→isaiah`]);
    expect((await stored(dispute.id)).outbox).toBeUndefined();
  });

  it('records a log entry once however often its effect is retried', async () => {
    const a = instance('a');
    await a.log.record(patti, T, { action: 'test.once', entity: { type: 'test', id: 'x' } }, 'effect-1');
    await a.log.record(patti, T, { action: 'test.once', entity: { type: 'test', id: 'x' } }, 'effect-1');
    await a.log.seal(T);
    // The effect retried after its entry was sealed (the relay died before removing it).
    await a.log.record(patti, T, { action: 'test.once', entity: { type: 'test', id: 'x' } }, 'effect-1');
    await a.log.record(patti, T, { action: 'test.once', entity: { type: 'test', id: 'x' } }, 'effect-2');
    await a.log.seal(T);
    expect((await entries(a.log)).filter((e) => e.action === 'test.once').map((e) => e.source)).toEqual(['p-effect-1', 'p-effect-2']);
  });
});

describe('sealing the log', () => {
  let embedded: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  const who: Actor = { tenantId: T, aadObjectId: PATTI, name: 'Patti Fernandez', roles: ['business'] };

  beforeEach(async () => {
    ({ store: embedded, dispose } = await tempStore());
    clock = new TestClock('2026-03-10T10:00:00Z');
  });
  afterEach(() => dispose());

  it('seals recorded entries in the order they were recorded, whichever instance seals them', async () => {
    const a = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'a');
    const b = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'b');
    for (let i = 1; i <= 5; i++) {
      await (i % 2 ? a : b).record(who, T, { action: 'test.step', entity: { type: 'test', id: `S-${i}` } }, `k-${i}`);
      clock.advance(1000);
    }
    await b.seal(T);
    const sealed: LogEntry[] = [];
    for await (const e of a.all(T)) sealed.push(e);
    expect(sealed.map((e) => [e.seq, e.entity.id])).toEqual([1, 2, 3, 4, 5].map((n) => [n, `S-${n}`]));
    expect(await a.verify(T)).toEqual({ ok: true, entries: 5 });
  });

  it('does not seal while another instance holds the lease, and verify still checks the entries waiting', async () => {
    const a = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'a');
    const b = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'b');
    await embedded.create(CONTAINERS.counters.name, { id: 'log-sealer', tenantId: T, owner: 'b', until: '2026-03-10T10:00:10.000Z' });
    await a.record(who, T, { action: 'test.waiting', entity: { type: 'test', id: 'W-1' } }, 'w-1');
    expect(await a.verify(T)).toEqual({ ok: true, entries: 0, pending: 1 });
    // An edit to a waiting entry is caught before it is sealed.
    const recorded = (await embedded.read<RecordedEntry>(CONTAINERS.log.name, T, 'p-w-1'))!;
    const { _etag, ...body } = recorded;
    await embedded.replace(CONTAINERS.log.name, { ...body, after: 'quietly changed' }, _etag);
    expect(await a.verify(T)).toMatchObject({ ok: false, reason: expect.stringMatching(/p-w-1 .*altered/) });
    await embedded.replace(CONTAINERS.log.name, body, (await embedded.read<RecordedEntry>(CONTAINERS.log.name, T, 'p-w-1'))!._etag);
    // The lease runs out (its holder died): the next sealer takes over.
    clock.advance(20_000);
    await b.seal(T);
    expect(await a.verify(T)).toEqual({ ok: true, entries: 1 });
  });

  it('lets append wait for another instance to finish its sealing round, instead of failing the caller', async () => {
    const a = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'a');
    await embedded.create(CONTAINERS.counters.name, { id: 'log-sealer', tenantId: T, owner: 'b', until: '2026-03-10T10:00:10.000Z' });
    let done = false;
    const appended = a.append(who, T, { action: 'test.waited', entity: { type: 'test', id: 'A-1' } }).finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(done).toBe(false);
    // b's round ends and releases the lease.
    const lease = (await embedded.read(CONTAINERS.counters.name, T, 'log-sealer'))!;
    await embedded.replace(CONTAINERS.counters.name, { id: 'log-sealer', tenantId: T, owner: '', until: '' }, lease._etag);
    expect(await appended).toMatchObject({ seq: 1, action: 'test.waited' });
  });

  it('never seals an entry twice when a sealer died between sealing it and removing the recorded copy', async () => {
    const a = new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'a');
    await a.record(who, T, { action: 'test.one', entity: { type: 'test', id: 'O-1' } }, 'o-1');
    const recorded = (await embedded.read<Stored<RecordedEntry>>(CONTAINERS.log.name, T, 'p-o-1'))!;
    await a.seal(T);
    // Put the recorded copy back, as if the sealer had been killed before deleting it.
    const { _etag, ...body } = recorded;
    void _etag;
    await embedded.create(CONTAINERS.log.name, body);
    await a.record(who, T, { action: 'test.two', entity: { type: 'test', id: 'O-2' } }, 'o-2');
    await new AuditLog(embedded, clock, UNCONFIGURED_SEAL_KEY, 'restarted').seal(T);
    const sealed: LogEntry[] = [];
    for await (const e of a.all(T)) sealed.push(e);
    expect(sealed.map((e) => e.action)).toEqual(['test.one', 'test.two']);
    expect(await a.verify(T)).toEqual({ ok: true, entries: 2 });
  });
});
