/**
 * `npm run bench`: chooses the scenarios (one file each in bench/scenarios/), runs them and prints
 * the tables and the targets (PASS/MISS); a full run also rewrites docs/PERFORMANCE.md.
 *
 * Options: --quick (short rows: a first look, not figures to publish) --only embedded,cosmos,reminders
 * --turns N (per row, 4000) --concurrency C (8) --rss-turns N (10000) --startups N (3)
 * --storm-rounds N (vote changes per voter in the Cosmos storm, 6) --no-write
 * --node-options "<flags>" (NODE_OPTIONS for every bot process, e.g. "--max-old-space-size=128").
 * Example: npm run bench -- --quick --only cosmos
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchConnector } from './connector-stub';
import { REPO_ROOT, TableRow, TargetResult, formatTable, formatTargets, rssMb } from './lib';
import { formatReminderBench, runReminderBench } from './reminders';
import { performanceDoc } from './report';
import { channelSetScenario } from './scenarios/channel-set';
import { BenchOptions, SCRIPTS, Scenario, measureScenario, withBot } from './scenarios/common';
import { STORM_VOTERS, StormResult, measureVoteStorm } from './scenarios/cosmos-vote-storm';
import { echoScenario } from './scenarios/echo';
import { helpScenario } from './scenarios/help';
import { MemoryResult, measureMemory } from './scenarios/memory';
import { measureStartup } from './scenarios/startup';
import { voteScenario } from './scenarios/vote';

/** Issue 6 compares vote clicks with the echo bot at 20 concurrent turns. */
const VOTE_CONCURRENCY = 20;
const ECHO = echoScenario();
const ECHO_20 = echoScenario(VOTE_CONCURRENCY);
const VOTE = voteScenario(VOTE_CONCURRENCY, ECHO_20.name);
export const SCENARIOS: Scenario[] = [ECHO, ECHO_20, helpScenario, channelSetScenario, VOTE];
const SECTIONS = ['embedded', 'cosmos', 'reminders'] as const;
type Section = (typeof SECTIONS)[number];

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a whole number (got "${args[i + 1]}")`);
  return value;
}

function sections(args: string[]): Section[] {
  const i = args.indexOf('--only');
  if (i < 0) return [...SECTIONS];
  const chosen = (args[i + 1] ?? '').split(',');
  const unknown = chosen.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length || !chosen.length) throw new Error(`--only takes ${SECTIONS.join(', ')} (comma-separated); got "${args[i + 1] ?? ''}"`);
  return chosen as Section[];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function runEmbedded(connector: BenchConnector, options: BenchOptions) {
  const rows: TableRow[] = [];
  const rssAfterRows: Partial<Record<'echo' | 'bot', number>> = {};
  for (const target of ['echo', 'bot'] as const) {
    await withBot(target, options.botEnv, async (bot) => {
      for (const scenario of SCENARIOS.filter((s) => s.target === target)) {
        const { stats, concurrency } = await measureScenario(bot, connector, scenario, options);
        rows.push({ scenario: scenario.name, stats, concurrency, ...(scenario.baseline ? { baseline: scenario.baseline } : {}) });
      }
      rssAfterRows[target] = rssMb(bot.pid);
    });
  }
  const startup = await measureStartup(options.startups, options.botEnv);
  const memory = await measureMemory('bot', connector, options.rssTurns, options.concurrency, options.botEnv);
  const echoMemory = await measureMemory('echo', connector, options.rssTurns, options.concurrency, options.botEnv);
  return { rows, rssAfterRows, startup, memory, echoMemory };
}

function embeddedTargets(result: Awaited<ReturnType<typeof runEmbedded>>, rssTurns: number): TargetResult[] {
  const { rows, startup, memory, echoMemory } = result;
  const tps = (s: Scenario) => rows.find((r) => r.scenario === s.name)!.stats.turnsPerSec;
  const echo = tps(ECHO);
  const store = tps(channelSetScenario);
  const echo20 = tps(ECHO_20);
  const vote = rows.find((r) => r.scenario === VOTE.name)!.stats;
  const turns = rssTurns.toLocaleString('en-GB');
  const mem = (m: MemoryResult) => `${m.after.toFixed(1)} MB (${m.atStart.toFixed(1)} at start; ${m.errors} errors)`;
  return [
    { target: 'store-writing turn ≥ 0.5 × echo throughput (embedded store)', measured: `${(store / echo).toFixed(2)} × (${store.toFixed(0)} vs ${echo.toFixed(0)} turns/s)`, pass: store >= 0.5 * echo },
    { target: `vote clicks ≥ 0.5 × echo throughput, both at ${VOTE_CONCURRENCY} at once (embedded store)`, measured: `${(vote.turnsPerSec / echo20).toFixed(2)} × (${vote.turnsPerSec.toFixed(0)} vs ${echo20.toFixed(0)} turns/s)`, pass: vote.turnsPerSec >= 0.5 * echo20 && vote.errors === 0 },
    { target: `vote click p99 < 200 ms at ${VOTE_CONCURRENCY} at once (embedded store)`, measured: `${vote.p99.toFixed(1)} ms (p50 ${vote.p50.toFixed(1)} ms, max ${vote.max.toFixed(0)} ms)`, pass: vote.p99 < 200 },
    { target: 'start-up to listening < 2 s (median)', measured: `${ms(startup.median)} (runs: ${startup.runs.map((s) => s.toFixed(0)).join(', ')} ms)`, pass: startup.median < 2000 },
    {
      target: `resident memory after ${turns} turns ≤ 1.2 × the echo bot's after as many`,
      measured: `${(memory.after / echoMemory.after).toFixed(2)} × (this bot ${mem(memory)}; echo bot ${mem(echoMemory)})`,
      pass: memory.after <= 1.2 * echoMemory.after && memory.errors === 0 && echoMemory.errors === 0,
    },
  ];
}

