import type { Actor } from '../../services/directory/roles';
import { TestClock } from '../support/clock';
import { TestServices, createTestServices } from '../support/services';

const business = (tenantId: string): Actor => ({ tenantId, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] });
const chair = (tenantId: string): Actor => ({ tenantId, aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber', roles: ['chair', 'business', 'partner'] });

describe('CaseReviewsService (real composition, embedded store)', () => {
  let t: TestServices;
  let form = 0;
  const formId = () => `form-${String(++form).padStart(8, '0')}`;
  beforeEach(async () => {
    t = await createTestServices({ clock: new TestClock('2026-12-21T10:00:00Z') });
  });
  afterEach(() => t.close());

  const tenant = () => t.services.config.tenantId;

  it('a handed-over case is entered with its real dates: its old clocks show breached but announce nothing', async () => {
    const { caseReviews, reminders } = t.services;
    const { review } = await caseReviews.open(business(tenant()), { formId: formId(), reference: 'CSPR-19-11', kind: 'child', started: '2019-06-03' });
    expect(caseReviews.clocks(review).map((k) => k.state)).toEqual(['breached', 'breached']);
    expect((await reminders.pendingFor(tenant(), review.id)).map((t) => t.kind)).toEqual([]);
    let c = await caseReviews.step(business(tenant()), { caseId: review.id, version: 1 }, 'notify', { date: '2019-06-07' });
    c = await caseReviews.step(chair(tenant()), { caseId: review.id, version: 2 }, 'decide', { date: '2019-06-21', outcome: 'national_review' });
    expect(c.stage).toBe('awaiting_panel');
    expect(caseReviews.clocks(c).map((k) => k.state)).toEqual(['done', 'done']);
  });

  it('records a breach once, and gives its notice again on a second run of the same check (a held notice is never lost)', async () => {
    const { caseReviews, log } = t.services;
    const { review } = await caseReviews.open(business(tenant()), { formId: formId(), reference: 'RR-1', kind: 'child', started: '2026-12-21' });
    expect(await caseReviews.recordBreach(tenant(), review.id, 'notification')).toBeUndefined(); // not yet due
    t.clock.set('2026-12-31T09:00:00Z');
    const first = await caseReviews.recordBreach(tenant(), review.id, 'notification');
    const second = await caseReviews.recordBreach(tenant(), review.id, 'notification');
    expect(first).toMatchObject({ recorded: true, clock: { key: 'notification', due: '2026-12-30' } });
    expect(second).toMatchObject({ recorded: false, clock: { key: 'notification' } });
    expect((await log.recent(tenant(), 100)).filter((e) => e.action === 'case_review.breached')).toHaveLength(1);
    expect(await caseReviews.recordBreach(tenant(), review.id, 'rapid_review')).toBeUndefined();
  });

  it('a step done after its deadline, before the breach check ran, is still recorded and announced as a breach', async () => {
    const { caseReviews, reminders, log } = t.services;
    const { review } = await caseReviews.open(business(tenant()), { formId: formId(), reference: 'RR-7', kind: 'child', started: '2026-12-21' });
    // Due Wed 30 Dec; notified on Thu 31 Dec at 08:00, an hour before the 09:00 check.
    t.clock.set('2026-12-31T08:00:00Z');
    await caseReviews.step(business(tenant()), { caseId: review.id, version: 1 }, 'notify', { date: '2026-12-31' });
    const kinds = (await reminders.pendingFor(tenant(), review.id)).map((x) => x.kind);
    expect(kinds).toContain('notification-breach');
    expect(kinds.filter((k) => k.startsWith('notification-') && k !== 'notification-breach')).toEqual([]);
    t.clock.set('2026-12-31T09:00:00Z');
    const breach = await caseReviews.recordBreach(tenant(), review.id, 'notification');
    expect(breach).toMatchObject({ recorded: true, clock: { state: 'done_late', doneOn: '2026-12-31' } });
    const entry = (await log.recent(tenant(), 100)).find((e) => e.action === 'case_review.breached');
    expect(entry?.after).toMatch(/was due 2026-12-30 and was done late, on 2026-12-31/);
  });

  it('a clock met on time cancels its reminders and breach check; the others stay', async () => {
    const { caseReviews, reminders } = t.services;
    const { review } = await caseReviews.open(business(tenant()), { formId: formId(), reference: 'RR-2', kind: 'child', started: '2026-12-21' });
    const kinds = async () => (await reminders.pendingFor(tenant(), review.id)).map((x) => x.kind).sort();
    expect(await kinds()).toEqual(['notification-1wd', 'notification-2wd', 'notification-breach', 'rapid_review-1wd', 'rapid_review-2wd', 'rapid_review-5wd', 'rapid_review-breach']);
    t.clock.set('2026-12-22T10:00:00Z');
    await caseReviews.step(business(tenant()), { caseId: review.id, version: 1 }, 'notify', { date: '2026-12-22' });
    expect(await kinds()).toEqual(['rapid_review-1wd', 'rapid_review-2wd', 'rapid_review-5wd', 'rapid_review-breach']);
    await caseReviews.step(business(tenant()), { caseId: review.id, version: 2 }, 'close', { date: '2026-12-22', reason: 'Did not meet the criteria for a serious incident' });
    expect(await kinds()).toEqual([]);
  });

  it('the log holds the reference, stages and dates, never the reasons or reviewer typed in', async () => {
    const { caseReviews, log } = t.services;
    const { review } = await caseReviews.open(business(tenant()), { formId: formId(), reference: 'SAR/26/9', kind: 'adult', started: '2026-12-21' });
    await caseReviews.step(chair(tenant()), { caseId: review.id, version: 1 }, 'decide', { date: '2026-12-21', outcome: 'commission_sar' });
    await caseReviews.step(business(tenant()), { caseId: review.id, version: 2 }, 'commission', { date: '2026-12-21', reviewer: 'Reviewer from another partnership' });
    await caseReviews.step(business(tenant()), { caseId: review.id, version: 3 }, 'close', { date: '2026-12-21', reason: 'Family asked for the review to pause' });
    const entries = (await log.recent(tenant(), 100)).filter((e) => e.entity.type === 'case-review');
    const own = entries.filter((e) => e.action.startsWith('case_review.'));
    expect(own.map((e) => e.action).reverse()).toEqual(['case_review.opened', 'case_review.decided', 'case_review.reviewer_commissioned', 'case_review.closed']);
    const text = JSON.stringify(entries);
    expect(text).toContain('SAR/26/9');
    expect(text).not.toMatch(/another partnership|Family asked/);
  });

  it('refuses to record a case for anyone but the Business Team and the chair, and a reference already used', async () => {
    const { caseReviews } = t.services;
    const partner: Actor = { tenantId: tenant(), aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen', roles: ['partner'] };
    await expect(caseReviews.open(partner, { formId: formId(), reference: 'RR-3', kind: 'child', started: '2026-12-21' })).rejects.toMatchObject({ code: 'forbidden' });
    await caseReviews.open(business(tenant()), { formId: formId(), reference: 'RR-3', kind: 'child', started: '2026-12-21' });
    await expect(caseReviews.open(business(tenant()), { formId: formId(), reference: 'rr-3', kind: 'adult', started: '2026-12-21' })).rejects.toMatchObject({ code: 'invalid', details: { field: 'reference' } });
  });
});
