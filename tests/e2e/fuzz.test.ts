import fc from 'fast-check';
import type { Person } from '../../services/directory/directory';
import { CONTAINERS } from '../../services/store/containers';
import { BOARD_CHANNEL, BotHarness, TENANT, USERS, cardText, personalChat } from '../support/bot-harness';
import { ConnectorStub } from '../support/connector-stub';

/**
 * A bounded property-based fuzz of the real HTTP endpoint (issue 12): generated activities and
 * card clicks, well-formed and not, from every role and from other tenants. Whatever arrives, the
 * bot answers below 500 and keeps running; what it refuses changes nothing it stores; the log's
 * hash chain is intact afterwards.
 */
const RUNS = 1000;

const people = Object.values(USERS);
const verbs = ['rec.vote', 'rec.view', 'rec.close', 'rec.extend', 'rec.submit', 'action.assign', 'action.done', 'action.due', 'roles.grant', 'roles.revoke', 'command.run', 'dispute.raise', 'dispute.schedule', 'dispute.close', 'reviews.start', 'reviews.signOff', 'reviews.cancel', 'no.such.verb'];
const commands = ['help', 'whoami', 'members', 'log', 'log verify', 'recommendations', 'disputes', 'reviews', 'grant lay Megan Bowen', 'revoke partner Isaiah Langer', 'channel set business-team', 'reminders pause', 'recommend', 'dispute raise'];

