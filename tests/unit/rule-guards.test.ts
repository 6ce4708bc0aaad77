/**
 * Tests written to kill mutants that survived the earlier suite (issue 13): each fails when the
 * rule it names is broken, where the older tests did not notice.
 */
import type { Actor } from '../../services/directory/roles';
import * as rules from '../../services/disputes/dispute';
import { GENESIS_HASH, LogEntry, hashEntry } from '../../services/log/audit-log';
import { ReviewsWorld, refused } from '../support/reviews-world';
import { T, aDispute, chair, isaiah, megan, refusalOf } from '../support/disputes-mother';

const today = '2026-03-12';
const base = aDispute;
const refusal = refusalOf;

describe('dispute rules at their edges', () => {
  it('a meeting on the deadline day itself needs no reason; the day after does', () => {
    const onDeadline = rules.schedule(base(), chair, { date: '2026-04-07', time: '10:00', place: 'Room' }, today);
    expect(onDeadline.meeting).toEqual({ date: '2026-04-07', time: '10:00', place: 'Room' });
    expect(refusal(() => rules.schedule(base(), chair, { date: '2026-04-08', time: '10:00', place: 'Room' }, today)).details.field).toBe('lateReason');
    expect(rules.schedule(base(), chair, { date: '2026-04-08', time: '10:00', place: 'Room', lateReason: 'Chair on leave' }, today).meeting?.lateReason).toBe('Chair on leave');
  });

  it('an ex-partner whose organisation remains a party cannot agree the agenda for it', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, today);
    d = rules.proposeAgenda(d, megan, 'Agenda');
    const exPartner: Actor = { ...isaiah, roles: [] }; // still carries the organisation, no longer a partner
    expect(rules.partyKeysOf(d, exPartner)).toEqual([]);
    expect(refusal(() => rules.agreeAgenda(d, exPartner, 1)).code).toBe('forbidden');
    expect(rules.availableActions(d, exPartner, today)).toEqual([]);
  });

  it('an agenda agreed before any meeting is booked does not move the status on', () => {
    let d = rules.proposeAgenda(base(), megan, 'Agenda');
    d = rules.agreeAgenda(d, isaiah, 1);
    expect(rules.everyoneAgreed(d)).toBe(true);
    expect(d.status).toBe('determined');
  });

  it('close takes only "resolved" or (after a mediator) "unresolved"; a junk outcome changes nothing', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, today);
    d = rules.recordMeeting(d, chair, false, '', today);
    expect(refusal(() => rules.close(d, chair, 'settled-ish', '')).details.field).toBe('outcome');
    expect(refusal(() => rules.close(d, chair, undefined, '')).details.field).toBe('outcome');
    expect(refusal(() => rules.close(d, chair, 'unresolved', '')).message).toMatch(/only after a mediator/);
    expect(rules.close(d, chair, 'resolved', 'Settled').status).toBe('resolved');
  });

  it('refuses an empty meeting place, agenda text and recorded outcome', () => {
    expect(refusal(() => rules.schedule(base(), chair, { date: '2026-03-20', time: '10:00', place: '   ' }, today)).details.field).toBe('place');
    expect(refusal(() => rules.proposeAgenda(base(), megan, '  ')).details.field).toBe('agenda');
    const d = rules.schedule(base(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, today);
    expect(refusal(() => rules.recordMeeting(d, chair, 'maybe', '', today)).details.field).toBe('outcome');
    const held = rules.recordMeeting(d, chair, false, '', today);
    expect(refusal(() => rules.appointMediator(rules.requestMediation(held, megan), chair, ' ')).details.field).toBe('mediator');
  });
});

const KEY = 'a-test-seal-key-of-at-least-32-characters';

describe('the log hash', () => {
  const entry: Omit<LogEntry, 'hash'> = {
    id: 'e-1',
    tenantId: T,
    seq: 1,
    at: '2026-03-12T10:00:00.000Z',
    actor: { aadObjectId: 'chair', name: 'Chair', roles: ['chair'] },
    action: 'dispute.meeting_scheduled',
    entity: { type: 'dispute', id: 'd-1', ref: 'D-1' },
    before: 'meeting not yet scheduled',
    after: 'meeting scheduled',
    prevHash: GENESIS_HASH,
  };
  it('is keyed: the same entry under another key hashes differently', () => {
    expect(hashEntry(entry, KEY)).not.toBe(hashEntry(entry, `${KEY}-other`));
  });

  it.each([
    ['before', { before: 'agenda agreed' }],
    ['after', { after: 'resolved' }],
    ['entity.ref', { entity: { ...entry.entity, ref: 'D-2' } }],
    ['entity.id', { entity: { ...entry.entity, id: 'd-2' } }],
    ['actor roles', { actor: { ...entry.actor, roles: ['partner'] } }],
    ['the previous hash', { prevHash: 'f'.repeat(64) }],
    ['the action', { action: 'dispute.closed' }],
  ])('covers %s: changing it changes the hash', (_field, change) => {
    expect(hashEntry({ ...entry, ...change }, KEY)).not.toBe(hashEntry(entry, KEY));
  });
});

describe('hub reviews at their edges', () => {
  let world: ReviewsWorld;
  beforeEach(async () => {
    world = await ReviewsWorld.embedded().init();
  });
  afterEach(() => world.close());

  it('warns when a strand has more reviews than the programme plans, not only fewer', async () => {
    for (const [theme, startDate] of [['Neglect', '2026-01-05'], ['Exploitation', '2026-05-04'], ['Online harm', '2026-09-07']])
      await world.start({ theme, strand: 'children', startDate });
    const view = await world.reviews.programme(world.actors.lynne, 2026);
    expect(view.counts.children).toBe(3);
    expect(view.warnings).toContain("Children: 3 reviews where the arrangements plan 2.");
  });

  it('only the sponsor or the Business Team records the learning event', async () => {
    const review = await world.start();
    const card = { reviewId: review.id, version: review.version, date: '2026-03-02', attendees: 10, scrutineer: 'false' };
    for (const who of [world.actors.lynne, world.actors.adele])
      await refused(world, () => world.reviews.recordLearningEvent(who, card), 'forbidden', /record the learning event/);
  });
});
