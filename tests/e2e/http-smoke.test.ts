import { BotHarness, USERS, cardText } from '../support/bot-harness';
import { ConnectorStub } from '../support/connector-stub';

describe('the bot over its real HTTP endpoint', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('answers help with a card that lists every command', async () => {
    const replies = await bot.say(USERS.alex, 'help');
    expect(replies).toHaveLength(1);
    const card = ConnectorStub.card(replies[0]);
    expect(card?.type).toBe('AdaptiveCard');
    expect(cardText(card)).toContain('whoami');
    expect(cardText(card)).toContain('log export');
  });

  it('reports health with the store kind', async () => {
    const res = await fetch(`${bot.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ store: 'embedded', reachable: true });
  });
});
