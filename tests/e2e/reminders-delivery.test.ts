import { conversationKey } from '../../services/conversations';
import { SYSTEM_ACTOR } from '../../services/log/audit-log';
import type { Timer } from '../../services/reminders/port';
import { CONTAINERS } from '../../services/store/containers';
import { BOARD_CHANNEL, BotHarness, TENANT, USERS, cardText } from '../support/bot-harness';
import { ConnectorStub } from '../support/connector-stub';

describe('reminder delivery through the real bot', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('sends a due reminder to the remembered channel exactly once', async () => {
    await bot.say(USERS.alex, 'whoami', BOARD_CHANNEL);
    const { reminders, scheduler, store } = bot.composed.services;
    const timer = await reminders.schedule({ ...SYSTEM_ACTOR, tenantId: TENANT }, {
      tenantId: TENANT,
      entity: { type: 'dispute', id: 'd-1', ref: 'D-1' },
      kind: 'deadline-7d',
      date: '2026-03-03',
      target: { kind: 'conversation', conversationKey: conversationKey(BOARD_CHANNEL.id) },
      content: { kind: 'card', template: 'notice', data: { title: 'D-1: 7 days to the meeting deadline', text: 'Schedule the joint meeting.' } },
    });
    expect(timer.dueAt).toBe('2026-03-03T09:00:00.000Z');

    bot.stub.clear();
    expect((await scheduler.tick()).sent).toBe(0);
    expect(bot.stub.messages()).toHaveLength(0);

    bot.clock.set('2026-03-03T09:00:30Z');
    const first = await scheduler.tick();
    expect(first).toMatchObject({ claimed: 1, sent: 1, copies: 1 });
    const delivered = bot.stub.messages();
    expect(delivered).toHaveLength(1);
    expect(delivered[0].conversationId).toBe(BOARD_CHANNEL.id);
    expect(cardText(ConnectorStub.card(delivered[0]))).toContain('D-1: 7 days to the meeting deadline');

    const stored = await store.read<Timer>(CONTAINERS.timers.name, TENANT, timer.id);
    expect(stored).toMatchObject({ status: 'sent', activityId: delivered[0].activityId, late: false });
    expect(stored?.leaseOwner).toBeUndefined();

    bot.clock.advance(60 * 60_000);
    expect(await scheduler.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(bot.stub.messages()).toHaveLength(1);
  });
});
