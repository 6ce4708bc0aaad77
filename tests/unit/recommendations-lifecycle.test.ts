import { RecommendationService } from '../../services/recommendations/recommendation-service';
import { IDS, TENANT, submission, votesFixture } from '../support/votes-fixture';

type Fixture = Awaited<ReturnType<typeof votesFixture>>;

describe('a recommendation from submission to decision', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await votesFixture();
  });
  afterEach(() => f.cleanup());

  it('opens a vote with the partners snapshotted, the default deadline, reminders, and a log entry', async () => {
    const rec = (await f.recs.recommend(await f.actor(IDS.patti), submission())).rec;
    expect(rec).toMatchObject({ ref: 'REC-1', id: 'rec-1', status: 'open', deadline: '2026-03-09', quorum: 3 });
    expect(rec.closesAt).toBe('2026-03-09T17:00:00.000Z'); // the close hour, 17:00 in London (GMT in March before the clocks change)
    expect(rec.eligible.map((v) => v.name)).toEqual(['Adele Vance', 'Alex Wilber', 'Isaiah Langer', 'Megan Bowen']);
    expect(f.events.of('opened').map((r) => r.ref)).toEqual(['REC-1']);
    expect(await f.logActions()).toContain('recommendation.submitted');
    const timers = await f.reminders.pendingFor(TENANT, rec.id);
    expect(timers.filter((t) => t.kind === 'vote-close').map((t) => t.date)).toEqual(['2026-03-09']);
    expect(timers.filter((t) => t.kind === 'vote-remind-2d').map((t) => t.date)).toEqual(Array(4).fill('2026-03-07'));
    expect(timers.filter((t) => t.kind === 'vote-remind-1d')).toHaveLength(4);
  });

  it('counts one vote per partner, lets a partner change it, logs each once, and ignores a double click', async () => {
    const rec = (await f.recs.recommend(await f.actor(IDS.alex), submission())).rec;
    const megan = await f.actor(IDS.megan);
    expect((await f.recs.vote(megan, rec.id, 'approve')).outcome).toBe('cast');
    expect((await f.recs.vote(megan, rec.id, 'approve')).outcome).toBe('unchanged');
    const changed = await f.recs.vote(megan, rec.id, 'reject');
    expect(changed.outcome).toBe('changed');
    expect(changed.view.tally).toEqual({ approve: 0, reject: 1, abstain: 0 });
    expect(changed.view.voted.map((v) => v.name)).toEqual(['Megan Bowen']);
    expect(changed.view.notVoted).toHaveLength(3);
    const entries = (await f.log.recent(TENANT, 100)).filter((e) => e.action.startsWith('vote.'));
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ['vote.changed', 'Approve', 'Reject'],
      ['vote.cast', undefined, 'Approve'],
    ]);
  });

  it('closes as soon as every eligible partner has voted, once, and decides by the rule', async () => {
    const rec = (await f.recs.recommend(await f.actor(IDS.alex), submission())).rec;
    await f.recs.vote(await f.actor(IDS.alex), rec.id, 'approve');
    await f.recs.vote(await f.actor(IDS.megan), rec.id, 'approve');
    await f.recs.vote(await f.actor(IDS.adele), rec.id, 'reject');
    const last = await f.recs.vote(await f.actor(IDS.isaiah), rec.id, 'approve');
    expect(last.view.rec.status).toBe('approved');
    expect(last.view.rec.closed).toMatchObject({ how: 'all-voted', tally: { approve: 3, reject: 1, abstain: 0 } });
    expect(f.events.of('decided').map((r) => r.status)).toEqual(['approved']);
    expect(await f.recs.close(await f.actor(IDS.alex), rec.id, 'chair', 'again')).toBeUndefined();
    expect((await f.logActions()).filter((a) => a === 'recommendation.decided')).toHaveLength(1);
    expect(await f.reminders.pendingFor(TENANT, rec.id)).toEqual([]);
  });

  it('closes at the deadline through its timer: two votes are no quorum', async () => {
    const rec = (await f.recs.recommend(await f.actor(IDS.alex), submission())).rec;
    await f.recs.vote(await f.actor(IDS.megan), rec.id, 'approve');
    await f.recs.vote(await f.actor(IDS.adele), rec.id, 'approve');
    expect(await f.recs.closeAtDeadline(TENANT, rec.id)).toBeUndefined(); // too early: nothing happens
    f.clock.set('2026-03-09T17:00:00Z');
    const closed = await f.recs.closeAtDeadline(TENANT, rec.id);
    expect(closed?.status).toBe('no-quorum');
    expect(closed?.closed?.how).toBe('deadline');
    expect(await f.recs.closeAtDeadline(TENANT, rec.id)).toBeUndefined();
  });

  it('keeps the voters it opened with when roles change later', async () => {
    const rec = (await f.recs.recommend(await f.actor(IDS.alex), submission())).rec;
    const alex = await f.actor(IDS.alex);
    await f.directory.grant(alex, IDS.patti, 'partner', 'Business');
    await f.directory.revoke(alex, IDS.megan, 'partner');
    await expect(f.recs.vote(await f.actor(IDS.patti), rec.id, 'approve')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await f.recs.vote(await f.actor(IDS.megan), rec.id, 'approve')).outcome).toBe('cast');
  });

  it('lets the chair close early and extend, each with a reason, and moves the reminders', async () => {
    const alex = await f.actor(IDS.alex);
    const rec = (await f.recs.recommend(alex, submission())).rec;
    const extended = await f.recs.extend(alex, rec.id, '2026-03-16', 'Police input awaited', rec.version);
    expect(extended).toMatchObject({ deadline: '2026-03-16', version: 2 });
    const kinds = (await f.reminders.pendingFor(TENANT, rec.id)).filter((t) => t.kind === 'vote-close').map((t) => t.date);
    expect(kinds).toEqual(['2026-03-16']);
    f.clock.set('2026-03-09T17:00:00Z');
    expect(await f.recs.closeAtDeadline(TENANT, rec.id)).toBeUndefined(); // the old deadline no longer closes it
    const closed = await f.recs.closeEarly(alex, rec.id, 'Superseded by national guidance', extended.version);
    expect(closed.status).toBe('no-quorum');
    expect(closed.closed).toMatchObject({ how: 'chair', reason: 'Superseded by national guidance' });
    expect(await f.logActions()).toEqual(expect.arrayContaining(['recommendation.extended', 'recommendation.decided']));
  });

  it('is the RecommendationIntake: a review at stage 4 submits, and bySource finds it', async () => {
    const intake: RecommendationService = f.recs;
    const sponsor = await f.actor(IDS.lynne); // the review feature authorises its sponsor
    const submitted = await intake.submit(sponsor, submission({ source: { kind: 'review', id: 'review-7', ref: 'R-7', name: 'Transitions' } }));
    expect(submitted).toMatchObject({ ref: 'REC-1', status: 'open' });
    expect(await intake.bySource(TENANT, 'review-7')).toEqual([submitted]);
  });

  it('opens one vote for a form submitted twice', async () => {
    const patti = await f.actor(IDS.patti);
    const first = await f.recs.recommend(patti, submission(), 'form-1');
    const second = await f.recs.recommend(patti, submission(), 'form-1');
    expect(second).toMatchObject({ created: false, rec: { id: first.rec.id } });
    expect(await f.recs.list(TENANT)).toHaveLength(1);
  });
});
