import { BOARD_CHANNEL, BotHarness, TestUser, USERS, cardText } from '../support/bot-harness';
import { TestClock } from '../support/clock';
import { ConnectorStub } from '../support/connector-stub';

jest.setTimeout(120_000);

describe('lists that lead somewhere: an Open button per row, and what the viewer still has to do', () => {
  const bot = new BotHarness(new TestClock('2026-03-02T10:00:00Z'));
  beforeAll(async () => {
    await bot.start();
    for (const u of [USERS.patti, USERS.megan, USERS.alex]) await bot.say(u, 'hi');
    await bot.say(USERS.patti, 'channel set executive-board', BOARD_CHANNEL);
  });
  afterAll(() => bot.stop());

  const list = async (user: TestUser, text: string) => {
    const replies = await bot.say(user, text);
    const card = ConnectorStub.card(replies[replies.length - 1]);
    return { text: cardText(card), json: JSON.stringify(card) };
  };
  const actor = async (user: TestUser) => bot.composed.services.directory.actorFor(bot.composed.services.config.tenantId, user.aadObjectId, user.name);

  it('recommendations: each row opens its vote card and tells a partner whether they still have to vote', async () => {
    const recs = bot.composed.services.recommendations;
    const rec = await recs.submit(await actor(USERS.patti), {
      title: 'A shared transitions protocol',
      detail: 'One protocol across children and adults services.',
      source: { kind: 'subgroup', id: 'subgroup:exploitation', name: 'Exploitation subgroup' },
    });
    let megan = await list(USERS.megan, 'recommendations');
    expect(megan.text).toContain(`**${rec.ref}** A shared transitions protocol`);
    expect(megan.text).toContain('You have not voted yet');
    expect(megan.json).toContain(`"command":"recommendation ${rec.ref}"`);
    // Patti (Business Team, not a voter) has nothing to do.
    expect((await list(USERS.patti, 'recommendations')).text).not.toMatch(/You have not voted|You voted/);

    await recs.vote(await actor(USERS.megan), rec.id, 'approve');
    megan = await list(USERS.megan, 'recommendations');
    expect(megan.text).toContain('You voted Approve; you can change it until the vote closes');
    expect(megan.text).toMatch(/1 of \d+ partners have voted/);
  });

  it('my actions with none open says so', async () => {
    const empty = await list(USERS.megan, 'my actions');
    expect(empty.text).toContain('You have no open actions.');
  });
});
