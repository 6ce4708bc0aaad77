/**
 * Reusable pieces of `npm run bench`: start a bot (as a child process, or in this process),
 * drive it with Teams-shaped activities at a fixed concurrency, and report turns per second and
 * latency percentiles. New rows are new files in bench/scenarios/ built from these helpers,
 * chosen by bench/run.ts.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { compose, Composed } from '../bot/compose';
import { parseConfig, PLAYGROUND_TENANT_ID } from '../services/config';
import { silentLogger } from '../services/logger';

/** The repository root (works from bench/ under ts-jest and from dist/bench/ after a build). */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export const TENANT = PLAYGROUND_TENANT_ID;

/** Playground demo users (roles from config/directory.playground.json). */
export const BENCH_USERS = {
  /** chair, business, partner: may do everything. */
  alex: { id: 'user-alex', aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' },
  /** partner. */
  megan: { id: 'user-megan', aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' },
  /** business. */
  patti: { id: 'user-patti', aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez' },
} as const;
export type BenchUser = { id: string; aadObjectId: string; name: string };

export interface BenchConversation {
  id: string;
  type: 'personal' | 'channel' | 'groupChat';
  name?: string;
}

/** A personal chat with `user`. */
export const personal = (user: BenchUser): BenchConversation => ({ id: `personal-${user.id}`, type: 'personal' });
/** A team channel; give each concurrent worker its own to avoid measuring contention you did not mean to. */
export const channel = (name: string): BenchConversation => ({ id: `19:${name}@thread.tacv2`, type: 'channel', name });

/** A Teams activity as the connector would deliver it (message by default; pass `type: 'invoke'` and `value` for card clicks). */
export function teamsActivity(options: {
  serviceUrl: string;
  user: BenchUser;
  conversation: BenchConversation;
  text?: string;
  type?: 'message' | 'invoke';
  name?: string;
  value?: unknown;
  replyToId?: string;
}): Record<string, unknown> {
  const { serviceUrl, user, conversation } = options;
  return {
    id: randomUUID(),
    type: options.type ?? 'message',
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: 'bot-id', name: 'Safeguarding bot' },
    conversation: { id: conversation.id, conversationType: conversation.type, tenantId: TENANT, ...(conversation.name ? { name: conversation.name } : {}) },
    channelData: {
      tenant: { id: TENANT },
      ...(conversation.type === 'channel' ? { team: { id: 'bench-team', name: 'Bench team' }, channel: { id: conversation.id, name: conversation.name } } : {}),
    },
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(options.value !== undefined ? { value: options.value } : {}),
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
  };
}

/** An Action.Execute card click. */
export function cardClick(options: { serviceUrl: string; user: BenchUser; conversation: BenchConversation; verb: string; data?: Record<string, unknown> }) {
  return teamsActivity({
    ...options,
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'bench-card',
    value: { action: { type: 'Action.Execute', verb: options.verb, data: options.data ?? {} } },
  });
}

export interface TurnStats {
  turns: number;
  /** Turns answered with a status outside 2xx, or that failed at the socket. */
  errors: number;
  seconds: number;
  turnsPerSec: number;
  /** Milliseconds from sending the activity to the bot's HTTP answer (the turn, replies included). */
  p50: number;
  p99: number;
  /** The slowest turn. */
  max: number;
}

/** Which turn a worker is on, for scenarios that give each worker its own conversation or alternate commands. */
export interface TurnIndex {
  /** 0..total-1 over the whole run. */
  index: number;
  /** 0..concurrency-1. */
  worker: number;
  /** This worker's 0-based turn count. */
  round: number;
}

export interface MeasureOptions {
  /** The bot's base URL (http://127.0.0.1:port); activities go to /api/messages. */
  url: string;
  /** Several instances behind one load: which base URL a turn goes to (default: `url` for every turn). */
  urlFor?: (turn: TurnIndex) => string;
  makeActivity: (turn: TurnIndex) => Record<string, unknown>;
  total: number;
  concurrency: number;
  /** Unmeasured turns first (per worker), to warm caches and create per-worker state. */
  warmupPerWorker?: number;
}

/** Posts a JSON body and resolves to the status once the answer was read; rejects after `timeoutMs` without one. */
export function postJson(url: string, body: unknown, agent?: http.Agent, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * A closed loop: `concurrency` workers, each sending its next activity as soon as the previous
 * one was answered, until `total` turns are done. Latency is per turn; throughput is total over
 * wall time (warm-up excluded).
 */
export async function measureTurns(options: MeasureOptions): Promise<TurnStats> {
  const { url, makeActivity, total, concurrency } = options;
  const endpointOf = (base: string) => `${base.replace(/\/+$/, '')}/api/messages`;
  const endpoint = (turn: TurnIndex) => endpointOf(options.urlFor ? options.urlFor(turn) : url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const rounds = new Array<number>(concurrency).fill(0);
  try {
    const warmup = options.warmupPerWorker ?? 0;
    let warmIndex = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = 0; i < warmup; i++) {
          const turn = { index: warmIndex++, worker, round: rounds[worker]++ };
          await postJson(endpoint(turn), makeActivity(turn), agent).catch(() => undefined);
        }
      }),
    );

    const latencies: number[] = [];
    let next = 0;
    let errors = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (next < total) {
          const index = next++;
          const turn = { index, worker, round: rounds[worker]++ };
          const body = makeActivity(turn);
          const t0 = process.hrtime.bigint();
          try {
            const res = await postJson(endpoint(turn), body, agent);
            if (res.status < 200 || res.status >= 300) errors += 1;
          } catch {
            errors += 1;
          }
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    return { turns: total, errors, seconds, turnsPerSec: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length ? latencies[latencies.length - 1] : NaN };
  } finally {
    agent.destroy();
  }
}

/** A port that was free a moment ago, for a child that needs a number rather than 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in MB, from /proc/<pid>/status (Linux). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * The node arguments of `npm run start:prod` (package.json), e.g. V8 heap flags and
 * dist/bot/main.js: the bench starts the bot exactly as production does (infra/azure.bicep's
 * appCommandLine is the same command; tests/unit/infra-containers.test.ts checks).
 */
export function productionNodeArgs(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.['start:prod'] ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2 || words.some((w) => /[$"'`;&|<>]/.test(w)))
    throw new Error(`package.json start:prod must be a plain "node [flags] <script>" command (got "${words.join(' ')}")`);
  return words.slice(1);
}

export interface RunningBot {
  url: string;
  /** The child's pid (child bots) or this process's (in-process bots). */
  pid: number;
  /** From spawn to the first 200 from /healthz (child bots); from compose to listening (in-process). */
  startupMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `node <nodeArgs> <script>` (e.g. dist/bot/main.js) on a free port with a fresh DATA_DIR
 * and the playground directory, and resolves when GET /healthz answers 200.
 */
export async function startChildBot(options: { script: string; nodeArgs?: string[]; env?: Record<string, string>; timeoutMs?: number }): Promise<RunningBot> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-bench-'));
  let stderr = '';
  const t0 = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      NODE_NO_WARNINGS: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DIRECTORY_SEED: path.join(REPO_ROOT, 'config/directory.playground.json'),
      ...options.env,
    },
  });
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}: ${stderr}`);
      if (Number(process.hrtime.bigint() - t0) / 1e6 > timeoutMs) throw new Error(`${options.script} did not answer /healthz within ${timeoutMs} ms: ${stderr}`);
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get(`${url}/healthz`, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
      });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, startupMs: Number(process.hrtime.bigint() - t0) / 1e6, stop };
}

/** The bot composed in this process (shares the CPU with the load generator: prefer child bots for figures). */
export async function startInProcessBot(env: Record<string, string> = {}): Promise<RunningBot & { composed: Composed }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-bench-'));
  const t0 = process.hrtime.bigint();
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DIRECTORY_SEED: path.join(REPO_ROOT, 'config/directory.playground.json'), ...env });
  const composed = await compose(config, { logger: silentLogger });
  const port = await composed.start();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: process.pid,
    startupMs: Number(process.hrtime.bigint() - t0) / 1e6,
    composed,
    stop: async () => {
      await composed.stop(2000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TableRow {
  scenario: string;
  stats: TurnStats;
  concurrency: number;
  /** The row to divide by in the "× echo" column, instead of the table's baseline (e.g. echo at the same concurrency). */
  baseline?: string;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** A Markdown table of rows, with each row's throughput as a multiple of its own `baseline` row's, else of `baseline`'s. */
export function formatTable(rows: TableRow[], baseline?: string): string {
  const baseOf = (r: TableRow) => rows.find((b) => b.scenario === (r.baseline ?? baseline))?.stats.turnsPerSec;
  const lines = [
    '| scenario | turns | concurrency | turns/s | p50 ms | p99 ms | max ms | errors | × echo |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.stats.turns} | ${r.concurrency} | ${fmt(r.stats.turnsPerSec, 0)} | ${fmt(r.stats.p50)} | ${fmt(r.stats.p99)} | ${fmt(r.stats.max, 0)} | ${r.stats.errors} | ${baseOf(r) ? fmt(r.stats.turnsPerSec / baseOf(r)!, 2) : '—'} |`,
    ),
  ];
  return lines.join('\n');
}

export interface TargetResult {
  target: string;
  measured: string;
  pass: boolean;
}

export function formatTargets(targets: TargetResult[]): string {
  return ['| target | measured | result |', '|---|---|---|', ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.pass ? 'PASS' : '**MISS**'} |`)].join('\n');
}
