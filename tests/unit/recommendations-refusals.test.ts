import type { Actor } from '../../services/directory/roles';
import type { Recommendation } from '../../services/recommendations/recommendation-service';
import { IDS, TENANT, submission, votesFixture } from '../support/votes-fixture';

type Fixture = Awaited<ReturnType<typeof votesFixture>>;

/** Each refusal: a DomainError with the expected code, and not one document or log entry changed. */
describe('refusals change nothing', () => {
  let f: Fixture;
  let rec: Recommendation;
  let alex: Actor;
  beforeEach(async () => {
    f = await votesFixture();
    alex = await f.actor(IDS.alex);
    rec = (await f.recs.recommend(alex, submission())).rec;
    await f.recs.vote(await f.actor(IDS.megan), rec.id, 'approve');
  });
  afterEach(() => f.cleanup());

  const refuses = async (code: string, attempt: () => Promise<unknown>) => {
    const before = await f.snapshot();
    await expect(attempt()).rejects.toMatchObject({ name: 'DomainError', code });
    expect(await f.snapshot()).toEqual(before);
  };

  const approve = async (r: Recommendation) => {
    for (const id of [IDS.alex, IDS.adele, IDS.isaiah]) await f.recs.vote(await f.actor(id), r.id, 'approve');
    return (await f.recs.get(r.tenantId, r.id))!;
  };

  it('a vote from someone who is not an eligible partner', async () => {
    await refuses('forbidden', async () => f.recs.vote(await f.actor(IDS.patti), rec.id, 'approve'));
    await refuses('forbidden', async () => f.recs.vote(await f.actor(IDS.lynne), rec.id, 'reject'));
  });
  it('a vote option that is not one of the three', async () => {
    await refuses('invalid', async () => f.recs.vote(await f.actor(IDS.adele), rec.id, 'maybe'));
    await refuses('invalid', async () => f.recs.vote(await f.actor(IDS.adele), rec.id, { $gt: '' }));
  });
  it('a recommendation id that does not exist, is malformed, or belongs to another tenant', async () => {
    await refuses('not_found', async () => f.recs.vote(await f.actor(IDS.adele), 'rec-99', 'approve'));
    await refuses('not_found', async () => f.recs.vote(await f.actor(IDS.adele), '../rec-1', 'approve'));
    await refuses('not_found', async () => f.recs.vote(await f.actor(IDS.adele), 42, 'approve'));
    const stranger = { ...(await f.actor(IDS.adele)), tenantId: '11111111-1111-1111-1111-111111111111' };
    await refuses('not_found', async () => f.recs.vote(stranger, rec.id, 'approve'));
  });
  it('a vote after closing (also from an old card)', async () => {
    await f.recs.closeEarly(alex, rec.id, 'Withdrawn by the subgroup');
    await refuses('closed', async () => f.recs.vote(await f.actor(IDS.adele), rec.id, 'approve'));
    await refuses('closed', async () => f.recs.vote(await f.actor(IDS.megan), rec.id, 'reject'));
  });
  it('a vote after the deadline closes it (once) and is not counted', async () => {
    f.clock.set('2026-03-09T17:00:01Z');
    await expect(f.recs.vote(await f.actor(IDS.adele), rec.id, 'approve')).rejects.toMatchObject({ code: 'closed' });
    const closed = (await f.recs.get(rec.tenantId, rec.id))!;
    expect(closed.closed?.tally).toEqual({ approve: 1, reject: 0, abstain: 0 });
    await refuses('closed', async () => f.recs.vote(await f.actor(IDS.adele), rec.id, 'approve'));
  });
  it('closing early or extending by someone other than the chair, without a reason, or from an old card', async () => {
    await refuses('forbidden', async () => f.recs.closeEarly(await f.actor(IDS.patti), rec.id, 'No longer needed'));
    await refuses('invalid', async () => f.recs.closeEarly(alex, rec.id, ' '));
    await refuses('forbidden', async () => f.recs.extend(await f.actor(IDS.megan), rec.id, '2026-03-20', 'More time'));
    await refuses('invalid', async () => f.recs.extend(alex, rec.id, '2026-03-20', ''));
    await refuses('invalid', async () => f.recs.extend(alex, rec.id, '2026-03-08', 'Earlier'));
    await refuses('invalid', async () => f.recs.extend(alex, rec.id, '2026-02-30', 'Bad date'));
    await refuses('stale', async () => f.recs.extend(alex, rec.id, '2026-03-20', 'More time', rec.version + 5));
    await refuses('stale', async () => f.recs.closeEarly(alex, rec.id, 'Enough', 'x'));
  });
  it('a bad submission', async () => {
    await refuses('forbidden', async () => f.recs.recommend(await f.actor(IDS.lynne), submission()));
    await refuses('invalid', async () => f.recs.recommend(alex, submission({ title: 'x' })));
    await refuses('invalid', async () => f.recs.recommend(alex, submission({ votingDeadline: '2026-03-02' })));
    await refuses('invalid', async () => f.recs.recommend(alex, submission({ votingDeadline: 'next week' })));
    await refuses('invalid', async () => f.recs.recommend(alex, submission({ source: { kind: 'hub', id: 'x', name: 'x' } })));
  });
  it('assigning an action on a recommendation that is not approved, or by someone not chair/business', async () => {
    const input = { owner: IDS.megan, due: '2026-04-01', description: 'Draft the protocol' };
    await refuses('not_yet', async () => f.actions.assign(alex, rec.id, input)); // still being voted on
    const approved = await approve(rec);
    expect(approved.status).toBe('approved');
    await refuses('forbidden', async () => f.actions.assign(await f.actor(IDS.megan), rec.id, input));
    await refuses('not_found', async () => f.actions.assign(alex, 'rec-404', input));
  });
  it('assigning an action on a recommendation the Board decided against: closed, not "not yet"', async () => {
    const second = (await f.recs.recommend(alex, submission({ title: 'Another protocol' }))).rec;
    for (const id of [IDS.alex, IDS.megan, IDS.adele, IDS.isaiah]) await f.recs.vote(await f.actor(id), second.id, 'reject');
    expect((await f.recs.get(TENANT, second.id))?.status).toBe('rejected');
    await refuses('closed', async () => f.actions.assign(alex, second.id, { owner: IDS.megan, due: '2026-04-01', description: 'Draft the protocol' }));
  });
  it('an action for someone not in the directory, a past due date, or no description', async () => {
    await approve(rec);
    await refuses('not_found', async () => f.actions.assign(alex, rec.id, { owner: '99999999-0000-0000-0000-000000000000', due: '2026-04-01', description: 'Draft it' }));
    await refuses('not_found', async () => f.actions.assign(alex, rec.id, { owner: { id: IDS.megan }, due: '2026-04-01', description: 'Draft it' }));
    await refuses('invalid', async () => f.actions.assign(alex, rec.id, { owner: IDS.megan, due: '2026-03-01', description: 'Draft it' }));
    await refuses('invalid', async () => f.actions.assign(alex, rec.id, { owner: IDS.megan, due: '2026-04-01', description: '' }));
    await refuses('invalid', async () => f.actions.assign(alex, rec.id, { owner: IDS.lynne, due: '2026-04-01', description: 'Draft it' })); // no organisation
  });
  it('marking done or moving the due date by someone else, without evidence or reason, into the past, or twice', async () => {
    await approve(rec);
    const { action } = await f.actions.assign(alex, rec.id, { owner: IDS.megan, due: '2026-04-01', description: 'Draft the protocol' });
    await refuses('forbidden', async () => f.actions.complete(await f.actor(IDS.adele), action.id, 'Done it'));
    await refuses('invalid', async () => f.actions.complete(await f.actor(IDS.megan), action.id, ''));
    await refuses('invalid', async () => f.actions.changeDue(await f.actor(IDS.megan), action.id, '2026-03-01', 'Earlier'));
    await refuses('invalid', async () => f.actions.changeDue(await f.actor(IDS.megan), action.id, '2026-04-10', ''));
    await refuses('not_found', async () => f.actions.complete(await f.actor(IDS.megan), 'act-nope', 'Done it'));
    await refuses('stale', async () => f.actions.complete(await f.actor(IDS.megan), action.id, 'Done it', 7));
    await f.actions.complete(await f.actor(IDS.megan), action.id, 'Protocol agreed', action.version);
    await refuses('closed', async () => f.actions.complete(await f.actor(IDS.megan), action.id, 'Again'));
    await refuses('closed', async () => f.actions.changeDue(alex, action.id, '2026-04-10', 'Later'));
  });
});
