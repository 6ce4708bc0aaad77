/**
 * The dispute rules' words and edges, written against the mutants a Stryker run found alive
 * (docs/TESTING.md): the labels and refusals people read, the input checks, the breach, the
 * status line and the log summary. Each test fails when the rule it names is changed.
 */
import type { Actor } from '../../services/directory/roles';
import * as rules from '../../services/disputes/dispute';
import type { Dispute } from '../../services/disputes/dispute';
import { aDispute, chair, isaiah, lynne, megan, patti, refusalOf } from '../support/disputes-mother';

const today = '2026-03-12';
const room = { date: '2026-03-20', time: '10:00', place: 'Room 1' };
const scheduled = (): Dispute => rules.schedule(aDispute(), chair, room, today);
const held = (): Dispute => rules.recordMeeting(rules.schedule(aDispute(), chair, { ...room, date: today }, today), chair, false, '', today);

describe('the words a dispute shows', () => {
  it('labels every status and action in plain words, and only resolved and closed unresolved are terminal', () => {
    expect(rules.STATUS_LABELS).toEqual({
      determined: 'meeting not yet scheduled',
      meeting_scheduled: 'meeting scheduled',
      agenda_agreed: 'agenda agreed',
      meeting_held: 'meeting held, not resolved',
      mediation_requested: 'mediation requested',
      mediator_appointed: 'mediator appointed',
      resolved: 'resolved',
      closed_unresolved: 'closed unresolved',
    });
    expect(rules.ACTION_LABELS).toEqual({
      schedule: 'schedule the meeting',
      record: 'record the meeting',
      appoint: 'appoint a mediator',
      close: 'close the dispute',
      propose: 'propose an agenda',
      agree: 'agree the agenda',
      mediation: 'request a mediator',
    });
    expect(rules.TERMINAL).toEqual(['resolved', 'closed_unresolved']);
  });

  it('says who acts next in every status', () => {
    const d = aDispute();
    expect(rules.nextStep(d)).toBe('next: the chair (schedule the meeting)');
    expect(rules.nextStep(rules.proposeAgenda(d, megan, 'A'))).toBe('next: the chair (schedule the meeting); the parties (agree the agenda)');
    const s = scheduled();
    expect(rules.nextStep(s)).toBe('next: the parties (propose an agenda)');
    expect(rules.nextStep(rules.proposeAgenda(s, megan, 'A'))).toBe('next: the parties (agree the agenda)');
    const agreed = rules.agreeAgenda(rules.proposeAgenda(s, megan, 'A'), isaiah, 1);
    expect(rules.nextStep(agreed, today)).toBe('next: the joint meeting on Fri 20 Mar 2026; then the chair (record the meeting)');
    expect(rules.nextStep(agreed, '2026-03-20')).toBe('next: the chair (record the meeting)');
    const h = held();
    expect(rules.nextStep(h)).toBe('next: the chair (close), or a party (request a mediator)');
    const requested = rules.requestMediation(h, megan);
    expect(rules.nextStep(requested)).toBe('next: the chair (appoint a mediator)');
    const appointed = rules.appointMediator(requested, chair, 'Ms Mediator');
    expect(rules.nextStep(appointed)).toBe('next: the chair (close with the outcome)');
    expect(rules.nextStep(rules.close(appointed, chair, 'unresolved', ''))).toBe('nothing more to do');
    expect(rules.nextStep(rules.close(h, chair, 'resolved', ''))).toBe('nothing more to do');
  });

  it('summarises a dispute for the log: status, meeting, agenda agreement, agreed text (500 characters), mediator, breach', () => {
    expect(rules.summary(aDispute())).toBe('meeting not yet scheduled');
    const late = rules.schedule(aDispute(), chair, { ...room, date: '2026-04-09', lateReason: 'Chair away' }, today);
    const proposed = rules.proposeAgenda(late, megan, 'x'.repeat(600));
    expect(rules.summary(proposed)).toBe('meeting scheduled; meeting 2026-04-09 10:00 at Room 1 (late: Chair away); agenda v1 agreed by 1/2');
    const agreed = rules.agreeAgenda(proposed, isaiah, 1);
    expect(rules.summary(agreed)).toBe(`agenda agreed; meeting 2026-04-09 10:00 at Room 1 (late: Chair away); agenda v1 agreed by 2/2; agreed agenda: "${'x'.repeat(500)}"`);
    const appointed = rules.appointMediator(rules.requestMediation(held(), megan), chair, 'Ms Mediator');
    expect(rules.summary(appointed)).toBe('mediator appointed; meeting 2026-03-12 10:00 at Room 1; meeting held without an agreed agenda; mediator Ms Mediator');
    expect(rules.summary(rules.breach(aDispute(), '2026-04-08')!)).toBe('meeting not yet scheduled; BREACH');
  });
});

