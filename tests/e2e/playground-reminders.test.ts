import { SYSTEM_ACTOR } from '../../services/log/audit-log';
import { TestClock } from '../support/clock';
import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

describe('reminders in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  const clock = new TestClock('2026-03-02T10:00:00Z');
  beforeAll(async () => {
    pg = await startPlaygroundSession({ clock, env: { SCHEDULER_ENABLED: 'false' } }); // the test ticks by hand
  });
  afterAll(() => pg?.stop());

  it('shows what is coming up in a channel, delivers a due reminder there, and pauses the channel from the card', async () => {
    await pg.openConversation('My Team - General');
    await pg.sendText('reminders');
    const empty = await pg.waitForCardText('Coming up in');
    expect(await empty.innerText()).toContain('Nothing is scheduled here.');

    const { services } = pg.bot;
    const tenantId = services.config.tenantId;
    const channel = (await services.conversations.list(tenantId)).find((c) => c.kind === 'channel');
    expect(channel).toBeDefined();
    const target = { kind: 'conversation' as const, conversationKey: channel!.id };
    const system = { ...SYSTEM_ACTOR, tenantId };
    await services.reminders.schedule(system, {
      tenantId,
      entity: { type: 'dispute', id: 'd-1', ref: 'D-1' },
      kind: 'deadline-7d',
      date: '2026-03-03',
      target,
      content: { kind: 'card', template: 'notice', data: { title: 'D-1: 7 days left to hold the joint meeting', text: 'The chair should schedule it now.' } },
    });
    await services.reminders.schedule(system, {
      tenantId,
      entity: { type: 'dispute', id: 'd-1', ref: 'D-1' },
      kind: 'deadline-3d',
      date: '2026-03-07',
      target,
      content: { kind: 'card', template: 'notice', data: { title: 'D-1: 3 days left', text: 'Meet soon.' } },
    });

    await pg.sendText('reminders');
    const upcoming = await pg.waitForCardText(/Meeting deadline in 3 days/);
    const listed = await upcoming.innerText();
    expect(listed).toContain('Tue 3 Mar 2026, 09:00');
    expect(listed).toContain('Mon 9 Mar 2026, 09:00'); // the reminder for Saturday 7 March waits for Monday (REMINDER_NON_WORKING_DAYS)
    await pg.screenshot('playground-reminders-upcoming');

    clock.set('2026-03-03T09:00:30Z');
    expect(await services.scheduler.tick()).toMatchObject({ sent: 1 });
    const delivered = await pg.waitForCardText('D-1: 7 days left to hold the joint meeting');
    expect(await delivered.innerText()).toContain('The chair should schedule it now.');
    await pg.screenshot('playground-reminder-delivered');

    await pg.clickCardButton('Pause reminders here', pg.card(/Meeting deadline in 3 days/));
    await pg.waitForCardText('Reminders paused');
    expect((await services.conversations.get(tenantId, channel!.id))?.paused).toBe(true);
    await pg.screenshot('playground-reminders-paused');
  });
});
