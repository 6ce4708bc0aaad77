import { gzipSync } from 'node:zlib';
import type { Person } from '../../services/directory/directory';
import { CONTAINERS } from '../../services/store/containers';
import { BOARD_CHANNEL, BotHarness, TENANT, TestUser, USERS, cardText, personalChat } from '../support/bot-harness';
import { ConnectorStub } from '../support/connector-stub';

/** One test for each defect of issue 12, through the real HTTP endpoint. */

type InvokeBody = { statusCode: number; type: string; value: unknown };

async function rawPost(bot: BotHarness, body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  const res = await fetch(`${bot.baseUrl}/api/messages`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const people = (bot: BotHarness) => bot.composed.services.store.query<Person>(CONTAINERS.people.name, { partitionKey: TENANT });
const logLength = async (bot: BotHarness) => (await bot.composed.services.log.recent(TENANT, 10_000)).length;

describe('issue 12: bad input at the door', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const good = (fields: Record<string, unknown> = {}) => bot.activity(USERS.alex, personalChat(USERS.alex), { type: 'message', text: 'whoami', ...fields });

  it('1. a body that claims gzip but is not is a 400, the process keeps serving; real gzip works; an unknown encoding is a 415', async () => {
    const bad = await rawPost(bot, JSON.stringify(good()), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'the body is not valid gzip' });
    const before = bot.stub.received.length;
    const zipped = await rawPost(bot, gzipSync(JSON.stringify(good())), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(cardText(ConnectorStub.card(bot.stub.received[before]))).toContain('Alex Wilber');
    const unknown = await rawPost(bot, JSON.stringify(good()), { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' });
    expect(unknown.status).toBe(415);
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
  });

  it('1. a body over 1 MB, or one that only decodes to over 1 MB, is a 413; a body that is not JSON content is a 415', async () => {
    const big = await rawPost(bot, JSON.stringify(good({ text: 'x'.repeat(1_100_000) })));
    expect(big.status).toBe(413);
    const bomb = await rawPost(bot, gzipSync(Buffer.alloc(20 * 1024 * 1024, 32)), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    const form = await rawPost(bot, 'type=message', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });

  it('2. a from.aadObjectId that is not text is refused at the door and stores nothing; grant keeps working', async () => {
    const before = await people(bot);
    for (const aadObjectId of [42, ['x'], { id: 'x' }, true]) {
      const res = await rawPost(bot, JSON.stringify(good({ from: { id: 'user-x', name: 'X', aadObjectId } })));
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'from.aadObjectId must be a string' });
    }
    // text that is not an Entra object id is answered politely, and stored nowhere either
    const replies = await bot.say({ id: 'user-y', name: 'Y', aadObjectId: 'not-an-object-id' }, 'whoami');
    expect(replies[0].activity.text).toMatch(/could not tell who you are/);
    expect(await people(bot)).toEqual(before);
    const granted = await bot.say(USERS.alex, 'grant member Lynne Robbins');
    expect(cardText(ConnectorStub.card(granted[0]))).not.toMatch(/went wrong/);
    expect((await bot.composed.services.directory.get(TENANT, USERS.lynne.aadObjectId))?.roles).toContain('member');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['recipient.name a number', { recipient: { id: 'bot-id', name: 7 } }, /^recipient.name must be a string$/],
    ['conversation.tenantId an object', { conversation: { id: 'personal-user-alex', conversationType: 'personal', tenantId: { id: TENANT } } }, /^conversation.tenantId must be a string$/],
    ['locale a list', { locale: ['en-GB'] }, /^locale must be a string$/],
    ['from.name a boolean', { from: { id: 'user-alex', name: true, aadObjectId: USERS.alex.aadObjectId } }, /^from.name must be a string$/],
    ['nesting inside conversation', { conversation: { id: 'personal-user-alex', tenantId: TENANT, extra: { a: { b: 1 } } } }, /^conversation.extra must be a flat value/],
    ['nesting inside from', { from: { id: 'user-alex', aadObjectId: USERS.alex.aadObjectId, extra: [[1]] } }, /^from.extra must be a flat value/],
    ['a sender-chosen field name (not echoed back)', { from: { id: 'user-alex', aadObjectId: USERS.alex.aadObjectId, '<img src=x onerror=alert(1)>': {} } }, /^from.<field> must be a flat value/],
    ['a body nested 40 deep', { value: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown }, /nests deeper than 32/],
    ['tenant fields that disagree', { channelData: { tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' } } }, /^conversation.tenantId must agree with channelData.tenant.id$/],
    ['text longer than Teams allows', { text: 'x'.repeat(28 * 1024 + 1) }, /^text must be at most 28672 characters$/],
  ])('3. an activity with %s is a 400 with a one-line reason, and changes nothing', async (_what, fields, reason) => {
    const sent = bot.stub.received.length;
    const log = await logLength(bot);
    const res = await rawPost(bot, JSON.stringify(good(fields)));
    expect(res.status).toBe(400);
    expect(Object.keys(res.json ?? {})).toEqual(['error']);
    expect(String(res.json?.error)).toMatch(reason);
    expect(bot.stub.received.length).toBe(sent);
    expect(await logLength(bot)).toBe(log);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another invoke name', { type: 'invoke', name: 'composeExtension/query', value: { commandId: 'x' } }],
    ['a verb that is not text', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 42, data: {} } } }],
    ['another action type', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Submit', verb: 'rec.vote', data: {} } } }],
    ['a known verb with tampered data', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'rec.vote', data: { rec: { $ne: 1 }, option: 'approve' } } } }],
  ])('4. an invoke with %s answers 200 with a private "out of date" message, not 501', async (_what, fields) => {
    const log = await logLength(bot);
    const res = await bot.post(bot.activity(USERS.megan, BOARD_CHANNEL, fields));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/out of date, so nothing was changed/) });
    expect(await logLength(bot)).toBe(log);
  });

  it('5. a 0.95 MB one-word message is refused at once, and /healthz does not stall', async () => {
    const started = Date.now();
    const [res, health] = await Promise.all([rawPost(bot, JSON.stringify(good({ text: 'x'.repeat(950_000) }))), fetch(`${bot.baseUrl}/healthz`)]);
    expect(res.status).toBe(400);
    expect(health.status).toBe(200);
    // A one-word message at Teams' limit is answered too, without the old per-command cost.
    const replies = await bot.say(USERS.megan, 'x'.repeat(28 * 1024));
    expect(replies[0].activity.text).toMatch(/^I don't know "x{60}"\. Type \*\*help\*\*/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('6. an unknown sender is answered but not stored; a real roster adds people', async () => {
    const before = (await people(bot)).length;
    const stranger = { id: 'user-s', name: 'Sam Stranger', aadObjectId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' };
    const replies = await bot.say(stranger, 'whoami');
    expect(cardText(ConnectorStub.card(replies[0]))).toContain('Sam Stranger');
    expect(await bot.composed.services.directory.get(TENANT, stranger.aadObjectId)).toBeUndefined();
    expect((await people(bot)).length).toBe(before);
    const res = await bot.post(bot.activity(USERS.alex, BOARD_CHANNEL, { type: 'conversationUpdate', membersAdded: [{ id: stranger.id, name: stranger.name, aadObjectId: stranger.aadObjectId }] }));
    expect(res.status).toBe(200);
    expect(await bot.composed.services.directory.get(TENANT, stranger.aadObjectId)).toMatchObject({ name: 'Sam Stranger', roles: [] });
    // Whoever installs the bot (Teams says the bot was added) is learned too.
    const installer = { id: 'user-i', name: 'Ira Installer', aadObjectId: '0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f' };
    expect((await bot.post(bot.activity(installer, personalChat(installer), { type: 'conversationUpdate', membersAdded: [{ id: 'bot-id' }] }))).status).toBe(200);
    expect(await bot.composed.services.directory.get(TENANT, installer.aadObjectId)).toMatchObject({ name: 'Ira Installer', roles: [] });
  });

  it('6. the Business Team adds someone the bot has not met; only an Entra object id, logged once', async () => {
    const newcomer = { id: 'user-n', name: 'Nia Newcomer', aadObjectId: '9b2c6f1e-5d4a-4c3b-8a7f-1e2d3c4b5a69' };
    const refused = await bot.say(USERS.megan, `person add ${newcomer.aadObjectId} Nia Newcomer`);
    expect(cardText(ConnectorStub.card(refused[0]))).toMatch(/Only the Business Team can add people/);
    const badId = await bot.say(USERS.patti, 'person add 42 Nia Newcomer');
    expect(cardText(ConnectorStub.card(badId[0]))).toMatch(/Microsoft Entra object id/);
    expect(await bot.composed.services.directory.get(TENANT, newcomer.aadObjectId)).toBeUndefined();
    const added = await bot.say(USERS.patti, `person add ${newcomer.aadObjectId} Nia Newcomer`);
    expect(cardText(ConnectorStub.card(added[0]))).toContain('Nia Newcomer added to the directory');
    await bot.say(USERS.patti, 'grant lay Nia Newcomer');
    expect((await bot.composed.services.directory.get(TENANT, newcomer.aadObjectId))?.roles).toEqual(['lay']);
    const again = await bot.say(USERS.patti, `person add ${newcomer.aadObjectId} Nia`);
    expect(cardText(ConnectorStub.card(again[0]))).toMatch(/already in the directory/);
    expect((await bot.composed.services.log.recent(TENANT, 1000)).filter((e) => e.action === 'person.added')).toHaveLength(1);
  });

  it('8. a log download link stops working once its requester loses the role that allowed it', async () => {
    await bot.say(USERS.lynne, 'whoami');
    const card = ConnectorStub.card((await bot.say(USERS.lynne, 'log export'))[0])!;
    const issued = new URL(((card.actions ?? []) as { type: string; url?: string }[]).find((a) => a.type === 'Action.OpenUrl')!.url!);
    const url = new URL(`${issued.pathname}${issued.search}`, bot.baseUrl);
    expect((await fetch(url)).status).toBe(200);
    await bot.say(USERS.alex, 'revoke lay Lynne Robbins');
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('seq,when_utc');
  });
});

