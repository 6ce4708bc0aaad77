import { TeamsAdapter } from '@microsoft/teams-ai';
import { TeamsMessenger } from '../../bot/teams-messenger';
import type { ConversationRecord } from '../../services/conversations';
import { silentLogger } from '../../services/logger';
import type { Timer } from '../../services/reminders/port';
import { LimitedMessenger } from '../../services/delivery/limited-messenger';
import { LimiterTime, RateLimiter, TEAMS_TENANT_WINDOWS } from '../../services/delivery/rate-limiter';
import { CONTAINERS } from '../../services/store/containers';
import { BUSINESS, RemindersWorld, SYSTEM, TENANT } from '../support/reminders-world';
import { TeamsLimitsStub } from '../../bench/teams-limits-connector';

jest.setTimeout(120_000);

const realTime: LimiterTime = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** The production path: Scheduler → LimitedMessenger → TeamsMessenger → HTTP → a stub that enforces Teams' limits. */
async function setup(stub: TeamsLimitsStub, channels: number) {
  await stub.start();
  const world = await new RemindersWorld('2026-03-03T09:00:00Z').start();
  const conversations: ConversationRecord[] = [];
  for (let c = 0; c < channels; c++) {
    const conversationId = `19:t${c}@thread`;
    conversations.push(
      await world.conversations.remember(BUSINESS, {
        conversationId,
        kind: 'channel',
        name: `T${c}`,
        reference: { serviceUrl: stub.url, channelId: 'msteams', conversation: { id: conversationId, tenantId: TENANT }, bot: { id: 'bot-id' } },
      }),
    );
  }
  const messenger = new LimitedMessenger(new TeamsMessenger(new TeamsAdapter({}), ''), new RateLimiter(realTime), realTime, silentLogger, { baseDelayMs: 200 });
  return { world, conversations, messenger };
}

async function scheduleMany(world: RemindersWorld, conversations: ConversationRecord[], perConversation: number): Promise<void> {
  for (const conversation of conversations)
    for (let i = 0; i < perConversation; i++)
      await world.reminders.schedule(SYSTEM, world.spec({
        entity: { type: 'action', id: `${conversation.id}-${i}`, ref: `A-${i}` },
        date: '2026-03-03',
        target: { kind: 'conversation', conversationKey: conversation.id },
        content: { kind: 'card', template: 'notice', data: { title: `reminder ${conversation.conversationId} #${i}#`, text: 'due' } },
      }));
}

function deliveredOnce(stub: TeamsLimitsStub, expected: number): void {
  const seen = new Map<string, number>();
  for (const m of stub.received) {
    const key = /reminder (\S+) #(\d+)#/.exec(TeamsLimitsStub.content(m));
    if (key) seen.set(key[0], (seen.get(key[0]) ?? 0) + 1);
  }
  expect(seen.size).toBe(expected);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
}

describe('delivery against a connector that enforces Teams\' limits', () => {
  it('stays inside the limits: no 429 at all, every reminder once', async () => {
    const stub = new TeamsLimitsStub();
    const { world, conversations, messenger } = await setup(stub, 2);
    try {
      await scheduleMany(world, conversations, 12);
      const scheduler = world.scheduler({}, messenger);
      expect(await scheduler.tick()).toMatchObject({ sent: 24 });
      expect(stub.throttled).toBe(0);
      deliveredOnce(stub, 24);
    } finally {
      await world.stop();
      await stub.stop();
    }
  });

  it('answered 429 (a stricter connector): retried after Retry-After, nothing lost, none sent twice', async () => {
    const stub = new TeamsLimitsStub([{ limit: 3, windowMs: 1000 }], TEAMS_TENANT_WINDOWS);
    const { world, conversations, messenger } = await setup(stub, 1);
    try {
      await scheduleMany(world, conversations, 15);
      const scheduler = world.scheduler({}, messenger);
      for (let round = 0; round < 10; round++) {
        await scheduler.tick();
        const pending = await world.store.query<Timer>(CONTAINERS.timers.name, { partitionKey: TENANT, where: [{ field: 'status', op: '=', value: 'pending' }] });
        if (!pending.length) break;
        world.clock.advance(10 * 60_000); // any timer that ran out of attempts retries later
      }
      expect(stub.throttled).toBeGreaterThan(0);
      expect(messenger.stats.throttled).toBe(stub.throttled);
      deliveredOnce(stub, 15);
      const timers = await world.store.query<Timer>(CONTAINERS.timers.name, { partitionKey: TENANT });
      expect(timers.every((t) => t.status === 'sent')).toBe(true);
    } finally {
      await world.stop();
      await stub.stop();
    }
  });

  it('403 from the connector: the channel is marked inactive and the reminder undeliverable, no retry', async () => {
    const stub = new TeamsLimitsStub();
    const { world, conversations, messenger } = await setup(stub, 2);
    try {
      let refusals = 0;
      stub.refuse = (id) => (id === conversations[0].conversationId ? (refusals++, 403) : undefined);
      await scheduleMany(world, conversations, 1);
      const result = await world.scheduler({}, messenger).tick();
      expect(result).toMatchObject({ sent: 1, undeliverable: 1 });
      expect(refusals).toBe(1);
      expect((await world.conversations.get(TENANT, conversations[0].id))?.active).toBe(false);
      expect((await world.conversations.get(TENANT, conversations[1].id))?.active).toBe(true);
      const log = (await world.log.recent(TENANT, 20)).map((e) => e.action);
      expect(log).toEqual(expect.arrayContaining(['conversation.inactive', 'reminder.undeliverable', 'reminders.sent']));
    } finally {
      await world.stop();
      await stub.stop();
    }
  });
});
