import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dispute } from '../../services/disputes/dispute';
import { AuditLog, LogEntry, UNCONFIGURED_SEAL_KEY } from '../../services/log/audit-log';
import type { OutboxFields } from '../../services/outbox/outbox';
import type { Timer } from '../../services/reminders/port';
import { CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Store } from '../../services/store/port';
import { systemClock } from '../../services/clock';
import { RunningCosmosServer, makeCosmosStore, startCosmosServer } from '../support/cosmos-server';
import { ANNOUNCE_TARGETS, CRASH_FORMS, CRASH_TENANT } from '../support/outbox-crash-child';
import { spawnTs } from '../support/ts-child';

jest.setTimeout(120_000);

const CHILD = path.resolve(__dirname, '../support/outbox-crash-child.ts');

function run(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const child = spawnTs(CHILD, args);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

interface World {
  /** What the child is given: a DATA_DIR, or `cosmos:<endpoint>|<database>`. */
  where: string;
  open(): Store;
  posts: string;
  dispose(): void;
}

let cosmos: RunningCosmosServer | undefined;

function world(kind: 'embedded' | 'cosmos'): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-outbox-kill-'));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const database = `crash-${randomBytes(6).toString('hex')}`;
  return {
    where: kind === 'embedded' ? dataDir : `cosmos:${cosmos!.endpoint}|${database}`,
    open: () => (kind === 'embedded' ? new EmbeddedStore({ dataDir }) : makeCosmosStore(cosmos!.endpoint, database)),
    posts: path.join(dir, 'posts.txt'),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** What a finished run left: each dispute, its log entries, its reminders, the cards "Teams" received. */
async function outcome(w: World) {
  const store = w.open();
  await store.init();
  try {
    const log = new AuditLog(store, systemClock, UNCONFIGURED_SEAL_KEY, 'inspector');
    const verify = await log.verify(CRASH_TENANT);
    const entries: LogEntry[] = [];
    for await (const e of log.all(CRASH_TENANT)) entries.push(e);
    const disputes = await store.query<Dispute & OutboxFields>(CONTAINERS.disputes.name, { partitionKey: CRASH_TENANT });
    const timers = await store.query<Timer>(CONTAINERS.timers.name, { partitionKey: CRASH_TENANT });
    const posts = fs.existsSync(w.posts) ? fs.readFileSync(w.posts, 'utf8').trim().split('\n').filter(Boolean) : [];
    return { verify, entries, disputes, timers, posts };
  } finally {
    await store.close();
  }
}

/**
 * The writes of raising two disputes (about 120 each: the ref, the state write with its outbox,
 * the log entry, each reminder, the announcement's progress, the relay's removal, the sealer's):
 * the first steps one by one, then a spread through the relay, the second change and the end.
 */
const POINTS = {
  embedded: [1, 2, 3, 4, 5, 6, 8, 20, 60, 100, 121, 122, 123, 124, 126, 160, 240],
  cosmos: [1, 2, 3, 4, 6, 20, 100, 122, 124, 240],
};

describe.each(['embedded', 'cosmos'] as const)('a change killed with SIGKILL at each step boundary (%s store)', (kind) => {
  let cleanWrites = 0;
  let expectedTimers = 0;

  beforeAll(async () => {
    if (kind === 'cosmos') cosmos = await startCosmosServer();
    const w = world(kind);
    try {
      const clean = await run(['raise', w.where, w.posts, '0']);
      expect(clean.err).toBe('');
      cleanWrites = Number(/writes (\d+)/.exec(clean.out)![1]);
      const o = await outcome(w);
      expectedTimers = o.timers.length / CRASH_FORMS.length;
      expect(expectedTimers).toBeGreaterThan(0);
    } finally {
      w.dispose();
    }
  });
  afterAll(async () => {
    await cosmos?.stop();
    cosmos = undefined;
  });

  it.each(POINTS[kind])('after write %i, ends with every dispute raised, logged, reminded and announced exactly once', async (killAfter) => {
    expect(killAfter).toBeLessThan(cleanWrites);
    const w = world(kind);
    try {
      const killed = await run(['raise', w.where, w.posts, String(killAfter)]);
      expect({ killAfter, signal: killed.signal }).toEqual({ killAfter, signal: 'SIGKILL' });
      const recovered = await run(['recover', w.where, w.posts, '0']);
      expect({ killAfter, code: recovered.code, err: recovered.err }).toEqual({ killAfter, code: 0, err: '' });
      const o = await outcome(w);
      expect({ killAfter, verify: o.verify }).toEqual({ killAfter, verify: { ok: true, entries: o.entries.length } });
      expect(o.disputes.map((d) => d.id).sort()).toEqual(CRASH_FORMS.map((f) => `d-${f}`).sort());
      for (const d of o.disputes) {
        expect({ killAfter, id: d.id, outbox: d.outbox }).toEqual({ killAfter, id: d.id, outbox: undefined });
        expect({ killAfter, raised: o.entries.filter((e) => e.action === 'dispute.raised' && e.entity.id === d.id).length }).toEqual({ killAfter, raised: 1 });
        expect({ killAfter, timers: o.timers.filter((t) => t.entity.id === d.id).length }).toEqual({ killAfter, timers: expectedTimers });
        expect({ killAfter, posts: o.posts.filter((p) => p.startsWith(`${d.id} `)).sort() }).toEqual({ killAfter, posts: ANNOUNCE_TARGETS.map((t) => `${d.id} ${t}`).sort() });
      }
    } finally {
      w.dispose();
    }
  });
});
