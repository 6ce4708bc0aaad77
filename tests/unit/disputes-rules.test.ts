import type { Actor } from '../../services/directory/roles';
import { aDispute, chair, isaiah, lynne, megan, otherPolice, patti } from '../support/disputes-mother';
import * as rules from '../../services/disputes/dispute';
import { Dispute } from '../../services/disputes/dispute';

const base = aDispute;
const today = '2026-03-12';
const can = (d: Dispute, a: Actor) => rules.availableActions(d, a, today).sort();

describe('who may do what, state by state', () => {
  it('before a meeting: the chair schedules, the parties propose; others only look', () => {
    const d = base();
    expect(can(d, chair)).toEqual(['schedule']);
    expect(can(d, megan)).toEqual(['propose']);
    expect(can(d, isaiah)).toEqual(['propose']);
    expect(can(d, patti)).toEqual([]);
    expect(can(d, lynne)).toEqual([]);
    expect(rules.canView(d, patti) && rules.canView(d, lynne)).toBe(true);
    expect(rules.canView(d, { ...lynne, roles: ['member'] })).toBe(false);
  });

  it('an organisation party speaks through any of its partners, and one agreement counts for it', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, today);
    d = rules.proposeAgenda(d, megan, 'Agenda');
    expect(can(d, megan)).toEqual(['propose']);
    expect(can(d, otherPolice)).toEqual(['agree', 'propose']);
    d = rules.agreeAgenda(d, otherPolice, 1);
    expect(d.status).toBe('agenda_agreed');
    expect(can(d, isaiah)).toEqual(['propose']); // the Police have agreed
    expect(rules.nextStep(d)).toBe('next: the chair (record the meeting)');
  });

  it('after the meeting: a party may request a mediator, the chair may close as resolved', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, today);
    expect(can(d, chair)).toEqual(['record', 'schedule']);
    d = rules.recordMeeting(d, chair, false, '', today);
    expect(can(d, chair)).toEqual(['close']);
    expect(can(d, megan)).toEqual(['mediation']);
    d = rules.requestMediation(d, megan);
    expect(can(d, chair)).toEqual(['appoint', 'close']);
    expect(can(d, megan)).toEqual([]);
    d = rules.appointMediator(d, chair, 'Mediator');
    expect(can(d, chair)).toEqual(['close']);
    d = rules.close(d, chair, 'unresolved', '');
    expect(d.status).toBe('closed_unresolved');
    for (const a of [chair, megan, isaiah, patti]) expect(can(d, a)).toEqual([]);
    expect(rules.refusal(d, chair, 'close')?.code).toBe('closed');
  });

  it('hides Record meeting until the meeting day', () => {
    const d = rules.schedule(base(), chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, today);
    expect(can(d, chair)).toEqual(['schedule']);
    expect(rules.availableActions(d, chair, '2026-03-20')).toContain('record');
  });

  it('says the meeting comes first until its day, then that the chair records it', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, today);
    d = rules.proposeAgenda(d, megan, 'Agenda');
    d = rules.agreeAgenda(d, isaiah, 1);
    expect(d.status).toBe('agenda_agreed');
    expect(rules.nextStep(d, '2026-03-19')).toBe('next: the joint meeting on Fri 20 Mar 2026; then the chair (record the meeting)');
    expect(rules.nextStep(d, '2026-03-20')).toBe('next: the chair (record the meeting)');
  });

  it('lets the chair record a meeting held without an agreed agenda, and never hides it', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, today);
    d = rules.proposeAgenda(d, megan, 'Agenda');
    expect(d.status).toBe('meeting_scheduled');
    const held = rules.recordMeeting(d, chair, false, '', today);
    expect(held.heldWithoutAgreedAgenda).toBe(true);
    expect(rules.summary(held)).toContain('meeting held without an agreed agenda');
    const agreed = rules.recordMeeting(rules.agreeAgenda(d, isaiah, 1), chair, true, '', today);
    expect(agreed.heldWithoutAgreedAgenda).toBeUndefined();
    expect(rules.summary(agreed)).not.toContain('without an agreed agenda');
  });

  it('names what is due from whom', () => {
    let d = base();
    expect(rules.nextStep(d)).toBe('next: the chair (schedule the meeting)');
    d = rules.schedule(d, chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, today);
    expect(rules.nextStep(d)).toBe('next: the parties (propose an agenda)');
    d = rules.proposeAgenda(d, megan, 'Agenda');
    expect(rules.waitingForAgreement(d).map((p) => p.name)).toEqual(['Police']);
    expect(rules.summary(d)).toBe('meeting scheduled; meeting 2026-03-20 10:00 at Room; agenda v1 agreed by 1/2');
  });

  it('never mutates the dispute it is given', () => {
    const d = base();
    const frozen = JSON.stringify(d);
    rules.schedule(d, chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, today);
    rules.proposeAgenda(d, megan, 'A');
    expect(JSON.stringify(d)).toBe(frozen);
  });
});
