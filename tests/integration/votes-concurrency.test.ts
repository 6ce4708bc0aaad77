import type { Person } from '../../services/directory/directory';
import { CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Store } from '../../services/store/port';
import { VOTE_OPTIONS } from '../../services/recommendations/decision-rule';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BOARD_CHANNEL, BotHarness, TENANT, TestUser, USERS } from '../support/bot-harness';
import { makeCosmosStore, startCosmosServer } from '../support/cosmos-server';

const VOTERS = 50;

const partners: TestUser[] = Array.from({ length: VOTERS }, (_, i) => ({
  id: `user-p${i}`,
  aadObjectId: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
  name: `Partner ${String(i).padStart(2, '0')}`,
}));

/** Grants the 50 partners (and the chair) in the store before the bot starts, so the seed file is skipped. */
async function seedPartners(store: Store): Promise<void> {
  await store.init();
  const at = '2026-03-01T00:00:00Z';
  const people: Person[] = [
    { id: USERS.alex.aadObjectId, tenantId: TENANT, aadObjectId: USERS.alex.aadObjectId, name: USERS.alex.name, roles: ['chair', 'business'], updatedAt: at },
    ...partners.map((p, i) => ({ id: p.aadObjectId, tenantId: TENANT, aadObjectId: p.aadObjectId, name: p.name, roles: ['partner' as const], organisation: `Organisation ${i}`, updatedAt: at })),
  ];
  for (const p of people) await store.upsert(CONTAINERS.people.name, p);
}

async function fiftySimultaneousVoters(bot: BotHarness): Promise<void> {
  const { services } = bot.composed;
  await bot.say(USERS.alex, 'channel set executive-board', BOARD_CHANNEL);
  const alex = await services.directory.actorFor(TENANT, USERS.alex.aadObjectId, USERS.alex.name);
  const { rec } = await services.recommendations.recommend(alex, {
    title: 'Fifty partners at once',
    detail: 'A load test of the vote.',
    source: { kind: 'subgroup', id: 'subgroup:test', name: 'Test subgroup' },
  });
  expect(rec.eligible).toHaveLength(VOTERS);
  const boardCard = bot.stub.received.find((r) => r.method === 'POST' && r.conversationId === BOARD_CHANNEL.id && JSON.stringify(r.activity).includes(rec.ref));
  expect(boardCard).toBeDefined();

  // Every partner clicks at the same moment; the first ten click twice (a double click).
  const choice = (i: number) => VOTE_OPTIONS[i % 3];
  const clicks = [...partners.map((p, i) => ({ p, i })), ...partners.slice(0, 10).map((p, i) => ({ p, i }))];
  const results = await Promise.all(clicks.map(({ p, i }) => bot.click(p, 'rec.vote', { rec: rec.id, option: choice(i) }, BOARD_CHANNEL, boardCard!.activityId)));

  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  expect(results.every((r) => r.status === 200)).toBe(true);
  // A double click that lands after the last vote closed the vote is told so; nothing else is refused.
  const refusals = results.filter((r) => (r.body as { type?: string }).type !== 'application/vnd.microsoft.card.adaptive');
  expect(refusals.length).toBeLessThanOrEqual(10);
  // Not a card: the vote had closed, or a retried write found this very vote already counted.
  for (const r of refusals) expect(String((r.body as { value?: unknown }).value)).toMatch(/has closed|was counted at/);

  const expected = { approve: 0, reject: 0, abstain: 0 };
  partners.forEach((_, i) => (expected[choice(i)] += 1));
  const stored = (await services.recommendations.get(TENANT, rec.id))!;
  expect(stored.status).not.toBe('open'); // every eligible partner voted: closed once
  expect(stored.closed?.tally).toEqual(expected);
  expect((await services.recommendations.view(stored)).tally).toEqual(expected);
  const votes = await services.store.query(CONTAINERS.votes.name, { partitionKey: TENANT, where: [{ field: 'recommendationId', op: '=', value: rec.id }] });
  expect(votes).toHaveLength(VOTERS);

  const log = await services.log.recent(TENANT, 1000, { entityId: rec.id });
  const cast = log.filter((e) => e.action === 'vote.cast');
  expect(cast).toHaveLength(VOTERS);
  expect(new Set(cast.map((e) => e.actor.aadObjectId)).size).toBe(VOTERS);
  expect(log.filter((e) => e.action === 'vote.changed')).toHaveLength(0);
  expect(log.filter((e) => e.action === 'recommendation.decided')).toHaveLength(1);
  expect((await services.log.verify(TENANT)).ok).toBe(true);
}

describe('50 partners voting at the same moment through the HTTP endpoint', () => {
  jest.setTimeout(120_000);

  it('on the embedded store: exact tally, each vote logged once, no 5xx', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-votes-conc-'));
    const store = new EmbeddedStore({ dataDir: dir });
    await seedPartners(store);
    const bot = await new BotHarness(undefined, {}, store).start();
    try {
      await fiftySimultaneousVoters(bot);
    } finally {
      await bot.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on Cosmos (the local protocol server): exact tally, each vote logged once, no 5xx', async () => {
    const server = await startCosmosServer();
    const store = makeCosmosStore(server.endpoint);
    await seedPartners(store);
    const bot = await new BotHarness(undefined, {}, store).start();
    try {
      await fiftySimultaneousVoters(bot);
    } finally {
      await bot.stop();
      await server.stop();
    }
  });
});
