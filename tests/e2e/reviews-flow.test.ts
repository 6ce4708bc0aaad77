import { REVIEW_VERBS } from '../../cards/reviews/verbs';
import { conversationKey } from '../../services/conversations';
import { CONTAINERS } from '../../services/store/containers';
import { addDays } from '../../services/time';
import { BotHarness, ConversationSpec, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { refusalOf, refusedForm } from '../support/refusal';
import { ConnectorStub, ReceivedActivity } from '../support/connector-stub';
import { steps } from '../support/steps';

const HUB: ConversationSpec = { id: '19:hub@thread.tacv2', type: 'channel', name: 'Quality Learning Hub', teamName: 'Warwickshire Safeguarding' };
const CHILDREN: ConversationSpec = { id: '19:children@thread.tacv2', type: 'channel', name: "Children's Partnership", teamName: 'Warwickshire Safeguarding' };

type InvokeBody = { statusCode: number; type: string; value: unknown };

/** Delivers the reminders due now through the real scheduler. */
async function deliverDue(bot: BotHarness): Promise<void> {
  await bot.composed.services.scheduler.tick();
}

describe('a hub review from start to impact checks, over the real HTTP endpoint', () => {
  const step = steps();
  const bot = new BotHarness(undefined, { REMINDER_NON_WORKING_DAYS: 'send' }); // every reminder on its calendar day; the next-working-day hold is tested in tests/unit/reminders
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  /** Card titles the bot posted on its own (not as a reply to someone), per conversation. */
  const delivered: { day: string; conversationId: string; title: string }[] = [];
  /** Cards the bot updated in place while reminders ran (no one clicking). */
  const redrawn: { day: string; activityId: string; text: string }[] = [];
  let day = '2026-03-02';
  const titleOf = (r: ReceivedActivity): string => {
    const card = ConnectorStub.card(r) as { body?: { text?: string }[] } | undefined;
    return card?.body?.[0]?.text ?? r.activity.text ?? '';
  };

  /** Steps the clock one day at a time to 09:05 London on `until`, delivering reminders each morning. */
  const runUntil = async (until: string): Promise<void> => {
    while (day < until) {
      day = addDays(day, 1);
      bot.clock.set(bot.composed.services.time.instantAt(day, 9, 5));
      const before = bot.stub.received.length;
      await deliverDue(bot);
      for (const r of bot.stub.received.slice(before)) {
        if (r.method === 'POST') delivered.push({ day, conversationId: r.conversationId, title: titleOf(r) });
        else if (r.method === 'PUT') redrawn.push({ day, activityId: r.activityId, text: cardText(ConnectorStub.card(r)) });
      }
    }
    bot.clock.set(bot.composed.services.time.instantAt(day, 11, 0));
  };

  const click = async (user: (typeof USERS)[keyof typeof USERS], verb: string, data: Record<string, unknown>, conversation = HUB, replyToId = timelineId) => {
    const res = await bot.click(user, verb, data, conversation, replyToId);
    expect(res.status).toBe(200);
    return res.body as InvokeBody;
  };

  let timelineId = '';
  let reviewId = '';
  let version = 0;
  const hubKey = conversationKey(HUB.id);

  step('lets the Business Team start a review from a form; the timeline goes to the chosen channel', async () => {
    bot.clock.set('2026-03-02T10:00:00Z');
    await bot.say(USERS.patti, 'channel set children-partnership', CHILDREN);
    const refused = await bot.say(USERS.megan, 'review start', HUB);
    expect(cardText(ConnectorStub.card(refused[0]))).toContain('Only the Business Team can start a review');

    const replies = await bot.say(USERS.patti, 'review start', HUB);
    const form = ConnectorStub.card(replies[0]) as { actions: { verb: string; data: { formId: string } }[]; body: { id?: string; value?: string; choices?: { title: string; value: string }[] }[] };
    expect(form.actions[0].verb).toBe(REVIEW_VERBS.start);
    const channels = form.body.find((b) => b.id === 'channels')!;
    expect(channels.value).toBe(hubKey);
    const sponsors = form.body.find((b) => b.id === 'sponsor')!.choices!.map((c) => c.title);
    expect(sponsors).toEqual(expect.arrayContaining([expect.stringContaining('Megan Bowen'), expect.stringContaining('Isaiah Langer')]));
    expect(sponsors.some((s) => s.includes('Patti'))).toBe(false);

    const formData = { formId: form.actions[0].data.formId, theme: 'Neglect', strand: 'children', sponsor: USERS.megan.aadObjectId, startDate: '2026-03-02', channels: hubKey };
    const before = bot.stub.received.length;
    const started = await click(USERS.patti, REVIEW_VERBS.start, formData, HUB, replies[0].activityId);
    expect(cardText(started.value)).toContain('R-1 started: Neglect');
    const posted = bot.stub.received.slice(before).filter((r) => r.conversationId === HUB.id && r.method === 'POST');
    expect(posted).toHaveLength(1);
    timelineId = posted[0].activityId;
    const timeline = cardText(ConnectorStub.card(posted[0]));
    expect(timeline).toContain('R-1: Neglect');
    expect(timeline).toContain('Stage 1 of 4, Scoping: 30 days left');
    expect(timeline).toContain('Mon 2 Mar 2026 to Wed 1 Jul 2026');
    const review = (await bot.composed.services.store.query<{ id: string; version: number }>(CONTAINERS.reviews.name, { partitionKey: TENANT }))[0];
    reviewId = review.id;
    version = review.version;

    // The same form twice starts nothing more.
    const again = await click(USERS.patti, REVIEW_VERBS.start, formData, HUB, replies[0].activityId);
    expect(again.value).toContain('already started R-1');
    expect(await bot.composed.services.store.query(CONTAINERS.reviews.name, { partitionKey: TENANT })).toHaveLength(1);
  });

  step('signs stages off from the card and updates every copy in place', async () => {
    // Megan keeps a copy in her personal chat; it must follow every change.
    const mine = await bot.say(USERS.megan, 'review R-1', personalChat(USERS.megan));
    const personalCopy = mine[0].activityId;

    await runUntil('2026-03-27');
    const lay = await click(USERS.lynne, REVIEW_VERBS.signOff, { reviewId, version, stage: 1, note: 'x' });
    expect(lay.value).toBe('Only the review sponsor or the Business Team can sign off a stage.');
    const tampered = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId: 'rv-forged', version, stage: 1, note: 'x' });
    expect(tampered.value).toMatch(/does not exist/);

    const before = bot.stub.received.length;
    const signed = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version, stage: 1, note: 'Scope agreed' });
    expect(signed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(signed.value)).toContain('Signed off by Megan Bowen on Fri 27 Mar 2026: Scope agreed');
    // Stage 1 is still the calendar's stage, but signed off: it no longer says "Due now".
    expect(cardText(signed.value)).toContain('Signed off: ');
    expect(cardText(signed.value)).not.toContain('Due now');
    const puts = bot.stub.received.slice(before).filter((r) => r.method === 'PUT');
    expect(puts.map((p) => p.activityId)).toEqual([personalCopy]);
    expect(cardText(ConnectorStub.card(puts[0]))).toContain('Scope agreed');
    version += 1;

    const old = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version: version - 1, stage: 1, note: 'double click' });
    expect(old.value).toMatch(/out of date/);

    await runUntil('2026-05-10');
    const outOfOrder = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version, stage: 3, note: 'skip' });
    expect(refusalOf(outOfOrder)).toMatch(/Stage 2 \(Audits\) must be signed off before stage 3/);
    expect(refusedForm(outOfOrder).values).toMatchObject({ note: 'skip' });
    expect(cardText((await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version: version++, stage: 2, note: 'Audits done late' })).value)).toContain('Audits done late');

    await runUntil('2026-05-28');
    expect(cardText((await click(USERS.patti, REVIEW_VERBS.signOff, { reviewId, version: version++, stage: 3, note: 'Feedback in' })).value)).toContain('Feedback in');

    await runUntil('2026-06-10');
    const noRecs = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version, stage: 4, note: 'done' });
    expect(refusalOf(noRecs)).toMatch(/at least one recommendation/);
    // Stage 4's form has two buttons: "Confirm sign-off" with a recommendation typed but not submitted
    // refuses, keeps every word, and says which button comes first; nothing is signed off.
    const typed = { recTitle: 'A joint neglect toolkit', recDetail: 'Graded care profile in every agency', note: 'All done' };
    const unsubmitted = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version, stage: 4, ...typed });
    expect(refusalOf(unsubmitted)).toMatch(/^Nothing was changed: This recommendation has not been submitted: press "Submit to the Executive Board" first/);
    expect(refusedForm(unsubmitted)).toEqual({ values: expect.objectContaining(typed), marked: { recTitle: expect.stringMatching(/not been submitted/) } });
    const rec = await click(USERS.megan, REVIEW_VERBS.recommend, { reviewId, version: version++, stage: 4, recTitle: 'A joint neglect toolkit', recDetail: 'Graded care profile in every agency' });
    expect(cardText(rec.value)).toContain('REC-1 A joint neglect toolkit');

    await runUntil('2026-06-25');
    const le = await click(USERS.megan, REVIEW_VERBS.learningEvent, { reviewId, version: version++, leDate: '2026-06-25', leAttendees: '42', leScrutineer: 'true' });
    expect(cardText(le.value)).toContain('Held Thu 25 Jun 2026: 42 attended; the independent scrutineer took part');

    await runUntil('2026-06-29');
    const done = await click(USERS.megan, REVIEW_VERBS.signOff, { reviewId, version: version++, stage: 4, note: 'Key messages out' });
    expect(cardText(done.value)).toContain('Completed on Mon 29 Jun 2026');
    expect(cardText(done.value)).toContain('6-month impact check');
    expect(cardText(done.value)).toContain('Due Fri 1 Jan 2027');
  });

  step('records the impact checks from the card the reminder brings', async () => {
    await runUntil('2027-01-01');
    const impact = bot.stub.received.filter((r) => r.conversationId === HUB.id && titleOf(r).includes('6-month impact check due'));
    expect(impact).toHaveLength(1);
    const card = ConnectorStub.card(impact[0]) as { actions: { verb: string; data: Record<string, unknown> }[] };
    expect(card.actions[0].verb).toBe(REVIEW_VERBS.impact);
    const notBusiness = await click(USERS.megan, REVIEW_VERBS.impact, { ...card.actions[0].data, findings: 'Fine' }, HUB, impact[0].activityId);
    expect(notBusiness.value).toMatch(/Only the Business Team/);
    const recorded = await click(USERS.patti, REVIEW_VERBS.impact, { ...card.actions[0].data, findings: 'Toolkit used in 9 of 10 audited cases' }, HUB, impact[0].activityId);
    expect(cardText(recorded.value)).toContain('Recorded by Patti Fernandez: Toolkit used in 9 of 10 audited cases');
    version += 1;
    await runUntil('2027-07-05');
  });

  step('sent every reminder once, on its day, to the right channel', () => {
    // The Executive Board's decision on the stage-4 recommendation goes to the review's channel (the votes feature).
    // (Partners' personal chats also got the vote's reminders; only the channels are checked here.)
    expect(delivered.filter((d) => d.title.startsWith('REC-') && [HUB.id, CHILDREN.id].includes(d.conversationId)).map((d) => [d.day, d.conversationId])).toEqual([['2026-06-18', HUB.id]]);
    const hub = delivered.filter((d) => d.conversationId === HUB.id && !d.title.startsWith('REC-')).map((d) => `${d.day} ${d.title}`).sort();
    expect(hub).toEqual([
      '2026-03-25 R-1 Neglect: 7 days left in stage 1 (Scoping)',
      '2026-04-02 R-1 Neglect: stage 2 (Audits) starts today',
      '2026-04-24 R-1 Neglect: 7 days left in stage 2 (Audits)',
      '2026-05-02 R-1 Neglect: stage 2 (Audits) is overdue',
      '2026-05-02 R-1 Neglect: stage 3 (Feedback) starts today',
      '2026-05-09 R-1 Neglect: stage 2 (Audits) is overdue',
      '2026-05-25 R-1 Neglect: 7 days left in stage 3 (Feedback)',
      '2026-06-02 R-1 Neglect: stage 4 (Recommendations and learning) starts today',
      '2026-06-24 R-1 Neglect: 7 days left in stage 4 (Recommendations and learning)',
      '2027-01-01 R-1 Neglect: 6-month impact check due',
      '2027-07-01 R-1 Neglect: 12-month impact check due',
    ]);
    const children = delivered.filter((d) => d.conversationId === CHILDREN.id).map((d) => `${d.day} ${d.title}`);
    expect(children).toEqual(['2026-07-01 R-1 Neglect: end of the review cycle']);
  });

  step('redrew the posted timelines with the vote\'s outcome the day it was decided', () => {
    // The vote on REC-1 closed at its deadline on 18 June: both copies of the timeline (the hub
    // channel's and Megan's) were updated then, no click needed, from "voting open" to the outcome.
    const outcome = /REC-1 A joint neglect toolkit \((approved|rejected|no quorum)\)/;
    const decided = redrawn.filter((r) => r.text.includes('R-1: Neglect') && outcome.test(r.text));
    expect(decided.length).toBeGreaterThanOrEqual(2);
    expect(decided[0].day).toBe('2026-06-18');
    expect(decided.map((r) => r.activityId)).toContain(timelineId);
  });
});

