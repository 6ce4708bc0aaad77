import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CaseReview } from '../../services/case-reviews/case-review';
import type { Person } from '../../services/directory/directory';
import type { Dispute } from '../../services/disputes/dispute';
import { AuditLog, LogEntry, UNCONFIGURED_SEAL_KEY, VerifyResult } from '../../services/log/audit-log';
import type { OutboxFields } from '../../services/outbox/outbox';
import type { Timer } from '../../services/reminders/port';
import type { Review } from '../../services/reviews/review';
import { CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Store } from '../../services/store/port';
import { systemClock } from '../../services/clock';
import { RunningCosmosServer, makeCosmosStore, startCosmosServer } from '../support/cosmos-server';
import { ANNOUNCE_TARGETS, CASE_FORM, CRASH_FORMS, CRASH_TENANT, GRANTEE } from '../support/outbox-crash-child';
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

/** Opens the finished run's store, verifies its log and reads every entry, then hands both to `read`. */
async function inspect<T>(w: World, read: (store: Store, log: { verify: VerifyResult; entries: LogEntry[] }) => Promise<T>): Promise<T> {
  const store = w.open();
  await store.init();
  try {
    const log = new AuditLog(store, systemClock, UNCONFIGURED_SEAL_KEY, 'inspector');
    const verify = await log.verify(CRASH_TENANT);
    const entries: LogEntry[] = [];
    for await (const e of log.all(CRASH_TENANT)) entries.push(e);
    return await read(store, { verify, entries });
  } finally {
    await store.close();
  }
}

