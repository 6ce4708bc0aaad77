/**
 * `npm run bench` row: vote clicks through the real HTTP endpoint (restify, CloudAdapter, Teams
 * AI, embedded store), at a fixed concurrency. Each click changes the voter's choice, so every
 * turn reads the recommendation, writes a vote, appends to the log, recomputes the tally from
 * the vote documents, updates the other copy of the card and returns the new card.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compose } from '../bot/compose';
import { PLAYGROUND_TENANT_ID, parseConfig } from '../services/config';
import type { Person } from '../services/directory/directory';
import { silentLogger } from '../services/logger';
import { CONTAINERS } from '../services/store/containers';
import { EmbeddedStore } from '../services/store/embedded-store';

export interface VoteBenchResult {
  name: string;
  concurrency: number;
  turns: number;
  errors: number;
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface VoteBenchOptions {
  concurrency?: number;
  /** Measured clicks (after a warm-up of one click per voter). */
  turns?: number;
}

const TENANT = PLAYGROUND_TENANT_ID;
const CHAIR = { id: 'user-chair', aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
const BOARD = { id: '19:bench-board@thread.tacv2', name: 'Executive Board' };

/** A connector that accepts every send and update, as fast as it can. */
async function startConnectorSink(): Promise<{ url: string; close: () => Promise<void> }> {
  let counter = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `sink-${++counter}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Vote turns per second and p50/p99 latency at `concurrency` simultaneous clicks (default 20). */
export async function runVoteBench(options: VoteBenchOptions = {}): Promise<VoteBenchResult> {
  const concurrency = options.concurrency ?? 20;
  const turns = options.turns ?? 1000;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-bench-votes-'));
  const sink = await startConnectorSink();
  const store = new EmbeddedStore({ dataDir });
  await store.init();
  // One voter per worker plus one who never votes, so the vote stays open for the whole run.
  const voters = Array.from({ length: concurrency + 1 }, (_, i) => ({ id: `user-v${i}`, aadObjectId: `20000000-0000-0000-0000-${String(i).padStart(12, '0')}`, name: `Voter ${i}` }));
  const at = '2026-01-01T00:00:00Z';
  const people: Person[] = [
    { id: CHAIR.aadObjectId, tenantId: TENANT, aadObjectId: CHAIR.aadObjectId, name: CHAIR.name, roles: ['chair', 'business'], updatedAt: at },
    ...voters.map((v, i) => ({ id: v.aadObjectId, tenantId: TENANT, aadObjectId: v.aadObjectId, name: v.name, roles: ['partner' as const], organisation: `Organisation ${i}`, updatedAt: at })),
  ];
  for (const p of people) await store.upsert(CONTAINERS.people.name, p);

  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error', SCHEDULER_ENABLED: 'false' });
  const composed = await compose(config, { logger: silentLogger, store });
  const port = await composed.start();
  const endpoint = `http://127.0.0.1:${port}/api/messages`;

  const activity = (user: { id: string; aadObjectId: string; name: string }, fields: Record<string, unknown>) => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: sink.url,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: 'bot-id', name: 'Safeguarding bot' },
    conversation: { id: BOARD.id, conversationType: 'channel', tenantId: TENANT, name: BOARD.name },
    channelData: { tenant: { id: TENANT }, team: { id: 'bench-team', name: 'Bench team' }, channel: { id: BOARD.id, name: BOARD.name } },
    ...fields,
  });
  const post = async (body: unknown): Promise<number> => {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return res.status;
  };

  try {
    await post(activity(CHAIR, { type: 'message', text: 'channel set executive-board' }));
    const chair = await composed.services.directory.actorFor(TENANT, CHAIR.aadObjectId, CHAIR.name);
    const { rec } = await composed.services.recommendations!.recommend(chair, {
      title: 'Benchmark recommendation',
      detail: 'Measured vote clicks.',
      source: { kind: 'subgroup', id: 'subgroup:bench', name: 'Bench subgroup' },
    });
    const [boardCard] = await composed.services.cardPosts.list(TENANT, `recommendation:${rec.id}`);
    const click = (voter: (typeof voters)[number], option: string) =>
      post(activity(voter, { type: 'invoke', name: 'adaptiveCard/action', replyToId: boardCard?.activityId, value: { action: { type: 'Action.Execute', verb: 'rec.vote', data: { rec: rec.id, option } } } }));

    // Warm-up: every worker's voter casts a first vote.
    await Promise.all(voters.slice(0, concurrency).map((v) => click(v, 'approve')));

    const latencies: number[] = [];
    let errors = 0;
    let issued = 0;
    const started = performance.now();
    await Promise.all(
      voters.slice(0, concurrency).map(async (voter) => {
        let flip = false;
        while (issued < turns) {
          issued += 1;
          flip = !flip;
          const t0 = performance.now();
          const status = await click(voter, flip ? 'reject' : 'approve');
          latencies.push(performance.now() - t0);
          if (status !== 200) errors += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      name: 'vote click (embedded store)',
      concurrency,
      turns: latencies.length,
      errors,
      turnsPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    };
  } finally {
    await composed.stop(2000);
    await sink.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runVoteBench()
    .then((result) => console.log(JSON.stringify(result)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
