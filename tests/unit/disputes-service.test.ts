import { silentLogger } from '../../services/logger';
import { Outbox } from '../../services/outbox/outbox';
import { OUTBOX_CONTAINERS } from '../../services/store/containers';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../services/config';
import { Directory, DirectorySeed } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import type { Dispute } from '../../services/disputes/dispute';
import { DisputesService } from '../../services/disputes/disputes-service';
import { DomainError, ErrorCode } from '../../services/errors';
import { AuditLog } from '../../services/log/audit-log';
import { References } from '../../services/refs';
import { RemindersService } from '../../services/reminders/reminders-service';
import { CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { CalendarTime } from '../../services/time';
import { TestClock } from '../support/clock';

const T = '00000000-0000-0000-0000-0000000000001';
const ID = {
  alex: '00000000-0000-0000-0000-0000000000020', // chair, business, partner (Warwickshire County Council)
  megan: '00000000-0000-0000-0000-0000000000021', // partner (NHS South Warwickshire CCG)
  adele: '00000000-0000-0000-0000-0000000000022', // partner
  isaiah: '00000000-0000-0000-0000-0000000000023', // partner (Warwickshire Police)
  patti: '00000000-0000-0000-0000-0000000000024', // business
  lynne: '00000000-0000-0000-0000-0000000000025', // lay
};

describe('DisputesService', () => {
  let dir: string;
  let store: EmbeddedStore;
  let clock: TestClock;
  let log: AuditLog;
  let directory: Directory;
  let reminders: RemindersService;
  let service: DisputesService;
  const actors: Record<keyof typeof ID, Actor> = {} as never;
  let form = 0;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-disputes-'));
    store = new EmbeddedStore({ dataDir: dir });
    await store.init();
    clock = new TestClock('2026-03-10T10:00:00Z');
    const time = new CalendarTime('Europe/London');
    const config = parseConfig({});
    log = new AuditLog(store, clock);
    directory = new Directory(store, log, clock);
    const seed = JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed;
    await directory.seedIfEmpty(T, seed);
    for (const [k, id] of Object.entries(ID)) {
      const p = (await directory.get(T, id))!;
      actors[k as keyof typeof ID] = { tenantId: T, aadObjectId: id, name: p.name, roles: p.roles, organisation: p.organisation };
    }
    reminders = new RemindersService(store, log, clock, time, config.reminders);
    service = new DisputesService(store, log, clock, time, directory, new References(store), new Outbox({ store, clock, log, reminders, logger: silentLogger }, OUTBOX_CONTAINERS, { instanceId: 'test' }), config.domain);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const raise = (overrides: Record<string, unknown> = {}, by: Actor = actors.patti) =>
    service.raise(by, {
      formId: `form-${String(++form).padStart(6, '0')}`,
      parties: [`p:${ID.megan}`, 'o:Warwickshire Police'],
      subject: 'Threshold for joint strategy meetings',
      determinedOn: '2026-03-10',
      ...overrides,
    });

  it('takes only Board members as parties: the chair, partners and their organisations, not the Business Team or lay members', async () => {
    const options = await service.partyOptions(T);
    expect(options.people.map((p) => p.name).sort()).toEqual(['Adele Vance', 'Alex Wilber', 'Isaiah Langer', 'Megan Bowen']);
    await expect(raise({ parties: [`p:${ID.megan}`, `p:${ID.patti}`] })).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/Patti Fernandez is not a Board member/) });
    await expect(raise({ parties: [`p:${ID.lynne}`, 'o:Warwickshire Police'] })).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/Lynne Robbins is not a Board member/) });
    expect((await raise({ parties: [`p:${ID.alex}`, 'o:Warwickshire Police'] })).created).toBe(true);
  });

  /** Everything a refusal must leave alone: the dispute document, the log and the timers. */
  const snapshot = async (id?: string) => ({
    dispute: id ? JSON.stringify(await store.read(CONTAINERS.disputes.name, T, id)) : undefined,
    log: (await log.recent(T, 10_000)).length,
    timers: JSON.stringify(await store.query(CONTAINERS.timers.name, { partitionKey: T })),
    disputes: (await store.query(CONTAINERS.disputes.name, { partitionKey: T })).length,
  });

  const expectRefused = async (attempt: Promise<unknown>, code: ErrorCode, message?: RegExp, id?: string) => {
    const before = await snapshot(id);
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
    if (message) expect((err as DomainError).message).toMatch(message);
    expect(await snapshot(id)).toEqual(before);
  };

  const ref = (d: Dispute) => ({ disputeId: d.id, version: d.version });

  it('raises a dispute with its deadline, a reference, one log entry and the clock reminders', async () => {
    const { dispute, created } = await raise();
    expect(created).toBe(true);
    expect(dispute).toMatchObject({ ref: 'D-1', status: 'determined', deadline: '2026-04-07', version: 1, breached: false });
    expect(dispute.parties.map((p) => p.name)).toEqual(['Megan Bowen', 'Warwickshire Police']);
    expect(dispute.parties[1].people.map((p) => p.aadObjectId)).toEqual([ID.isaiah]);
    const entries = await log.recent(T, 50, { entityId: dispute.id });
    expect(entries.filter((e) => e.action === 'dispute.raised')).toHaveLength(1);
    const pending = await reminders.pendingFor(T, dispute.id);
    // 21, 14, 7, 3, 1 days before 7 April, to the chair (Alex), Megan and Isaiah; and the breach check.
    const deadlineDates = [...new Set(pending.filter((t) => t.kind.startsWith('deadline-')).map((t) => `${t.kind} ${t.date}`))];
    expect(deadlineDates).toEqual(['deadline-21d 2026-03-17', 'deadline-14d 2026-03-24', 'deadline-7d 2026-03-31', 'deadline-3d 2026-04-04', 'deadline-1d 2026-04-06']);
    expect(pending.filter((t) => t.kind.startsWith('deadline-'))).toHaveLength(15);
    expect(pending.filter((t) => t.kind === 'breach').map((t) => [t.date, t.target])).toEqual([['2026-04-08', { kind: 'purpose', purpose: 'executive-board' }]]);
  });

  it('raises once for a form submitted twice', async () => {
    const input = { formId: 'form-double-click', parties: [`p:${ID.megan}`, `p:${ID.adele}`], subject: 'Twice', determinedOn: '2026-03-09' };
    const first = await service.raise(actors.patti, input);
    const before = await snapshot(first.dispute.id);
    const second = await service.raise(actors.patti, input);
    expect(second).toEqual({ dispute: first.dispute, created: false });
    expect(await snapshot(first.dispute.id)).toEqual(before);
  });

  it('refuses a bad raise and stores and logs nothing', async () => {
    await expectRefused(raise({ determinedOn: '2026-03-11' }), 'invalid', /cannot be in the future/);
    await expectRefused(raise({ parties: [`p:${ID.megan}`] }), 'invalid', /at least two parties/);
    await expectRefused(raise({ parties: [`p:${ID.megan}`, `p:${ID.megan}`] }), 'invalid', /at least two parties/);
    await expectRefused(raise({ parties: [`p:${ID.megan}`, 'p:99999999-0000-0000-0000-000000000000'] }), 'invalid', /not in the directory/);
    await expectRefused(raise({ parties: [`p:${ID.megan}`, 'o:Made-up Trust'] }), 'invalid', /no partner/);
    await expectRefused(raise({ subject: '  ' }), 'invalid', /what the dispute is about/);
    await expectRefused(raise({ formId: 'x' }), 'invalid');
    await expectRefused(raise({}, actors.lynne), 'forbidden', /Only/);
  });

  it('accepts a past determination date and a comma-separated party list', async () => {
    clock.set('2026-03-20T10:00:00Z');
    const { dispute } = await raise({ determinedOn: '2026-03-01', parties: `p:${ID.megan},p:${ID.adele}` });
    expect(dispute.deadline).toBe('2026-03-29');
    // Reminders already past are not scheduled: only 7, 3 and 1 days before remain.
    const kinds = new Set((await reminders.pendingFor(T, dispute.id)).map((t) => t.kind));
    expect([...kinds].sort()).toEqual(['breach', 'deadline-1d', 'deadline-3d', 'deadline-7d']);
  });

  it('runs the whole path: schedule, propose, agree by both, meeting held and resolved', async () => {
    let { dispute: d } = await raise();
    d = await service.schedule(actors.alex, ref(d), { date: '2026-03-26', time: '10:00', place: 'Shire Hall, Warwick' });
    expect(d).toMatchObject({ status: 'meeting_scheduled', version: 2, meeting: { date: '2026-03-26', time: '10:00' } });
    d = await service.proposeAgenda(actors.megan, ref(d), '1. Referral data\n2. Threshold');
    expect(d.agenda).toMatchObject({ version: 1, proposedBy: 'Megan Bowen' });
    expect(d.agreements).toEqual({ [`p:${ID.megan}`]: 1 });
    expect(d.status).toBe('meeting_scheduled');
    d = await service.agreeAgenda(actors.isaiah, ref(d), 1);
    expect(d.status).toBe('agenda_agreed');
    await expectRefused(service.recordMeeting(actors.alex, ref(d), true, ''), 'invalid', /record it once it has been held/, d.id);
    clock.set('2026-03-26T15:00:00Z');
    d = await service.recordMeeting(actors.alex, ref(d), true, 'Agreed a shared threshold');
    expect(d).toMatchObject({ status: 'resolved', outcome: 'Agreed a shared threshold' });
    expect(await reminders.pendingFor(T, d.id)).toEqual([]);
    const actions = (await log.recent(T, 100, { entityId: d.id })).map((e) => e.action).filter((a) => a.startsWith('dispute.')).reverse();
    expect(actions).toEqual(['dispute.raised', 'dispute.meeting_scheduled', 'dispute.agenda_proposed', 'dispute.agenda_agreed', 'dispute.meeting_recorded']);
    await expectRefused(service.close(actors.alex, ref(d), 'resolved', ''), 'closed', /closed/, d.id);
  });

  it('resets agreement when the agenda changes and refuses a stale agenda version', async () => {
    let { dispute: d } = await raise();
    d = await service.schedule(actors.alex, ref(d), { date: '2026-03-26', time: '10:00', place: 'Teams' });
    d = await service.proposeAgenda(actors.megan, ref(d), 'Version one');
    d = await service.agreeAgenda(actors.isaiah, ref(d), 1);
    expect(d.status).toBe('agenda_agreed');
    d = await service.proposeAgenda(actors.isaiah, ref(d), 'Version two');
    expect(d).toMatchObject({ status: 'meeting_scheduled', agenda: { version: 2 }, agreements: { 'o:Warwickshire Police': 2 } });
    // Megan's button still says version 1, on a card of the current revision.
    await expectRefused(service.agreeAgenda(actors.megan, ref(d), 1), 'stale', /version 2/, d.id);
    await expectRefused(service.agreeAgenda(actors.isaiah, ref(d), 2), 'invalid', /already agreed/, d.id);
    d = await service.agreeAgenda(actors.megan, ref(d), 2);
    expect(d.status).toBe('agenda_agreed');
  });

  it('refuses every wrong move and changes and logs nothing', async () => {
    let { dispute: d } = await raise();
    // A party trying a chair action; a business user; the chair trying a party action.
    await expectRefused(service.schedule(actors.megan, ref(d), { date: '2026-03-20', time: '10:00', place: 'Teams' }), 'forbidden', /Independent Chair/, d.id);
    await expectRefused(service.schedule(actors.patti, ref(d), { date: '2026-03-20', time: '10:00', place: 'Teams' }), 'forbidden', undefined, d.id);
    await expectRefused(service.proposeAgenda(actors.alex, ref(d), 'An agenda'), 'forbidden', /party/, d.id);
    await expectRefused(service.requestMediation(actors.megan, ref(d)), 'invalid', /while D-1/, d.id);
    await expectRefused(service.agreeAgenda(actors.megan, ref(d), 1), 'invalid', /No agenda/, d.id);
    await expectRefused(service.recordMeeting(actors.alex, ref(d), true, ''), 'invalid', undefined, d.id);
    // A meeting after the deadline without a reason; a past date; a bad time.
    await expectRefused(service.schedule(actors.alex, ref(d), { date: '2026-04-08', time: '10:00', place: 'Teams' }), 'invalid', /after the deadline/, d.id);
    await expectRefused(service.schedule(actors.alex, ref(d), { date: '2026-03-09', time: '10:00', place: 'Teams' }), 'invalid', /past/, d.id);
    await expectRefused(service.schedule(actors.alex, ref(d), { date: '2026-03-20', time: '25:00', place: 'Teams' }), 'invalid', /HH:MM/, d.id);
    // Tampered card data: another id, another tenant's actor, a version that is not a number.
    await expectRefused(service.schedule(actors.alex, { disputeId: 'd-not-a-real-dispute', version: 1 }, { date: '2026-03-20', time: '10:00', place: 'x' }), 'not_found');
    await expectRefused(service.schedule(actors.alex, { disputeId: '../../etc', version: 1 }, { date: '2026-03-20', time: '10:00', place: 'x' }), 'not_found');
    await expectRefused(service.schedule({ ...actors.alex, tenantId: '99999999-9999-9999-9999-999999999999' }, ref(d), { date: '2026-03-20', time: '10:00', place: 'x' }), 'not_found', undefined, d.id);
    await expectRefused(service.schedule(actors.alex, { disputeId: d.id, version: '1' }, { date: '2026-03-20', time: '10:00', place: 'x' }), 'invalid', /not valid/, d.id);
    // A button from an old card, and a double click.
    const first = ref(d);
    d = await service.schedule(actors.alex, first, { date: '2026-03-20', time: '10:00', place: 'Teams' });
    await expectRefused(service.schedule(actors.alex, first, { date: '2026-03-20', time: '10:00', place: 'Teams' }), 'stale', /out of date/, d.id);
    await expectRefused(service.schedule(actors.alex, { disputeId: d.id, version: 1 }, { date: '2026-03-21', time: '10:00', place: 'Teams' }), 'stale', undefined, d.id);
    // Nobody outside the Board sees a dispute they are not party to.
    await expectRefused(service.get({ ...actors.lynne, roles: [] }, d.id), 'forbidden');
  });

  it('schedules after the deadline only with a recorded reason', async () => {
    let { dispute: d } = await raise();
    d = await service.schedule(actors.alex, ref(d), { date: '2026-04-10', time: '14:30', place: 'Teams', lateReason: 'Police lead on leave until 9 April' });
    expect(d.meeting).toEqual({ date: '2026-04-10', time: '14:30', place: 'Teams', lateReason: 'Police lead on leave until 9 April' });
    const entry = (await log.recent(T, 100, { entityId: d.id })).find((e) => e.action === 'dispute.meeting_scheduled')!;
    expect(entry.after).toContain('late: Police lead on leave');
  });

  it('lets only one of two concurrent clicks on the same card win', async () => {
    const { dispute: d } = await raise();
    const results = await Promise.allSettled([
      service.schedule(actors.alex, ref(d), { date: '2026-03-20', time: '10:00', place: 'A' }),
      service.schedule(actors.alex, ref(d), { date: '2026-03-21', time: '11:00', place: 'B' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0].reason as DomainError).code).toBe('stale');
    expect((await log.recent(T, 100, { entityId: d.id })).filter((e) => e.action === 'dispute.meeting_scheduled')).toHaveLength(1);
  });

  it('moves the meeting reminders when the meeting moves, and stops the clock once it is held', async () => {
    let { dispute: d } = await raise();
    d = await service.schedule(actors.alex, ref(d), { date: '2026-03-20', time: '10:00', place: 'Teams' });
    const meetingTimers = async () =>
      (await reminders.pendingFor(T, d.id)).filter((t) => t.kind.startsWith('meeting-')).map((t) => `${t.kind} ${t.date} ${t.target.kind === 'person' ? t.target.name : ''}`).sort();
    expect(await meetingTimers()).toEqual([
      'meeting-1d 2026-03-19 Alex Wilber',
      'meeting-1d 2026-03-19 Isaiah Langer',
      'meeting-1d 2026-03-19 Megan Bowen',
      'meeting-agenda-3d 2026-03-17 Isaiah Langer',
      'meeting-agenda-3d 2026-03-17 Megan Bowen',
    ]);
    d = await service.schedule(actors.alex, ref(d), { date: '2026-03-25', time: '10:00', place: 'Teams' });
    expect(await meetingTimers()).toEqual([
      'meeting-1d 2026-03-24 Alex Wilber',
      'meeting-1d 2026-03-24 Isaiah Langer',
      'meeting-1d 2026-03-24 Megan Bowen',
      'meeting-agenda-3d 2026-03-22 Isaiah Langer',
      'meeting-agenda-3d 2026-03-22 Megan Bowen',
    ]);
    expect((await reminders.pendingFor(T, d.id)).filter((t) => t.kind.startsWith('deadline-'))).toHaveLength(15);
    // Agreement does not move anything: the agenda reminder checks who has agreed when it falls due.
    d = await service.proposeAgenda(actors.megan, ref(d), 'Agenda');
    expect(await service.reminderStillDue(T, d.id, 'agenda', ID.megan)).toBeUndefined();
    expect(await service.reminderStillDue(T, d.id, 'agenda', ID.isaiah)).toBeDefined();
    clock.set('2026-03-25T16:00:00Z');
    d = await service.recordMeeting(actors.alex, ref(d), false, '');
    expect(await reminders.pendingFor(T, d.id)).toEqual([]);
    expect(await service.reminderStillDue(T, d.id, 'deadline')).toBeUndefined();
  });

  it('takes the mediation path to closed unresolved', async () => {
    let { dispute: d } = await raise();
    d = await service.schedule(actors.alex, ref(d), { date: '2026-03-10', time: '16:00', place: 'Teams' });
    d = await service.recordMeeting(actors.alex, ref(d), false, 'No agreement');
    expect(d.status).toBe('meeting_held');
    await expectRefused(service.appointMediator(actors.alex, ref(d), 'Dr Holloway'), 'invalid', undefined, d.id);
    await expectRefused(service.close(actors.alex, ref(d), 'unresolved', ''), 'invalid', /only after a mediator/, d.id);
    d = await service.requestMediation(actors.isaiah, ref(d));
    expect(d).toMatchObject({ status: 'mediation_requested', mediationRequestedBy: 'Isaiah Langer' });
    await expectRefused(service.appointMediator(actors.megan, ref(d), 'Dr Holloway'), 'forbidden', undefined, d.id);
    await expectRefused(service.appointMediator(actors.alex, ref(d), ''), 'invalid', /mediator/, d.id);
    d = await service.appointMediator(actors.alex, ref(d), 'Dr Jane Holloway');
    expect(d).toMatchObject({ status: 'mediator_appointed', mediator: 'Dr Jane Holloway' });
    d = await service.close(actors.alex, ref(d), 'unresolved', 'Mediation did not settle it');
    expect(d.status).toBe('closed_unresolved');
    await expectRefused(service.requestMediation(actors.megan, ref(d)), 'closed', undefined, d.id);
  });

  it('records a breach the day after a missed deadline, once, as the bot', async () => {
    const { dispute: d } = await raise();
    clock.set('2026-04-07T20:00:00Z');
    expect(await service.recordBreach(T, d.id)).toBeUndefined();
    clock.set('2026-04-08T08:00:00Z');
    const breached = await service.recordBreach(T, d.id);
    expect(breached).toMatchObject({ breached: true, breachedOn: '2026-04-08', version: 2 });
    // Run again (the job repeated): nothing changes, and it still yields the breach for its notice.
    expect(await service.recordBreach(T, d.id)).toMatchObject({ breached: true, breachedOn: '2026-04-08', version: 2 });
    const entries = (await log.recent(T, 100, { entityId: d.id })).filter((e) => e.action === 'dispute.breached');
    expect(entries).toHaveLength(1);
    expect(entries[0].actor.aadObjectId).toBe('system');
    // Open disputes: breaches first.
    const { dispute: other } = await raise({ determinedOn: '2026-04-01' });
    expect((await service.listOpen(actors.alex)).map((x) => x.ref)).toEqual([breached!.ref, other.ref]);
  });

  it('records no breach when the meeting was held in time', async () => {
    let { dispute: d } = await raise();
    d = await service.schedule(actors.alex, ref(d), { date: '2026-03-10', time: '16:00', place: 'Teams' });
    d = await service.recordMeeting(actors.alex, ref(d), false, '');
    clock.set('2026-04-08T08:00:00Z');
    expect(await service.recordBreach(T, d.id)).toBeUndefined();
  });

  it('picks out the parties named in a sentence', async () => {
    expect(await service.partiesNamedIn(T, 'Megan Bowen and warwickshire police disagree on thresholds')).toEqual([`p:${ID.megan}`, 'o:Warwickshire Police']);
    expect(await service.partiesNamedIn(T, 'a disagreement about thresholds')).toEqual([]);
  });

  it('finds a dispute by the reference people type', async () => {
    const { dispute: d } = await raise();
    expect((await service.getByRef(actors.megan, 'd1')).id).toBe(d.id);
    expect((await service.getByRef(actors.patti, 'D-1')).id).toBe(d.id);
    await expectRefused(service.getByRef(actors.alex, 'D-99'), 'not_found');
    await expectRefused(service.getByRef(actors.alex, 'seven'), 'invalid');
  });
});
