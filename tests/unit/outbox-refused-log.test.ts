import * as fs from 'node:fs';
import type { CaseReview } from '../../services/case-reviews/case-review';
import { CaseReviewsService } from '../../services/case-reviews/case-reviews-service';
import { parseConfig } from '../../services/config';
import { Directory, DirectorySeed, Person } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import { AuditLog, LogEntry, UNCONFIGURED_SEAL_KEY } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import { Outbox, OutboxFields } from '../../services/outbox/outbox';
import { RemindersService } from '../../services/reminders/reminders-service';
import { CONTAINERS, OUTBOX_CONTAINERS } from '../../services/store/containers';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import type { Doc, Store } from '../../services/store/port';
import { CalendarTime } from '../../services/time';
import { WorkingCalendar } from '../../services/working-days';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const T = 'tenant-refused-log';
const PATTI = '00000000-0000-0000-0000-0000000000024';
const LYNNE = '00000000-0000-0000-0000-0000000000025';

/** The real embedded store, with every write to the log refused while `refuse.on` is set (a database that says no). */
function refusingLog(inner: Store): { store: Store; refuse: { on: boolean } } {
  const refuse = { on: false };
  const guard = (name: string): void => {
    if (refuse.on && name === CONTAINERS.log.name) throw new Error('write to the log refused');
  };
  const store: Store = Object.create(inner) as Store;
  store.create = async <D extends Doc>(name: string, doc: D) => (guard(name), inner.create(name, doc));
  store.replace = async <D extends Doc>(name: string, doc: D, etag: string) => (guard(name), inner.replace(name, doc, etag));
  store.upsert = async <D extends Doc>(name: string, doc: D) => (guard(name), inner.upsert(name, doc));
  store.delete = async (name: string, pk: string, id: string, etag?: string) => (guard(name), inner.delete(name, pk, id, etag));
  return { store, refuse };
}

describe('a change whose log write is refused (directory, case reviews)', () => {
  let embedded: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let refuse: { on: boolean };
  let log: AuditLog;
  let reminders: RemindersService;
  let outbox: Outbox;
  let directory: Directory;
  let caseReviews: CaseReviewsService;
  let patti: Actor;

  const entries = async (): Promise<LogEntry[]> => {
    await log.seal(T);
    const all: LogEntry[] = [];
    for await (const e of log.all(T)) all.push(e);
    return all;
  };

  beforeEach(async () => {
    ({ store: embedded, dispose } = await tempStore());
    let store: Store;
    ({ store, refuse } = refusingLog(embedded));
    clock = new TestClock('2026-03-10T10:00:00Z');
    const config = parseConfig({});
    const time = new CalendarTime('Europe/London');
    log = new AuditLog(store, clock, UNCONFIGURED_SEAL_KEY, 'a');
    reminders = new RemindersService(store, log, clock, time, config.reminders);
    outbox = new Outbox({ store, clock, log, reminders, logger: silentLogger }, OUTBOX_CONTAINERS, { instanceId: 'a', leaseMs: 30_000 });
    directory = new Directory(store, log, clock, outbox);
    caseReviews = new CaseReviewsService(store, log, clock, time, new WorkingCalendar(), outbox, config.domain.caseReviews);
    await directory.seedIfEmpty(T, JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed);
    const p = (await directory.get(T, PATTI))!;
    patti = { tenantId: T, aadObjectId: PATTI, name: p.name, roles: p.roles };
  });
  afterEach(() => dispose());

  it('keeps a grant and its pending log entry in the person, and logs it once when the log takes writes again', async () => {
    refuse.on = true;
    expect((await directory.grant(patti, LYNNE, 'business')).roles).toEqual(['lay', 'business']);
    const doc = (await embedded.read<Person & OutboxFields>(CONTAINERS.people.name, T, LYNNE))!;
    // The role and its log entry were one write: the entry waits in the person's outbox.
    expect(doc.roles).toEqual(['lay', 'business']);
    expect(doc.outbox?.map((e) => [e.kind, e.kind === 'log' ? e.input.action : ''])).toEqual([['log', 'role.granted']]);

    refuse.on = false;
    clock.advance(60_000);
    expect(await outbox.tick()).toBe(1);
    expect(await outbox.tick()).toBe(0); // nothing left: a later pass does not log it again
    const granted = (await entries()).filter((e) => e.action === 'role.granted');
    expect(granted.map((e) => [e.entity.id, e.actor.name, e.before, e.after])).toEqual([[LYNNE, patti.name, 'lay', 'lay, business']]);
    expect((await embedded.read<Person & OutboxFields>(CONTAINERS.people.name, T, LYNNE))!.outbox).toBeUndefined();
    expect(await log.verify(T)).toMatchObject({ ok: true });
  });

  it('keeps an opened case review with its log entry and reminders pending, and carries them out later, each once', async () => {
    refuse.on = true;
    const { review, created } = await caseReviews.open(patti, { formId: 'form-refused-01', reference: 'RR-2026-07', kind: 'child', started: '2026-03-10' });
    expect(created).toBe(true);
    const doc = (await embedded.read<CaseReview & OutboxFields>(CONTAINERS.caseReviews.name, T, review.id))!;
    expect(doc.outbox?.[0]).toMatchObject({ kind: 'log', input: { action: 'case_review.opened' } });
    expect(doc.outbox?.some((e) => e.kind === 'schedule')).toBe(true);
    // Reminders follow their log entry in order, so none is scheduled while the log refuses.
    expect(await reminders.pendingFor(T, review.id)).toHaveLength(0);
    // A retried open (the same form) finds the case and adds nothing.
    expect((await caseReviews.open(patti, { formId: 'form-refused-01', reference: 'RR-2026-07', kind: 'child', started: '2026-03-10' })).created).toBe(false);

    refuse.on = false;
    clock.advance(60_000);
    // The first pass is the effects' retry: the refused attempt pushed them back.
    for (let pass = 0; pass < 5 && (await embedded.read<CaseReview & OutboxFields>(CONTAINERS.caseReviews.name, T, review.id))!.outbox; pass++) {
      clock.advance(600_000);
      await outbox.tick();
    }
    const log1 = await entries();
    expect(log1.filter((e) => e.action === 'case_review.opened' && e.entity.id === review.id)).toHaveLength(1);
    const pending = await reminders.pendingFor(T, review.id);
    expect(pending.length).toBeGreaterThan(0);
    expect(log1.filter((e) => e.action === 'reminder.scheduled' && e.entity.id === review.id)).toHaveLength(pending.length);
    expect((await embedded.read<CaseReview & OutboxFields>(CONTAINERS.caseReviews.name, T, review.id))!.outbox).toBeUndefined();
    expect(await log.verify(T)).toMatchObject({ ok: true });
  });
});
