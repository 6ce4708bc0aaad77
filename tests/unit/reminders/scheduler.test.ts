import { parseConfig } from '../../../services/config';
import { DeliveryError } from '../../../services/messaging';
import { indexedTimer, Timer } from '../../../services/reminders/port';
import { CONTAINERS } from '../../../services/store/containers';
import { SYSTEM, TENANT, RemindersWorld, forbidden } from '../../support/reminders-world';

const read = (world: RemindersWorld, id: string) => world.store.read<Timer>(CONTAINERS.timers.name, TENANT, id);
const actions = async (world: RemindersWorld) => (await world.log.recent(TENANT, 100)).map((e) => e.action);

describe('Scheduler', () => {
  let world: RemindersWorld;
  beforeEach(async () => {
    world = await new RemindersWorld().start();
  });
  afterEach(() => world.stop());

  describe('due instants (Europe/London)', () => {
    // The clock changes fall on Sundays: these check the conversion, so this deployment sends on non-working days.
    beforeEach(() => {
      world.settings.nonWorkingDays = 'send';
    });

    it.each([
      ['2026-03-28', '2026-03-28T09:00:00.000Z'], // last day of GMT
      ['2026-03-29', '2026-03-29T08:00:00.000Z'], // spring forward: 09:00 BST
      ['2026-10-24', '2026-10-24T08:00:00.000Z'],
      ['2026-10-25', '2026-10-25T09:00:00.000Z'], // fall back: 09:00 GMT
      ['2026-01-31', '2026-01-31T09:00:00.000Z'], // month ends
      ['2026-02-28', '2026-02-28T09:00:00.000Z'],
      ['2028-02-29', '2028-02-29T09:00:00.000Z'],
      ['2026-06-30', '2026-06-30T08:00:00.000Z'],
      ['2026-12-31', '2026-12-31T09:00:00.000Z'],
    ])('a reminder for %s at the 09:00 send hour is due %s', async (date, dueAt) => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ date, target: { kind: 'conversation', conversationKey: channel.id } }));
      expect(timer.dueAt).toBe(dueAt);
    });

    it('is delivered on the DST day at 09:00 local, not an hour off', async () => {
      const channel = await world.channel('19:a@thread');
      await world.reminders.schedule(SYSTEM, world.spec({ date: '2026-03-29', target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-29T07:59:00Z'); // 08:59 BST
      const scheduler = world.scheduler();
      expect((await scheduler.tick()).sent).toBe(0);
      world.clock.set('2026-03-29T08:00:00Z');
      expect((await scheduler.tick()).sent).toBe(1);
    });

    it('a reminder due on a Saturday waits for Monday at the send hour by default (REMINDER_NON_WORKING_DAYS), and a bank holiday for the day after', async () => {
      world.settings.nonWorkingDays = parseConfig({}).reminders.nonWorkingDays;
      expect(world.settings.nonWorkingDays).toBe('next-working-day');
      const channel = await world.channel('19:a@thread');
      const saturday = await world.reminders.schedule(SYSTEM, world.spec({ date: '2026-03-07', target: { kind: 'conversation', conversationKey: channel.id } }));
      expect(saturday.dueAt).toBe('2026-03-09T09:00:00.000Z'); // due Monday, so it is not "late" then
      await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id: 'd-2', ref: 'D-2' }, date: '2026-05-04', target: { kind: 'conversation', conversationKey: channel.id } })); // Early May bank holiday
      const scheduler = world.scheduler();
      world.clock.set('2026-03-07T09:00:00Z');
      expect((await scheduler.tick()).sent).toBe(0);
      world.clock.set('2026-03-08T09:00:00Z');
      expect((await scheduler.tick()).sent).toBe(0);
      world.clock.set('2026-03-09T08:59:00Z');
      expect((await scheduler.tick()).sent).toBe(0);
      world.clock.set('2026-03-09T09:00:00Z'); // Monday 09:00 GMT
      expect((await scheduler.tick()).sent).toBe(1);
      world.clock.set('2026-05-04T08:00:00Z');
      expect((await scheduler.tick()).sent).toBe(0);
      world.clock.set('2026-05-05T08:00:00Z'); // Tuesday 09:00 BST
      expect((await scheduler.tick()).sent).toBe(1);
    });

    it('a reminder ahead of a deadline due on a Saturday comes on the Friday before, and on Monday once Friday has passed', async () => {
      world.settings.nonWorkingDays = 'next-working-day';
      const channel = await world.channel('19:a@thread');
      const target = { kind: 'conversation' as const, conversationKey: channel.id };
      const ahead = await world.reminders.schedule(SYSTEM, { ...world.spec({ date: '2026-03-07', target }), ahead: true });
      expect(ahead.dueAt).toBe('2026-03-06T09:00:00.000Z'); // Friday 09:00 GMT
      // Good Friday and Easter Monday 2026 (3 and 6 April): the working day before Saturday 4 April is Thursday 2 April.
      const easter = await world.reminders.schedule(SYSTEM, { ...world.spec({ entity: { type: 'dispute', id: 'd-3', ref: 'D-3' }, date: '2026-04-04', target }), ahead: true });
      expect(easter.dueAt).toBe('2026-04-02T08:00:00.000Z'); // Thursday 09:00 BST
      // Scheduled on the Saturday itself, the Friday has passed: it waits for Monday like any other.
      world.clock.set('2026-03-14T10:00:00Z');
      const late = await world.reminders.schedule(SYSTEM, { ...world.spec({ entity: { type: 'dispute', id: 'd-4', ref: 'D-4' }, date: '2026-03-15', target }), ahead: true });
      expect(late.dueAt).toBe('2026-03-16T09:00:00.000Z');
      const scheduler = world.scheduler();
      world.clock.set('2026-03-06T08:59:00Z');
      expect((await scheduler.tick()).sent).toBe(0);
    });

    it('with REMINDER_NON_WORKING_DAYS=send a Saturday reminder goes on the Saturday', async () => {
      const channel = await world.channel('19:a@thread');
      await world.reminders.schedule(SYSTEM, world.spec({ date: '2026-03-07', target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-07T09:00:00Z');
      expect((await world.scheduler().tick()).sent).toBe(1);
    });

    it('scheduling the same reminder twice makes one timer', async () => {
      const channel = await world.channel('19:a@thread');
      const spec = world.spec({ target: { kind: 'conversation', conversationKey: channel.id } });
      const a = await world.reminders.schedule(SYSTEM, spec);
      const b = await world.reminders.schedule(SYSTEM, spec);
      expect(b.id).toBe(a.id);
      world.clock.set('2026-03-03T09:00:00Z');
      await world.scheduler().tick();
      expect(world.messenger.sent).toHaveLength(1);
    });
  });

  it('does not send a cancelled reminder', async () => {
    const channel = await world.channel('19:a@thread');
    await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
    expect(await world.reminders.cancel(SYSTEM, TENANT, 'd-1')).toBe(1);
    world.clock.set('2026-03-04T09:00:00Z');
    expect(await world.scheduler().tick()).toMatchObject({ due: 0, sent: 0 });
    expect(world.messenger.sent).toHaveLength(0);
  });

  it('takes sent and cancelled timers out of the due index, so a tick does not scan them again', async () => {
    const channel = await world.channel('19:a@thread');
    const target = { kind: 'conversation' as const, conversationKey: channel.id };
    for (let i = 0; i < 5; i++) await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id: `d-${i}`, ref: `D-${i}` }, target }));
    const cancelled = await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id: 'd-x', ref: 'D-X' }, target }));
    expect(cancelled.pendingDueAt).toBe(cancelled.dueAt);
    await world.reminders.cancel(SYSTEM, TENANT, 'd-x');
    expect((await read(world, cancelled.id))?.pendingDueAt).toBeUndefined();
    world.clock.set('2026-03-04T09:00:00Z');
    const scheduler = world.scheduler();
    expect(await scheduler.tick()).toMatchObject({ due: 5, sent: 5 });
    const sent = await world.store.query<Timer>(CONTAINERS.timers.name, { partitionKey: TENANT, where: [{ field: 'status', op: '=', value: 'sent' }] });
    expect(sent).toHaveLength(5);
    expect(sent.every((t) => t.pendingDueAt === undefined)).toBe(true);

    const stats = (world.store as unknown as { stats: { documentsScanned: number } }).stats;
    const before = stats.documentsScanned;
    world.clock.set('2026-03-05T09:00:00Z');
    expect(await scheduler.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(stats.documentsScanned - before).toBe(0);
  });

  describe('quiet hours and catch-up', () => {
    it('holds an overdue reminder found at night until the next send hour, then sends it once, marked late', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-03T22:30:00Z'); // the bot was down all day; 22:30 is outside 08:00-20:00
      const scheduler = world.scheduler();
      expect(await scheduler.tick()).toMatchObject({ claimed: 1, held: 1, sent: 0 });
      expect(world.messenger.sent).toHaveLength(0);
      expect(await read(world, timer.id)).toMatchObject({ status: 'pending', dueAt: '2026-03-04T09:00:00.000Z', heldBy: 'quiet', originalDueAt: '2026-03-03T09:00:00.000Z' });

      world.clock.set('2026-03-04T03:00:00Z');
      expect((await scheduler.tick()).due).toBe(0);
      world.clock.set('2026-03-04T09:00:10Z');
      expect((await scheduler.tick()).sent).toBe(1);
      expect(world.messenger.sent).toHaveLength(1);
      expect(world.messenger.sent[0].message.text).toContain('Late reminder: this was due Tue 3 Mar 2026, 09:00.');
      expect(await read(world, timer.id)).toMatchObject({ status: 'sent', late: true });
      expect((await scheduler.tick()).due).toBe(0);
    });

    it('a reminder sent on time is not marked late', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-03T09:00:15Z');
      await world.scheduler().tick();
      expect(world.messenger.sent[0].message.text).toBeUndefined();
      expect(await read(world, timer.id)).toMatchObject({ status: 'sent', late: false });
    });

    it('sends more overdue reminders than the threshold for one channel as one digest card', async () => {
      const board = await world.channel('19:board@thread');
      const other = await world.channel('19:other@thread');
      const ids: string[] = [];
      for (let day = 2; day <= 8; day++) {
        const date = `2026-03-0${day}`;
        ids.push((await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'dispute', id: `d-${day}`, ref: `D-${day}` }, date, target: { kind: 'conversation', conversationKey: board.id } }))).id);
      }
      for (let day = 3; day <= 5; day++)
        await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'review', id: `h-${day}`, ref: `H-${day}` }, date: `2026-03-0${day}`, target: { kind: 'conversation', conversationKey: other.id } }));

      world.clock.set('2026-03-09T10:00:00Z'); // back after a week away
      const result = await world.scheduler().tick();
      expect(result).toMatchObject({ digests: 1, sent: 10 });
      const toBoard = world.messenger.to('19:board@thread');
      expect(toBoard).toHaveLength(1);
      const digest = JSON.stringify(toBoard[0].message.card);
      expect(digest).toContain('7 reminders you missed');
      for (let day = 2; day <= 8; day++) expect(digest).toContain(`D-${day}`);
      // Three overdue for the other channel: at or under the threshold, so one each, marked late.
      const toOther = world.messenger.to('19:other@thread');
      expect(toOther).toHaveLength(3);
      expect(toOther.every((s) => s.message.text?.startsWith('Late reminder'))).toBe(true);
      for (const id of ids) expect(await read(world, id)).toMatchObject({ status: 'sent', late: true, digest: true, activityId: toBoard[0].activityId });
      expect(await actions(world)).toContain('reminder.digest');
      expect((await world.scheduler().tick()).due).toBe(0);
    });
  });

  describe('failures', () => {
    it('403: marks the conversation inactive and the timer undeliverable, with log entries, and does not retry', async () => {
      const channel = await world.channel('19:gone@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.messenger.fail = () => forbidden();
      world.clock.set('2026-03-03T09:00:00Z');
      const scheduler = world.scheduler();
      expect(await scheduler.tick()).toMatchObject({ undeliverable: 1, sent: 0 });
      expect(await read(world, timer.id)).toMatchObject({ status: 'undeliverable' });
      expect((await world.conversations.get(TENANT, channel.id))?.active).toBe(false);
      expect(await actions(world)).toEqual(expect.arrayContaining(['conversation.inactive', 'reminder.undeliverable']));
      world.clock.advanceDays(2);
      expect((await scheduler.tick()).due).toBe(0);
    });

    it('a later reminder for a conversation the bot left is undeliverable without another send', async () => {
      const channel = await world.channel('19:gone@thread');
      await world.conversations.markInactive(SYSTEM, TENANT, channel.id, 'the app was removed');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.messenger.fail = () => new Error('must not be called');
      world.clock.set('2026-03-03T09:00:00Z');
      expect(await world.scheduler().tick()).toMatchObject({ undeliverable: 1 });
      expect((await read(world, timer.id))?.lastError).toContain('no longer in the conversation');
    });

    it('other failures are retried with back-off, a bounded number of times, then recorded as undeliverable with the reason', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.messenger.fail = () => new DeliveryError('Bad request: card too large', 400);
      world.clock.set('2026-03-03T09:00:00Z');
      const scheduler = world.scheduler({ maxAttempts: 3, retryBaseMs: 60_000 });
      expect(await scheduler.tick()).toMatchObject({ retrying: 1 });
      let stored = await read(world, timer.id);
      expect(stored).toMatchObject({ status: 'pending', attempts: 1, heldBy: 'retry' });
      expect(stored!.lastError).toContain('400');
      expect(new Date(stored!.dueAt).getTime() - world.clock.now().getTime()).toBe(60_000);
      expect((await scheduler.tick()).due).toBe(0); // not before the back-off

      world.clock.advance(60_000);
      expect(await scheduler.tick()).toMatchObject({ retrying: 1 });
      stored = await read(world, timer.id);
      expect(new Date(stored!.dueAt).getTime() - world.clock.now().getTime()).toBe(120_000);

      world.clock.advance(120_000);
      expect(await scheduler.tick()).toMatchObject({ undeliverable: 1 });
      stored = await read(world, timer.id);
      expect(stored).toMatchObject({ status: 'undeliverable', attempts: 3 });
      expect(stored!.lastError).toMatch(/not delivered after 3 attempts: Teams answered 400/);
      expect(await actions(world)).toContain('reminder.undeliverable');
      world.clock.advanceDays(1);
      expect((await scheduler.tick()).due).toBe(0);
    });

    it('a long Retry-After reschedules the timer no sooner than Teams asked', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.messenger.fail = () => new DeliveryError('throttled', 429, 15 * 60_000);
      world.clock.set('2026-03-03T09:00:00Z');
      expect(await world.scheduler().tick()).toMatchObject({ retrying: 1 });
      expect((await read(world, timer.id))?.dueAt).toBe('2026-03-03T09:15:00.000Z');
    });

    it('a transient failure is retried and then delivered once', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      let failures = 1;
      world.messenger.fail = () => (failures-- > 0 ? new DeliveryError('busy', 503, 5000) : undefined);
      world.clock.set('2026-03-03T09:00:00Z');
      const scheduler = world.scheduler();
      expect(await scheduler.tick()).toMatchObject({ retrying: 1 });
      world.clock.advance(10 * 60_000);
      expect(await scheduler.tick()).toMatchObject({ sent: 1 });
      expect(world.messenger.sent).toHaveLength(1);
      expect(await read(world, timer.id)).toMatchObject({ status: 'sent', attempts: 1 });
    });
  });

  describe('people and purposes', () => {
    const megan = { aadObjectId: 'aad-megan', name: 'Megan Bowen' };

    it('goes to a person\'s personal chat when they have the bot installed', async () => {
      await world.channel('19:board@thread', 'executive-board');
      await world.personal(megan.aadObjectId, megan.name);
      await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'person', ...megan, fallbackPurpose: 'executive-board' } }));
      world.clock.set('2026-03-03T09:00:00Z');
      await world.scheduler().tick();
      expect(world.messenger.sent).toHaveLength(1);
      expect(world.messenger.sent[0].conversation.kind).toBe('personal');
      expect(world.messenger.sent[0].message.mentions).toBeUndefined();
    });

    it('otherwise goes to the fallback channel with the person @mentioned', async () => {
      await world.channel('19:board@thread', 'executive-board');
      await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'person', ...megan, fallbackPurpose: 'executive-board' } }));
      world.clock.set('2026-03-03T09:00:00Z');
      await world.scheduler().tick();
      expect(world.messenger.to('19:board@thread')).toHaveLength(1);
      expect(world.messenger.sent[0].message.mentions).toEqual([megan]);
    });

    it('falls back to the channel when their personal chat answers 403 (the bot was removed there)', async () => {
      await world.channel('19:board@thread', 'executive-board');
      const chat = await world.personal(megan.aadObjectId, megan.name);
      await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'person', ...megan, fallbackPurpose: 'executive-board' } }));
      world.messenger.fail = (c) => (c.kind === 'personal' ? forbidden() : undefined);
      world.clock.set('2026-03-03T09:00:00Z');
      expect(await world.scheduler().tick()).toMatchObject({ sent: 1 });
      expect(world.messenger.to('19:board@thread')).toHaveLength(1);
      expect(world.messenger.sent[0].message.mentions).toEqual([megan]);
      expect((await world.conversations.get(TENANT, chat.id))?.active).toBe(false);
    });

    it('is undeliverable, and logged, when there is nowhere to send it', async () => {
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'person', ...megan } }));
      world.clock.set('2026-03-03T09:00:00Z');
      expect(await world.scheduler().tick()).toMatchObject({ undeliverable: 1 });
      expect((await read(world, timer.id))?.lastError).toContain('Megan Bowen has not installed the bot');
      expect(await actions(world)).toContain('reminder.undeliverable');
    });

    it('a purpose reminder goes to every channel named for it, each once, even across a retry', async () => {
      await world.channel('19:c1@thread', 'children-partnership');
      await world.channel('19:c2@thread', 'children-partnership');
      await world.channel('19:c3@thread', 'children-partnership');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'purpose', purpose: 'children-partnership' } }));
      let failOnce = true;
      world.messenger.fail = (c) => (c.conversationId === '19:c2@thread' && failOnce ? ((failOnce = false), new DeliveryError('busy', 502)) : undefined);
      world.clock.set('2026-03-03T09:00:00Z');
      const scheduler = world.scheduler();
      expect(await scheduler.tick()).toMatchObject({ retrying: 1 });
      world.clock.advance(5 * 60_000);
      expect(await scheduler.tick()).toMatchObject({ sent: 1 });
      expect(world.messenger.sent.map((s) => s.conversation.conversationId).sort()).toEqual(['19:c1@thread', '19:c2@thread', '19:c3@thread']);
      expect(Object.keys((await read(world, timer.id))!.deliveredTo!)).toHaveLength(3);
    });
  });

  describe('paused channels', () => {
    it('hold reminders while paused and send them after resume, once', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      await world.conversations.setPaused({ ...SYSTEM, roles: ['business'] }, '19:a@thread', true);
      world.clock.set('2026-03-03T09:00:00Z');
      const scheduler = world.scheduler();
      expect(await scheduler.tick()).toMatchObject({ held: 1 });
      expect(await read(world, timer.id)).toMatchObject({ status: 'pending', heldBy: 'paused' });
      world.clock.advanceDays(1);
      expect(await scheduler.tick()).toMatchObject({ held: 1 });
      expect(world.messenger.sent).toHaveLength(0);

      await world.conversations.setPaused({ ...SYSTEM, roles: ['business'] }, '19:a@thread', false);
      world.clock.advance(60 * 60_000);
      expect(await scheduler.tick()).toMatchObject({ sent: 1 });
      expect(world.messenger.sent).toHaveLength(1);
    });
  });

  describe('handlers', () => {
    it('run at delivery; their message is sent, and nothing to send marks the timer done', async () => {
      const channel = await world.channel('19:a@thread');
      const seen: string[] = [];
      world.reminders.registerHandler('vote.close', async (timer) => {
        seen.push(timer.kind);
        return timer.kind === 'close' ? { text: `Vote ${String(timer.content.data.ref)} closed` } : undefined;
      });
      const target = { kind: 'conversation' as const, conversationKey: channel.id };
      const closing = await world.reminders.schedule(SYSTEM, world.spec({ kind: 'close', target, content: { kind: 'handler', handler: 'vote.close', data: { ref: 'R-1' } } }));
      const quiet = await world.reminders.schedule(SYSTEM, world.spec({ kind: 'nudge', target, content: { kind: 'handler', handler: 'vote.close', data: { ref: 'R-1' } } }));
      world.clock.set('2026-03-03T09:00:00Z');
      expect(await world.scheduler().tick()).toMatchObject({ sent: 1, done: 1 });
      expect(seen.sort()).toEqual(['close', 'nudge']);
      expect(world.messenger.sent.map((s) => s.message.text)).toEqual(['Vote R-1 closed']);
      expect(await read(world, closing.id)).toMatchObject({ status: 'sent' });
      expect(await read(world, quiet.id)).toMatchObject({ status: 'done' });
    });
  });

  describe('leases', () => {
    it('a timer claimed by an instance that died is claimed again when its lease expires', async () => {
      const channel = await world.channel('19:a@thread');
      const timer = await world.reminders.schedule(SYSTEM, world.spec({ target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-03T09:00:00Z');
      const leaseUntil = new Date(world.clock.now().getTime() + world.settings.leaseMs).toISOString();
      const stored = (await read(world, timer.id))!;
      await world.store.replace<Timer>(CONTAINERS.timers.name, indexedTimer({ ...stored, leaseOwner: 'dead-instance', leaseUntil, dueAt: leaseUntil, originalDueAt: stored.dueAt }), stored._etag);

      const scheduler = world.scheduler();
      expect((await scheduler.tick()).due).toBe(0);
      world.clock.advance(world.settings.leaseMs);
      expect(await scheduler.tick()).toMatchObject({ claimed: 1, sent: 1 });
      expect(world.messenger.sent).toHaveLength(1);
    });

    it('a store error on one timer does not stop the others; it is tried again when its lease expires', async () => {
      const broken = await world.channel('19:broken@thread');
      const fine = await world.channel('19:fine@thread');
      const a = await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'action', id: 'a' }, target: { kind: 'conversation', conversationKey: broken.id } }));
      await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'action', id: 'b' }, target: { kind: 'conversation', conversationKey: fine.id } }));
      const get = world.conversations.get.bind(world.conversations);
      world.conversations.get = async (tenantId, id) => {
        if (id === broken.id) throw new Error('store unavailable');
        return get(tenantId, id);
      };
      world.clock.set('2026-03-03T09:00:00Z');
      const scheduler = world.scheduler();
      expect(await scheduler.tick()).toMatchObject({ claimed: 2, sent: 1 });
      expect(await read(world, a.id)).toMatchObject({ status: 'pending', leaseOwner: 'test-1' });
      world.conversations.get = get;
      world.clock.advance(world.settings.leaseMs);
      expect(await scheduler.tick()).toMatchObject({ sent: 1 });
      expect(world.messenger.to('19:broken@thread')).toHaveLength(1);
    });

    it('two schedulers ticking at once deliver each timer once', async () => {
      const channel = await world.channel('19:a@thread');
      for (let i = 0; i < 40; i++)
        await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'action', id: `a-${i}` }, target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-03T09:00:00Z');
      const a = world.scheduler({ instanceId: 'a', random: () => 0 });
      const b = world.scheduler({ instanceId: 'b', random: () => 0 });
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      expect(ra.claimed + rb.claimed).toBe(40);
      expect(world.messenger.sent).toHaveLength(40);
    });

    it('stop() lets the send in flight finish and leaves unclaimed timers due', async () => {
      const channel = await world.channel('19:a@thread');
      for (let i = 0; i < 3; i++)
        await world.reminders.schedule(SYSTEM, world.spec({ entity: { type: 'action', id: `a-${i}` }, target: { kind: 'conversation', conversationKey: channel.id } }));
      world.clock.set('2026-03-03T09:00:00Z');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const firstSend = new Promise<void>((resolve) => (started = resolve));
      const slow = { ...world.messenger, send: async (...args: Parameters<typeof world.messenger.send>) => { started(); await gate; return world.messenger.send(...args); }, update: async () => undefined };
      const scheduler = world.scheduler({ concurrency: 1, settings: { ...world.settings, tickMs: 60_000 } }, slow);
      scheduler.start();
      await firstSend;
      const stopping = scheduler.stop();
      release();
      await stopping;
      expect(world.messenger.sent).toHaveLength(1);
      const pending = await world.store.query<Timer>(CONTAINERS.timers.name, { where: [{ field: 'status', op: '=', value: 'pending' }] });
      expect(pending).toHaveLength(2);
      expect(pending.every((t) => !t.leaseOwner && t.dueAt <= world.clock.now().toISOString())).toBe(true);
    });
  });
});
