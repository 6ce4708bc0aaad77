import { silentLogger } from '../../services/logger';
import { Outbox } from '../../services/outbox/outbox';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig, PLAYGROUND_TENANT_ID } from '../../services/config';
import { Conversations, ConversationRecord } from '../../services/conversations';
import { Directory, DirectorySeed } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import { DomainError } from '../../services/errors';
import { AuditLog } from '../../services/log/audit-log';
import { RecommendationRecords } from '../../services/recommendations/recommendation-records';
import { RecommendationService } from '../../services/recommendations/recommendation-service';
import { RecordedEvents } from './votes-fixture';
import { References } from '../../services/refs';
import { RemindersService } from '../../services/reminders/reminders-service';
import type { Review } from '../../services/reviews/review';
import { ReviewsService } from '../../services/reviews/reviews-service';
import { CONTAINERS, OUTBOX_CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Store } from '../../services/store/port';
import { CalendarTime } from '../../services/time';
import { TestClock } from './clock';

/**
 * The hub reviews service wired to a real store (embedded by default), the playground directory
 * and one channel, for service-level tests of reviews.
 */
export const TENANT = PLAYGROUND_TENANT_ID;
export const IDS = {
  alex: '00000000-0000-0000-0000-0000000000020', // chair, business, partner
  megan: '00000000-0000-0000-0000-0000000000021', // partner
  adele: '00000000-0000-0000-0000-0000000000022', // partner
  isaiah: '00000000-0000-0000-0000-0000000000023', // partner
  patti: '00000000-0000-0000-0000-0000000000024', // business
  lynne: '00000000-0000-0000-0000-0000000000025', // lay
};

export class ReviewsWorld {
  readonly clock = new TestClock('2026-03-02T10:00:00Z');
  readonly time = new CalendarTime('Europe/London');
  readonly config = parseConfig({});
  readonly log: AuditLog;
  readonly directory: Directory;
  readonly conversations: Conversations;
  readonly reminders: RemindersService;
  readonly refs: References;
  /** The real recommendation service: a review's stage 4 recommendations are put to the Executive Board's vote. */
  readonly intake: RecommendationService;
  readonly events = new RecordedEvents();
  readonly reviews: ReviewsService;

  /** `dataDir`: a temporary folder to remove on close (the embedded store's). */
  constructor(readonly store: Store, private readonly dataDir?: string) {
    this.log = new AuditLog(store, this.clock);
    this.directory = new Directory(store, this.log, this.clock);
    this.conversations = new Conversations(store, this.log, this.clock);
    this.reminders = new RemindersService(store, this.log, this.clock, this.time, this.config.reminders);
    this.refs = new References(store);
    const outbox = new Outbox({ store, clock: this.clock, log: this.log, reminders: this.reminders, logger: silentLogger }, OUTBOX_CONTAINERS, { instanceId: 'reviews-world' });
    this.intake = new RecommendationService(store, this.clock, this.time, this.directory, this.refs, outbox, this.config.domain, new RecommendationRecords(store), this.events);
    this.reviews = new ReviewsService(store, outbox, this.clock, this.time, this.directory, this.conversations, this.reminders, this.refs, this.intake, this.config.domain);
  }

  /** On a fresh embedded store in a temporary folder. */
  static embedded(): ReviewsWorld {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-reviews-'));
    return new ReviewsWorld(new EmbeddedStore({ dataDir: dir }), dir);
  }

  actors: Record<keyof typeof IDS, Actor> = {} as never;
  hub!: ConversationRecord;
  forms = 0;

  async init(): Promise<this> {
    await this.store.init();
    const seed = JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed;
    await this.directory.seedIfEmpty(TENANT, seed);
    for (const [key, id] of Object.entries(IDS)) {
      const p = (await this.directory.get(TENANT, id))!;
      this.actors[key as keyof typeof IDS] = { tenantId: TENANT, aadObjectId: id, name: p.name, roles: p.roles, organisation: p.organisation };
    }
    this.hub = await this.conversations.remember(this.actors.patti, { conversationId: '19:hub@thread', kind: 'channel', name: 'Hub', teamName: 'WS', reference: {} });
    return this;
  }

  async close(): Promise<void> {
    await this.store.close();
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  start(overrides: Record<string, unknown> = {}, actor = this.actors.patti): Promise<Review> {
    this.forms += 1;
    return this.reviews.start(actor, {
      formId: `form-0000-${this.forms}`,
      theme: 'Neglect',
      strand: 'children',
      sponsorId: IDS.megan,
      startDate: '2026-03-02',
      conversationKeys: this.hub.id,
      ...overrides,
    });
  }

  /** Everything a refusal must leave alone. */
  async snapshot(): Promise<string> {
    const read = (c: string) => this.store.query(c, { partitionKey: TENANT });
    return JSON.stringify([
      await read(CONTAINERS.reviews.name),
      await read(CONTAINERS.timers.name),
      await read(CONTAINERS.recommendations.name),
      (await this.log.recent(TENANT, 1))[0]?.seq,
    ]);
  }

  setDay(date: string): void {
    this.clock.set(`${date}T10:00:00Z`);
  }
}

export async function refused(world: ReviewsWorld, action: () => Promise<unknown>, code: DomainError['code'], message: RegExp): Promise<void> {
  const before = await world.snapshot();
  const err = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  expect((err as DomainError).message).toMatch(message);
  expect(await world.snapshot()).toBe(before);
}