describe('who may do what', () => {
  it('lets business, the chair, partners and lay members see a dispute, and its parties, but nobody else', () => {
    for (const viewer of [patti, chair, megan, lynne]) expect([viewer.name, rules.canView(aDispute(), viewer)]).toEqual([viewer.name, true]);
    const stranger: Actor = { tenantId: 't', aadObjectId: 'x', name: 'Stranger', roles: [] };
    expect(rules.canView(aDispute(), stranger)).toBe(false);
    // A partner whose organisation is not a party sees it as a board member, not as a party.
    const council: Actor = { tenantId: 't', aadObjectId: 'c', name: 'Council partner', roles: ['partner'], organisation: 'Council' };
    expect(rules.isParty(aDispute(), council)).toBe(false);
    expect(rules.canView(aDispute(), council)).toBe(true);
    // A person party with no board role sees it; so does either of two people named for one party.
    const couple = { ...aDispute(), parties: [{ key: 'p:x', kind: 'person' as const, name: 'X', people: [{ aadObjectId: 'y', name: 'Y' }, { aadObjectId: 'x', name: 'Stranger' }] }] };
    expect(rules.canView(couple, stranger)).toBe(true);
  });

  it('refuses in words that say why', () => {
    const closed = rules.close(held(), chair, 'resolved', '');
    expect(refusalOf(() => rules.requestMediation(closed, megan)).message).toBe('D-1 is closed (resolved); nothing more can be done on it.');
    const notChair = refusalOf(() => rules.schedule(aDispute(), megan, room, today));
    expect([notChair.code, notChair.message, notChair.details.neededRoles]).toEqual(['forbidden', 'Only the Independent Chair can schedule the meeting.', ['chair']]);
    expect(refusalOf(() => rules.proposeAgenda(aDispute(), patti, 'A')).message).toBe('Only a party to D-1 can propose an agenda.');
    const early = refusalOf(() => rules.requestMediation(aDispute(), megan));
    expect([early.code, early.message]).toEqual(['invalid', 'You can\'t request a mediator while D-1 is at "meeting not yet scheduled".']);
    const notYet = refusalOf(() => rules.recordMeeting(scheduled(), chair, true, '', today));
    expect([notYet.message, notYet.details.field]).toEqual(['The meeting is on Fri 20 Mar 2026: record it once it has been held.', 'outcome']);
    expect(refusalOf(() => rules.agreeAgenda(scheduled(), megan, 1)).message).toBe('No agenda has been proposed yet: propose one first.');
    expect(refusalOf(() => rules.agreeAgenda(rules.proposeAgenda(scheduled(), megan, 'A'), megan, 1)).message).toBe('You have already agreed agenda version 1.');
  });

  it('lets someone speaking for two parties agree while one of them has not', () => {
    const nhs = { key: 'o:NHS', kind: 'organisation' as const, name: 'NHS', people: [{ aadObjectId: 'megan', name: 'Megan' }] };
    const d: Dispute = { ...scheduled(), parties: [...aDispute().parties, nhs], agenda: { version: 1, text: 'A', proposedBy: 'Isaiah' }, agreements: { 'p:megan': 1 } };
    expect(rules.refusal(d, megan, 'agree', today)).toBeUndefined();
    expect(rules.agreeAgenda(d, megan, 1).agreements).toEqual({ 'p:megan': 1, 'o:NHS': 1 });
  });

  it('shows no buttons to nobody', () => {
    expect(rules.availableActions(aDispute(), undefined, today)).toEqual([]);
    expect(rules.availableActions(aDispute(), chair, today)).toEqual(['schedule']);
  });
});

