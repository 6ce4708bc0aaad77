import { Outbox } from '../../services/outbox/outbox';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../services/config';
import { Directory, DirectorySeed } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import { AuditLog } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import { ActionService } from '../../services/recommendations/action-service';
import { Announcement, RecommendationRecords } from '../../services/recommendations/recommendation-records';
import { Recommendation, RecommendationEvents, RecommendationService } from '../../services/recommendations/recommendation-service';
import { References } from '../../services/refs';
import { RemindersService } from '../../services/reminders/reminders-service';
import { CONTAINERS, OUTBOX_CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { CalendarTime } from '../../services/time';
import { TestClock } from './clock';

export const TENANT = '00000000-0000-0000-0000-0000000000001';
export const IDS = {
  alex: '00000000-0000-0000-0000-0000000000020',
  megan: '00000000-0000-0000-0000-0000000000021',
  adele: '00000000-0000-0000-0000-0000000000022',
  isaiah: '00000000-0000-0000-0000-0000000000023',
  patti: '00000000-0000-0000-0000-0000000000024',
  lynne: '00000000-0000-0000-0000-0000000000025',
} as const;

/** The recommendation service's events port, recording what it was told (the app's is the vote card in Teams). */
export class RecordedEvents implements RecommendationEvents {
  /** Each event in order: its name, the recommendation as told, and for a decision where it is announced. */
  readonly told: { event: keyof RecommendationEvents; rec: Recommendation; announce?: Announcement }[] = [];
  async opened(rec: Recommendation): Promise<void> {
    this.told.push({ event: 'opened', rec });
  }
  async changed(rec: Recommendation): Promise<void> {
    this.told.push({ event: 'changed', rec });
  }
  async decided(rec: Recommendation, announce: Announcement): Promise<void> {
    this.told.push({ event: 'decided', rec, announce });
  }
  of(event: keyof RecommendationEvents): Recommendation[] {
    return this.told.filter((t) => t.event === event).map((t) => t.rec);
  }
}

/** The votes services on a temporary embedded store with the playground directory and a test clock. */
export async function votesFixture(start = '2026-03-02T10:00:00Z') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-votes-'));
  const store = new EmbeddedStore({ dataDir });
  await store.init();
  const config = parseConfig({ DATA_DIR: dataDir });
  const clock = new TestClock(start);
  const time = new CalendarTime('Europe/London');
  const log = new AuditLog(store, clock);
  const directory = new Directory(store, log, clock);
  await directory.seedIfEmpty(TENANT, JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed);
  const refs = new References(store);
  const reminders = new RemindersService(store, log, clock, time, config.reminders);
  const outbox = new Outbox({ store, clock, log, reminders, logger: silentLogger }, OUTBOX_CONTAINERS, { instanceId: 'votes-fixture' });
  const records = new RecommendationRecords(store);
  const events = new RecordedEvents();
  const recs = new RecommendationService(store, clock, time, directory, refs, outbox, config.domain, records, events);
  const actions = new ActionService(store, outbox, clock, time, directory, refs, reminders, records, config.domain);
  const actor = async (id: string): Promise<Actor> => directory.actorFor(TENANT, id, '');

  /** Everything a refusal must leave alone: every document and the log's length. */
  const snapshot = async () => {
    const out: Record<string, string> = {};
    for (const c of [CONTAINERS.recommendations, CONTAINERS.votes, CONTAINERS.actions, CONTAINERS.timers, CONTAINERS.log, CONTAINERS.counters])
      out[c.name] = JSON.stringify((await store.query(c.name, { partitionKey: TENANT })).map((d) => ({ ...d, _etag: undefined })).sort((a, b) => a.id.localeCompare(b.id)));
    return out;
  };
  const logActions = async () => (await log.recent(TENANT, 1000)).map((e) => e.action).reverse();

  return {
    store,
    outbox,
    clock,
    time,
    log,
    directory,
    reminders,
    recs,
    events,
    actions,
    actor,
    snapshot,
    logActions,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const submission = (over: Record<string, unknown> = {}) => ({
  title: 'A shared transitions protocol',
  detail: 'Adopt one protocol across children and adults services.',
  source: { kind: 'subgroup' as const, id: 'subgroup:exploitation', name: 'Exploitation subgroup' },
  ...over,
});
