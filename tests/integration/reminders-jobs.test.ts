import type { Timer } from '../../services/reminders/port';
import { CONTAINERS } from '../../services/store/containers';
import type { Store } from '../../services/store/port';
import { BOARD_CHANNEL, BotHarness, TENANT as BOT_TENANT, USERS } from '../support/bot-harness';
import { makeCosmosStore, RunningCosmosServer, startCosmosServer } from '../support/cosmos-server';
import { BUSINESS, RemindersWorld, SYSTEM, TENANT } from '../support/reminders-world';
import { submission } from '../support/votes-fixture';

jest.setTimeout(120_000);

const TIMERS = CONTAINERS.timers.name;
/** A job's own state in the store: the change it makes when it falls due (here, a flag). */
const STATE = CONTAINERS.counters.name;

/**
 * Domain jobs (a change of state that falls due) run at their instant whatever the quiet hours
 * and pauses, once, idempotently; the notice they yield is an ordinary reminder, held and never lost.
 */
function jobsSuite(name: string, makeStore: () => Store | undefined) {
  describe(`domain jobs (${name})`, () => {
    let world: RemindersWorld;
    let changes = 0;
    let runs = 0;

    beforeEach(async () => {
      world = await new RemindersWorld('2026-03-02T10:00:00Z', makeStore()).start();
      world.settings.latestHour = 17;
      changes = 0;
      runs = 0;
      // Idempotent: records the change once, and returns its notice on every run.
      world.reminders.registerHandler('test.breach', async (timer) => {
        runs += 1;
        const id = `state-${timer.entity.id}`;
        const recorded = await world.store.read<{ id: string; tenantId: string }>(STATE, timer.tenantId, id);
        if (!recorded) {
          await world.store.create(STATE, { id, tenantId: timer.tenantId, status: 'recorded' } as never);
          changes += 1;
        }
        return { text: `BREACH recorded for ${timer.entity.ref}` };
      });
    });
    afterEach(() => world.stop());

    const scheduleJob = (hour: number) =>
      world.reminders.schedule(SYSTEM, {
        tenantId: TENANT,
        entity: { type: 'dispute', id: 'd-9', ref: 'D-9' },
        kind: 'breach',
        date: '2026-03-03',
        hour,
        job: true,
        target: { kind: 'purpose', purpose: 'executive-board' },
        content: { kind: 'handler', handler: 'test.breach', data: { disputeId: 'd-9' } },
      });

    it('runs at its own hour outside the reminder hours and in a paused channel; the notice waits and is sent once', async () => {
      const board = await world.channel('19:board@thread', 'executive-board');
      await world.conversations.setPaused(BUSINESS, board.conversationId, true);
      const job = await scheduleJob(17);
      expect(job.dueAt).toBe('2026-03-03T17:00:00.000Z'); // not clamped to 16:00 by REMINDER_LATEST_HOUR=17
      const reminder = await world.reminders.schedule(SYSTEM, world.spec({ hour: 17, target: { kind: 'purpose', purpose: 'executive-board' } }));
      expect(reminder.dueAt).toBe('2026-03-03T16:00:00.000Z'); // an ordinary reminder still is

      const scheduler = world.scheduler();
      world.clock.set('2026-03-03T17:00:00Z');
      await world.drain(scheduler);
      expect(runs).toBe(1);
      expect(changes).toBe(1);
      const done = await world.store.read<Timer>(TIMERS, TENANT, job.id);
      expect(done).toMatchObject({ status: 'done', noticeId: `${job.id}-notice` });
      expect(world.messenger.sent.filter((s) => s.message.text?.includes('BREACH'))).toHaveLength(0);

      // The next morning: still paused, so the notice is held, not lost.
      world.clock.set('2026-03-04T09:00:00Z');
      await world.drain(scheduler);
      let notice = await world.store.read<Timer>(TIMERS, TENANT, `${job.id}-notice`);
      expect(notice).toMatchObject({ status: 'pending', heldBy: 'paused' });
      expect(world.messenger.sent.filter((s) => s.message.text?.includes('BREACH'))).toHaveLength(0);

      await world.conversations.setPaused(BUSINESS, board.conversationId, false);
      world.clock.advance(61 * 60_000);
      await world.drain(scheduler);
      notice = await world.store.read<Timer>(TIMERS, TENANT, `${job.id}-notice`);
      expect(notice?.status).toBe('sent');
      const sent = world.messenger.sent.filter((s) => s.message.text?.includes('BREACH recorded for D-9'));
      expect(sent).toHaveLength(1);
      expect(notice?.activityId).toBe(sent[0].activityId);
    });

    it('run twice (a crash after its change), it changes nothing more and yields one notice', async () => {
      await world.channel('19:board@thread', 'executive-board');
      const job = await scheduleJob(0);
      const scheduler = world.scheduler();
      world.clock.set('2026-03-03T00:00:00Z');
      await world.drain(scheduler);
      // As if the process died after the change and the notice, before closing the job: it is due again.
      const done = await world.store.read<Timer>(TIMERS, TENANT, job.id);
      await world.store.replace<Timer>(TIMERS, { ...done!, status: 'pending', pendingDueAt: done!.sentAt, dueAt: done!.sentAt! }, done!._etag);
      await world.drain(scheduler);
      expect(runs).toBe(2);
      expect(changes).toBe(1);
      world.clock.set('2026-03-03T09:00:00Z');
      await world.drain(scheduler);
      expect(world.messenger.sent.filter((s) => s.message.text?.includes('BREACH'))).toHaveLength(1);
      expect(await world.store.read<Timer>(TIMERS, TENANT, job.id)).toMatchObject({ status: 'done' });
    });

    it('runs once across three instances', async () => {
      await world.channel('19:board@thread', 'executive-board');
      await scheduleJob(3);
      world.clock.set('2026-03-03T03:00:00Z');
      const instances = ['a', 'b', 'c'].map((id) => world.scheduler({ instanceId: id }));
      await Promise.all(instances.map((s) => s.tick()));
      await world.drain(instances[0]);
      expect(runs).toBe(1);
      expect(changes).toBe(1);
    });
  });
}

