import { CoalescedUpdates } from '../../bot/coalesced-updates';
import { BOARD_CHANNEL, BotHarness, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { ConnectorStub, ReceivedActivity } from '../support/connector-stub';
import { steps } from '../support/steps';

type InvokeBody = { statusCode: number; type: string; value: unknown };

/**
 * Clicks on the channel copy of a vote card while Teams is still busy with the last update of it:
 * through the real HTTP endpoint and a connector stub that holds that update. The copy is never
 * PUT twice at once; the clicks that came in meanwhile share the next PUT, which shows each of
 * their votes; each click is answered only once a PUT holding its vote is done.
 */
describe('a storm of clicks on one channel copy of a vote card', () => {
  const step = steps();
  const bot = new BotHarness();
  let boardCard: ReceivedActivity;
  let release!: () => void;
  let inFlight = 0;
  let mostInFlight = 0;
  const answered: string[] = [];
  // Observes (never replaces) the bot's coalescing of PUTs of a copy: who asked, and which updates ran.
  const asked: string[] = [];
  const ran: boolean[] = [];
  const { run } = Object.getOwnPropertyDescriptors(CoalescedUpdates.prototype);
  jest.spyOn(CoalescedUpdates.prototype, 'run').mockImplementation(function (this: CoalescedUpdates, key, update) {
    asked.push(key);
    return (run.value as CoalescedUpdates['run']).call(this, key, (joined) => {
      ran.push(joined);
      return update(joined);
    });
  });

  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.alex, 'channel set executive-board', BOARD_CHANNEL);
  });
  afterAll(() => bot.stop());

  const boardPuts = () => bot.stub.received.filter((r) => r.method === 'PUT' && r.activityId === boardCard.activityId);
  const votesNow = async () => {
    const rec = (await bot.composed.services.recommendations.get(TENANT, 'rec-1'))!;
    return new Map((await bot.composed.services.recommendations.votes(rec)).map((v) => [v.voter.aadObjectId, v.option]));
  };
  const until = async (what: string, ok: () => Promise<boolean> | boolean) => {
    // Waits on a condition, not for a time: each try yields to the bot's pending I/O first. The
    // bound only ends a test that can never pass (sized for a busy machine).
    for (const giveUp = Date.now() + 60_000; Date.now() < giveUp; ) {
      if (await ok()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`never saw: ${what}`);
  };
  const vote = (user: (typeof USERS)[keyof typeof USERS], option: string) =>
    bot.click(user, 'rec.vote', { rec: 'rec-1', option }, BOARD_CHANNEL, boardCard.activityId).then((res) => {
      answered.push(`${user.name} ${option}`);
      expect(res.status).toBe(200);
      const body = res.body as InvokeBody;
      expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
      return cardText(body.value);
    });

  step('a vote opens in the Executive Board channel', async () => {
    const [form] = await bot.say(USERS.patti, 'recommend');
    const formKey = /"form":"([^"]+)"/.exec(cardText(ConnectorStub.card(form)))![1];
    const mark = bot.stub.received.length;
    await bot.click(USERS.patti, 'rec.submit', { form: formKey, title: 'One escalation route', detail: 'Agree one route for escalating concerns between agencies.', sourceKind: 'subgroup', sourceName: 'Practice subgroup', deadline: '' }, personalChat(USERS.patti), form.activityId);
    boardCard = bot.stub.received.slice(mark).find((r) => r.method === 'POST' && r.conversationId === BOARD_CHANNEL.id && r.activity.type === 'message')!;
    expect(cardText(ConnectorStub.card(boardCard))).toContain('Voting open: 0 of 4 partners have voted');
  });

  step('clicks while the copy is being updated share one later PUT and are answered after it', async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    bot.stub.holdWhen = ({ method, activityId }) => {
      if (method !== 'PUT' || activityId !== boardCard.activityId) return undefined;
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const answer = first ? held : Promise.resolve();
      first = false;
      return answer.then(() => {
        inFlight -= 1;
      });
    };
    const megan = vote(USERS.megan, 'approve');
    await until('the first PUT of the board copy', () => boardPuts().length === 1); // Teams is "busy" with it now
    const adele = vote(USERS.adele, 'reject');
    const meganAgain = vote(USERS.megan, 'abstain'); // a change of mind while the copy is still on its way
    await until('both later clicks stored and waiting for the copy', () => asked.length === 3);
    const votes = await votesNow();
    expect([votes.get(USERS.adele.aadObjectId), votes.get(USERS.megan.aadObjectId)]).toEqual(['reject', 'abstain']);
    expect(answered).toEqual([]); // nobody is answered while the PUT holding their vote is not done
    expect(ran).toEqual([false]); // the two later clicks wait: no second PUT of the copy while the first is on its way
    release();
    const [meganText, adeleText, againText] = await Promise.all([megan, adele, meganAgain]);
    expect(ran).toEqual([false, true]); // three clicks, two PUTs: the second drawn after both later votes
    expect(mostInFlight).toBe(1); // never two PUTs of one copy at once, the publisher's refreshes included
    const puts = boardPuts();
    // The last PUT of the copy for everyone was drawn after both later votes: 2 of 4 voted, Megan and Adele named, no one's choice shown.
    const last = cardText(ConnectorStub.card(puts.at(-1)!));
    expect(last).toContain('2 of 4 partners have voted');
    expect(last).toContain('Megan Bowen');
    expect(last).toContain('Adele Vance');
    expect(last).not.toContain('You voted');
    // Each clicker's own answer shows their own vote as counted.
    expect(meganText).toContain('You voted Approve');
    expect(adeleText).toContain('You voted Reject');
    expect(againText).toContain('You voted Abstain');
  });

  step('the storm is logged once per vote and the copy is idle again', async () => {
    bot.stub.holdWhen = undefined;
    const entries = (await bot.composed.services.log.recent(TENANT, 100)).filter((e) => e.action.startsWith('vote.'));
    expect(entries.map((e) => e.action).sort()).toEqual(['vote.cast', 'vote.cast', 'vote.changed']);
    const mark = bot.stub.received.length;
    const text = await vote(USERS.isaiah, 'approve');
    expect(text).toContain('You voted Approve');
    const put = bot.stub.received.slice(mark).filter((r) => r.method === 'PUT' && r.activityId === boardCard.activityId);
    expect(ran).toEqual([false, true, false]); // an idle copy is updated at once, by its own click
    expect(put).toHaveLength(1);
    expect(cardText(ConnectorStub.card(put[0]))).toContain('3 of 4 partners have voted');
  });
});
