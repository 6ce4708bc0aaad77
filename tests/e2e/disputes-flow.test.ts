import { DISPUTE_VERBS } from '../../cards/disputes/verbs';
import { DISPUTE_HANDLERS } from '../../services/disputes/disputes-service';
import type { Timer } from '../../services/reminders/port';
import { BOARD_CHANNEL, BotHarness, TestUser, USERS, cardText, personalChat } from '../support/bot-harness';
import { TestClock } from '../support/clock';
import { addDays } from '../../services/time';
import { ConnectorStub, ReceivedActivity } from '../support/connector-stub';
import { refusalOf, refusedForm } from '../support/refusal';

jest.setTimeout(60_000);

type InvokeBody = { statusCode: number; type: string; value: unknown };

describe('disputes through the real HTTP endpoint', () => {
  const clock = new TestClock('2026-03-10T09:30:00Z');
  const bot = new BotHarness(clock);
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.patti, 'channel set executive-board', BOARD_CHANNEL);
    for (const u of [USERS.alex, USERS.megan, USERS.isaiah]) await bot.say(u, 'hi');
  });
  afterAll(() => bot.stop());

  const invokeCard = (res: { status: number; body: unknown }) => {
    const body = res.body as InvokeBody;
    expect(res.status).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return body.value as Record<string, unknown>;
  };
  const invokeText = (res: { status: number; body: unknown }) => refusalOf(res.body as InvokeBody);
  /** Every Action.Execute in a card (at any depth), by verb. */
  const buttons = (card: unknown): Record<string, Record<string, unknown>> => {
    const found: Record<string, Record<string, unknown>> = {};
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (o.type === 'Action.Execute' && typeof o.verb === 'string' && o !== (card as Record<string, unknown>).refresh) found[o.verb] = (o.data ?? {}) as Record<string, unknown>;
        Object.entries(o).forEach(([k, v]) => k !== 'refresh' && walk(v));
      }
    };
    walk(card);
    return found;
  };
  const postsTo = (since: number, conversationId: string, method: 'POST' | 'PUT') =>
    bot.stub.received.slice(since).filter((r) => r.conversationId === conversationId && r.method === method && r.activity.type === 'message');
  const copyIn = (conversationId: string, since = 0): ReceivedActivity => {
    const copy = postsTo(since, conversationId, 'POST').find((r) => cardText(ConnectorStub.card(r)).includes('dispute.history'));
    expect(copy).toBeDefined();
    return copy!;
  };
  const logCount = async () => (await bot.composed.services.log.recent(bot.composed.services.config.tenantId, 10_000)).length;

  const raise = async (by: TestUser, subject: string, parties: string, determinedOn: string) => {
    const replies = await bot.say(by, `dispute raise ${subject}`);
    const form = ConnectorStub.card(replies[replies.length - 1])!;
    expect(cardText(form)).toContain(subject);
    const formId = buttons(form)[DISPUTE_VERBS.raise].formId as string;
    const since = bot.stub.received.length;
    const res = await bot.click(by, DISPUTE_VERBS.raise, { formId, subject, parties, determinedOn, notes: '' }, personalChat(by), replies[replies.length - 1].activityId);
    return { card: invokeCard(res), since, formId };
  };

  const alexChat = personalChat(USERS.alex).id;
  const meganChat = personalChat(USERS.megan).id;
  const isaiahChat = personalChat(USERS.isaiah).id;

  it('raise → schedule → propose → both agree → held → resolved, with every copy updated in place', async () => {
    const parties = `p:${USERS.megan.aadObjectId},o:Warwickshire Police`;
    const raised = await raise(USERS.patti, 'Threshold for joint strategy meetings', parties, '2026-03-10');
    expect(cardText(raised.card)).toContain('D-1: Threshold for joint strategy meetings');
    expect(cardText(raised.card)).toContain('Day 0 of 28');
    // Success reads in the good colour; "already raised" (nothing changed) in the warning colour.
    expect(cardText(raised.card)).toMatch(/"text":"Raised as D-1: [^"]*","wrap":true,"color":"Good"/);
    // Posted to the Executive Board channel and to the chair and each party personally.
    for (const c of [BOARD_CHANNEL.id, alexChat, meganChat, isaiahChat]) expect(postsTo(raised.since, c, 'POST')).toHaveLength(1);
    const boardCopy = copyIn(BOARD_CHANNEL.id, raised.since);
    const boardCard = ConnectorStub.card(boardCopy)!;
    expect(Object.keys(buttons(boardCard))).toEqual([DISPUTE_VERBS.history]);
    expect((boardCard.refresh as { userIds: string[] }).userIds.sort()).toEqual([USERS.alex.id, USERS.isaiah.id, USERS.megan.id].sort());
    const alexCopy = copyIn(alexChat, raised.since);
    expect(Object.keys(buttons(ConnectorStub.card(alexCopy)))).toContain(DISPUTE_VERBS.schedule);
    const meganCopy = copyIn(meganChat, raised.since);
    expect(Object.keys(buttons(ConnectorStub.card(meganCopy))).sort()).toEqual([DISPUTE_VERBS.history, DISPUTE_VERBS.propose].sort());
    const disputeId = buttons(ConnectorStub.card(alexCopy))[DISPUTE_VERBS.schedule].disputeId as string;

    // A double submit of the same form raises nothing more.
    const logBefore = await logCount();
    const sinceDouble = bot.stub.received.length;
    const again = invokeCard(await bot.click(USERS.patti, DISPUTE_VERBS.raise, { formId: raised.formId, subject: 'x', parties, determinedOn: '2026-03-10' }));
    expect(cardText(again)).toContain('already raised as D-1');
    expect(cardText(again)).toMatch(/"text":"This dispute was already raised as D-1[^"]*","wrap":true,"color":"Warning"/);
    expect(await logCount()).toBe(logBefore);
    expect(bot.stub.received.length).toBe(sinceDouble);

    // The chair schedules from his own copy; every other copy is updated in place.
    clock.set('2026-03-12T10:00:00Z');
    let since = bot.stub.received.length;
    const scheduled = invokeCard(
      await bot.click(USERS.alex, DISPUTE_VERBS.schedule, { disputeId, version: 1, meetingDate: '2026-03-26', meetingTime: '10:00', meetingPlace: 'Shire Hall, Warwick' }, personalChat(USERS.alex), alexCopy.activityId),
    );
    expect(cardText(scheduled)).toContain('Day 2 of 28 — meeting scheduled');
    expect(postsTo(since, alexChat, 'PUT')).toHaveLength(0); // the invoke response replaced it
    for (const c of [BOARD_CHANNEL.id, meganChat, isaiahChat]) {
      const puts = postsTo(since, c, 'PUT');
      expect(puts).toHaveLength(1);
      expect(cardText(ConnectorStub.card(puts[0]))).toContain('Shire Hall, Warwick');
    }
    expect(postsTo(since, BOARD_CHANNEL.id, 'PUT')[0].activityId).toBe(boardCopy.activityId);

    // Refusals: a party trying a chair action, a stale button, a double click.
    const logBeforeRefusals = await logCount();
    since = bot.stub.received.length;
    expect(invokeText(await bot.click(USERS.megan, DISPUTE_VERBS.record, { disputeId, version: 2, recordOutcome: 'resolved' }, personalChat(USERS.megan), meganCopy.activityId))).toMatch(/Only the Independent Chair/);
    const stale = invokeCard(await bot.click(USERS.alex, DISPUTE_VERBS.schedule, { disputeId, version: 1, meetingDate: '2026-03-27', meetingTime: '10:00', meetingPlace: 'Elsewhere' }, personalChat(USERS.alex), alexCopy.activityId));
    expect(cardText(stale)).toContain('This card was out of date; it now shows the latest');
    expect(cardText(stale)).toContain('Shire Hall, Warwick');
    expect(invokeText(await bot.click(USERS.alex, DISPUTE_VERBS.schedule, { disputeId: 'd-tampered-0000', version: 2, meetingDate: '2026-03-27', meetingTime: '10:00', meetingPlace: 'x' }))).toMatch(/does not exist/);
    const late = await bot.click(USERS.alex, DISPUTE_VERBS.schedule, { disputeId, version: 2, meetingDate: '2026-04-20', meetingTime: '10:00', meetingPlace: 'Shire Hall' });
    expect(invokeText(late)).toMatch(/after the deadline.*Open "Schedule meeting": what you typed is kept/);
    expect(refusedForm(late.body as InvokeBody)).toEqual({
      values: expect.objectContaining({ meetingDate: '2026-04-20', meetingTime: '10:00', meetingPlace: 'Shire Hall' }),
      marked: { lateReason: expect.stringMatching(/record the reason to schedule it that late/) },
    });
    expect(await logCount()).toBe(logBeforeRefusals);
    expect(bot.stub.received.slice(since).filter((r) => r.method === 'PUT')).toHaveLength(0);

    // Megan proposes, the Police (Isaiah) agree: agenda agreed.
    since = bot.stub.received.length;
    const proposed = invokeCard(await bot.click(USERS.megan, DISPUTE_VERBS.propose, { disputeId, version: 2, agendaText: '1. Referral data\n2. A shared threshold' }, personalChat(USERS.megan), meganCopy.activityId));
    expect(cardText(proposed)).toContain('Waiting for: Warwickshire Police');
    const isaiahPut = postsTo(since, isaiahChat, 'PUT');
    expect(isaiahPut).toHaveLength(1);
    const agreeData = buttons(ConnectorStub.card(isaiahPut[0]))[DISPUTE_VERBS.agree];
    expect(agreeData).toEqual({ disputeId, version: 3, agendaVersion: 1 });
    const isaiahCopy = copyIn(isaiahChat, raised.since);
    const agreed = invokeCard(await bot.click(USERS.isaiah, DISPUTE_VERBS.agree, agreeData, personalChat(USERS.isaiah), isaiahCopy.activityId));
    expect(cardText(agreed)).toContain('agenda agreed');
    expect(cardText(agreed)).toContain('Every party has agreed');
    const logAfterAgree = await logCount();
    const doubleClick = invokeCard(await bot.click(USERS.isaiah, DISPUTE_VERBS.agree, agreeData, personalChat(USERS.isaiah), isaiahCopy.activityId));
    expect(cardText(doubleClick)).toContain('out of date');
    expect(await logCount()).toBe(logAfterAgree);

    // The meeting is held and resolves the dispute; reminders stop.
    const pending = await bot.composed.services.reminders.pendingFor(bot.composed.services.config.tenantId, disputeId);
    expect(pending.some((t) => t.kind === 'meeting-1d' && t.date === '2026-03-25')).toBe(true);
    clock.set('2026-03-26T14:00:00Z');
    since = bot.stub.received.length;
    const resolved = invokeCard(await bot.click(USERS.alex, DISPUTE_VERBS.record, { disputeId, version: 4, recordOutcome: 'resolved', recordNotes: 'Shared threshold agreed' }, personalChat(USERS.alex), alexCopy.activityId));
    expect(cardText(resolved)).toContain('Closed: resolved');
    expect(Object.keys(buttons(resolved))).toEqual([DISPUTE_VERBS.history]);
    for (const c of [BOARD_CHANNEL.id, meganChat, isaiahChat]) expect(cardText(ConnectorStub.card(postsTo(since, c, 'PUT')[0]))).toContain('Closed: resolved');
    expect(await bot.composed.services.reminders.pendingFor(bot.composed.services.config.tenantId, disputeId)).toEqual([]);
    expect(invokeText(await bot.click(USERS.megan, DISPUTE_VERBS.mediation, { disputeId, version: 5 }))).toMatch(/closed/);

    // The full history is one click away.
    const history = invokeCard(await bot.click(USERS.patti, DISPUTE_VERBS.history, { disputeId }, BOARD_CHANNEL, boardCopy.activityId));
    for (const step of ['raised', 'meeting scheduled', 'agenda proposed', 'agenda agreed', 'meeting recorded']) expect(cardText(history)).toContain(step);
  });

  it('the mediation path, with a party who has no personal chat named in the board channel', async () => {
    clock.set('2026-04-01T10:00:00Z');
    const raised = await raise(USERS.alex, 'Funding split for the scrutineer', `p:${USERS.megan.aadObjectId},p:${USERS.adele.aadObjectId}`, '2026-03-30');
    const boardPosts = postsTo(raised.since, BOARD_CHANNEL.id, 'POST');
    expect(boardPosts).toHaveLength(2); // the card, and Adele's copy with an @mention
    expect(boardPosts.some((p) => JSON.stringify(p.activity.entities ?? []).includes(USERS.adele.aadObjectId))).toBe(true);
    const card = raised.card;
    const disputeId = buttons(card)[DISPUTE_VERBS.history].disputeId as string;
    const click = async (user: TestUser, verb: string, data: Record<string, unknown>) => bot.click(user, verb, { disputeId, ...data });
    invokeCard(await click(USERS.alex, DISPUTE_VERBS.schedule, { version: 1, meetingDate: '2026-04-01', meetingTime: '16:00', meetingPlace: 'https://teams.example/meet/1' }));
    const held = invokeCard(await click(USERS.alex, DISPUTE_VERBS.record, { version: 2, recordOutcome: 'unresolved' }));
    expect(cardText(held)).toContain('meeting held, not resolved');
    expect(invokeText(await click(USERS.alex, DISPUTE_VERBS.mediation, { version: 3 }))).toMatch(/Only a party/);
    const requested = invokeCard(await click(USERS.megan, DISPUTE_VERBS.mediation, { version: 3 }));
    expect(cardText(requested)).toContain('mediation requested');
    const appointed = invokeCard(await click(USERS.alex, DISPUTE_VERBS.appoint, { version: 4, mediatorName: 'Dr Jane Holloway' }));
    expect(cardText(appointed)).toContain('Dr Jane Holloway');
    const since = bot.stub.received.length;
    const closed = invokeCard(await click(USERS.alex, DISPUTE_VERBS.close, { version: 5, closeOutcome: 'resolved', closeNote: 'Settled with the mediator' }));
    expect(cardText(closed)).toContain('Closed: resolved');
    expect(postsTo(since, meganChat, 'PUT').length).toBeGreaterThan(0);
  });

  it('records a breach the day after a missed deadline, tells the board channel, and lists breaches first', async () => {
    clock.set('2026-04-02T10:00:00Z');
    const raised = await raise(USERS.megan, 'Information sharing protocol', `p:${USERS.megan.aadObjectId},o:Warwickshire Police`, '2026-03-04');
    const disputeId = buttons(raised.card)[DISPUTE_VERBS.history].disputeId as string;
    const { reminders, config } = bot.composed.services;
    const breachTimer = (await reminders.pendingFor(config.tenantId, disputeId)).find((t) => t.kind === 'breach') as Timer;
    expect(breachTimer).toMatchObject({ date: '2026-04-02', target: { kind: 'purpose', purpose: 'executive-board' } });

    // The scheduler (another branch) delivers it by running the named handler at its time.
    const since = bot.stub.received.length;
    const message = await reminders.handlers.get(DISPUTE_HANDLERS.breach)!(breachTimer);
    expect(message?.text).toMatch(/^BREACH: dispute D-3/);
    expect(cardText(message?.card)).toContain('BREACH: no joint meeting was held by the deadline');
    expect(postsTo(since, meganChat, 'PUT')).toHaveLength(1); // Megan's own copy (she raised it)
    // A job run twice (a pause, a crash, a second instance) changes nothing more and still yields its notice.
    expect((await reminders.handlers.get(DISPUTE_HANDLERS.breach)!(breachTimer))?.text).toBe(message?.text);
    expect((await bot.composed.services.log.recent(config.tenantId, 100, { entityId: disputeId })).filter((e) => e.action === 'dispute.breached')).toHaveLength(1);

    const list = ConnectorStub.card((await bot.say(USERS.patti, 'disputes'))[0]);
    const text = cardText(list);
    expect(text).toContain('Open disputes (1)');
    expect(text).toContain('BREACH');
    expect(cardText(ConnectorStub.card((await bot.say(USERS.patti, 'dispute'))[0]))).toContain('Open disputes (1)');
    const one = await bot.say(USERS.patti, 'dispute d3');
    expect(cardText(ConnectorStub.card(one[0]))).toContain('D-3: Information sharing protocol');
    const refused = await bot.say(USERS.lynne, 'dispute raise');
    expect(cardText(ConnectorStub.card(refused[0]))).toContain('Nothing was changed');
  });

  it('answers the card refresh with the viewer\'s own buttons, without replacing the message for everyone', async () => {
    const list = await bot.composed.services.store.query<{ id: string; ref: string }>('disputes', { partitionKey: bot.composed.services.config.tenantId });
    const d3 = list.find((d) => d.ref === 'D-3')!;
    const since = bot.stub.received.length;
    const megans = invokeCard(await bot.click(USERS.megan, DISPUTE_VERBS.refresh, { disputeId: d3.id }, BOARD_CHANNEL, 'board-card'));
    expect(Object.keys(buttons(megans)).sort()).toEqual([DISPUTE_VERBS.history, DISPUTE_VERBS.propose].sort());
    expect(megans.refresh).toBeUndefined();
    const lynnes = invokeCard(await bot.click(USERS.lynne, DISPUTE_VERBS.refresh, { disputeId: d3.id }, BOARD_CHANNEL, 'board-card'));
    expect(Object.keys(buttons(lynnes))).toEqual([DISPUTE_VERBS.history]);
    expect(bot.stub.received.slice(since).filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('refreshes the card only for people the service lets see the dispute: anyone else is refused, not shown it', async () => {
    const list = await bot.composed.services.store.query<{ id: string; ref: string; subject: string }>('disputes', { partitionKey: bot.composed.services.config.tenantId });
    const d3 = list.find((d) => d.ref === 'D-3')!;
    const disputeId = d3.id;
    expect(cardText(invokeCard(await bot.click(USERS.megan, DISPUTE_VERBS.refresh, { disputeId }, BOARD_CHANNEL, 'board-card')))).toContain(d3.subject);
    // Someone the directory does not know: no role, no party to it.
    const stranger = { id: 'user-stranger', name: 'Sam Stranger', aadObjectId: '3f2504e0-4f89-41d3-9a0c-0305e82c3302' };
    const refused = await bot.click(stranger, DISPUTE_VERBS.refresh, { disputeId }, BOARD_CHANNEL, 'board-card');
    expect(invokeText(refused)).toMatch(/see D-3/);
    expect(JSON.stringify(refused.body)).not.toContain(d3.subject);
  });

  it('pre-selects the parties named in "dispute raise <sentence>"', async () => {
    const [reply] = await bot.say(USERS.megan, 'dispute raise Megan Bowen and Warwickshire Police disagree on thresholds');
    const form = ConnectorStub.card(reply)!;
    const parties = (form.body as { id?: string; value?: string }[]).find((e) => e.id === 'parties');
    expect(parties?.value).toBe(`p:${USERS.megan.aadObjectId},o:Warwickshire Police`);
  });

  it('sends deadline reminders built from the current state, and none once the meeting is held', async () => {
    const { reminders, config } = bot.composed.services;
    clock.set('2026-04-02T10:00:00Z');
    const raised = await raise(USERS.alex, 'Reminder check', `p:${USERS.megan.aadObjectId},p:${USERS.isaiah.aadObjectId}`, '2026-04-02');
    const disputeId = buttons(raised.card)[DISPUTE_VERBS.history].disputeId as string;
    const timers = await reminders.pendingFor(config.tenantId, disputeId);
    const megan7 = timers.find((t) => t.kind === 'deadline-7d' && t.target.kind === 'person' && t.target.aadObjectId === USERS.megan.aadObjectId)!;
    expect(megan7.date).toBe('2026-04-23');
    clock.set('2026-04-23T08:00:00Z');
    const message = await reminders.handlers.get(DISPUTE_HANDLERS.reminder)!(megan7);
    expect(message?.text).toContain('7 days left');
    expect(Object.keys(buttons(message?.card))).toContain(DISPUTE_VERBS.propose);
  });
});

describe('dispute reminders delivered by the scheduler on a stepped clock', () => {
  const clock = new TestClock('2026-03-10T09:30:00Z');
  const bot = new BotHarness(clock, { REMINDER_NON_WORKING_DAYS: 'send' }); // every reminder on its calendar day; the next-working-day hold is tested in tests/unit/reminders
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.patti, 'channel set executive-board', BOARD_CHANNEL);
    for (const u of [USERS.alex, USERS.megan, USERS.isaiah]) await bot.say(u, 'hi');
  });
  afterAll(() => bot.stop());

  const raiseNow = async (subject: string) => {
    const replies = await bot.say(USERS.patti, `dispute raise ${subject}`);
    const form = ConnectorStub.card(replies[0])!;
    const formId = (JSON.stringify(form).match(/"formId":"([^"]+)"/) ?? [])[1];
    const res = await bot.click(USERS.patti, DISPUTE_VERBS.raise, { formId, subject, parties: `p:${USERS.megan.aadObjectId},o:Warwickshire Police`, determinedOn: '2026-03-10' }, personalChat(USERS.patti), replies[0].activityId);
    const card = (res.body as InvokeBody).value as Record<string, unknown>;
    return (JSON.stringify(card).match(/"disputeId":"([^"]+)"/) ?? [])[1];
  };

  it('reminds the chair and the parties 21, 14, 7, 3 and 1 days before, the day before the meeting, the parties yet to agree, and records a breach once', async () => {
    const { scheduler, time } = bot.composed.services;
    const held = await raiseNow('Held in time'); // D-1: meeting on 2 April, held then
    const missed = await raiseNow('Never met'); // D-2: no meeting
    expect(invokeOk(await bot.click(USERS.alex, DISPUTE_VERBS.schedule, { disputeId: held, version: 1, meetingDate: '2026-04-02', meetingTime: '10:00', meetingPlace: 'Shire Hall' }))).toBe(true);
    expect(invokeOk(await bot.click(USERS.megan, DISPUTE_VERBS.propose, { disputeId: held, version: 2, agendaText: 'The one item' }))).toBe(true);
    bot.stub.clear();

    const seen: string[] = [];
    for (let day = '2026-03-11'; day <= '2026-04-10'; day = addDays(day, 1)) {
      clock.set(time.instantAt(day, 9, 5));
      const before = bot.stub.received.length;
      await scheduler.tick();
      await scheduler.tick(); // a second tick the same morning sends nothing again
      for (const r of bot.stub.received.slice(before).filter((x) => x.method === 'POST' && x.activity.type === 'message')) {
        const who = r.conversationId === BOARD_CHANNEL.id ? 'board' : r.conversationId.replace('personal-user-', '');
        const text = String(r.activity.text ?? '');
        const kind = /BREACH/.test(text) ? 'breach' : /tomorrow/.test(text) ? 'meeting' : /agenda/.test(text) ? 'agenda' : /(\d+) days? left/.exec(text)?.[1] ?? text;
        seen.push(`${day} ${/D-\d+/.exec(text)?.[0]} ${kind} ${who}`);
      }
      if (day === '2026-04-02') {
        clock.set(time.instantAt(day, 12, 0));
        expect(invokeOk(await bot.click(USERS.alex, DISPUTE_VERBS.record, { disputeId: held, version: 3, recordOutcome: 'unresolved' }))).toBe(true);
      }
    }
    const people = ['alex', 'isaiah', 'megan'];
    const expected = [
      ...['2026-03-17 D-1 21', '2026-03-17 D-2 21', '2026-03-24 D-1 14', '2026-03-24 D-2 14'].flatMap((x) => people.map((p) => `${x} ${p}`)),
      '2026-03-30 D-1 agenda isaiah', // Megan proposed it, so only the Police have yet to agree
      ...['2026-03-31 D-1 7', '2026-03-31 D-2 7', '2026-04-01 D-1 meeting'].flatMap((x) => people.map((p) => `${x} ${p}`)),
      ...['2026-04-04 D-2 3', '2026-04-06 D-2 1'].flatMap((x) => people.map((p) => `${x} ${p}`)), // D-1's meeting was held: its clock stopped
      '2026-04-08 D-2 breach board',
    ];
    expect([...seen].sort()).toEqual([...expected].sort());

    const d2 = await bot.composed.services.store.read<{ id: string; breached: boolean }>('disputes', bot.composed.services.config.tenantId, missed);
    expect(d2?.breached).toBe(true);
    const breachEntries = (await bot.composed.services.log.recent(bot.composed.services.config.tenantId, 1000, { entityId: missed })).filter((e) => e.action === 'dispute.breached');
    expect(breachEntries).toHaveLength(1);
  });

  const invokeOk = (res: { status: number; body: unknown }) => res.status === 200 && (res.body as InvokeBody).type === 'application/vnd.microsoft.card.adaptive';
});
