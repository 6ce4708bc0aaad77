/**
 * Reminders engine benchmark. The bench runner calls `runReminderBench()` and prints
 * `formatReminderBench(rows)`; alone: `npm run build && node dist/bench/reminders.js`.
 *
 * 1. A tick over 100,000 pending timers with 10 due reads documents in proportion to the due
 *    ones (store.stats.documentsRead) and takes no more than 2x a tick over 1,000 pending.
 * 2. One reminder fanned out to 200 channels through the rate limiter and the real Teams
 *    messenger, against a connector that enforces Teams' limits: within 1.25x the floor the
 *    limits allow, with zero 429s.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { TeamsMessenger } from '../bot/teams-messenger';
import { renderNamedCard } from '../cards/registry';
import type { Clock } from '../services/clock';
import { parseConfig } from '../services/config';
import { Conversations } from '../services/conversations';
import type { Actor } from '../services/directory/roles';
import { AuditLog } from '../services/log/audit-log';
import { silentLogger } from '../services/logger';
import type { Messenger } from '../services/messaging';
import { LimitedMessenger } from '../services/delivery/limited-messenger';
import { indexedTimer, ReminderSpec, Timer } from '../services/reminders/port';
import { LimiterTime, RateLimiter, TEAMS_TENANT_WINDOWS } from '../services/delivery/rate-limiter';
import { RemindersService, timerId } from '../services/reminders/reminders-service';
import { Scheduler } from '../services/reminders/scheduler';
import { CONTAINERS } from '../services/store/containers';
import { EmbeddedStore } from '../services/store/embedded-store';
import { CalendarTime } from '../services/time';
import { TeamsLimitsStub } from './teams-limits-connector';

/** One measured line; `pass` compares `value` with `target` when there is one. */
export interface ReminderBenchRow {
  name: string;
  value: number;
  unit: string;
  /** What the issue asks for, in words ("≤ 2.00"). */
  target?: string;
  pass?: boolean;
  note?: string;
}

const TENANT = '00000000-0000-0000-0000-0000000000001';
const BUSINESS: Actor = { tenantId: TENANT, aadObjectId: 'bench-business', name: 'Bench', roles: ['business'] };
const NOW = new Date('2026-03-03T10:00:00Z');
const fixedClock: Clock = { now: () => new Date(NOW.getTime()) };
const realTime: LimiterTime = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

const instantMessenger: Messenger = {
  send: async () => ({ activityId: 'a' }),
  update: async () => undefined,
};

function settings() {
  return { ...parseConfig({}).reminders, earliestHour: 0, latestHour: 24 };
}

