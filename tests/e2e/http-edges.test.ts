import type { ConversationRecord } from '../../services/conversations';
import { CONTAINERS } from '../../services/store/containers';
import { BOARD_CHANNEL, BotHarness, ConversationSpec, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { ConnectorStub, ReceivedActivity } from '../support/connector-stub';

const GROUP_CHAT: ConversationSpec = { id: '19:group-chat-1@thread.v2', type: 'groupChat', name: 'Hub leads' };
const HUB_CHANNEL: ConversationSpec = { id: '19:hub@thread.tacv2', type: 'channel', name: 'Hub reviews', teamName: 'Warwickshire Safeguarding' };

async function rawPost(bot: BotHarness, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  const res = await fetch(`${bot.baseUrl}/api/messages`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, json: (() => { try { return JSON.parse(text) as Record<string, unknown>; } catch { return undefined; } })() };
}

/** A response body that leaks no stack trace or source path. */
function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|\.js:\d+/);
}

function onlyCard(replies: ReceivedActivity[]): Record<string, unknown> {
  expect(replies).toHaveLength(1);
  const card = ConnectorStub.card(replies[0]);
  expect(card?.type).toBe('AdaptiveCard');
  return card!;
}

async function logActions(bot: BotHarness): Promise<string[]> {
  return (await bot.composed.services.log.recent(TENANT, 1000)).map((e) => e.action);
}

describe('POST /api/messages with a bad body', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('answers malformed JSON with a 4xx JSON reason and no stack trace', async () => {
    const res = await rawPost(bot, '{"type": "message", "text": ');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.json).toEqual({ error: expect.any(String) });
    expectNoStack(res.text);
  });

  it('answers an activity without its required fields with 400 naming them', async () => {
    const res = await rawPost(bot, JSON.stringify({ type: 'message', text: 'help' }));
    expect(res.status).toBe(400);
    expect(String(res.json?.error)).toMatch(/missing serviceUrl, channelId, from, recipient, conversation/);
    expectNoStack(res.text);
  });

  it.each([
    ['an array', '[{"type":"message"}]'],
    ['a number', '42'],
    ['a string', '"help"'],
    ['null', 'null'],
  ])('answers a body that is %s with 400', async (_what, body) => {
    const res = await rawPost(bot, body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.any(String) });
    expectNoStack(res.text);
  });

  it('answers an empty body with a 4xx', async () => {
    const res = await rawPost(bot, '');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectNoStack(res.text);
  });

  it('answers other methods and unknown paths with a 4xx JSON reason', async () => {
    const get = await fetch(`${bot.baseUrl}/api/messages`);
    expect(get.status).toBe(405);
    const unknown = await fetch(`${bot.baseUrl}/admin`);
    expect(unknown.status).toBe(404);
    for (const res of [get, unknown]) {
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
      expectNoStack(text);
    }
  });

  it('refuses a serviceUrl that is not http(s)', async () => {
    const activity = bot.activity(USERS.alex, personalChat(USERS.alex), { type: 'message', text: 'help', serviceUrl: 'file:///etc/passwd' });
    const res = await rawPost(bot, JSON.stringify(activity));
    expect(res.status).toBe(400);
    expect(String(res.json?.error)).toMatch(/serviceUrl/);
  });

  it.each([
    ['text that is not a string', { type: 'message', text: { html: '<b>help</b>' } }, /text must be a string/],
    ['membersAdded that is not a list of members', { type: 'conversationUpdate', membersAdded: [null] }, /membersAdded.0 must be an object/],
    ['entities that are not a list', { type: 'message', text: 'help', entities: 'mention' }, /entities must be a list of objects/],
    ['a card action without its action', { type: 'invoke', name: 'adaptiveCard/action', value: {} }, /needs value.action/],
  ])('answers an activity with %s with 400 naming the field', async (_what, fields, reason) => {
    const res = await rawPost(bot, JSON.stringify(bot.activity(USERS.alex, personalChat(USERS.alex), fields)));
    expect(res.status).toBe(400);
    expect(String(res.json?.error)).toMatch(reason);
  });

  it('answers an activity without a recipient with 400', async () => {
    const { recipient: _recipient, ...activity } = bot.activity(USERS.alex, personalChat(USERS.alex), { type: 'message', text: 'help' });
    void _recipient;
    const res = await rawPost(bot, JSON.stringify(activity));
    expect(res.status).toBe(400);
    expect(String(res.json?.error)).toMatch(/missing recipient/);
  });

  it('sent nothing and recorded nothing for any of them, and still serves a good request', async () => {
    expect(bot.stub.received).toHaveLength(0);
    expect(await bot.composed.services.conversations.list(TENANT)).toEqual([]);
    const replies = await bot.say(USERS.alex, 'whoami');
    expect(cardText(onlyCard(replies))).toContain('Alex Wilber');
  });
});

