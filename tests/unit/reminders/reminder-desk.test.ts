import { DeliveryError } from '../../../services/messaging';
import { ReminderDesk } from '../../../services/reminders/reminder-desk';
import { BUSINESS, RemindersWorld, SYSTEM } from '../../support/reminders-world';

/** `reminders all` says why each reminder stands where it does; `health` counts what an operator must see. */
describe('where each reminder stands', () => {
  let world: RemindersWorld;
  let desk: ReminderDesk;
  beforeEach(async () => {
    world = await new RemindersWorld().start();
    desk = new ReminderDesk(world.store, world.conversations, world.clock, world.time);
  });
  afterEach(() => world.stop());

  it('lists held, retrying, overdue and undeliverable reminders with why, and counts them for /healthz', async () => {
    const paused = await world.channel('19:paused@thread');
    const busy = await world.channel('19:busy@thread');
    const gone = await world.channel('19:gone@thread');
    await world.conversations.setPaused(BUSINESS, paused.conversationId, true);
    const at = (id: string, ref: string, conversationKey: string, date = '2026-03-03', hour = 9) =>
      world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id, ref }, date, hour, target: { kind: 'conversation', conversationKey } }));
    await at('d-1', 'D-1', paused.id);
    await at('d-2', 'D-2', busy.id, '2026-03-03', 10);
    await at('d-3', 'D-3', gone.id);
    await at('d-4', 'D-4', busy.id, '2026-03-20');
    world.messenger.fail = (c) => (c.id === busy.id ? new DeliveryError('busy', 503) : c.id === gone.id ? new DeliveryError('card too large', 400) : undefined);
    world.clock.set('2026-03-03T09:00:00Z');
    await world.scheduler({ maxAttempts: 1 }).tick(); // D-3 gives up at once
    world.clock.set('2026-03-03T10:00:00Z');
    await world.scheduler({ maxAttempts: 5 }).tick();
    world.clock.set('2026-03-03T11:30:00Z');

    const list = await desk.all(BUSINESS);
    const why = Object.fromEntries(list.items.map((i) => [i.about, i.why]));
    expect(list.items[0].about).toBe('D-3'); // undeliverable first
    expect(why['D-3']).toMatch(/^Undeliverable .*Teams answered 400: card too large/);
    expect(why['D-1']).toMatch(/^Held: the channel is paused/);
    expect(why['D-2']).toMatch(/retrying .*Teams answered 503/);
    expect(why['D-4']).toBe('');

    // D-2 is retrying 90 minutes after it was due: overdue; D-1 waits for a pause: not.
    expect(await desk.health(SYSTEM.tenantId)).toEqual({ undeliverable: 1, overdue: 1 });
  });
});