function timer(spec: ReminderSpec, dueAt: Date, status: Timer['status'] = 'pending'): Timer {
  return indexedTimer({ ...spec, id: timerId(spec), dueAt: dueAt.toISOString(), status, createdAt: NOW.toISOString(), ...(status === 'sent' ? { sentAt: dueAt.toISOString() } : {}) });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median time, documents read and documents scanned by a tick that finds `due` timers among
 * `pending` future ones and `sent` ones already delivered (due in the past, as sent timers are).
 */
async function measureTick(pending: number, due: number, rounds: number, sent = 0): Promise<{ ms: number; documentsRead: number; documentsScanned: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-bench-rem-'));
  const store = new EmbeddedStore({ dataDir: dir, compactAfter: 10_000_000 });
  try {
    await store.init();
    const log = new AuditLog(store, fixedClock);
    const conversations = new Conversations(store, log, fixedClock);
    const channel = await conversations.remember(BUSINESS, { conversationId: '19:bench@thread', kind: 'channel', name: 'Bench', reference: {} });
    const spec = (id: string, date: string): ReminderSpec => ({
      tenantId: TENANT,
      entity: { type: 'action', id },
      kind: 'due',
      date,
      target: { kind: 'conversation', conversationKey: channel.id },
      content: { kind: 'card', template: 'notice', data: { title: `Action ${id}`, text: 'due' } },
    });
    for (let i = 0; i < pending; i++) {
      const future = new Date(NOW.getTime() + (1 + (i % 365)) * 86_400_000);
      await store.create(CONTAINERS.timers.name, timer(spec(`p-${i}`, future.toISOString().slice(0, 10)), future));
    }
    for (let i = 0; i < sent; i++) {
      const past = new Date(NOW.getTime() - (1 + (i % 365)) * 86_400_000);
      await store.create(CONTAINERS.timers.name, timer(spec(`s-${i}`, past.toISOString().slice(0, 10)), past, 'sent'));
    }
    const scheduler = new Scheduler(
      { store, clock: fixedClock, time: new CalendarTime('Europe/London'), log, conversations, messenger: instantMessenger, handlers: new Map(), renderCard: renderNamedCard, logger: silentLogger },
      { instanceId: 'bench', settings: settings() },
    );
    await scheduler.tick(); // warm up (log head, code paths)
    const times: number[] = [];
    const reads: number[] = [];
    const scans: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < due; i++) await store.create(CONTAINERS.timers.name, timer(spec(`d-${round}-${i}`, '2026-03-03'), new Date(NOW.getTime() - (i + 1) * 1000)));
      const before = store.stats.documentsRead;
      const scannedBefore = store.stats.documentsScanned;
      const started = process.hrtime.bigint();
      const result = await scheduler.tick();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      reads.push(store.stats.documentsRead - before);
      scans.push(store.stats.documentsScanned - scannedBefore);
      if (result.sent !== due) throw new Error(`bench tick sent ${result.sent} of ${due} due timers`);
    }
    return { ms: median(times), documentsRead: median(reads), documentsScanned: median(scans) };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One purpose reminder to `channels` channels: Scheduler → limiter → Teams messenger → a connector enforcing Teams' limits. */
async function measureFanOut(channels: number): Promise<{ ms: number; floorMs: number; throttled: number; delivered: number }> {
  const stub = new TeamsLimitsStub();
  await stub.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-bench-fan-'));
  const store = new EmbeddedStore({ dataDir: dir });
  try {
    await store.init();
    const log = new AuditLog(store, fixedClock);
    const conversations = new Conversations(store, log, fixedClock);
    for (let c = 0; c < channels; c++) {
      const conversationId = `19:fan-${c}@thread`;
      await conversations.remember(BUSINESS, { conversationId, kind: 'channel', name: `Fan ${c}`, reference: { serviceUrl: stub.url, channelId: 'msteams', conversation: { id: conversationId, tenantId: TENANT }, bot: { id: 'bot-id' } } });
      await conversations.setPurpose(BUSINESS, conversationId, 'children-partnership', true);
    }
    const reminders = new RemindersService(store, log, fixedClock, new CalendarTime('Europe/London'), settings());
    await reminders.schedule(BUSINESS, {
      tenantId: TENANT,
      entity: { type: 'review', id: 'h-1', ref: 'H-1' },
      kind: 'stage-2-start',
      date: '2026-03-03',
      target: { kind: 'purpose', purpose: 'children-partnership' },
      content: { kind: 'card', template: 'notice', data: { title: 'H-1: stage 2 (audits) starts today', text: 'Single and multi-agency audits.' } },
    });
    const messenger = new LimitedMessenger(new TeamsMessenger(new TeamsAdapter({}), ''), new RateLimiter(realTime), realTime, silentLogger);
    const scheduler = new Scheduler(
      { store, clock: fixedClock, time: new CalendarTime('Europe/London'), log, conversations, messenger, handlers: reminders.handlers, renderCard: renderNamedCard, logger: silentLogger },
      { instanceId: 'bench', settings: settings() },
    );
    const started = Date.now();
    const result = await scheduler.tick();
    const ms = Date.now() - started;
    if (result.sent !== 1) throw new Error(`fan-out tick: ${JSON.stringify(result)}`);
    return { ms, floorMs: RateLimiter.floorMs(channels, TEAMS_TENANT_WINDOWS), throttled: stub.throttled, delivered: stub.received.length };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await stub.stop();
  }
}

/** Runs both measurements; returns rows for the bench table. */
export async function runReminderBench(options: { rounds?: number; fanOutChannels?: number } = {}): Promise<ReminderBenchRow[]> {
  const rounds = options.rounds ?? 15;
  const channels = options.fanOutChannels ?? 200;
  const small = await measureTick(1_000, 10, rounds);
  const large = await measureTick(100_000, 10, rounds);
  const ratio = large.ms / small.ms;
  const sent = await measureTick(1_000, 10, rounds, 100_000);
  const sentRatio = sent.ms / small.ms;
  const fan = await measureFanOut(channels);
  const fanRatio = fan.ms / fan.floorMs;
  return [
    { name: 'tick: 1,000 pending + 10 due', value: round(small.ms), unit: 'ms (median)', note: `${small.documentsRead} documents read, ${small.documentsScanned} scanned` },
    { name: 'tick: 100,000 pending + 10 due', value: round(large.ms), unit: 'ms (median)', note: `${large.documentsRead} documents read, ${large.documentsScanned} scanned` },
    { name: 'tick: 1,000 pending + 100,000 sent + 10 due', value: round(sent.ms), unit: 'ms (median)', note: `${sent.documentsRead} documents read, ${sent.documentsScanned} scanned` },
    { name: 'tick documents read, 100,000 pending', value: large.documentsRead, unit: 'documents', target: `≤ ${small.documentsRead} (as with 1,000)`, pass: large.documentsRead <= small.documentsRead },
    { name: 'tick time ratio 100,000 / 1,000 pending', value: round(ratio), unit: '×', target: '≤ 2.00', pass: ratio <= 2 },
    { name: 'tick documents scanned, 100,000 sent timers', value: sent.documentsScanned, unit: 'documents', target: `≤ ${small.documentsScanned} (as with none sent)`, pass: sent.documentsScanned <= small.documentsScanned },
    { name: 'tick time ratio with 100,000 sent / none sent', value: round(sentRatio), unit: '×', target: '≤ 2.00', pass: sentRatio <= 2 },
    { name: `fan-out: 1 reminder to ${channels} channels`, value: fan.ms, unit: 'ms', note: `floor ${fan.floorMs} ms at ${TEAMS_TENANT_WINDOWS[0].limit}/s per tenant; ${fan.delivered} delivered` },
    { name: 'fan-out time / floor', value: round(fanRatio), unit: '×', target: '≤ 1.25', pass: fanRatio <= 1.25 },
    { name: 'fan-out 429s from the connector', value: fan.throttled, unit: 'responses', target: '0', pass: fan.throttled === 0 && fan.delivered === channels },
  ];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A Markdown table of the rows. */
export function formatReminderBench(rows: ReminderBenchRow[]): string {
  const lines = ['| Reminders | Value | Target | |', '|---|---:|---|---|'];
  for (const r of rows)
    lines.push(`| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'pass' : '**FAIL**'} |`);
  return lines.join('\n');
}

if (require.main === module) {
  runReminderBench()
    .then((rows) => {
      console.log(formatReminderBench(rows));
      if (rows.some((r) => r.pass === false)) process.exitCode = 1;
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