/** What a finished run left: each dispute, its log entries, its reminders, the cards "Teams" received. */
async function outcome(w: World) {
  return inspect(w, async (store, { verify, entries }) => {
    const disputes = await store.query<Dispute & OutboxFields>(CONTAINERS.disputes.name, { partitionKey: CRASH_TENANT });
    const timers = await store.query<Timer>(CONTAINERS.timers.name, { partitionKey: CRASH_TENANT });
    const posts = fs.existsSync(w.posts) ? fs.readFileSync(w.posts, 'utf8').trim().split('\n').filter(Boolean) : [];
    return { verify, entries, disputes, timers, posts };
  });
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

/**
 * The other converted services: a grant, a review started and a case review opened, one after
 * the other. The step boundaries are found in the clean run's trace of writes: each change's
 * state write (the effects staged in it), the write after it (the relay's first effect: the log
 * entry) and one halfway to the write that removes the done effects (between two reminders).
 */
type Change = 'grant' | 'review' | 'case review';
type Boundary = 'after the state write' | 'during the relay' | 'between effects';

/**
 * Each change killed at two of its boundaries and each boundary hit on two changes, per store
 * (a grant has one effect, so nothing lies between effects): few runs, every boundary covered.
 */
const BOUNDARIES: Record<'embedded' | 'cosmos', [Change, Boundary][]> = {
  embedded: [
    ['grant', 'after the state write'],
    ['grant', 'during the relay'],
    ['review', 'during the relay'],
    ['review', 'between effects'],
    ['case review', 'after the state write'],
    ['case review', 'between effects'],
  ],
  cosmos: [
    ['grant', 'during the relay'],
    ['review', 'after the state write'],
    ['review', 'between effects'],
    ['case review', 'after the state write'],
    ['case review', 'during the relay'],
    ['case review', 'between effects'],
  ],
};

/** Where each change's state write is, in a trace line ("<n> <op> <container> <id>"). */
const STATE_WRITE: Record<Change, RegExp> = {
  grant: new RegExp(`^\\d+ replace people ${GRANTEE}$`),
  review: /^\d+ create reviews rv-/,
  'case review': /^\d+ create caseReviews cr-/,
};

function killPoint(trace: string[], change: Change, boundary: Boundary): number {
  const at = trace.findIndex((l) => STATE_WRITE[change].test(l));
  expect({ change, found: at >= 0 }).toEqual({ change, found: true });
  const [, , container, id] = trace[at].split(' ');
  const settle = trace.findIndex((l, i) => i > at && l.endsWith(` ${container} ${id}`));
  const n = (i: number) => Number(trace[i].split(' ')[0]);
  if (boundary === 'after the state write') return n(at);
  if (boundary === 'during the relay') return n(trace.findIndex((l, i) => i > at && / create log /.test(l)));
  expect({ change, effectsBetween: settle - at }).toEqual({ change, effectsBetween: expect.any(Number) });
  return n(Math.floor((at + settle) / 2));
}

/** What a finished `others` run left, with the counts that must match a clean run. */
async function othersOutcome(w: World) {
  return inspect(w, async (store, { verify, entries }) => {
    const reviews = await store.query<Review & OutboxFields>(CONTAINERS.reviews.name, { partitionKey: CRASH_TENANT });
    const cases = await store.query<CaseReview & OutboxFields>(CONTAINERS.caseReviews.name, { partitionKey: CRASH_TENANT });
    const grantee = await store.read<Person & OutboxFields>(CONTAINERS.people.name, CRASH_TENANT, GRANTEE);
    const timers = await store.query<Timer>(CONTAINERS.timers.name, { partitionKey: CRASH_TENANT });
    const count = (action: string, entityId?: string) => entries.filter((e) => e.action === action && (!entityId || e.entity.id === entityId)).length;
    const review = reviews[0];
    const caseReview = cases[0];
    return {
      verify: { ok: verify.ok, whole: verify.entries === entries.length },
      reviews: reviews.length,
      cases: cases.map((c) => c.id),
      pending: [...reviews, ...cases, grantee].map((d) => d?.outbox ?? []).flat().length,
      granteeRoles: grantee?.roles,
      granted: count('role.granted', GRANTEE),
      started: count('review.started'),
      opened: count('case_review.opened'),
      reviewTimers: review ? timers.filter((t) => t.entity.id === review.id).length : 0,
      caseTimers: caseReview ? timers.filter((t) => t.entity.id === caseReview.id).length : 0,
      reviewScheduled: review ? count('reminder.scheduled', review.id) : 0,
      caseScheduled: caseReview ? count('reminder.scheduled', caseReview.id) : 0,
    };
  });
}

describe.each(['embedded', 'cosmos'] as const)('a grant, a review and a case review killed with SIGKILL at each step boundary (%s store)', (kind) => {
  let trace: string[] = [];
  let clean: Awaited<ReturnType<typeof othersOutcome>>;

  beforeAll(async () => {
    if (kind === 'cosmos') cosmos = await startCosmosServer();
    const w = world(kind);
    try {
      const run0 = await run(['raise', w.where, w.posts, '0', 'others']);
      expect(run0.err).toBe('');
      trace = fs.readFileSync(`${w.posts}.writes`, 'utf8').trim().split('\n');
      clean = await othersOutcome(w);
      expect(clean).toMatchObject({ verify: { ok: true, whole: true }, reviews: 1, cases: [`cr-${CASE_FORM}`], pending: 0, granted: 1, started: 1, opened: 1 });
      expect(clean.reviewTimers * clean.caseTimers).toBeGreaterThan(0);
    } finally {
      w.dispose();
    }
  });
  afterAll(async () => {
    await cosmos?.stop();
    cosmos = undefined;
  });

  it.each(BOUNDARIES[kind])('the %s killed %s ends with nothing lost, nothing doubled and the log intact', async (change, boundary) => {
    const killAfter = killPoint(trace, change, boundary);
    const w = world(kind);
    try {
      const killed = await run(['raise', w.where, w.posts, String(killAfter), 'others']);
      expect({ killAfter, signal: killed.signal }).toEqual({ killAfter, signal: 'SIGKILL' });
      const recovered = await run(['recover', w.where, w.posts, '0', 'others']);
      expect({ killAfter, code: recovered.code, err: recovered.err }).toEqual({ killAfter, code: 0, err: '' });
      expect({ killAfter, ...(await othersOutcome(w)) }).toEqual({ killAfter, ...clean });
    } finally {
      w.dispose();
    }
  });
});
