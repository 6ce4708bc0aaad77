import type { ReminderSpec, Timer } from '../../services/reminders/port';
import { CONTAINERS } from '../../services/store/containers';
import type { Store } from '../../services/store/port';
import { makeCosmosStore, RunningCosmosServer, startCosmosServer } from '../support/cosmos-server';
import { RemindersWorld, SYSTEM, TENANT } from '../support/reminders-world';

jest.setTimeout(120_000);

const read = (world: RemindersWorld, id: string) => world.store.read<Timer>(CONTAINERS.timers.name, TENANT, id);
const MEGAN = { aadObjectId: 'aad-megan', name: 'Megan Bowen' };

/**
 * Twins of the scheduler's card-timer tests with the `handler` timers the features actually
 * schedule: digests after downtime, late reminders of one entity collapsed into the latest.
 */
function digestSuite(name: string, makeStore: () => Store | undefined) {
  describe(`handler reminders after downtime (${name})`, () => {
    let world: RemindersWorld;
    /** Entities whose reminder is no longer due (the handler has nothing to say). */
    const settled = new Set<string>();

    beforeEach(async () => {
      world = await new RemindersWorld('2026-03-02T10:00:00Z', makeStore()).start();
      settled.clear();
      world.reminders.registerHandler('test.remind', async (timer) => {
        if (settled.has(timer.entity.id)) return undefined;
        return { text: `Reminder: ${timer.entity.ref}, ${String(timer.content.data.days)} days left` };
      });
    });
    afterEach(() => world.stop());

    const spec = (n: number, date: string, days = 7): ReminderSpec => ({
      tenantId: TENANT,
      entity: { type: 'dispute', id: `d-${n}`, ref: `D-${n}` },
      kind: `deadline-${days}d`,
      date,
      target: { kind: 'person', ...MEGAN },
      content: { kind: 'handler', handler: 'test.remind', data: { disputeId: `d-${n}`, days } },
    });

    it('sends more overdue handler reminders than the threshold for one person as one digest', async () => {
      await world.personal(MEGAN.aadObjectId, MEGAN.name);
      const ids: string[] = [];
      for (let n = 1; n <= 8; n++) ids.push((await world.reminders.schedule(SYSTEM, spec(n, `2026-03-0${Math.min(n + 1, 8)}`))).id);
      settled.add('d-8'); // no longer due by the time the bot is back

      world.clock.set('2026-03-09T10:00:00Z');
      const scheduler = world.scheduler();
      await world.drain(scheduler);
      const toMegan = world.messenger.to(`personal-${MEGAN.aadObjectId}`);
      expect(toMegan).toHaveLength(1);
      const digest = JSON.stringify(toMegan[0].message.card);
      for (let n = 1; n <= 7; n++) expect(digest).toContain(`Reminder: D-${n}, 7 days left`);
      expect(digest).not.toContain('D-8');
      for (const id of ids.slice(0, 7)) expect(await read(world, id)).toMatchObject({ status: 'sent', digest: true, activityId: toMegan[0].activityId });
      expect(await read(world, ids[7])).toMatchObject({ status: 'done' });
    });

    it('at or under the threshold, each handler reminder goes on its own, marked late', async () => {
      await world.personal(MEGAN.aadObjectId, MEGAN.name);
      for (let n = 1; n <= 3; n++) await world.reminders.schedule(SYSTEM, spec(n, '2026-03-03'));
      world.clock.set('2026-03-05T10:00:00Z');
      await world.drain(world.scheduler());
      const toMegan = world.messenger.to(`personal-${MEGAN.aadObjectId}`);
      expect(toMegan).toHaveLength(3);
      expect(toMegan.every((s) => s.message.text?.startsWith('Late reminder'))).toBe(true);
    });

    it('two late reminders for the same dispute collapse into the latest', async () => {
      await world.personal(MEGAN.aadObjectId, MEGAN.name);
      const earlier = await world.reminders.schedule(SYSTEM, spec(1, '2026-03-03', 14));
      const later = await world.reminders.schedule(SYSTEM, spec(1, '2026-03-10', 7));
      const other = await world.reminders.schedule(SYSTEM, spec(2, '2026-03-03', 14));
      world.clock.set('2026-03-11T10:00:00Z');
      await world.drain(world.scheduler());
      const toMegan = world.messenger.to(`personal-${MEGAN.aadObjectId}`);
      expect(toMegan.map((s) => s.message.text?.replace(/^Late reminder: this was due [^.]*\. /, '')).sort()).toEqual(['Reminder: D-1, 7 days left', 'Reminder: D-2, 14 days left']);
      expect(await read(world, earlier.id)).toMatchObject({ status: 'done', collapsedInto: later.id });
      expect(await read(world, later.id)).toMatchObject({ status: 'sent', late: true });
      expect(await read(world, other.id)).toMatchObject({ status: 'sent' });
    });
  });
}

let cosmos: RunningCosmosServer | undefined;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(() => cosmos?.stop());

digestSuite('embedded store', () => undefined);
digestSuite('Cosmos wire server', () => makeCosmosStore(cosmos!.endpoint));
