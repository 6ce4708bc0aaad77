import { canSeeVotesOf } from '../../services/recommendations/recommendation-records';
import { CONTAINERS } from '../../services/store/containers';
import { IDS, TENANT, submission, votesFixture } from '../support/votes-fixture';

type Fixture = Awaited<ReturnType<typeof votesFixture>>;

/** The rules the bot layer used to hold, now in the recommendations services. */
describe('recommendation rules kept in the service', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await votesFixture();
  });
  afterEach(() => f.cleanup());

  it('sends a vote reminder only to an eligible partner who has not voted, and only while the vote is open', async () => {
    const alex = await f.actor(IDS.alex);
    const rec = (await f.recs.recommend(alex, submission())).rec;
    await f.recs.vote(await f.actor(IDS.megan), rec.id, 'approve');
    const due = (voter: string) => f.recs.records.voteReminderDue(TENANT, rec.id, voter).then((r) => r?.id);
    expect(await due(IDS.adele)).toBe(rec.id);
    expect(await due(IDS.megan)).toBeUndefined(); // already voted
    expect(await due(IDS.patti)).toBeUndefined(); // not a partner: not eligible
    expect(await f.recs.records.voteReminderDue(TENANT, 'rec-99', IDS.adele)).toBeUndefined();
    await f.recs.closeEarly(alex, rec.id, 'Withdrawn', rec.version);
    expect(await due(IDS.adele)).toBeUndefined(); // closed
  });

  it('tells the decision with where it is announced: a review\'s own channels, else its strand\'s partnership group', async () => {
    await f.store.create(CONTAINERS.reviews.name, { id: 'review-7', tenantId: TENANT, strand: 'adults', reminderConversations: [] });
    await f.store.create(CONTAINERS.reviews.name, { id: 'review-8', tenantId: TENANT, strand: 'children', reminderConversations: ['conv-hub'] });
    const sponsor = await f.actor(IDS.lynne);
    const decideAll = async (sourceId: string, ref: string) => {
      const { id } = await f.recs.submit(sponsor, submission({ source: { kind: 'review', id: sourceId, ref, name: 'Transitions' } }));
      for (const voter of [IDS.alex, IDS.megan, IDS.adele, IDS.isaiah]) await f.recs.vote(await f.actor(voter), id, 'approve');
      return id;
    };
    const first = await decideAll('review-7', 'R-7');
    const second = await decideAll('review-8', 'R-8');
    const decided = f.events.told.filter((t) => t.event === 'decided');
    expect(decided.map((t) => [t.rec.id, t.rec.status, t.announce])).toEqual([
      [first, 'approved', { purposes: ['adults-partnership'], conversations: [] }],
      [second, 'approved', { purposes: [], conversations: ['conv-hub'] }],
    ]);
  });

  it('lets only the groups that may recommend open the form: no role nobody can hold in the directory', async () => {
    const base = await f.actor(IDS.patti);
    for (const roles of [['chair'], ['business'], ['partner'], ['member']] as const) expect(() => f.recs.assertCanRecommend({ ...base, roles: [...roles] })).not.toThrow();
    for (const roles of [['sponsor'], ['lay'], []] as const) expect(() => f.recs.assertCanRecommend({ ...base, roles: [...roles] })).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('shows individual votes to the chair and the Business Team only', () => {
    expect(canSeeVotesOf({ roles: ['chair'] })).toBe(true);
    expect(canSeeVotesOf({ roles: ['business'] })).toBe(true);
    expect(canSeeVotesOf({ roles: ['partner', 'member', 'lay'] })).toBe(false);
    expect(canSeeVotesOf({ roles: [] })).toBe(false);
    expect(canSeeVotesOf(undefined)).toBe(false);
  });
});