let cosmos: RunningCosmosServer | undefined;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(() => cosmos?.stop());

jobsSuite('embedded store', () => undefined);
jobsSuite('Cosmos wire server', () => makeCosmosStore(cosmos!.endpoint));

describe('a vote closes at its deadline through the real bot, whatever REMINDER_LATEST_HOUR', () => {
  const bot = new BotHarness(undefined, { REMINDER_LATEST_HOUR: '17', VOTE_CLOSE_HOUR: '17' });
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('closes at 17:00 with REMINDER_LATEST_HOUR=17', async () => {
    await bot.say(USERS.alex, 'whoami', BOARD_CHANNEL);
    const { directory, recommendations, scheduler, store } = bot.composed.services;
    const alex = await directory.actorFor(BOT_TENANT, USERS.alex.aadObjectId, USERS.alex.name);
    const { rec } = await recommendations.recommend(alex, submission());
    const timers = await bot.composed.services.reminders.pendingFor(BOT_TENANT, rec.id);
    const close = timers.find((t) => t.kind === 'vote-close')!;
    expect(close.job).toBe(true);
    expect(close.dueAt).toBe(rec.closesAt);
    expect(rec.closesAt).toBe('2026-03-09T17:00:00.000Z');

    bot.clock.set('2026-03-09T17:00:00Z');
    for (let i = 0; i < 5 && (await scheduler.tick()).due > 0; i++);
    const closed = await recommendations.get(BOT_TENANT, rec.id);
    expect(closed?.status).not.toBe('open');
    expect(closed?.closed?.how).toBe('deadline');
    expect((await store.read<Timer>(TIMERS, BOT_TENANT, close.id))?.status).toBe('done');
  });
});