describe('what each step accepts', () => {
  it('a meeting needs a real date, a 24-hour time, a place, and a date not in the past', () => {
    const field = (input: rules.ScheduleInput) => {
      const err = refusalOf(() => rules.schedule(aDispute(), chair, input, today));
      return [err.details.field, err.message];
    };
    expect(field({ ...room, date: '20/03/2026' })).toEqual(['date', 'Pick the date of the meeting.']);
    for (const time of ['24:00', '9:00', '10:60', '', undefined]) expect(field({ ...room, time })).toEqual(['time', 'Give the meeting time as HH:MM (24-hour).']);
    for (const time of ['00:00', '19:59', '23:59']) expect(rules.schedule(aDispute(), chair, { ...room, time }, today).meeting?.time).toBe(time);
    expect(field({ ...room, place: '' })).toEqual(['place', 'Say where the meeting is: a room or an online meeting link.']);
    expect(field({ ...room, date: '2026-03-11' })).toEqual(['date', 'The meeting date Wed 11 Mar 2026 is in the past.']);
    expect(field({ ...room, date: '2026-04-08' })).toEqual(['lateReason', 'Wed 8 Apr 2026 is after the deadline (Tue 7 Apr 2026): record the reason to schedule it that late.']);
    expect(rules.schedule(aDispute(), chair, { ...room, place: `  ${'p'.repeat(600)} ` }, today).meeting?.place).toBe('p'.repeat(500));
  });

  it('a new agenda must differ from the current one, and becomes the next version', () => {
    const v1 = rules.proposeAgenda(scheduled(), megan, 'Agenda one');
    const same = refusalOf(() => rules.proposeAgenda(v1, isaiah, ' Agenda one '));
    expect([same.details.field, same.message]).toEqual(['agenda', 'That is already agenda version 1: agree it instead.']);
    const v2 = rules.proposeAgenda(v1, isaiah, 'Agenda two');
    expect(v2.agenda).toEqual({ version: 2, text: 'Agenda two', proposedBy: 'Isaiah' });
    expect(v2.agreements).toEqual({ 'o:Police': 2 });
    expect(refusalOf(() => rules.proposeAgenda(scheduled(), megan, '')).message).toBe('Write the agenda you propose.');
  });

  it('agreeing a version that is no longer current is refused as stale', () => {
    const v2 = rules.proposeAgenda(rules.proposeAgenda(scheduled(), megan, 'One'), megan, 'Two');
    const stale = refusalOf(() => rules.agreeAgenda(v2, isaiah, 1));
    expect([stale.code, stale.message]).toEqual(['stale', 'That was agenda version 1; the agenda is now version 2. Read it and agree again.']);
    expect(rules.agreeAgenda(v2, isaiah, 2).status).toBe('agenda_agreed');
  });

  it('recording the meeting keeps the notes, says whether it resolved it, and marks a meeting held without an agreed agenda', () => {
    const onTheDay = rules.schedule(aDispute(), chair, { ...room, date: today }, today);
    const resolved = rules.recordMeeting(onTheDay, chair, true, ' Agreed a plan ', today);
    expect([resolved.status, resolved.outcome, resolved.heldWithoutAgreedAgenda]).toEqual(['resolved', 'Agreed a plan', true]);
    const agreed = rules.agreeAgenda(rules.proposeAgenda(onTheDay, megan, 'A'), isaiah, 1);
    const notResolved = rules.recordMeeting(agreed, chair, false, '', today);
    expect([notResolved.status, notResolved.outcome, notResolved.heldWithoutAgreedAgenda]).toEqual(['meeting_held', undefined, undefined]);
    expect(refusalOf(() => rules.recordMeeting(onTheDay, chair, 'yes', '', today)).message).toBe('Say whether the meeting resolved the dispute.');
  });

  it('a mediator needs a name; closing needs an outcome and keeps its note', () => {
    const requested = rules.requestMediation(held(), megan);
    expect(requested.mediationRequestedBy).toBe('Megan');
    expect(refusalOf(() => rules.appointMediator(requested, chair, '')).message).toBe('Name the independent mediator.');
    expect(refusalOf(() => rules.close(requested, chair, 'done', '')).message).toBe('Say whether the dispute was resolved.');
    const early = refusalOf(() => rules.close(requested, chair, 'unresolved', ''));
    expect(early.message).toBe('A dispute is closed unresolved only after a mediator has tried: a party can request one.');
    expect(early.details.field).toBe('outcome'); // the form marks the outcome, where the choice was made
    const closed = rules.close(rules.appointMediator(requested, chair, 'Ms Mediator'), chair, 'unresolved', ' No agreement ');
    expect([closed.status, closed.outcome]).toEqual(['closed_unresolved', 'No agreement']);
    expect(rules.close(held(), chair, 'resolved', '').outcome).toBeUndefined();
  });
});

describe('the clock and the breach', () => {
  it('counts the days of the period, and a period of no days is complete', () => {
    expect(rules.clockOf(aDispute(), '2026-03-17')).toEqual({ day: 7, of: 28, daysLeft: 21, overdue: false, fraction: 0.25, text: 'Day 7 of 28' });
    expect(rules.clockOf({ ...aDispute(), deadline: '2026-03-10' }, '2026-03-10').fraction).toBe(1);
  });

  it('breaches the day after a missed deadline, once, and only before the meeting is held', () => {
    expect(rules.breach(aDispute(), '2026-04-07')).toBeUndefined();
    const breached = rules.breach(aDispute(), '2026-04-08');
    expect(breached).toMatchObject({ breached: true, breachedOn: '2026-04-08', status: 'determined' });
    expect(rules.breach(breached!, '2026-04-09')).toBeUndefined();
    expect(rules.breach(scheduled(), '2026-04-08')?.breached).toBe(true);
    expect(rules.breach({ ...held(), deadline: '2026-04-07' }, '2026-04-08')).toBeUndefined();
  });

  it('waits for no one while there is no agenda', () => {
    expect(rules.waitingForAgreement(scheduled())).toEqual([]);
    expect(rules.waitingForAgreement(rules.proposeAgenda(scheduled(), megan, 'A')).map((p) => p.key)).toEqual(['o:Police']);
  });
});