describe('with app credentials configured', () => {
  const bot = new BotHarness(undefined, {
    MicrosoftAppId: '8c0e5b12-77a4-4d3e-b1f9-0f6a2d9c3e45',
    MicrosoftAppPassword: 'not-a-real-secret',
    MicrosoftAppTenantId: TENANT,
    EXPORT_SIGNING_KEY: 'a-test-signing-key-of-enough-length',
    LOG_SEAL_KEY: 'a-test-log-seal-key-of-at-least-32-chars',
  });
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('answers a POST without an Authorization header with 401, and does nothing', async () => {
    const logBefore = await logActions(bot);
    const res = await bot.post(bot.activity(USERS.alex, personalChat(USERS.alex), { type: 'message', text: 'help' }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.stringMatching(/^unauthorized/) });
    expect(bot.stub.received).toHaveLength(0);
    expect(await bot.composed.services.conversations.list(TENANT)).toEqual([]);
    expect(await logActions(bot)).toEqual(logBefore);
  });

  it('answers a token that is not a valid Bot Framework JWT with 401 as one-line JSON, and does nothing', async () => {
    const body = JSON.stringify(bot.activity(USERS.alex, personalChat(USERS.alex), { type: 'message', text: 'help' }));
    for (const authorization of ['Bearer not-a-token', 'Basic YWxleDpzZWNyZXQ=']) {
      const res = await rawPost(bot, body, { 'Content-Type': 'application/json', Authorization: authorization });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: expect.stringMatching(/^unauthorized/) });
      expectNoStack(res.text);
    }
    expect(bot.stub.received).toHaveLength(0);
    expect(await bot.composed.services.conversations.list(TENANT)).toEqual([]);
  });

  it('answers a membersAdded without an Authorization header with 401, and welcomes nobody', async () => {
    const res = await bot.post(bot.activity(USERS.alex, BOARD_CHANNEL, { type: 'conversationUpdate', membersAdded: [{ id: 'bot-id' }] }));
    expect(res.status).toBe(401);
    expect(bot.stub.received).toHaveLength(0);
  });
});

describe('GET /healthz', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('is 200 naming the store kind while the store answers', async () => {
    const res = await fetch(`${bot.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ store: 'embedded', reachable: true });
  });

  it('is 503 once the store is closed', async () => {
    await bot.composed.services.store.close();
    const res = await fetch(`${bot.baseUrl}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ store: 'embedded', reachable: false });
  });
});