function stormTable(rows: StormResult[]): string {
  const one = rows.find((r) => r.instances === 1)?.stats;
  return [
    '| vote storm (Cosmos wire server) | clicks | at once | clicks/s | p50 ms | p99 ms | max ms | errors | × one instance |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ instances, stats: s }) =>
        `| ${instances} instance${instances > 1 ? 's' : ''} | ${s.turns} | ${STORM_VOTERS} | ${s.turnsPerSec.toFixed(1)} | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ${s.max.toFixed(0)} | ${s.errors} | ${one ? (s.turnsPerSec / one.turnsPerSec).toFixed(2) : '—'} |`,
    ),
  ].join('\n');
}

function stormTargets(rows: StormResult[]): TargetResult[] {
  const one = rows.find((r) => r.instances === 1)!.stats;
  const two = rows.find((r) => r.instances === 2)!.stats;
  const slowest = Math.max(one.max, two.max);
  return [
    { target: `vote storm (Cosmos): two instances ≥ 1.5 × one's click throughput, ${STORM_VOTERS} at once`, measured: `${(two.turnsPerSec / one.turnsPerSec).toFixed(2)} × (${two.turnsPerSec.toFixed(1)} vs ${one.turnsPerSec.toFixed(1)} clicks/s)`, pass: two.turnsPerSec >= 1.5 * one.turnsPerSec && one.errors + two.errors === 0 },
    { target: 'vote storm (Cosmos): no click answer over 5 s (one or two instances)', measured: `slowest ${ms(slowest)} (one: ${ms(one.max)}, two: ${ms(two.max)})`, pass: slowest <= 5000 },
    { target: 'vote storm (Cosmos): p99 with two instances no worse than with one', measured: `two/one p99 ${(two.p99 / one.p99).toFixed(2)} (${ms(two.p99)} vs ${ms(one.p99)})`, pass: two.p99 <= one.p99 },
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const options: BenchOptions = {
    turns: option(args, 'turns', quick ? 600 : 4000),
    concurrency: option(args, 'concurrency', 8),
    rssTurns: option(args, 'rss-turns', quick ? 2000 : 10_000),
    startups: option(args, 'startups', quick ? 1 : 3),
    stormRounds: option(args, 'storm-rounds', quick ? 3 : 6),
    botEnv: {},
  };
  const nodeOptionsAt = args.indexOf('--node-options');
  if (nodeOptionsAt >= 0) options.botEnv = { NODE_OPTIONS: args[nodeOptionsAt + 1] ?? '' };
  const chosen = sections(args);
  for (const script of Object.values(SCRIPTS)) if (!fs.existsSync(script)) throw new Error(`${script} is missing: run npm run build first (npm run bench does)`);

  const connector = new BenchConnector();
  await connector.start();
  const loadBefore = os.loadavg()[0];
  try {
    const out: string[] = [];
    const targets: TargetResult[] = [];
    let table = '';
    let storm = '';
    let reminders = '';
    let rssLine = '';
    if (chosen.includes('embedded')) {
      const embedded = await runEmbedded(connector, options);
      table = formatTable(embedded.rows, ECHO.name);
      targets.push(...embeddedTargets(embedded, options.rssTurns));
      rssLine = `- Resident memory after the rows above: echo bot ${embedded.rssAfterRows.echo?.toFixed(1) ?? '—'} MB, this bot ${embedded.rssAfterRows.bot?.toFixed(1) ?? '—'} MB.`;
      out.push(table);
    }
    if (chosen.includes('cosmos')) {
      const rows = [await measureVoteStorm(1, options.stormRounds, connector, options.botEnv), await measureVoteStorm(2, options.stormRounds, connector, options.botEnv)];
      storm = stormTable(rows);
      targets.push(...stormTargets(rows));
      out.push(storm);
    }
    if (targets.length) out.push(formatTargets(targets));
    if (chosen.includes('reminders')) {
      process.stdout.write('measuring the reminders engine (ticks over 1,000 and 100,000 timers; fan-out to 200 channels)...\n');
      reminders = formatReminderBench(await runReminderBench());
      out.push(reminders);
    }
    const loadAfter = os.loadavg()[0];
    const context = [
      ...(rssLine ? [rssLine] : []),
      `- Machine load (1-minute load average) at the start and end of the run: ${loadBefore.toFixed(1)} and ${loadAfter.toFixed(1)} on ${os.cpus().length} cores${
        Math.max(loadBefore, loadAfter) > os.cpus().length ? ': the machine was busy with other work, so absolute figures are low and noisy; the ratios between rows, measured back to back, are the meaningful part' : ''
      }.`,
      ...(quick ? ['- A quick run (--quick): short rows, a first look rather than figures to publish.'] : []),
    ].join('\n');
    out.push(context);
    process.stdout.write(`\n${out.join('\n\n')}\n`);

    if (!args.includes('--no-write') && chosen.length === SECTIONS.length) {
      const command = ['npm run bench', ...(args.length ? ['--', ...args.map((a) => (/\s/.test(a) ? `"${a}"` : a))] : [])].join(' ');
      const doc = performanceDoc({
        command,
        table,
        stormTable: storm,
        targets: formatTargets(targets),
        reminders,
        context,
        rssTurns: options.rssTurns,
        concurrency: options.concurrency,
        voteConcurrency: VOTE_CONCURRENCY,
        voteTurns: VOTE.turns ?? options.turns,
        stormRounds: options.stormRounds,
        ...(options.botEnv.NODE_OPTIONS ? { nodeOptions: options.botEnv.NODE_OPTIONS } : {}),
      });
      fs.mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
      fs.writeFileSync(path.join(REPO_ROOT, 'docs/PERFORMANCE.md'), doc);
      process.stdout.write('\nwrote docs/PERFORMANCE.md\n');
    }
  } finally {
    await connector.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}
