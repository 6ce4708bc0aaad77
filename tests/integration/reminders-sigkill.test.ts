import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConversationRecord, Conversations } from '../../services/conversations';
import { AuditLog } from '../../services/log/audit-log';
import { indexedTimer, Timer } from '../../services/reminders/port';
import { timerId } from '../../services/reminders/reminders-service';
import { CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { TestClock } from '../support/clock';
import { BUSINESS, TENANT } from '../support/reminders-world';
import { TeamsLimitsStub } from '../../bench/teams-limits-connector';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
const TOTAL = 120;
const CONVERSATIONS = 6;
const CONCURRENCY = 4;

/** A scheduler process: the compiled services over DATA_DIR, sending through the real Teams messenger. */
const CHILD = `
const dist = process.env.DIST;
const { EmbeddedStore } = require(dist + '/services/store/embedded-store');
const { AuditLog } = require(dist + '/services/log/audit-log');
const { Conversations } = require(dist + '/services/conversations');
const { Scheduler } = require(dist + '/services/reminders/scheduler');
const { LimitedMessenger } = require(dist + '/services/delivery/limited-messenger');
const { RateLimiter } = require(dist + '/services/delivery/rate-limiter');
const { TeamsMessenger } = require(dist + '/bot/teams-messenger');
const { CalendarTime } = require(dist + '/services/time');
const { renderNamedCard } = require(dist + '/cards/registry');
const { silentLogger } = require(dist + '/services/logger');
const { systemClock } = require(dist + '/services/clock');
const { TeamsAdapter } = require('@microsoft/teams-ai');
const time = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
(async () => {
  const store = new EmbeddedStore({ dataDir: process.env.DATA_DIR });
  await store.init();
  const log = new AuditLog(store, systemClock);
  const messenger = new LimitedMessenger(new TeamsMessenger(new TeamsAdapter({}), ''), new RateLimiter(time), time, silentLogger, { baseDelayMs: 200 });
  const settings = { sendHour: 9, earliestHour: 0, latestHour: 24, digestThreshold: 1000, tickMs: 100, leaseMs: Number(process.env.LEASE_MS), schedulerEnabled: true };
  const scheduler = new Scheduler(
    { store, clock: systemClock, time: new CalendarTime('Europe/London'), log, conversations: new Conversations(store, log, systemClock), messenger, handlers: new Map(), renderCard: renderNamedCard, logger: silentLogger },
    { instanceId: 'child-' + process.pid, settings, concurrency: Number(process.env.CONCURRENCY) },
  );
  process.stdout.write('ready\\n');
  for (;;) {
    await scheduler.tick();
    const pending = await store.query('timers', { where: [{ field: 'status', op: '=', value: 'pending' }] });
    if (!pending.length) break;
    await time.sleep(100);
  }
  await store.close();
  process.stdout.write('done\\n');
})(); // a failure is an unhandled rejection: Node prints it and exits with code 1
`;

/** Polls `done` until it holds, failing after a deadline sized for a loaded machine. */
async function until(what: string, done: () => boolean, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a scheduler process killed with SIGKILL mid-delivery', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-kill-'));
  const dist = path.join(work, 'dist');
  const dataDir = path.join(work, 'data');
  const stub = new TeamsLimitsStub();

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'pipe' });
    fs.writeFileSync(path.join(work, 'child.js'), CHILD);
    await stub.start();
    stub.delayMs = 30; // slow answers: the kill lands while sends are in flight
  });
  afterAll(async () => {
    await stub.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const runChild = (): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> } => {
    const child = spawn(process.execPath, [path.join(work, 'child.js')], {
      env: { ...process.env, DIST: dist, DATA_DIR: dataDir, LEASE_MS: '1500', CONCURRENCY: String(CONCURRENCY), NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
    return { child, exited };
  };

  it('loses nothing when restarted, and repeats no more than were in flight', async () => {
    // Seed the data folder: channels whose references point at the stub, and due timers.
    const clock = new TestClock(new Date(Date.now()));
    const seedStore = new EmbeddedStore({ dataDir });
    await seedStore.init();
    const conversations = new Conversations(seedStore, new AuditLog(seedStore, clock), clock);
    const channels: ConversationRecord[] = [];
    for (let c = 0; c < CONVERSATIONS; c++) {
      const conversationId = `19:k${c}@thread`;
      channels.push(await conversations.remember(BUSINESS, { conversationId, kind: 'channel', name: `K${c}`, reference: { serviceUrl: stub.url, channelId: 'msteams', conversation: { id: conversationId, tenantId: TENANT }, bot: { id: 'bot-id' } } }));
    }
    for (let i = 0; i < TOTAL; i++) {
      const spec = {
        tenantId: TENANT,
        entity: { type: 'action', id: `a-${i}` },
        kind: 'due',
        date: '2026-03-03',
        target: { kind: 'conversation' as const, conversationKey: channels[i % CONVERSATIONS].id },
        content: { kind: 'card' as const, template: 'notice', data: { title: `reminder #${i}#`, text: 'due' } },
      };
      await seedStore.create<Timer>(CONTAINERS.timers.name, indexedTimer({ ...spec, id: timerId(spec), dueAt: new Date(clock.now().getTime() - 60_000).toISOString(), status: 'pending', createdAt: clock.now().toISOString() }));
    }
    await seedStore.close();

    // First process: killed once a third of the reminders have arrived.
    const first = runChild();
    let inFlightAtKill = -1;
    let receivedAtKill = -1;
    stub.onMessage = () => {
      if (stub.received.length >= TOTAL / 3 && inFlightAtKill < 0) {
        inFlightAtKill = stub.inFlight;
        receivedAtKill = stub.received.length;
        first.child.kill('SIGKILL');
      }
    };
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    expect(receivedAtKill).toBeLessThan(TOTAL);
    // Let the answers the stub was still delaying land before the second process starts.
    await until('the stub to answer the requests in flight at the kill', () => stub.inFlight === 0);

    // Second process: picks up the rest, including the timers whose lease the dead one held.
    stub.onMessage = undefined;
    const second = runChild();
    const finished = await second.exited;
    expect(finished.output).toContain('done');
    expect(finished.code).toBe(0);

    const seen = new Map<number, number>();
    for (const m of stub.received) {
      const n = /reminder #(\d+)#/.exec(TeamsLimitsStub.content(m));
      if (n) seen.set(Number(n[1]), (seen.get(Number(n[1])) ?? 0) + 1);
    }
    expect(seen.size).toBe(TOTAL); // none lost
    const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    // Only a send in flight (sent, not yet marked) can repeat: at most one per worker of the killed process.
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    console.log(`SIGKILL test: killed after ${receivedAtKill}/${TOTAL} arrived, ${inFlightAtKill} more being answered by the stub, ${duplicates} duplicate(s)`);

    const after = new EmbeddedStore({ dataDir });
    await after.init();
    const timers = await after.query<Timer>(CONTAINERS.timers.name, { partitionKey: TENANT });
    expect(timers).toHaveLength(TOTAL);
    expect(timers.every((t) => t.status === 'sent')).toBe(true);
    await after.close();
  });
});
