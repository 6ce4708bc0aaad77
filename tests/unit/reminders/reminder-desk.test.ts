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

  it('names where each reminder goes and what it is in plain words: never "a conversation"', async () => {
    const board = await world.channel('19:board@thread');
    await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id: 'd-1', ref: 'D-1' }, kind: 'meeting-1d', target: { kind: 'conversation', conversationKey: board.id } }));
    await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'review', id: 'r-1', ref: 'R-1' }, kind: 'impact-6', target: { kind: 'person', aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' } }));
    await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id: 'd-2', ref: 'D-2' }, kind: 'deadline-3d', target: { kind: 'purpose', purpose: 'executive-board' } }));
    const items = Object.fromEntries((await desk.all(BUSINESS)).items.map((i) => [i.about, `${i.what} → ${i.where}`]));
    expect(items).toEqual({
      'D-1': 'Meeting in 1 day → Team / 19:board@thread',
      'R-1': '6-month impact check → Megan Bowen\'s chat',
      'D-2': 'Meeting deadline in 3 days → the Safeguarding Executive Board channel',
    });
  });
});