/** Values of every JSON type, a little nested; the kind of thing a fuzzer puts in a field. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.json({ depthSize: 'small' }).map((j) => JSON.parse(j) as unknown),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.constantFrom('__proto__', 'constructor', '{"$ne":1}', '<script>', '../../etc/passwd', 'x'.repeat(5000)),
);
const tenant = fc.constantFrom(TENANT, TENANT, TENANT, '72f988bf-86f1-41af-91ab-2d7cd011db47');
const conversation = fc.constantFrom(BOARD_CHANNEL, personalChat(USERS.megan), { id: '19:group@thread.v2', type: 'groupChat' as const });

const cardData = fc.dictionary(fc.constantFrom('rec', 'option', 'v', 'reason', 'deadline', 'person', 'role', 'command', 'disputeId', 'version', 'reviewId', 'stage', 'form', 'title', 'extra'), fc.oneof(junk, fc.constantFrom('approve', 'reject', 'rec-1', 'lay', 'help', USERS.megan.aadObjectId)), { maxKeys: 6 });

type Generated = { user: number; conversation: (typeof BOARD_CHANNEL); tenantId: string; fields: Record<string, unknown>; mutate: [string, unknown][] };

const activity: fc.Arbitrary<Generated> = fc.record({
  user: fc.nat({ max: people.length - 1 }),
  conversation,
  tenantId: tenant,
  fields: fc.oneof(
    fc.record({ type: fc.constant('message'), text: fc.oneof(fc.constantFrom(...commands), fc.string({ maxLength: 200 }), junk) }),
    fc.record({
      type: fc.constant('invoke'),
      name: fc.constantFrom('adaptiveCard/action', 'adaptiveCard/action', 'composeExtension/query', 'task/fetch', 'signin/verifyState'),
      value: fc.oneof(
        fc.record({ action: fc.record({ type: fc.constantFrom('Action.Execute', 'Action.Execute', 'Action.Submit'), verb: fc.oneof(fc.constantFrom(...verbs), junk), data: fc.oneof(cardData, junk) }) }),
        junk,
      ),
      replyToId: fc.oneof(fc.constant(undefined), fc.constant('card-1')),
    }),
    fc.record({ type: fc.constantFrom('conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'unknownType'), membersAdded: fc.oneof(fc.constant(undefined), fc.array(fc.record({ id: fc.string({ maxLength: 10 }), aadObjectId: junk, name: junk }), { maxLength: 3 })), action: fc.oneof(fc.constant(undefined), junk) }),
  ),
  // Overwrite a few fields (or parts of them) with junk: wrong types, other tenants, deep nesting.
  mutate: fc.array(
    fc.tuple(fc.constantFrom('from.aadObjectId', 'from.name', 'from', 'recipient.name', 'conversation.tenantId', 'conversation', 'channelData.tenant.id', 'channelData', 'locale', 'serviceUrl', 'type', 'text', 'entities', 'value', 'id', 'replyToId'), junk),
    { maxLength: 2 },
  ),
});

function build(bot: BotHarness, g: Generated): Record<string, unknown> {
  const a = bot.activity(people[g.user], g.conversation, { ...g.fields });
  (a.conversation as Record<string, unknown>).tenantId = g.tenantId;
  (a.channelData as Record<string, unknown>).tenant = { id: g.tenantId };
  for (const [path, value] of g.mutate) {
    const keys = path.split('.');
    let target = a;
    for (const k of keys.slice(0, -1)) {
      if (!target[k] || typeof target[k] !== 'object') target[k] = {};
      target = target[k] as Record<string, unknown>;
    }
    target[keys[keys.length - 1]] = value;
  }
  return a;
}

describe('fuzzing POST /api/messages', () => {
  const bot = new BotHarness();
  let recId = '';
  beforeAll(async () => {
    await bot.start();
    await bot.say(USERS.alex, 'channel set executive-board', BOARD_CHANNEL);
    const [form] = await bot.say(USERS.patti, 'recommend');
    const formKey = /"form":"([^"]+)"/.exec(cardText(ConnectorStub.card(form)))![1];
    await bot.click(USERS.patti, 'rec.submit', { form: formKey, title: 'Transitions', detail: 'One protocol.', sourceKind: 'subgroup', sourceName: 'Exploitation subgroup', deadline: '' }, personalChat(USERS.patti), form.activityId);
    recId = (await bot.composed.services.recommendations.list(TENANT))[0].id;
  }, 60_000);
  afterAll(() => bot.stop());

  const stored = async () => ({
    people: (await bot.composed.services.store.query<Person>(CONTAINERS.people.name, { partitionKey: TENANT })).map((p) => `${p.id}:${p._etag}`).sort(),
    log: (await bot.composed.services.log.recent(TENANT, 100_000)).length,
  });

  it(
    `${RUNS} generated activities and clicks: never a 5xx, refusals change nothing, the log chain holds`,
    async () => {
      expect(recId).toBe('rec-1');
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(activity, async (g) => {
          const before = await stored();
          const res = await fetch(`${bot.baseUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(build(bot, g)) });
          const text = await res.text();
          await bot.composed.services.publisher.idle();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status).toBeLessThan(500);
          expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
          if (res.status >= 400) {
            expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
            expect(await stored()).toEqual(before);
          }
        }),
        { numRuns: RUNS, seed: 12, endOnFailure: true },
      );
      // Both paths were exercised: refused at the door, and served.
      expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 10);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 10);
      expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
      expect(await bot.composed.services.log.verify(TENANT)).toMatchObject({ ok: true });
      // No noise in the directory: only the seeded people (and none with a bad id).
      const ids = (await bot.composed.services.store.query<Person>(CONTAINERS.people.name, { partitionKey: TENANT })).map((p) => p.id).sort();
      expect(ids).toEqual(people.map((p) => p.aadObjectId).sort());
    },
    120_000,
  );

  it(
    'raw bodies with any content type and encoding: never a 5xx or a lost process, nothing stored',
    async () => {
      const before = await stored();
      const raw = fc.record({
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
        encoding: fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'compress', 'gzip, gzip', 'x-gzip'),
        body: fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.constantFrom('{"type":"message","text":', '[', '{}', 'null', '"help"', '{"__proto__":{"admin":true}}', '['.repeat(5000)),
        ),
      });
      await fc.assert(
        fc.asyncProperty(raw, async ({ contentType, encoding, body }) => {
          const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
          if (encoding) headers['Content-Encoding'] = encoding;
          const res = await fetch(`${bot.baseUrl}/api/messages`, { method: 'POST', headers, body });
          const text = await res.text();
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
        }),
        { numRuns: 300, seed: 12, endOnFailure: true },
      );
      expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
      expect(await stored()).toEqual(before);
      expect(await bot.composed.services.log.verify(TENANT)).toMatchObject({ ok: true });
    },
    120_000,
  );
});