describe('log export', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const exportUrl = (card: Record<string, unknown>): URL => {
    const actions = (card.actions ?? []) as { type: string; url?: string }[];
    const open = actions.find((a) => a.type === 'Action.OpenUrl');
    expect(open?.url).toBeDefined();
    const issued = new URL(open!.url!);
    return new URL(`${issued.pathname}${issued.search}`, bot.baseUrl);
  };

  it('gives the Business Team a card with a download link that returns the log as CSV', async () => {
    await bot.say(USERS.patti, 'whoami');
    const card = onlyCard(await bot.say(USERS.patti, 'log export'));
    const url = exportUrl(card);
    expect(url.pathname).toBe('/exports/log.csv');

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="safeguarding-log-2026-03-02\.csv"/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('seq,when_utc,who_object_id,who_name,who_roles,action,entity_type,entity_id,entity_ref,before,after,prev_hash,hash');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.some((l) => l.includes('log.exported') && l.includes('Patti Fernandez'))).toBe(true);
    expect(lines.some((l) => l.includes('conversation.installed'))).toBe(true);
  });

  it('follows the vote rule: a lay member\'s export shows that a partner voted, not how; the Business Team\'s shows the choice', async () => {
    const services = bot.composed.services;
    const patti = await services.directory.actorFor(TENANT, USERS.patti.aadObjectId, USERS.patti.name);
    const megan = await services.directory.actorFor(TENANT, USERS.megan.aadObjectId, USERS.megan.name);
    const { rec } = await services.recommendations.recommend(patti, { title: 'A shared protocol', detail: 'One protocol.', source: { kind: 'subgroup', id: 'subgroup:x', name: 'Exploitation subgroup' } });
    await services.recommendations.vote(megan, rec.id, 'reject');
    const csv = async (user: (typeof USERS)[keyof typeof USERS]) => (await (await fetch(exportUrl(onlyCard(await bot.say(user, 'log export'))))).text()).split('\r\n');
    const layVote = (await csv(USERS.lynne)).filter((l) => l.includes('vote.cast'));
    expect(layVote).toHaveLength(1);
    expect(layVote[0]).toContain('Megan Bowen');
    expect(layVote[0]).toContain('private (the chair and Business Team see each choice)');
    expect(layVote[0]).not.toContain('Reject');
    expect((await csv(USERS.patti)).filter((l) => l.includes('vote.cast'))[0]).toMatch(/,Reject,/);
  });

  it('refuses a tampered link with 403', async () => {
    const url = exportUrl(onlyCard(await bot.say(USERS.patti, 'log export')));
    const token = url.searchParams.get('token')!;
    const [payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    forged.t = 'another-tenant';
    url.searchParams.set('token', `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).not.toContain('seq,when_utc');
    expect(JSON.parse(text)).toEqual({ error: expect.stringMatching(/expired or is not valid/) });

    url.searchParams.set('token', `${payload}.${signature.slice(0, -2)}xx`);
    expect((await fetch(url)).status).toBe(403);
    url.searchParams.delete('token');
    expect((await fetch(url)).status).toBe(403);
  });

  it('refuses a link once its 15 minutes are over', async () => {
    const url = exportUrl(onlyCard(await bot.say(USERS.patti, 'log export')));
    bot.clock.advance(14 * 60 * 1000);
    expect((await fetch(url)).status).toBe(200);
    bot.clock.advance(2 * 60 * 1000);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('seq,when_utc');
  });

  it('is refused to someone without a log-reading role, with no link and nothing logged', async () => {
    const before = await logActions(bot);
    const card = onlyCard(await bot.say(USERS.megan, 'log export'));
    const text = cardText(card);
    expect(text).toContain('Nothing was changed');
    expect(text).toMatch(/Only the Business Team or the Independent Chair or a lay member can export the log/);
    expect(text).not.toContain('/exports/log.csv');
    const after = await logActions(bot);
    expect(after.filter((a) => a === 'log.exported')).toHaveLength(before.filter((a) => a === 'log.exported').length);
  });
});

describe('Teams conversation events', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const membersAdded = (conversation: ConversationSpec, memberIds: string[]) =>
    bot.post(bot.activity(USERS.alex, conversation, { type: 'conversationUpdate', membersAdded: memberIds.map((id) => ({ id })) }));

  it.each([
    ['a team channel', HUB_CHANNEL, /@mention me with a command/],
    ['a group chat', GROUP_CHAT, /@mention me with a command/],
    ['a personal chat', personalChat(USERS.megan), /Hello Alex Wilber/],
  ])('welcomes with a card when the bot is added to %s, and records the conversation', async (_where, conversation, text) => {
    const before = bot.stub.received.length;
    const res = await membersAdded(conversation, ['bot-id']);
    expect(res.status).toBe(200);
    const replies = bot.stub.received.slice(before);
    const card = onlyCard(replies);
    expect(replies[0].conversationId).toBe(conversation.id);
    expect(cardText(card)).toContain('Warwickshire Safeguarding');
    expect(cardText(card)).toMatch(text);
    const record = await bot.composed.services.conversations.byConversationId(TENANT, conversation.id);
    expect(record).toMatchObject({ kind: conversation.type, active: true });
    expect(record?.reference).toMatchObject({ conversation: { id: conversation.id }, serviceUrl: bot.stub.url });
  });

  it('does not welcome again when someone else joins', async () => {
    const before = bot.stub.received.length;
    const res = await membersAdded(HUB_CHANNEL, [USERS.isaiah.id]);
    expect(res.status).toBe(200);
    expect(bot.stub.received.slice(before)).toHaveLength(0);
  });

  it('marks the conversation inactive when the app is uninstalled, keeping the record, and logs it once', async () => {
    const remove = () => bot.post(bot.activity(USERS.alex, GROUP_CHAT, { type: 'installationUpdate', action: 'remove' }));
    expect((await remove()).status).toBe(200);
    const record = await bot.composed.services.store.read<ConversationRecord>(
      CONTAINERS.conversations.name,
      TENANT,
      (await bot.composed.services.conversations.byConversationId(TENANT, GROUP_CHAT.id))!.id,
    );
    expect(record).toMatchObject({ active: false, inactiveReason: 'the app was uninstalled' });
    expect((await remove()).status).toBe(200);
    expect((await logActions(bot)).filter((a) => a === 'conversation.inactive')).toHaveLength(1);
  });

  it('marks a channel inactive when the bot is removed from the team, but not when someone else leaves', async () => {
    const membersRemoved = (ids: string[]) => bot.post(bot.activity(USERS.alex, HUB_CHANNEL, { type: 'conversationUpdate', membersRemoved: ids.map((id) => ({ id })) }));
    expect((await membersRemoved([USERS.isaiah.id])).status).toBe(200);
    expect(await bot.composed.services.conversations.byConversationId(TENANT, HUB_CHANNEL.id)).toMatchObject({ active: true });
    expect((await membersRemoved(['bot-id'])).status).toBe(200);
    expect(await bot.composed.services.conversations.byConversationId(TENANT, HUB_CHANNEL.id)).toMatchObject({ active: false, inactiveReason: 'the app was removed' });
  });

  it('makes the conversation active again when the app is reinstalled', async () => {
    expect((await bot.post(bot.activity(USERS.alex, GROUP_CHAT, { type: 'installationUpdate', action: 'add' }))).status).toBe(200);
    expect(await bot.composed.services.conversations.byConversationId(TENANT, GROUP_CHAT.id)).toMatchObject({ active: true });
    expect(await logActions(bot)).toContain('conversation.reinstalled');
  });

  it('routes a channel message that @mentions the bot to the command after the mention', async () => {
    const before = bot.stub.received.length;
    const res = await bot.post(
      bot.activity(USERS.megan, BOARD_CHANNEL, {
        type: 'message',
        text: '<at>Safeguarding bot</at> whoami',
        entities: [{ type: 'mention', text: '<at>Safeguarding bot</at>', mentioned: { id: 'bot-id', name: 'Safeguarding bot' } }],
      }),
    );
    expect(res.status).toBe(200);
    const card = onlyCard(bot.stub.received.slice(before));
    expect(cardText(card)).toContain('Megan Bowen');
    expect(cardText(card)).toContain('NHS South Warwickshire CCG');
  });

  it('answers a click on a button whose verb no longer exists privately, changing nothing', async () => {
    const before = await logActions(bot);
    const sentBefore = bot.stub.received.length;
    const res = await bot.click(USERS.alex, 'feature.retired', { id: 'x' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/out of date, so nothing was changed/) });
    expect(bot.stub.received.length).toBe(sentBefore);
    expect(await logActions(bot)).toEqual(before);
  });

  it('still routes a known verb to its handler', async () => {
    const res = await bot.click(USERS.megan, 'roles.grant', { person: USERS.lynne.aadObjectId, role: 'member' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ value: expect.stringMatching(/^Only the Independent Chair or the Business Team can/) });
  });

  it('answers help in a channel with the @mention hint', async () => {
    const replies = await bot.say(USERS.megan, 'help', BOARD_CHANNEL);
    expect(cardText(onlyCard(replies))).toContain('@mention me, then type a command.');
  });

  it.each([
    ['whomai', 'whoami'],
    ['hlep', 'help'],
    ['membrs', 'members'],
  ])('suggests the nearest command for unknown text "%s"', async (typed, nearest) => {
    const replies = await bot.say(USERS.megan, typed);
    expect(replies).toHaveLength(1);
    expect(replies[0].activity.text).toContain(`I don't know "${typed}"`);
    expect(replies[0].activity.text).toContain(`Did you mean **${nearest}**?`);
  });

  it('points to help when nothing is close', async () => {
    const replies = await bot.say(USERS.megan, 'what is the weather in Leamington');
    expect(replies).toHaveLength(1);
    expect(replies[0].activity.text).not.toContain('Did you mean');
    expect(replies[0].activity.text).toContain('Type **help** to see every command.');
  });
});
