import { BOARD_CHANNEL, BotHarness, TestUser, USERS, cardText } from '../support/bot-harness';
import { TestClock } from '../support/clock';
import { ConnectorStub } from '../support/connector-stub';
import { LOG_PAGE_SIZE, parseLogFilter } from '../../services/log/log-view';

jest.setTimeout(120_000);

describe('the log people read: filters, pages, and who may read it', () => {
  const bot = new BotHarness(new TestClock('2026-03-10T09:30:00Z'));
  beforeAll(async () => {
    await bot.start();
    for (const u of [USERS.patti, USERS.lynne, USERS.megan]) await bot.say(u, 'hi');
    await bot.say(USERS.patti, 'channel set executive-board', BOARD_CHANNEL);
    // Twelve role changes by Patti, so the role entries fill more than a page.
    for (let i = 0; i < 6; i++) {
      await bot.say(USERS.patti, 'grant member Lynne Robbins');
      await bot.say(USERS.patti, 'revoke member Lynne Robbins');
    }
  });
  afterAll(() => bot.stop());

  const logCard = async (user: TestUser = USERS.patti, text = 'log') => {
    const replies = await bot.say(user, text);
    expect(replies).toHaveLength(1);
    const card = ConnectorStub.card(replies[0]);
    return { card, text: card ? cardText(card) : String(replies[0].activity.text) };
  };
  const seqs = (text: string) => [...text.matchAll(/#(\d+) ·/g)].map((m) => Number(m[1]));

  it('filters by kind and by person, and pages', async () => {
    const roles = await logCard(USERS.patti, 'log kind role');
    expect(roles.text).toContain('Log entries: kind role (page 1 of 2, 12 entries)');
    expect(seqs(roles.text)).toHaveLength(LOG_PAGE_SIZE);
    const page2 = await logCard(USERS.patti, 'log kind role page 2');
    expect(seqs(page2.text)).toHaveLength(2);
    expect(Math.max(...seqs(page2.text))).toBeLessThan(Math.min(...seqs(roles.text)));
    const byPatti = await logCard(USERS.patti, 'log by Patti kind channel');
    expect(byPatti.text).toContain('channel.named');
    expect(byPatti.text).not.toContain('role.granted');
    expect((await logCard(USERS.patti, 'log by Megan kind role')).text).toContain('No entries yet.');
    expect((await logCard(USERS.patti, 'log kind role page 9')).text).toMatch(/only 2 pages/);
  });

  it('hides reminder bookkeeping unless asked for with "all"', async () => {
    const { reminders, config } = bot.composed.services;
    const patti = { tenantId: config.tenantId, aadObjectId: USERS.patti.aadObjectId, name: USERS.patti.name, roles: ['business' as const] };
    await reminders.schedule(patti, {
      tenantId: config.tenantId,
      entity: { type: 'test', id: 'x-1', ref: 'X-1' },
      kind: 'note',
      date: '2026-03-20',
      target: { kind: 'purpose', purpose: 'executive-board' },
      content: { kind: 'card', template: 'notice', data: { title: 'Note', text: 'A note', tone: 'default' } },
    });
    expect((await logCard(USERS.patti, 'log')).text).not.toContain('reminder.scheduled');
    const all = await logCard(USERS.patti, 'log all');
    expect(all.text).toContain('reminder.scheduled');
    expect((await logCard(USERS.patti, 'log X-1 all')).text).toContain('reminder.scheduled');
  });

  it('a typo never shows the log', async () => {
    const { card, text } = await logCard(USERS.patti, 'log verfy');
    expect(card).toBeUndefined();
    expect(text).toContain('Did you mean **log verify**?');
    expect(text).toContain('I have done nothing');
  });

  it('lay members may read it; partners may not', async () => {
    expect((await logCard(USERS.lynne, 'log kind role')).text).toContain('Log entries: kind role');
    expect((await logCard(USERS.megan, 'log')).text).toMatch(/Only the Business Team/);
  });

  it('the export card says how many entries the CSV holds', async () => {
    const total = (await bot.composed.services.log.recent(bot.composed.services.config.tenantId, 10_000)).length;
    const { text } = await logCard(USERS.patti, 'log export');
    // The export itself is logged first, so the CSV holds it too.
    expect(text).toContain(`Log export ready: ${total + 1} entries`);
  });
});

describe('parseLogFilter', () => {
  it('reads references, people, kinds, all and pages in any order, and reports anything else', () => {
    expect(parseLogFilter('D-1 all')).toEqual({ ok: true, filter: { ref: 'D-1', all: true, page: 1 } });
    expect(parseLogFilter('by Megan Bowen kind vote page 3')).toEqual({ ok: true, filter: { by: 'Megan Bowen', kind: 'vote', all: false, page: 3 } });
    expect(parseLogFilter('rr-2026-03')).toEqual({ ok: true, filter: { ref: 'RR-2026-03', all: false, page: 1 } });
    expect(parseLogFilter('exprot')).toEqual({ ok: false, unknown: 'exprot' });
    expect(parseLogFilter('page two')).toEqual({ ok: false, unknown: 'page' });
  });
});
