import { LogView } from '../../services/log/log-view';
import { replayAgainstState } from '../../services/log/replay';
import { CONTAINERS } from '../../services/store/containers';
import { IDS, TENANT, submission, votesFixture } from '../support/votes-fixture';

type Fixture = Awaited<ReturnType<typeof votesFixture>>;

describe('log verify: replaying the log against the current state', () => {
  let f: Fixture;
  let recId: string;
  beforeEach(async () => {
    f = await votesFixture();
    recId = (await f.recs.recommend(await f.actor(IDS.patti), submission())).rec.id;
    await f.recs.vote(await f.actor(IDS.alex), recId, 'approve');
    await f.recs.vote(await f.actor(IDS.megan), recId, 'approve');
    await f.recs.vote(await f.actor(IDS.megan), recId, 'reject');
  });
  afterEach(() => f.cleanup());

  const voteOf = async (voter: string) => {
    const votes = await f.store.query<{ id: string; voter: { aadObjectId: string }; option: string }>(CONTAINERS.votes.name, { partitionKey: TENANT });
    return votes.find((v) => v.voter.aadObjectId === voter)!;
  };

  it('accounts for every document when nothing was touched outside the bot', async () => {
    const result = await replayAgainstState(f.log, f.store, TENANT);
    expect(result.findings).toEqual([]);
    expect(result).toMatchObject({ ok: true });
    expect(result.documents).toBeGreaterThanOrEqual(3);
  });

  it('is the Business Team\'s to run: the log view refuses the chair and a partner, and replays for the Business Team', async () => {
    const view = new LogView(f.log, f.store);
    await expect(view.verify(await f.actor(IDS.megan))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(view.verify({ ...(await f.actor(IDS.alex)), roles: ['chair', 'partner'] })).rejects.toMatchObject({ code: 'forbidden' });
    const verified = await view.verify(await f.actor(IDS.patti));
    expect(verified).toMatchObject({ ok: true, replay: { ok: true, findings: [] } });
  });

  it('names a vote document edited in the database', async () => {
    const megan = await voteOf(IDS.megan);
    await f.store.replace(CONTAINERS.votes.name, { ...megan, option: 'approve' }, (megan as unknown as { _etag: string })._etag);
    const result = await replayAgainstState(f.log, f.store, TENANT);
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([{ container: 'votes', id: megan.id, problem: expect.stringMatching(/shows Approve but log entry \d+ records Reject/) }]);
  });

  it('names a vote deleted from the database, and one added there directly', async () => {
    const alex = await voteOf(IDS.alex);
    await f.store.delete(CONTAINERS.votes.name, TENANT, alex.id);
    await f.store.create(CONTAINERS.votes.name, {
      id: `${recId}-forged`,
      tenantId: TENANT,
      recommendationId: recId,
      voter: { aadObjectId: IDS.lynne, name: 'Lynne Robbins' },
      option: 'reject',
      castAt: '2026-03-02T10:00:00Z',
    });
    const problems = (await replayAgainstState(f.log, f.store, TENANT)).findings.map((x) => x.problem);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^log entry \d+ records a vote \(Approve\) that is missing from the store$/),
        'a vote by Lynne Robbins (Reject) is in the store but no log entry records it',
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('names a recommendation whose decision was set in the database, and a dispute no log entry records', async () => {
    const rec = await f.store.read<{ id: string; status: string }>(CONTAINERS.recommendations.name, TENANT, recId);
    await f.store.replace(CONTAINERS.recommendations.name, { ...rec!, status: 'approved' }, rec!._etag);
    await f.store.create(CONTAINERS.disputes.name, { id: 'dispute-forged', tenantId: TENANT, ref: 'D-2026-099', status: 'raised' });
    const { findings } = await replayAgainstState(f.log, f.store, TENANT);
    expect(findings).toEqual(
      expect.arrayContaining([
        { container: 'recommendations', id: recId, problem: expect.stringContaining('shows "Approved" but the log records no decision') },
        { container: 'disputes', id: 'dispute-forged', problem: 'dispute D-2026-099 (dispute-forged) is in the store but no log entry records it' },
      ]),
    );
    expect(findings).toHaveLength(2);
  });
});
