import { TeamsAdapter } from '@microsoft/teams-ai';
import { buildApplication } from '../../bot/app';
import { conversationKey } from '../../services/conversations';
import { SYSTEM_ACTOR } from '../../services/log/audit-log';
import type { ReminderTarget, Timer } from '../../services/reminders/port';
import { CONTAINERS } from '../../services/store/containers';
import { BOARD_CHANNEL, BotHarness, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { ConnectorStub } from '../support/connector-stub';
import { makeCosmosStore, RunningCosmosServer, startCosmosServer } from '../support/cosmos-server';
import type { Store } from '../../services/store/port';

jest.setTimeout(120_000);

/**
 * The real composed bot (restify, CloudAdapter via Teams AI's TeamsAdapter, its real connector
 * client) delivering reminders to a connector stub that misbehaves as Teams does: 429 with
 * Retry-After, a single 502, 403 for one personal chat, connection resets, and keep-alive sockets
 * closed after a few milliseconds idle.
 */
function sendErrorsSuite(name: string, makeStore: () => Store | undefined) {
  describe(`reminders through the real adapter against a misbehaving connector (${name})`, () => {
    const stub = new ConnectorStub({ keepAliveTimeoutMs: 5 });
    let bot: BotHarness;
    const system = { ...SYSTEM_ACTOR, tenantId: TENANT };
    const megan = personalChat(USERS.megan);
    const adele = personalChat(USERS.adele);

    beforeAll(async () => {
      bot = new BotHarness(undefined, {}, makeStore(), stub);
      await bot.start();
      await bot.say(USERS.alex, 'whoami', BOARD_CHANNEL);
      await bot.say(USERS.megan, 'whoami');
      await bot.say(USERS.adele, 'whoami');
      await bot.composed.services.conversations.setPurpose({ ...system, roles: ['business'] } as never, BOARD_CHANNEL.id, 'executive-board', true);
    });
    afterAll(() => bot.stop());

    const schedule = (n: number, target: ReminderTarget) =>
      bot.composed.services.reminders.schedule(system, {
        tenantId: TENANT,
        entity: { type: 'dispute', id: `d-${n}`, ref: `D-${n}` },
        kind: 'deadline-7d',
        date: '2026-03-03',
        target,
        content: {
          kind: 'card',
          template: 'notice',
          data: {
            title: `Reminder number ${n}`,
            text: 'Schedule the joint meeting.',
          },
        },
      });

    const read = (id: string) => bot.composed.services.store.read<Timer>(CONTAINERS.timers.name, TENANT, id);

    /** Ticks the scheduler, moving the clock past each retry back-off, until nothing is pending. */
    async function runUntilSettled(ids: string[], rounds = 20): Promise<void> {
      for (let i = 0; i < rounds; i++) {
        await bot.composed.services.scheduler.tick();
        const timers = await Promise.all(ids.map(read));
        if (timers.every((t) => t && t.status !== 'pending')) return;
        bot.clock.advance(10 * 60_000);
      }
    }

    it('delivers each reminder once, marks it sent only with the id Teams returned, and sends the 403 one to the channel', async () => {
      const boardKey = conversationKey(BOARD_CHANNEL.id);
      const timers = [
        await schedule(1, { kind: 'conversation', conversationKey: boardKey }),
        await schedule(2, {
          kind: 'person',
          aadObjectId: USERS.adele.aadObjectId,
          name: USERS.adele.name,
        }),
        await schedule(3, {
          kind: 'person',
          aadObjectId: USERS.megan.aadObjectId,
          name: USERS.megan.name,
          fallbackPurpose: 'executive-board',
        }),
        ...(await Promise.all(
          [4, 5, 6, 7, 8].map((n) =>
            schedule(n, {
              kind: 'person',
              aadObjectId: USERS.adele.aadObjectId,
              name: USERS.adele.name,
            }),
          ),
        )),
      ];

      let boardThrottles = 2;
      let adele502 = 1;
      stub.failWith = ({ method, conversationId }) => {
        if (method !== 'POST') return undefined;
        if (conversationId === BOARD_CHANNEL.id && boardThrottles > 0) {
          boardThrottles -= 1;
          return { status: 429, headers: { 'Retry-After': '1' } };
        }
        if (conversationId === adele.id && adele502 > 0) {
          adele502 -= 1;
          return { status: 502 };
        }
        if (conversationId === megan.id) return { status: 403 };
        return undefined;
      };
      let adeleRequests = 0;
      stub.resetWhen = ({ method, conversationId }) => method === 'POST' && conversationId === adele.id && [2, 4, 6].includes(++adeleRequests);

      stub.clear();
      bot.clock.set('2026-03-03T09:00:30Z');
      await runUntilSettled(timers.map((t) => t.id));

      const messages = stub.messages();
      for (let n = 1; n <= 8; n++) {
        const copies = messages.filter((m) => cardText(ConnectorStub.card(m)).includes(`Reminder number ${n}`));
        expect({ n, copies: copies.length }).toEqual({ n, copies: 1 });
        const stored = await read(timers[n - 1].id);
        expect(stored?.status).toBe('sent');
        expect(stored?.activityId).toBe(copies[0].activityId);
        expect(stored?.activityId).toMatch(/^act-\d+$/);
      }
      // The misbehaviour really happened: throttles, the 502, the 403 and resets all reached the bot.
      expect(stub.refused.filter((r) => r.status === 429)).toHaveLength(2);
      expect(stub.refused.filter((r) => r.status === 502)).toHaveLength(1);
      expect(stub.refused.filter((r) => r.status === 403).length).toBeGreaterThanOrEqual(1);
      expect(stub.refused.filter((r) => r.status === 'reset')).toHaveLength(3);

      // Megan's chat answered 403: her reminder went to the Board channel with her @mentioned.
      const meganCopy = messages.find((m) => cardText(ConnectorStub.card(m)).includes('Reminder number 3'))!;
      expect(meganCopy.conversationId).toBe(BOARD_CHANNEL.id);
      expect(JSON.stringify(meganCopy.activity.entities)).toContain(USERS.megan.aadObjectId);
      const meganChat = await bot.composed.services.conversations.byConversationId(TENANT, megan.id);
      expect(meganChat?.active).toBe(false);

      // No apology was posted in a proactive turn.
      expect(stub.received.filter((r) => JSON.stringify(r.activity).includes('Sorry, something went wrong'))).toHaveLength(0);
    });

    it('an answer without an activity id is not taken as sent; a failed card update reaches its caller typed, with no apology', async () => {
      stub.failWith = undefined;
      stub.resetWhen = undefined;
      let withoutId = 1;
      stub.omitIdWhen = ({ method, conversationId }) => method === 'POST' && conversationId === adele.id && withoutId-- > 0;
      const timer = await bot.composed.services.reminders.schedule(system, {
        tenantId: TENANT,
        entity: { type: 'dispute', id: 'd-30', ref: 'D-30' },
        kind: 'deadline-1d',
        date: '2026-03-05',
        target: {
          kind: 'person',
          aadObjectId: USERS.adele.aadObjectId,
          name: USERS.adele.name,
        },
        content: {
          kind: 'card',
          template: 'notice',
          data: { title: 'Reminder without id', text: 'x' },
        },
      });
      stub.clear();
      bot.clock.set('2026-03-05T09:00:30Z');
      await bot.composed.services.scheduler.tick();
      let stored = await read(timer.id);
      expect(stored).toMatchObject({ status: 'pending', heldBy: 'retry' });
      expect(stored?.lastError).toContain('no activity id');
      await runUntilSettled([timer.id]);
      stored = await read(timer.id);
      expect(stored?.status).toBe('sent');
      expect(stored?.activityId).toBe(stub.messages()[stub.messages().length - 1].activityId);
      stub.omitIdWhen = undefined;

      // Updates take the same path: the caller sees the typed error, nothing is posted instead.
      const conversation = (await bot.composed.services.conversations.byConversationId(TENANT, adele.id))!;
      stub.failWith = ({ method }) => (method === 'PUT' ? { status: 404 } : undefined);
      stub.clear();
      const error = await bot.composed.services.messenger.update(conversation, 'act-1', { text: 'changed' }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toMatchObject({ name: 'DeliveryError', status: 404 });
      expect(stub.messages()).toHaveLength(0);
      stub.failWith = undefined;
    });

    it('a proactive turn that fails posts no apology (app.error stays quiet outside a conversation turn)', async () => {
      const adapter = new TeamsAdapter({});
      buildApplication(adapter, bot.composed.services, []);
      const conversation = (await bot.composed.services.conversations.byConversationId(TENANT, adele.id))!;
      stub.failWith = undefined;
      stub.clear();
      await adapter.continueConversationAsync('', conversation.reference, async () => {
        throw new Error('a failure inside a proactive turn');
      });
      expect(stub.received).toHaveLength(0);
    });

    it('a reminder Teams keeps refusing ends undeliverable with the reason, in the log, in "reminders all" and in /healthz', async () => {
      stub.resetWhen = undefined;
      stub.failWith = ({ method, conversationId }) => (method === 'POST' && conversationId === adele.id ? { status: 400 } : undefined);
      const timer = await bot.composed.services.reminders.schedule(system, {
        tenantId: TENANT,
        entity: { type: 'dispute', id: 'd-20', ref: 'D-20' },
        kind: 'deadline-3d',
        date: '2026-03-04',
        target: {
          kind: 'person',
          aadObjectId: USERS.adele.aadObjectId,
          name: USERS.adele.name,
        },
        content: {
          kind: 'card',
          template: 'notice',
          data: { title: 'Refused reminder', text: 'x' },
        },
      });
      stub.clear();
      bot.clock.set('2026-03-04T09:00:30Z');
      await runUntilSettled([timer.id]);

      const stored = await read(timer.id);
      expect(stored).toMatchObject({ status: 'undeliverable' });
      expect(stored?.activityId).toBeUndefined();
      expect(stored?.lastError).toMatch(/not delivered after 5 attempts: Teams answered 400/);
      const entries = await bot.composed.services.log.recent(TENANT, 50, {
        entityId: 'd-20',
      });
      expect(entries.some((e) => e.action === 'reminder.undeliverable')).toBe(true);

      stub.failWith = undefined;
      const replies = await bot.say(USERS.alex, 'reminders all');
      const listed = replies.map((r) => cardText(ConnectorStub.card(r))).join('\n');
      expect(listed).toContain('D-20');
      expect(listed).toMatch(/Undeliverable[^"]*Teams answered 400/);

      const health = (await (await fetch(`${bot.baseUrl}/healthz`)).json()) as {
        reminders?: { undeliverable: number; overdue: number };
      };
      expect(health.reminders?.undeliverable).toBe(1);
      expect(health.reminders?.overdue).toBe(0);
    });
  });
}

let cosmos: RunningCosmosServer | undefined;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(() => cosmos?.stop());

sendErrorsSuite('embedded store', () => undefined);
sendErrorsSuite('Cosmos wire server', () => makeCosmosStore(cosmos!.endpoint));
