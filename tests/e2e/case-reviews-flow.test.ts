import { CASE_REVIEW_VERBS } from '../../cards/case-reviews/verbs';
import { BotHarness, ConversationSpec, TestUser, USERS, cardText, personalChat } from '../support/bot-harness';
import { TestClock } from '../support/clock';
import { ConnectorStub } from '../support/connector-stub';
import { refusalOf, refusedForm } from '../support/refusal';

jest.setTimeout(120_000);

type InvokeBody = { statusCode: number; type: string; value: unknown };

const REVIEWS_CHANNEL: ConversationSpec = { id: '19:reviews@thread.tacv2', type: 'channel', name: 'Safeguarding Reviews', teamName: 'Warwickshire Safeguarding' };
const BOARD: ConversationSpec = { id: '19:board@thread.tacv2', type: 'channel', name: 'Executive Board', teamName: 'Warwickshire Safeguarding' };

describe('safeguarding case reviews through the real HTTP endpoint, with a stepped clock over Christmas', () => {
  // Monday 21 December 2026, 10:00 London (GMT).
  const clock = new TestClock('2026-12-21T10:00:00Z');
  const bot = new BotHarness(clock);
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.patti, 'channel set safeguarding-reviews', REVIEWS_CHANNEL);
    await bot.say(USERS.patti, 'channel set executive-board', BOARD);
    for (const u of [USERS.alex, USERS.megan, USERS.lynne]) await bot.say(u, 'hi');
  });
  afterAll(() => bot.stop());

  const invoke = (res: { status: number; body: unknown }) => {
    expect(res.status).toBe(200);
    return res.body as InvokeBody;
  };
  const invokeCard = (res: { status: number; body: unknown }) => {
    const body = invoke(res);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return body.value as Record<string, unknown>;
  };
  const invokeText = (res: { status: number; body: unknown }) => refusalOf(invoke(res));
  /** Every step form's `step` value in a card. */
  const steps = (card: unknown): string[] => {
    const found: string[] = [];
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (o.type === 'Action.Execute' && o.verb === CASE_REVIEW_VERBS.step) found.push(String((o.data as Record<string, unknown>).step));
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return found;
  };
  const posts = (since: number, conversationId: string) =>
    bot.stub.received.slice(since).filter((r) => r.conversationId === conversationId && r.method === 'POST' && r.activity.type === 'message');
  const log = async () => bot.composed.services.log.recent(bot.composed.services.config.tenantId, 10_000);
  const stored = async () => bot.composed.services.store.query<{ id: string; tenantId: string }>('caseReviews', { partitionKey: bot.composed.services.config.tenantId });

  const openForm = async (user: TestUser) => {
    const replies = await bot.say(user, 'case review new');
    const form = ConnectorStub.card(replies[replies.length - 1]);
    return { form, formId: formIdOf(form), activityId: replies[replies.length - 1].activityId };
  };
  const formIdOf = (form: unknown): string => {
    const m = /"formId":"([^"]+)"/.exec(JSON.stringify(form));
    expect(m).not.toBeNull();
    return m![1];
  };

  let caseId = '';

  it('records a notified incident from the form, posts it to the subgroup channel and shows the clocks in working days', async () => {
    const { form, formId, activityId } = await openForm(USERS.patti);
    expect(cardText(form)).toContain('Never enter a child');
    const since = bot.stub.received.length;
    const card = invokeCard(await bot.click(USERS.patti, CASE_REVIEW_VERBS.open, { formId, reference: 'rr-2026-12', kind: 'child', started: '2026-12-21' }, personalChat(USERS.patti), activityId));
    const text = cardText(card);
    expect(text).toContain('Case review RR-2026-12');
    // 5 working days from Mon 21 Dec skip Christmas Day and the Boxing Day substitute (Mon 28th).
    expect(text).toContain('5 working days left (due Wed 30 Dec 2026)');
    expect(text).toContain('15 working days left (due Thu 14 Jan 2027)');
    expect(text).toContain('next: the Business Team (notify the national Panel)');
    expect(posts(since, REVIEWS_CHANNEL.id)).toHaveLength(1);
    caseId = String((await stored())[0].id);
    expect(caseId).toMatch(/^cr-/);
    expect(steps(card)).toEqual(['notify', 'close']);

    // Reminders at 5, 2 and 1 working days before each deadline, and a breach check the working day after.
    const pending = await bot.composed.services.reminders.pendingFor(bot.composed.services.config.tenantId, caseId);
    const byKind = Object.fromEntries(pending.map((t) => [t.kind, t.date]));
    expect(byKind).toMatchObject({ 'notification-2wd': '2026-12-24', 'notification-1wd': '2026-12-29', 'notification-breach': '2026-12-31', 'rapid_review-5wd': '2027-01-07', 'rapid_review-breach': '2027-01-15' });
    expect(byKind['notification-5wd']).toBeUndefined(); // that would be today
  });

  it('refuses personal data, wrong roles, stale and tampered cards, changing nothing', async () => {
    const before = (await log()).length;
    const storedBefore = JSON.stringify(await stored());
    const { formId } = await openForm(USERS.patti);
    const nhsNumber = await bot.click(USERS.patti, CASE_REVIEW_VERBS.open, { formId, reference: '943 476 5919', kind: 'adult', started: '2026-12-21' });
    expect(invokeText(nhsNumber)).toMatch(/anonymised/);
    // The form comes back with the rest of what was typed, but never the refused text (it may be personal data).
    expect(refusedForm(invoke(nhsNumber))).toEqual({ values: expect.objectContaining({ reference: '', kind: 'adult', started: '2026-12-21' }), marked: { reference: expect.stringMatching(/anonymised/) } });
    expect(cardText(invoke(nhsNumber).value)).not.toContain('943 476 5919');
    expect(invokeText(await bot.click(USERS.patti, CASE_REVIEW_VERBS.open, { formId, reference: 'RR-2026-12', kind: 'child', started: '2026-12-21' }))).toMatch(/already a case review RR-2026-12/);
    expect(invokeText(await bot.click(USERS.megan, CASE_REVIEW_VERBS.open, { formId, reference: 'RR-9', kind: 'child', started: '2026-12-21' }))).toMatch(/Only the Business Team or the Independent Chair/);
    // Megan (a partner) cannot record the notification; Lynne (lay) cannot either.
    for (const who of [USERS.megan, USERS.lynne])
      expect(invokeText(await bot.click(who, CASE_REVIEW_VERBS.step, { caseId, version: 1, step: 'notify', date_notify: '2026-12-21' }))).toMatch(/Only/);
    expect(invokeText(await bot.click(USERS.patti, CASE_REVIEW_VERBS.step, { caseId: 'cr-tampered-0000', version: 1, step: 'notify', date_notify: '2026-12-21' }))).toMatch(/does not exist/);
    expect(invokeText(await bot.click(USERS.patti, CASE_REVIEW_VERBS.step, { caseId, version: 1, step: 'explode', date_explode: '2026-12-21' }))).toMatch(/out of date/);
    const dob = await bot.click(USERS.patti, CASE_REVIEW_VERBS.step, { caseId, version: 1, step: 'close', date_close: '2026-12-21', reason_close: 'DOB 01/02/2019' });
    expect(invokeText(dob)).toMatch(/date of birth/);
    expect(cardText(invoke(dob).value)).not.toContain('01/02/2019');
    const stale = invokeCard(await bot.click(USERS.patti, CASE_REVIEW_VERBS.step, { caseId, version: 7, step: 'notify', date_notify: '2026-12-21' }));
    expect(cardText(stale)).toContain('This card was out of date');
    expect((await log()).length).toBe(before);
    expect(JSON.stringify(await stored())).toBe(storedBefore);
    // A lay member (independent scrutiny) sees the list.
    const lynneList = await bot.say(USERS.lynne, 'case reviews');
    expect(cardText(ConnectorStub.card(lynneList[lynneList.length - 1]))).toContain('RR-2026-12');
  });

  it('reminds the subgroup channel on working days, and records and announces a breach the working day after the deadline', async () => {
    const { scheduler } = bot.composed.services;
    // Thursday 24 December, 09:00: two working days left (the 29th and 30th).
    clock.set('2026-12-24T09:00:00Z');
    let since = bot.stub.received.length;
    await scheduler.tick();
    const reminder = posts(since, REVIEWS_CHANNEL.id);
    expect(reminder).toHaveLength(1);
    expect(reminder[0].activity.text).toMatch(/Notify the national Panel — 2 working days left \(due Wed 30 Dec 2026\)/);

    // Over Christmas nothing is due; Thursday 31 December: the deadline passed yesterday.
    clock.set('2026-12-29T09:00:00Z');
    await scheduler.tick();
    clock.set('2026-12-31T09:00:00Z');
    since = bot.stub.received.length;
    await scheduler.tick();
    const breach = posts(since, REVIEWS_CHANNEL.id).filter((r) => /BREACH/.test(String(r.activity.text)));
    expect(breach).toHaveLength(1);
    expect(breach[0].activity.text).toMatch(/RR-2026-12: Notify the national Panel was due Wed 30 Dec 2026/);
    const entries = (await log()).filter((e) => e.action === 'case_review.breached');
    expect(entries).toHaveLength(1);
    expect(entries[0].entity.ref).toBe('RR-2026-12');
    // The card shows it in red.
    const replies = await bot.say(USERS.patti, 'case review RR-2026-12');
    const card = ConnectorStub.card(replies[replies.length - 1]);
    expect(cardText(card)).toContain('1 working day overdue');
    expect(JSON.stringify(card)).toContain('"color":"Attention"');
  });

  it('walks the child lifecycle to a local review, announcing the decision to the Executive Board', async () => {
    clock.set('2027-01-04T10:00:00Z');
    const step = async (user: TestUser, version: number, action: string, fields: Record<string, unknown> = {}) =>
      invokeCard(await bot.click(user, CASE_REVIEW_VERBS.step, { caseId, version, step: action, [`date_${action}`]: '2027-01-04', ...fields }));
    let card = await step(USERS.patti, 2, 'notify');
    expect(cardText(card)).toContain('done on Mon 4 Jan 2027 (late)');
    expect(steps(card)).toEqual(['close']); // Patti is Business Team; the decision is the Board's
    const since = bot.stub.received.length;
    card = await step(USERS.megan, 3, 'decide', { outcome_decide: 'local_review' });
    expect(cardText(card)).toContain('Reviewer to be commissioned');
    expect(cardText(card)).toContain('Local review published');
    expect(cardText(card)).toContain('due Sun 4 Jul 2027');
    const board = posts(since, BOARD.id);
    expect(board).toHaveLength(1);
    expect(board[0].activity.text).toMatch(/RR-2026-12: decision recorded — a local child safeguarding practice review/);
    card = await step(USERS.patti, 4, 'commission', { reviewer_commission: 'Independent reviewer' });
    expect(cardText(card)).toContain('Terms of reference to be agreed');

    // The log holds the reference and the dates, never the free text's case details.
    const actions = (await log()).filter((e) => e.entity.type === 'case-review').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['case_review.opened', 'case_review.panel_notified', 'case_review.decided', 'case_review.reviewer_commissioned', 'case_review.breached']));
  });

  it('lists open case reviews by nearest deadline, with an Open button each', async () => {
    const { formId } = await openForm(USERS.alex);
    invokeCard(await bot.click(USERS.alex, CASE_REVIEW_VERBS.open, { formId, reference: 'SAR/27/1', kind: 'adult', started: '2027-01-04' }));
    const replies = await bot.say(USERS.alex, 'case reviews');
    const list = ConnectorStub.card(replies[replies.length - 1]);
    const text = cardText(list);
    expect(text).toContain('Open case reviews (2)');
    expect(text.indexOf('RR-2026-12')).toBeLessThan(text.indexOf('SAR/27/1'));
    expect(JSON.stringify(list)).toContain('case review SAR/27/1');
  });
});
