import { BOARD_CHANNEL, BotHarness, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { refusalOf, refusedForm } from '../support/refusal';
import { ConnectorStub, ReceivedActivity } from '../support/connector-stub';
import { steps } from '../support/steps';

type InvokeBody = { statusCode: number; type: string; value: unknown };

/** recommend → votes → decision → actions → done, through the real HTTP endpoint, a connector stub and a stepped clock. */
describe('an Executive Board vote, end to end', () => {
  const step = steps();
  const bot = new BotHarness();
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.alex, 'channel set executive-board', BOARD_CHANNEL);
    for (const u of [USERS.megan, USERS.patti]) await bot.say(u, 'whoami'); // personal chats with the bot
  });
  afterAll(() => bot.stop());

  const posts = (from: number, conversationId?: string) =>
    bot.stub.received.slice(from).filter((r) => r.method === 'POST' && r.activity.type === 'message' && (!conversationId || r.conversationId === conversationId));
  const updates = (from: number) => bot.stub.received.slice(from).filter((r) => r.method === 'PUT');
  const invoke = (res: { status: number; body: unknown }) => {
    expect(res.status).toBe(200);
    return res.body as InvokeBody;
  };
  const asCard = (body: InvokeBody) => {
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return cardText(body.value);
  };
  const asRefusal = (body: InvokeBody) => refusalOf(body);
  let boardCard: ReceivedActivity;

  step('recommend: the form becomes a vote card in the Executive Board channel, logged', async () => {
    const [refused] = await bot.say(USERS.lynne, 'recommend');
    expect(cardText(ConnectorStub.card(refused))).toContain('Nothing was changed');
    const [form] = await bot.say(USERS.patti, 'recommend');
    const formCard = ConnectorStub.card(form)!;
    const formKey = /"form":"([^"]+)"/.exec(cardText(formCard))![1];
    const mark = bot.stub.received.length;
    const body = invoke(
      await bot.click(USERS.patti, 'rec.submit', { form: formKey, title: 'A shared transitions protocol', detail: 'Adopt one protocol for young people moving to adult services.', sourceKind: 'subgroup', sourceName: 'Exploitation subgroup', deadline: '' }, personalChat(USERS.patti), form.activityId),
    );
    expect(asCard(body)).toContain('REC-1: A shared transitions protocol');
    [boardCard] = posts(mark, BOARD_CHANNEL.id);
    expect(boardCard).toBeDefined();
    const text = cardText(ConnectorStub.card(boardCard));
    expect(text).toContain('Voting open: 0 of 4 partners have voted');
    expect(text).toContain('Mon 9 Mar 2026, 17:00');
    expect(text).toContain('Approved when at least 3 of the 4 eligible partners approve');
    // a second click on the same form opens no second vote
    const again = bot.stub.received.length;
    await bot.click(USERS.patti, 'rec.submit', { form: formKey, title: 'A shared transitions protocol', detail: 'x', sourceKind: 'subgroup', sourceName: 'Exploitation subgroup' }, personalChat(USERS.patti), form.activityId);
    expect(posts(again, BOARD_CHANNEL.id)).toHaveLength(0);
  });

  step('a vote updates the clicked card and every other copy, without showing individual choices', async () => {
    const mark = bot.stub.received.length;
    const text = asCard(invoke(await bot.click(USERS.megan, 'rec.vote', { rec: 'rec-1', option: 'approve' }, BOARD_CHANNEL, boardCard.activityId)));
    expect(text).toContain('1 of 4 partners have voted');
    expect(text).toContain('**Voted:** Megan Bowen');
    expect(text).not.toContain('"value":"Approve"');
    // The voter sees their own choice in the answer to their click, which has no refresh section (it is theirs alone).
    expect(text).toContain('You voted Approve at 10:00; you can change it until the vote closes');
    expect(text).not.toContain('"refresh"');
    const put = updates(mark);
    // Every copy for everyone carries no one's choice, and refreshes each reader to their own view.
    for (const p of put) {
      expect(cardText(ConnectorStub.card(p))).not.toContain('You voted');
      expect(ConnectorStub.card(p)).toHaveProperty('refresh.action.verb', 'rec.view');
    }
    const meganView = asCard(invoke(await bot.click(USERS.megan, 'rec.view', { rec: 'rec-1' }, BOARD_CHANNEL, boardCard.activityId)));
    expect(meganView).toContain('You voted Approve at 10:00; you can change it until the vote closes');
    const adeleView = asCard(invoke(await bot.click(USERS.adele, 'rec.view', { rec: 'rec-1' }, BOARD_CHANNEL, boardCard.activityId)));
    expect(adeleView).not.toContain('You voted');
    expect(adeleView).not.toContain('Approve at');
    // the clicked card is replaced for everyone by the invoke itself, once; refreshAll skipped it and updated patti's copy
    expect(put.filter((p) => p.activityId === boardCard.activityId)).toHaveLength(1);
    const others = put.filter((p) => p.activityId !== boardCard.activityId);
    expect(others.map((p) => p.conversationId)).toEqual([personalChat(USERS.patti).id]);
    expect(cardText(ConnectorStub.card(others[0]))).toContain('1 of 4 partners have voted');
  });

  step('a double click counts once; refusals are private and change no card', async () => {
    const mark = bot.stub.received.length;
    // The repeat is answered with what was counted, and when; the card stays as it is.
    expect(asRefusal(invoke(await bot.click(USERS.megan, 'rec.vote', { rec: 'rec-1', option: 'approve' }, BOARD_CHANNEL, boardCard.activityId)))).toMatch(/^Your Approve on REC-1 was counted at Mon 2 Mar 2026, 10:00; clicking again changes nothing\.$/);
    expect(updates(mark).filter((p) => p.activityId !== boardCard.activityId)).toHaveLength(0);
    const afterDouble = bot.stub.received.length;
    expect(asRefusal(invoke(await bot.click(USERS.patti, 'rec.vote', { rec: 'rec-1', option: 'approve' }, BOARD_CHANNEL, boardCard.activityId)))).toMatch(/Only the Executive Board partners/);
    expect(asRefusal(invoke(await bot.click(USERS.adele, 'rec.vote', { rec: 'rec-1', option: 'maybe' }, BOARD_CHANNEL)))).toMatch(/out of date, so nothing was changed/);
    expect(asRefusal(invoke(await bot.click(USERS.adele, 'rec.vote', { rec: 'rec-77', option: 'approve' }, BOARD_CHANNEL)))).toMatch(/does not exist/);
    expect(asRefusal(invoke(await bot.click(USERS.adele, 'rec.vote', { rec: { $ne: 1 }, option: 'approve' }, BOARD_CHANNEL)))).toMatch(/out of date, so nothing was changed/);
    expect(updates(afterDouble)).toHaveLength(0);
    const votes = (await bot.composed.services.log.recent(TENANT, 100)).filter((e) => e.action === 'vote.cast');
    expect(votes).toHaveLength(1);
    // Votes are private to the chair and Business Team: a lay member's log shows that Megan voted, not how.
    const layLog = cardText(ConnectorStub.card((await bot.say(USERS.lynne, 'log kind vote'))[0]));
    expect(layLog).toContain('Megan Bowen');
    expect(layLog).toContain('private (the chair and Business Team see each choice)');
    expect(layLog).not.toContain('Approve');
    const businessLog = cardText(ConnectorStub.card((await bot.say(USERS.patti, 'log kind vote'))[0]));
    expect(businessLog).toContain('Approve');
  });

  step('the chair\'s own view shows each choice, to the chair only', async () => {
    const mark = bot.stub.received.length;
    const text = asCard(invoke(await bot.click(USERS.alex, 'rec.view', { rec: 'rec-1' }, BOARD_CHANNEL, boardCard.activityId)));
    expect(text).toContain('"title":"Megan Bowen","value":"Approve"');
    expect(text).toContain('Close early');
    expect(updates(mark)).toHaveLength(0); // not replaced for everyone
    // the shared card asks Teams to refresh the chair and Business Team, then each eligible voter, to
    // their own view (by Teams user id where known)
    const shared = cardText(ConnectorStub.card(boardCard));
    expect(shared).toContain('"userIds":["00000000-0000-0000-0000-0000000000020","user-patti","00000000-0000-0000-0000-0000000000022","00000000-0000-0000-0000-0000000000023","user-megan"]');
    // a partner's client refreshing the card (Teams does so for everyone in small channels) gets the
    // shared view (with no one's choice, as she has not voted), without a refresh section, so nothing is replaced for everyone
    const partnerView = invoke(await bot.click(USERS.adele, 'rec.view', { rec: 'rec-1' }, BOARD_CHANNEL, boardCard.activityId));
    expect(asCard(partnerView)).not.toContain('"value":"Approve"');
    expect((partnerView.value as Record<string, unknown>).refresh).toBeUndefined();
    expect(updates(mark)).toHaveLength(0);
  });

  step('a vote clicked in a personal chat is redrawn there by the answer alone; the channel copy is updated for everyone', async () => {
    await bot.say(USERS.adele, 'whoami');
    const mark = bot.stub.received.length;
    const text = asCard(invoke(await bot.click(USERS.adele, 'rec.vote', { rec: 'rec-1', option: 'reject' }, personalChat(USERS.adele), 'adele-open-copy')));
    expect(text).toContain('You voted Reject at 10:00; you can change it until the vote closes');
    expect(text).toContain('2 of 4 partners have voted');
    const put = updates(mark);
    // Only Adele reads her chat, so a second write of her copy could only race the answer and hide her choice.
    expect(put.filter((p) => p.activityId === 'adele-open-copy')).toHaveLength(0);
    const board = put.filter((p) => p.activityId === boardCard.activityId);
    expect(board).toHaveLength(1);
    expect(cardText(ConnectorStub.card(board[0]))).toContain('2 of 4 partners have voted');
    expect(cardText(ConnectorStub.card(board[0]))).not.toContain('You voted');
  });

  step('closes when the last partner votes; the outcome goes to the board channel and every copy updates', async () => {
    await bot.click(USERS.adele, 'rec.vote', { rec: 'rec-1', option: 'abstain' }, BOARD_CHANNEL, boardCard.activityId); // changed her mind
    await bot.click(USERS.isaiah, 'rec.vote', { rec: 'rec-1', option: 'approve' }, BOARD_CHANNEL, boardCard.activityId);
    const mark = bot.stub.received.length;
    const text = asCard(invoke(await bot.click(USERS.alex, 'rec.vote', { rec: 'rec-1', option: 'approve' }, BOARD_CHANNEL, boardCard.activityId)));
    expect(text).toContain('Approved: 3 of 4 approved; 3 needed (3 approve, 0 reject, 1 abstain)');
    // A closed vote looks closed: nobody is "still to vote".
    expect(text).not.toContain('Still to vote');
    expect(text).not.toContain('"verb":"rec.vote"');
    const outcome = posts(mark, BOARD_CHANNEL.id);
    expect(outcome.map((o) => o.activity.text)).toContain('Decision on REC-1: Approved');
    expect(updates(mark).some((u) => cardText(ConnectorStub.card(u)).includes('Approved: 3 of 4 approved'))).toBe(true);
    const log = (await bot.composed.services.log.recent(TENANT, 200)).map((e) => e.action);
    expect(log.filter((a) => a === 'vote.cast')).toHaveLength(4);
    expect(log.filter((a) => a === 'vote.changed')).toHaveLength(1);
    expect(log.filter((a) => a === 'recommendation.decided')).toHaveLength(1);
    // an old card's button after the close
    expect(asRefusal(invoke(await bot.click(USERS.megan, 'rec.vote', { rec: 'rec-1', option: 'reject' }, BOARD_CHANNEL, boardCard.activityId)))).toMatch(/has closed/);
  });

  step('the chair assigns an action from the outcome card; the owner gets it, is reminded, and marks it done', async () => {
    expect(asRefusal(invoke(await bot.click(USERS.alex, 'action.assign', { rec: 'rec-1', owner: '99999999-9999-9999-9999-999999999999', due: '2026-04-01', description: 'Draft it' }, BOARD_CHANNEL)))).toMatch(/directory/);
    expect(asRefusal(invoke(await bot.click(USERS.alex, 'action.assign', { rec: 'rec-1', owner: USERS.megan.aadObjectId, due: '2026-03-01', description: 'Draft it' }, BOARD_CHANNEL)))).toMatch(/in the past/);
    const [copy] = await bot.say(USERS.megan, 'recommendation rec1');
    expect(cardText(ConnectorStub.card(copy))).toContain('Approved: 3 of 4 approved; 3 needed');
    const mark = bot.stub.received.length;
    const text = asCard(invoke(await bot.click(USERS.alex, 'action.assign', { rec: 'rec-1', owner: USERS.megan.aadObjectId, organisation: '', due: '2026-04-01', description: 'Draft the shared protocol' }, BOARD_CHANNEL, boardCard.activityId)));
    expect(text).toContain('A-1');
    const [toMegan] = posts(mark, personalChat(USERS.megan).id);
    // the copy megan asked for is kept up to date: it now lists the action
    expect(updates(mark).some((u) => u.activityId === copy.activityId && cardText(ConnectorStub.card(u)).includes('A-1'))).toBe(true);
    expect(cardText(ConnectorStub.card(toMegan))).toContain('A-1: Draft the shared protocol');

    const [mine] = await bot.say(USERS.megan, 'my actions');
    const mineText = cardText(ConnectorStub.card(mine));
    expect(mineText).toContain('**A-1** Draft the shared protocol');
    expect(mineText).toContain('Megan Bowen (NHS South Warwickshire CCG), due Wed 1 Apr 2026');
    expect(mineText).toContain('Yours: mark it done with evidence when it is');
    // Each row opens its action's card.
    expect(JSON.stringify(ConnectorStub.card(mine))).toContain('"command":"action A-1"');

    bot.clock.set('2026-03-25T09:30:00Z');
    const before = bot.stub.received.length;
    expect((await bot.composed.services.scheduler.tick()).sent).toBeGreaterThan(0);
    expect(posts(before, personalChat(USERS.megan).id).map((p) => p.activity.text)).toContain('Reminder: A-1 is due on Wed 1 Apr 2026.');

    const done = asCard(invoke(await bot.click(USERS.megan, 'action.done', { action: /"action":"(act-[0-9a-f]+)"/.exec(text)?.[1] ?? /act-[0-9a-f]{20}/.exec(cardText(ConnectorStub.card(toMegan)))![0], evidence: 'Protocol agreed at the APG' }, personalChat(USERS.megan), toMegan.activityId)));
    expect(done).toContain('Done (Megan Bowen)');
    expect(done).toContain('Protocol agreed at the APG');
    const [all] = await bot.say(USERS.patti, 'actions');
    expect(cardText(ConnectorStub.card(all))).toContain('No open actions.');
    const log = (await bot.composed.services.log.recent(TENANT, 300)).map((e) => e.action);
    expect(log).toEqual(expect.arrayContaining(['action.assigned', 'action.done']));
  });

  step('the chair extends and then closes a vote early, each with a reason; others are refused privately', async () => {
    const services = bot.composed.services;
    const alex = await services.directory.actorFor(TENANT, USERS.alex.aadObjectId, USERS.alex.name);
    const { rec } = await services.recommendations.recommend(alex, { title: 'Children first', detail: 'Put children first.', source: { kind: 'review', id: 'review-9', ref: 'R-9', name: 'Children missing education' } });
    const deadline = rec.deadline;
    expect(asRefusal(invoke(await bot.click(USERS.megan, 'rec.extend', { rec: rec.id, v: rec.version, deadline: '2026-04-20', reason: 'More time' }, BOARD_CHANNEL)))).toMatch(/Only the Independent Chair/);
    const noReason = invoke(await bot.click(USERS.alex, 'rec.extend', { rec: rec.id, v: rec.version, deadline: '2026-04-20', reason: '' }, BOARD_CHANNEL));
    expect(asRefusal(noReason)).toMatch(/reason/);
    // The chair's form comes back as typed, the problem beside the reason, their Extend form only.
    expect(refusedForm(noReason)).toEqual({ values: expect.objectContaining({ deadline: '2026-04-20', reason: '' }), marked: { reason: expect.stringMatching(/Give a reason for extending/) } });
    const tooFar = invoke(await bot.click(USERS.alex, 'rec.extend', { rec: rec.id, v: rec.version, deadline: '2026-09-30', reason: 'Police input awaited' }, BOARD_CHANNEL));
    expect(refusedForm(tooFar)).toEqual({ values: expect.objectContaining({ deadline: '2026-09-30', reason: 'Police input awaited' }), marked: { deadline: expect.stringMatching(/at most 90 days/) } });
    const extended = asCard(invoke(await bot.click(USERS.alex, 'rec.extend', { rec: rec.id, v: rec.version, deadline: '2026-04-20', reason: 'Police input awaited' }, BOARD_CHANNEL)));
    expect(extended).toContain('Police input awaited');
    expect(extended).toContain('Mon 20 Apr 2026, 17:00');
    // the form the chair used before the extension is now out of date
    expect(asRefusal(invoke(await bot.click(USERS.alex, 'rec.close', { rec: rec.id, v: rec.version, reason: 'Superseded' }, BOARD_CHANNEL)))).toMatch(/out of date/);
    const mark = bot.stub.received.length;
    const closed = asCard(invoke(await bot.click(USERS.alex, 'rec.close', { rec: rec.id, v: rec.version + 1, reason: 'Superseded by national guidance' }, BOARD_CHANNEL)));
    expect(closed).toContain('No quorum: 0 of 4 voted; 3 needed for a decision (0 approve, 0 reject, 0 abstain)');
    expect(closed).toContain('**Did not vote:** Adele Vance, Alex Wilber, Isaiah Langer, Megan Bowen');
    expect(closed).not.toContain('Still to vote');
    expect(closed).toContain('Superseded by national guidance');
    expect(posts(mark, BOARD_CHANNEL.id).map((o) => o.activity.text)).toContain(`Decision on ${rec.ref}: No quorum`);
    const log = (await services.log.recent(TENANT, 50, { entityId: rec.id })).map((e) => [e.action, e.before]);
    expect(log).toEqual(expect.arrayContaining([['recommendation.extended', deadline], ['recommendation.decided', 'open']]));
  });

  step('closes at the deadline through the reminders: 2 of 4 votes is no quorum', async () => {
    const [form] = await bot.say(USERS.alex, 'recommend');
    const formKey = /"form":"([^"]+)"/.exec(cardText(ConnectorStub.card(form)))![1];
    await bot.click(USERS.alex, 'rec.submit', { form: formKey, title: 'Annual scrutiny of transitions', detail: 'Scrutinise transitions yearly.', sourceKind: 'partnership-group', sourceName: "Adults' Partnership Group", deadline: '2026-03-30' }, personalChat(USERS.alex), form.activityId);
    await bot.click(USERS.megan, 'rec.vote', { rec: 'rec-3', option: 'approve' }, BOARD_CHANNEL);
    await bot.click(USERS.isaiah, 'rec.vote', { rec: 'rec-3', option: 'approve' }, BOARD_CHANNEL);
    // The 2-days-before reminder falls on Saturday 28 March: a reminder ahead of a deadline comes on
    // the working day before (Friday's send hour), never after (REMINDER_NON_WORKING_DAYS).
    bot.clock.set('2026-03-27T08:59:00Z');
    const early = bot.stub.received.length;
    await bot.composed.services.scheduler.tick();
    expect(posts(early).filter((p) => (p.activity.text ?? '').includes('you have not voted on REC-3'))).toEqual([]);
    bot.clock.set('2026-03-27T09:00:00Z'); // Friday 09:00 in London (GMT)
    const reminded = bot.stub.received.length;
    await bot.composed.services.scheduler.tick();
    const reminders = posts(reminded).filter((p) => (p.activity.text ?? '').includes('you have not voted on REC-3'));
    const remindedChats = reminders.map((p) => p.conversationId);
    // Alex (a partner who has not voted) is reminded in his personal chat; Megan, who voted, is not.
    expect(remindedChats).toContain(personalChat(USERS.alex).id);
    expect(remindedChats).not.toContain(personalChat(USERS.megan).id);
    bot.clock.set('2026-03-28T09:00:00Z');
    const weekend = bot.stub.received.length;
    await bot.composed.services.scheduler.tick();
    expect(posts(weekend).filter((p) => (p.activity.text ?? '').includes('you have not voted on REC-3'))).toEqual([]);
    bot.clock.set('2026-03-30T16:00:00Z'); // 17:00 in London (BST)
    const mark = bot.stub.received.length;
    expect((await bot.composed.services.scheduler.tick()).done).toBeGreaterThan(0);
    expect(posts(mark, BOARD_CHANNEL.id).map((o) => o.activity.text)).toContain('Decision on REC-3: No quorum');
    expect((await bot.composed.services.recommendations.get(TENANT, 'rec-3'))?.status).toBe('no-quorum');
  });
});