describe('moving and cancelling a review from its card, over the real HTTP endpoint', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const startForm = async (theme: string, startDate: string) => {
    const replies = await bot.say(USERS.patti, 'review start', HUB);
    const form = ConnectorStub.card(replies[0]) as { actions: { data: { formId: string } }[] };
    return bot.click(
      USERS.patti,
      REVIEW_VERBS.start,
      { formId: form.actions[0].data.formId, theme, strand: 'adults', sponsor: USERS.isaiah.aadObjectId, startDate, channels: conversationKey(HUB.id) },
      HUB,
      replies[0].activityId,
    );
  };
  const pendingKinds = async (reviewId: string) =>
    (await bot.composed.services.reminders.pendingFor(TENANT, reviewId)).map((t) => `${t.kind}@${t.date}`).sort();

  it('refuses a start that collides with the same theme, moves a review with its reminders, then cancels it', async () => {
    bot.clock.set('2026-03-02T10:00:00Z');
    const first = await startForm('Self-neglect', '2026-04-01');
    expect(cardText((first.body as InvokeBody).value)).toContain('R-1 started');
    const clash = await startForm('Self neglect', '2026-06-01');
    expect(refusalOf(clash.body as InvokeBody)).toMatch(/R-1 on the same theme \("Self-neglect"\) runs from Wed 1 Apr 2026 to Fri 31 Jul 2026/);
    expect(refusedForm(clash.body as InvokeBody).values).toMatchObject({ theme: 'Self neglect', startDate: '2026-06-01' });
    expect(await bot.composed.services.store.query(CONTAINERS.reviews.name, { partitionKey: TENANT })).toHaveLength(1);

    const [review] = await bot.composed.services.store.query<{ id: string }>(CONTAINERS.reviews.name, { partitionKey: TENANT });
    expect(await pendingKinds(review.id)).toContain('stage-1-start@2026-04-01');

    const notBusiness = await bot.click(USERS.isaiah, REVIEW_VERBS.reschedule, { reviewId: review.id, version: 1, newStartDate: '2026-05-01' }, HUB);
    expect((notBusiness.body as InvokeBody).value).toBe('Only the Business Team can move a review.');

    const moved = await bot.click(USERS.patti, REVIEW_VERBS.reschedule, { reviewId: review.id, version: 1, newStartDate: '2026-05-01' }, HUB);
    expect(cardText((moved.body as InvokeBody).value)).toContain('Fri 1 May 2026 to Mon 31 Aug 2026');
    const kinds = await pendingKinds(review.id);
    expect(kinds).toContain('stage-1-start@2026-05-01');
    expect(kinds).toContain('group-meeting@2026-08-31');
    expect(kinds.filter((k) => k.endsWith('@2026-04-01') || k.endsWith('@2026-07-31'))).toEqual([]);

    const cancelled = await bot.click(USERS.patti, REVIEW_VERBS.cancel, { reviewId: review.id, version: 2, cancelReason: 'Folded into the exploitation review' }, HUB);
    expect(cardText((cancelled.body as InvokeBody).value)).toContain('Cancelled on Mon 2 Mar 2026: Folded into the exploitation review');
    expect(await pendingKinds(review.id)).toEqual([]);

    const before = await bot.composed.services.log.recent(TENANT, 1);
    const late = await bot.click(USERS.isaiah, REVIEW_VERBS.signOff, { reviewId: review.id, version: 2, stage: 1, note: 'old card' }, HUB);
    expect((late.body as InvokeBody).value).toMatch(/R-1 was cancelled on Mon 2 Mar 2026/);
    expect(await bot.composed.services.log.recent(TENANT, 1)).toEqual(before);

    const list = await bot.say(USERS.lynne, 'reviews', HUB);
    expect(cardText(ConnectorStub.card(list[0]))).toContain('No review is running');
    const programme = await bot.say(USERS.lynne, 'programme 2026', HUB);
    const text = cardText(ConnectorStub.card(programme[0]));
    expect(text).toContain('Hub review programme 2026');
    expect(text).toContain('Children: 0 reviews where the arrangements plan 2.');
  });

  it('answers bad commands privately with what to type', async () => {
    const missing = await bot.say(USERS.lynne, 'review R-9', HUB);
    expect(cardText(ConnectorStub.card(missing[0]))).toContain('There is no review R-9.');
    const noRef = await bot.say(USERS.lynne, 'review', HUB);
    expect(cardText(ConnectorStub.card(noRef[0]))).toContain('Say which review, e.g. review R-3.');
    const badYear = await bot.say(USERS.lynne, 'programme next', HUB);
    expect(cardText(ConnectorStub.card(badYear[0]))).toContain('Give a year, e.g. programme 2026.');
    const shown = await bot.say(USERS.lynne, 'review r1', HUB);
    expect(cardText(ConnectorStub.card(shown[0]))).toContain('R-1: Self-neglect');
  });
});
