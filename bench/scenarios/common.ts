/**
 * What every scenario of `npm run bench` shares: how the bots are started (exactly as production
 * starts them), what a row is, and the setup turns several rows need (bench voters, the board).
 */
import * as path from 'node:path';
import type { BenchConnector } from '../connector-stub';
import { BenchUser, REPO_ROOT, RunningBot, TurnIndex, TurnStats, channel, measureTurns, postJson, productionNodeArgs, startChildBot } from '../lib';

export const SCRIPTS = {
  echo: path.join(REPO_ROOT, 'dist/bench/echo-bot.js'),
  bot: path.join(REPO_ROOT, 'dist/bot/main.js'),
  cosmos: path.join(REPO_ROOT, 'dist/bench/cosmos-server.js'),
};
export type BotTarget = 'echo' | 'bot';

/**
 * How each bot is started: this bot exactly as `npm run start:prod` (and App Service) starts it;
 * the echo bot with the same node flags, so the rows differ only in the bot's own work.
 */
export function commandFor(target: BotTarget): { script: string; nodeArgs: string[] } {
  const production = productionNodeArgs();
  const script = path.resolve(REPO_ROOT, production[production.length - 1]);
  if (script !== SCRIPTS.bot) throw new Error(`npm run start:prod runs ${script}, not ${SCRIPTS.bot}`);
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", which NODE_OPTIONS refuses) profiles the bots.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return { script: SCRIPTS[target], nodeArgs: [...production.slice(0, -1), ...extra] };
}

/** Options shared by every row of one run. */
export interface BenchOptions {
  turns: number;
  concurrency: number;
  rssTurns: number;
  startups: number;
  /** Rounds per voter in the Cosmos vote storm. */
  stormRounds: number;
  /** NODE_OPTIONS etc. for every bot process, identical for every row so they stay comparable. */
  botEnv: Record<string, string>;
}

export async function withBot<T>(target: BotTarget, env: Record<string, string>, run: (bot: RunningBot) => Promise<T>): Promise<T> {
  const bot = await startChildBot({ ...commandFor(target), env });
  try {
    return await run(bot);
  } finally {
    await bot.stop();
  }
}

/** One row of the embedded-store table: what to send, to which bot, and what the first replies must say. */
export interface Scenario {
  name: string;
  target: BotTarget;
  /** Workers sending at once (default: --concurrency). */
  concurrency?: number;
  /** Measured turns (default: --turns) and unmeasured warm-up turns per worker (default 20), for slow rows. */
  turns?: number;
  warmupPerWorker?: number;
  /** The row whose throughput the "× echo" column divides by (default: the echo row at the default concurrency). */
  baseline?: string;
  /**
   * Runs against the fresh bot before the row is checked and measured (not timed), for state the
   * turns need; `workers` is the row's concurrency, and the check uses worker id `workers`.
   */
  setup?(bot: RunningBot, connector: BenchConnector, workers: number): Promise<void>;
  makeActivity(turn: TurnIndex, serviceUrl: string): Record<string, unknown>;
  /** Checked before measuring, on a worker of its own: the reply to its round i must match expectReplies[i]. */
  expectReplies: RegExp[];
  /** Where the reply is: what the bot posted to the connector (messages, default) or its HTTP answer (card clicks). */
  replyIn?: 'connector' | 'answer';
}

/** Checks a scenario's first replies on a worker the measured run does not use. */
export async function verify(bot: RunningBot, connector: BenchConnector, scenario: Scenario, worker: number): Promise<void> {
  for (let round = 0; round < scenario.expectReplies.length; round++) {
    const res = await postJson(`${bot.url}/api/messages`, scenario.makeActivity({ index: -1, worker, round }, connector.url));
    if (res.status >= 300) throw new Error(`${scenario.name}: the bot answered ${res.status}: ${res.body}`);
    const reply = scenario.replyIn === 'answer' ? res.body : connector.last;
    if (!scenario.expectReplies[round].test(reply))
      throw new Error(`${scenario.name}: reply ${round + 1} does not match ${scenario.expectReplies[round]}: ${reply.slice(0, 300)}`);
  }
}

/** Sets a scenario up on a running bot, checks it, and measures it. */
export async function measureScenario(bot: RunningBot, connector: BenchConnector, scenario: Scenario, options: BenchOptions): Promise<{ stats: TurnStats; concurrency: number }> {
  const workers = scenario.concurrency ?? options.concurrency;
  if (scenario.setup) await scenario.setup(bot, connector, workers);
  await verify(bot, connector, scenario, workers);
  const total = Math.min(options.turns, scenario.turns ?? options.turns);
  process.stdout.write(`measuring ${scenario.name}: ${total} turns at concurrency ${workers}...\n`);
  const stats = await measureTurns({
    url: bot.url,
    makeActivity: (turn) => scenario.makeActivity(turn, connector.url),
    total,
    concurrency: workers,
    warmupPerWorker: scenario.warmupPerWorker ?? 20,
  });
  return { stats, concurrency: workers };
}

/** Sends one activity during a setup and checks what came back (connector or HTTP answer); returns that text. */
export async function setupTurn(url: string, connector: BenchConnector, activity: Record<string, unknown>, expect: RegExp, replyIn: 'connector' | 'answer' = 'connector'): Promise<string> {
  const res = await postJson(`${url}/api/messages`, activity);
  const reply = replyIn === 'answer' ? res.body : connector.last;
  if (res.status >= 300 || !expect.test(reply)) throw new Error(`bench setup: "${typeof activity.text === 'string' ? activity.text : 'card click'}" answered ${res.status}, reply not matching ${expect}: ${reply.replace(/^.*?"text":/s, "").slice(0, 400)}`);
  return reply;
}

/** Bench voter i: a Teams user unknown to the seed directory (registers by messaging the bot). */
export const benchVoter = (i: number): BenchUser => {
  const n = String(i + 1).padStart(3, '0');
  return { id: `user-bench-voter-${n}`, aadObjectId: `20000000-0000-0000-0000-000000000${n}`, name: `Bench Voter ${n}` };
};

export const BOARD = channel('bench-executive-board');
