/**
 * The vote storm on the production store: the Cosmos DB wire server (@vercel/cosmosdb-server, a
 * process of its own), one or two bot instances started exactly as production starts them on the
 * same database, and 50 voters clicking at once (worker i's clicks go to instance i mod n). Each
 * row gets a fresh server, so the rows differ only in the number of instances.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { BenchConnector } from '../connector-stub';
import { REPO_ROOT, RunningBot, TurnStats, measureTurns, postJson, startChildBot } from '../lib';
import { SCRIPTS, commandFor } from './common';
import { setupVote, voteClick, votedBy } from './vote';

/** The Cosmos emulator's published key; the wire server accepts any key. */
const COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
export const STORM_VOTERS = 50;

interface CosmosProcess {
  endpoint: string;
  stop(): Promise<void>;
}

/** BENCH_COSMOS_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the wire server itself. */
async function startCosmosServer(): Promise<CosmosProcess> {
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_COSMOS_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), SCRIPTS.cosmos, '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_NO_WARNINGS: '1' },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the Cosmos wire server did not start within 15 s: ${stderr}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Cosmos wire server exited with ${code}: ${stderr}`));
    });
  });
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface StormResult {
  instances: number;
  stats: TurnStats;
}

/** One row: a fresh wire server, `instances` bots on one database, `rounds` clicks per voter measured (after each voter's first, unmeasured, cast). */
export async function measureVoteStorm(instances: number, rounds: number, connector: BenchConnector, env: Record<string, string>): Promise<StormResult> {
  const cosmos = await startCosmosServer();
  const bots: RunningBot[] = [];
  try {
    const cosmosEnv = {
      ...env,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY,
      COSMOS_DATABASE: 'bench',
      COSMOS_ALLOW_SELF_SIGNED: 'true',
      // Every instance seals with the same key, as in Azure (Key Vault).
      LOG_SEAL_KEY: randomBytes(32).toString('hex'),
    };
    for (let i = 0; i < instances; i++) bots.push(await startChildBot({ ...commandFor('bot'), env: cosmosEnv, timeoutMs: 30_000 }));
    process.stdout.write(`setting up the vote storm on the Cosmos wire server (${STORM_VOTERS} voters, ${instances} instance${instances > 1 ? 's' : ''})...\n`);
    const recId = await setupVote(bots[0].url, connector, STORM_VOTERS + 1);
    // The first replies are checked on every instance, by a voter the measured run does not use.
    for (const [i, bot] of bots.entries()) {
      const res = await postJson(`${bot.url}/api/messages`, voteClick(recId, connector.url, STORM_VOTERS, i));
      if (res.status >= 300 || !votedBy(STORM_VOTERS).test(res.body)) throw new Error(`vote storm: instance ${i + 1} answered ${res.status}: ${res.body.slice(0, 300)}`);
    }
    const total = STORM_VOTERS * rounds;
    process.stdout.write(`measuring the vote storm: ${total} clicks, ${STORM_VOTERS} at once, on ${instances} instance${instances > 1 ? 's' : ''}...\n`);
    const stats = await measureTurns({
      url: bots[0].url,
      urlFor: (turn) => bots[turn.worker % bots.length].url,
      makeActivity: (turn) => voteClick(recId, connector.url, turn.worker, turn.round),
      total,
      concurrency: STORM_VOTERS,
      warmupPerWorker: 1,
    });
    return { instances, stats };
  } finally {
    for (const bot of bots) await bot.stop();
    await cosmos.stop();
  }
}
