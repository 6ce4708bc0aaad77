import { BotHarness, USERS } from '../support/bot-harness';
import { TestClock } from '../support/clock';

jest.setTimeout(120_000);

describe('a command with words it does not expect does nothing and says what was meant', () => {
  const bot = new BotHarness(new TestClock('2026-03-10T09:30:00Z'));
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.patti, 'hi'); // the first message in a chat also brings the welcome card
  });
  afterAll(() => bot.stop());

  const reply = async (text: string): Promise<string> => {
    const replies = await bot.say(USERS.patti, text);
    expect(replies).toHaveLength(1);
    return String(replies[0].activity.text ?? '');
  };

  it.each([
    ['log verfy', 'log verify'],
    ['log exprot', 'log export'],
    ['disputes D-1', 'dispute D-1'],
    ['reviews R-3', 'review R-3'],
    ['recommendations REC-2', 'recommendation REC-2'],
    ['whoami please', ''],
  ])('"%s" is refused, suggesting "%s"', async (typed, meant) => {
    const logBefore = (await bot.composed.services.log.recent(bot.composed.services.config.tenantId, 10_000)).length;
    const text = await reply(typed);
    expect(text).toContain(`I don't know "${typed}"`);
    expect(text).toMatch(/so I have done nothing/);
    if (meant) expect(text).toContain(`Did you mean **${meant}**?`);
    // Nothing ran: no card, no log verification, no export link, nothing logged.
    expect(text).not.toMatch(/intact|download/i);
    expect((await bot.composed.services.log.recent(bot.composed.services.config.tenantId, 10_000)).length).toBe(logBefore);
  });

  it.each([
    ['votes', 'recommendations'],
    ['vote', 'recommendations'],
    ['cases', 'case reviews'],
    ['audit', 'log'],
  ])('a common word "%s" points at %s', async (typed, meant) => {
    expect(await reply(typed)).toContain(`Did you mean **${meant}**?`);
  });

  it('still runs the commands themselves, and help whatever follows it', async () => {
    const verify = await bot.say(USERS.patti, 'log verify');
    expect(JSON.stringify(verify.map((r) => r.activity))).toMatch(/intact/i);
    const help = await bot.say(USERS.patti, 'help me please');
    expect(JSON.stringify(help.map((r) => r.activity))).toContain('What I can do');
  });
});
