import { IDS, TENANT, submission, votesFixture } from '../support/votes-fixture';

type Fixture = Awaited<ReturnType<typeof votesFixture>>;

describe('actions from an approved recommendation', () => {
  let f: Fixture;
  let recId: string;
  beforeEach(async () => {
    f = await votesFixture();
    recId = (await f.recs.recommend(await f.actor(IDS.alex), submission())).rec.id;
    for (const id of [IDS.alex, IDS.megan, IDS.adele]) await f.recs.vote(await f.actor(id), recId, 'approve');
    await f.recs.vote(await f.actor(IDS.isaiah), recId, 'abstain');
  });
  afterEach(() => f.cleanup());

  const input = { owner: IDS.megan, due: '2026-04-01', description: 'Draft the shared protocol' };

  it('assigns once (a double click is a no-op), with the owner\'s organisation, reminders and a log entry', async () => {
    const patti = await f.actor(IDS.patti);
    const first = await f.actions.assign(patti, recId, input);
    const again = await f.actions.assign(patti, recId, input);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, action: { id: first.action.id } });
    expect(first.action).toMatchObject({ ref: 'A-1', organisation: 'NHS South Warwickshire CCG', status: 'open', recommendationRef: 'REC-1' });
    expect((await f.logActions()).filter((a) => a === 'action.assigned')).toHaveLength(1);
    const timers = await f.reminders.pendingFor(TENANT, first.action.id);
    expect(timers.map((t) => [t.kind, t.date])).toEqual([
      ['action-due-7d', '2026-03-25'],
      ['action-due-1d', '2026-03-31'],
      ['action-overdue', '2026-04-02'],
    ]);
    expect(timers.every((t) => t.target.kind === 'person' && t.target.aadObjectId === IDS.megan)).toBe(true);
    expect((await f.actions.open(TENANT)).map((a) => a.ref)).toEqual(['A-1']);
    expect((await f.actions.mine(TENANT, IDS.megan)).map((a) => a.ref)).toEqual(['A-1']);
    expect(await f.actions.mine(TENANT, IDS.adele)).toEqual([]);
  });

  it('moves the due date with a reason and moves the reminders with it', async () => {
    const { action } = await f.actions.assign(await f.actor(IDS.alex), recId, input);
    const moved = await f.actions.changeDue(await f.actor(IDS.megan), action.id, '2026-04-15', 'Consultation runs late', action.version);
    expect(moved.dueChanges).toEqual([expect.objectContaining({ from: '2026-04-01', to: '2026-04-15', reason: 'Consultation runs late' })]);
    expect((await f.reminders.pendingFor(TENANT, action.id)).map((t) => t.date)).toEqual(['2026-04-08', '2026-04-14', '2026-04-16']);
    const entry = (await f.log.recent(TENANT, 50)).find((e) => e.action === 'action.due-changed');
    expect(entry).toMatchObject({ action: 'action.due-changed', before: '2026-04-01' });
  });

  it('reminds weekly once overdue, and stops when marked done with evidence', async () => {
    const { action } = await f.actions.assign(await f.actor(IDS.alex), recId, input);
    f.clock.set('2026-04-02T08:00:00Z');
    const overdue = await f.actions.overdueReminder(await f.actor(IDS.alex), TENANT, action.id);
    expect(overdue?.ref).toBe('A-1');
    expect((await f.reminders.pendingFor(TENANT, action.id)).filter((t) => t.kind === 'action-overdue').map((t) => t.date)).toContain('2026-04-09');
    const done = await f.actions.complete(await f.actor(IDS.megan), action.id, 'Protocol agreed at the APG on 30 March');
    expect(done).toMatchObject({ status: 'done', done: { evidence: 'Protocol agreed at the APG on 30 March', by: 'Megan Bowen' } });
    expect(await f.reminders.pendingFor(TENANT, action.id)).toEqual([]);
    expect(await f.actions.overdueReminder(await f.actor(IDS.alex), TENANT, action.id)).toBeUndefined();
    expect(await f.actions.open(TENANT)).toEqual([]);
    expect(await f.logActions()).toContain('action.done');
  });
});