describe('issue 12: votes answered truthfully', () => {
  const bot = new BotHarness();
  let recId = '';
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.alex, 'channel set executive-board', BOARD_CHANNEL);
    const [form] = await bot.say(USERS.patti, 'recommend');
    const formKey = /"form":"([^"]+)"/.exec(cardText(ConnectorStub.card(form)))![1];
    await bot.click(USERS.patti, 'rec.submit', { form: formKey, title: 'Transitions', detail: 'One protocol.', sourceKind: 'subgroup', sourceName: 'Exploitation subgroup', deadline: '' }, personalChat(USERS.patti), form.activityId);
    recId = (await bot.composed.services.recommendations.list(TENANT))[0].id;
  });
  afterAll(() => bot.stop());

  const vote = (user: TestUser, option: string, fields: Record<string, unknown> = {}) =>
    bot.activity(user, BOARD_CHANNEL, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb: 'rec.vote', data: { rec: recId, option } } }, ...fields });

  it('4. a vote click without replyToId answers 200 with the card, and the vote is stored and logged once', async () => {
    const { replyToId: _omit, ...click } = vote(USERS.isaiah, 'approve');
    void _omit;
    const res = await bot.post(click);
    expect(res.status).toBe(200);
    expect((res.body as InvokeBody).type).toBe('application/vnd.microsoft.card.adaptive');
    const entries = await bot.composed.services.log.recent(TENANT, 1000);
    expect(entries.filter((e) => e.action === 'vote.cast')).toHaveLength(1);
  });

  it('7. a redelivered vote gets "counted at", before and after the vote closes', async () => {
    const first = vote(USERS.megan, 'approve');
    expect(((await bot.post(first)).body as InvokeBody).type).toBe('application/vnd.microsoft.card.adaptive');
    bot.clock.advance(2 * 60 * 1000);
    expect(((await bot.post(first)).body as InvokeBody).value).toBe('Your Approve on REC-1 was counted at Mon 2 Mar 2026, 10:00; clicking again changes nothing.');
    const rec = (await bot.composed.services.recommendations.get(TENANT, recId))!;
    const closed = await bot.click(USERS.alex, 'rec.close', { rec: recId, v: rec.version, reason: 'Superseded by national guidance' }, BOARD_CHANNEL);
    expect(closed.status).toBe(200);
    const after = (await bot.post(first)).body as InvokeBody;
    expect(after).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(after.value).toMatch(/^Your Approve on REC-1 was counted at Mon 2 Mar 2026, 10:00; clicking again changes nothing\. Voting has since closed: /);
    // A different choice after the close is refused, naming what stands.
    expect(((await bot.post(vote(USERS.megan, 'reject'))).body as InvokeBody).value).toMatch(/has closed .*your click was not counted\. Your earlier Approve stands\./);
    const entries = await bot.composed.services.log.recent(TENANT, 1000);
    expect(entries.filter((e) => e.action === 'vote.cast')).toHaveLength(2);
  });
});

describe('issue 12: a handler that throws', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('4. answers a click 200 with a private apology that quotes the correlation id, never 501', async () => {
    await bot.composed.services.store.close();
    const activity = bot.activity(USERS.alex, personalChat(USERS.alex), { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb: 'command.run', data: { command: 'whoami' } } } });
    const res = await rawPost(bot, JSON.stringify(activity), { 'Content-Type': 'application/json', 'X-Correlation-Id': 'corr-12345' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/^Sorry, something went wrong.*quote reference corr-12345\.$/) });
    expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  });
});
