import { conversationKey } from '../../services/conversations';
import { SYSTEM_ACTOR } from '../../services/log/audit-log';
import { BOARD_CHANNEL, BotHarness, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { ConnectorStub } from '../support/connector-stub';

const SYSTEM = { ...SYSTEM_ACTOR, tenantId: TENANT };

describe('reminders commands through the real bot', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const text = (replies: Awaited<ReturnType<BotHarness['say']>>) => replies.map((r) => cardText(ConnectorStub.card(r)) + (r.activity.text ?? '')).join('\n');

  it('lists what is coming up for this channel, for me, and for everyone (Business Team only)', async () => {
    await bot.say(USERS.alex, 'whoami', BOARD_CHANNEL);
    const { reminders } = bot.composed.services;
    await reminders.schedule(SYSTEM, {
      tenantId: TENANT,
      entity: { type: 'dispute', id: 'd-9', ref: 'D-9' },
      kind: 'deadline-7d',
      date: '2026-03-10',
      target: { kind: 'conversation', conversationKey: conversationKey(BOARD_CHANNEL.id) },
      content: { kind: 'card', template: 'notice', data: { title: 'D-9', text: '7 days' } },
    });
    await reminders.schedule(SYSTEM, {
      tenantId: TENANT,
      entity: { type: 'recommendation', id: 'r-2', ref: 'R-2' },
      kind: 'vote-closes-1d',
      date: '2026-03-11',
      target: { kind: 'person', aadObjectId: USERS.megan.aadObjectId, name: USERS.megan.name, fallbackPurpose: 'executive-board' },
      content: { kind: 'card', template: 'notice', data: { title: 'R-2', text: 'vote' } },
    });

    const inChannel = text(await bot.say(USERS.alex, 'reminders', BOARD_CHANNEL));
    expect(inChannel).toContain('D-9');
    expect(inChannel).toContain('Tue 10 Mar 2026, 09:00');
    expect(inChannel).not.toContain('R-2');

    const mine = text(await bot.say(USERS.megan, 'reminders', personalChat(USERS.megan)));
    expect(mine).toContain('R-2');
    expect(mine).not.toContain('D-9');

    expect(text(await bot.say(USERS.lynne, 'reminders all'))).toContain('Only the Business Team can list every reminder');
    const all = text(await bot.say(USERS.patti, 'reminders all'));
    expect(all).toContain('D-9');
    expect(all).toContain('R-2');
  });

  it('pause holds a channel\'s reminders (logged) and resume sends them, once', async () => {
    await bot.say(USERS.alex, 'whoami', BOARD_CHANNEL);
    const { reminders, scheduler, log } = bot.composed.services;
    await reminders.schedule(SYSTEM, {
      tenantId: TENANT,
      entity: { type: 'dispute', id: 'd-10', ref: 'D-10' },
      kind: 'deadline-3d',
      date: '2026-03-04',
      target: { kind: 'conversation', conversationKey: conversationKey(BOARD_CHANNEL.id) },
      content: { kind: 'card', template: 'notice', data: { title: 'D-10: 3 days left', text: 'Meet soon.' } },
    });

    expect(text(await bot.say(USERS.megan, 'reminders pause', BOARD_CHANNEL))).toContain('Only the Business Team or the Independent Chair can pause reminders');
    expect(text(await bot.say(USERS.alex, 'reminders pause', BOARD_CHANNEL))).toContain('Reminders paused');
    expect(text(await bot.say(USERS.alex, 'reminders', BOARD_CHANNEL))).toContain('Resume reminders here');

    bot.clock.set('2026-03-04T09:00:00Z');
    bot.stub.clear();
    expect(await scheduler.tick()).toMatchObject({ held: 1, sent: 0 });
    expect(bot.stub.messages()).toHaveLength(0);

    expect(text(await bot.say(USERS.alex, 'reminders resume', BOARD_CHANNEL))).toContain('1 that waited will be sent shortly');
    bot.stub.clear();
    expect(await scheduler.tick()).toMatchObject({ sent: 1 });
    const delivered = bot.stub.messages();
    expect(delivered).toHaveLength(1);
    expect(cardText(ConnectorStub.card(delivered[0]))).toContain('D-10: 3 days left');
    expect((await scheduler.tick()).due).toBe(0);

    const actions = (await log.recent(TENANT, 20)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['reminders.paused', 'reminders.resumed', 'reminders.sent']));
  });
});
