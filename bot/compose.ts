import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as fs from 'node:fs';
import { BotAdapter } from './cached-connectors';
import type { Server } from 'node:http';
import { CardPosts } from '../services/card-posts';
import { CaseReviewsService } from '../services/case-reviews/case-reviews-service';
import { Clock, systemClock } from '../services/clock';
import type { Config } from '../services/config';
import { Conversations } from '../services/conversations';
import { Directory, DirectorySeed } from '../services/directory/directory';
import { AuditLog } from '../services/log/audit-log';
import { loadOrCreateSealKey } from '../services/log/seal-key';
import { startLogSeal } from './log-seal';
import { ExportLinks } from '../services/log/export-links';
import { LogView } from '../services/log/log-view';
import { Logger, createLogger } from '../services/logger';
import type { Messenger } from '../services/messaging';
import { Outbox } from '../services/outbox/outbox';
import { Publisher } from '../services/publisher';
import { ActionService } from '../services/recommendations/action-service';
import { RecommendationService } from '../services/recommendations/recommendation-service';
import { RecommendationRecords } from '../services/recommendations/recommendation-records';
import { DisputesService } from '../services/disputes/disputes-service';
import { ReviewsService } from '../services/reviews/reviews-service';
import { VoteCards } from './recommendations/vote-cards';
import { References } from '../services/refs';
import { RemindersService } from '../services/reminders/reminders-service';
import { Scheduler } from '../services/reminders/scheduler';
import { ReminderDesk } from '../services/reminders/reminder-desk';
import { remindersFeature } from './reminders/feature';
import { LimitedMessenger } from '../services/delivery/limited-messenger';
import { LimiterTime, RateLimiter } from '../services/delivery/rate-limiter';
import { renderNamedCard } from '../cards/registry';
import { renderDigest } from '../cards/reminders/digest';
import { OUTBOX_CONTAINERS } from '../services/store/containers';
import { EmbeddedStore } from '../services/store/embedded-store';
import type { Store } from '../services/store/port';
import { CalendarTime } from '../services/time';
import { WorkingCalendar } from '../services/working-days';
import { caseReviewsFeature } from './case-reviews/feature';
import { buildApplication, withHelp } from './app';
import type { AppServices } from './app-services';
import { coreFeature } from './core-feature';
import { recommendationsFeature } from './recommendations/recommendations-feature';
import { disputesFeature } from './disputes/feature';
import { reviewsFeature } from './reviews/feature';
import type { Feature } from './feature';
import { fromProjectRoot } from './paths';
import { HttpServer, createHttpServer } from './server';
import { TeamsMessenger } from './teams-messenger';
import { mergeThreadRecords } from './channel-threads';

export interface ComposeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Replaces the Teams messenger (benchmarks); tests use a connector stub instead. */
  messenger?: Messenger;
  /** A store built elsewhere (tests share one across instances). */
  store?: Store;
}

export interface Composed {
  services: AppServices;
  http: HttpServer;
  /** Every feature the bot serves, `help` first (for the manifest's command lists and tests). */
  features: Feature[];
  /** Listens on config.port (0 picks a free port); resolves to the port. */
  start(): Promise<number>;
  /**
   * Stops taking turns; runs the stop hooks (the reminders scheduler finishes its sends and
   * releases its leases there) while in-flight turns finish, both bounded; closes the server and
   * the store.
   */
  stop(timeoutMs?: number): Promise<void>;
  /** Registers work to finish on shutdown, once turns are refused and before the store closes. */
  onStop(name: string, hook: StopHook): void;
}

/** Shutdown work; given the milliseconds left of the stop budget. */
export type StopHook = (remainingMs: number) => Promise<void> | void;

/**
 * The store the config names. The Cosmos DB adapter and the Azure identity library are loaded
 * only when Cosmos DB is configured: an embedded-store instance never holds them in memory.
 */
export async function createStore(config: Config): Promise<Store> {
  if (config.store.kind === 'embedded') return new EmbeddedStore({ dataDir: config.store.dataDir });
  const { endpoint, database, auth, allowSelfSigned } = config.store;
  const { CosmosStore } = await import('../services/store/cosmos-store');
  if (auth.kind === 'key') return new CosmosStore({ endpoint, database, allowSelfSigned, auth: { kind: 'key', key: auth.key } });
  const { DefaultAzureCredential, ManagedIdentityCredential } = await import('@azure/identity');
  const credential = auth.clientId ? new ManagedIdentityCredential({ clientId: auth.clientId }) : new DefaultAzureCredential();
  return new CosmosStore({ endpoint, database, allowSelfSigned, auth: { kind: 'credential', credential } });
}

/** The composition root: the one place that wires config, store, clock, services, bot and server. */
export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? (await createStore(config));
  await store.init();

  const time = new CalendarTime(config.timezone);
  const instanceId = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = new AuditLog(store, clock, config.logSealKey ?? loadOrCreateSealKey(config.logSealKeyFile), instanceId);
  const reminders = new RemindersService(store, log, clock, time, config.reminders);
  const outbox = new Outbox({ store, clock, log, reminders, logger }, OUTBOX_CONTAINERS, { instanceId });
  const directory = new Directory(store, log, clock, outbox);
  const conversations = new Conversations(store, log, clock, outbox);
  const cardPosts = new CardPosts(store, clock);
  const adapter = new BotAdapter(
    config.credentials
      ? {
          MicrosoftAppId: config.credentials.appId,
          MicrosoftAppPassword: config.credentials.appPassword,
          MicrosoftAppType: config.credentials.appType,
          MicrosoftAppTenantId: config.credentials.appTenantId,
        }
      : {},
  );
  if (!config.credentials) logger.warn('no MicrosoftAppId set: accepting unauthenticated requests (local playground only)');
  // ONE rate-limited messenger for every proactive send (publisher, scheduler, features).
  const realTime: LimiterTime = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
  const messenger = new LimitedMessenger(options.messenger ?? new TeamsMessenger(adapter, config.credentials?.appId ?? ''), new RateLimiter(realTime, { tenantWindows: [{ limit: config.reminders.tenantRatePerSecond, windowMs: 1000 }] }), realTime, logger);
  const exportSigningKey = config.exportSigningKey ?? randomBytes(32).toString('hex');
  const exportLinks = new ExportLinks(exportSigningKey, clock);

  const publisher = new Publisher(messenger, conversations, cardPosts, logger);
  const refs = new References(store);
  const scheduler = new Scheduler(
    { store, clock, time, log, conversations, messenger, handlers: reminders.handlers, renderCard: renderNamedCard, renderDigest, logger },
    { instanceId, settings: config.reminders },
  );

  const reminderDesk = new ReminderDesk(store, conversations, clock, time);
  const caseReviews = new CaseReviewsService(store, log, clock, time, new WorkingCalendar(), outbox, config.domain.caseReviews);

  const disputes = new DisputesService(store, log, clock, time, directory, refs, outbox, config.domain);
  // Reads first: the actions and the vote card read recommendations; the service tells the card of each change.
  const records = new RecommendationRecords(store);
  const actionItems = new ActionService(store, outbox, clock, time, directory, refs, reminders, records, config.domain);
  const voteCards = new VoteCards({ records, actionItems, publisher, directory, conversations, time, clock });
  const recommendations = new RecommendationService(store, clock, time, directory, refs, outbox, config.domain, records, voteCards);
  const reviews = new ReviewsService(store, outbox, clock, time, directory, conversations, reminders, refs, recommendations, config.domain);

  const services: AppServices = {
    ...{ config, clock, time, store, log, directory, conversations, cardPosts, messenger, exportLinks, logger, reminders, outbox, publisher, refs, scheduler, reminderDesk },
    ...{ caseReviews, disputes, reviews, recommendations, actionItems, voteCards, logView: new LogView(log, store) },
  };

  const stopHooks: { name: string; hook: StopHook }[] = [];
  const onStop = (name: string, hook: StopHook): void => {
    stopHooks.push({ name, hook });
  };
  // First on shutdown: stop claiming timers, finish the sends in flight, release the leases held.
  onStop('scheduler', () => scheduler.stop());
  // Effects of the last changes: the pass in flight finishes; anything left waits in its document.
  onStop('outbox', () => outbox.stop());
  // Then the card updates still queued after the last turns (publisher.refreshSoon).
  onStop('card refreshes', () => publisher.idle());
  // The log entries still gathering for a background seal round are sealed now, not at the next start.
  onStop('log entries gathered', () => log.sealGathered());
  let stopLogSeal: (() => void) | undefined;
  onStop('log seal', () => stopLogSeal?.());

  const seedFile = fromProjectRoot(config.directorySeedFile);
  if (fs.existsSync(seedFile)) {
    const seed = JSON.parse(fs.readFileSync(seedFile, 'utf8')) as DirectorySeed;
    const added = await directory.seedIfEmpty(config.tenantId, seed);
    if (added) logger.info('directory seeded', { people: added, file: config.directorySeedFile });
  } else {
    logger.warn('directory seed file not found', { file: config.directorySeedFile });
  }

  const repaired = await directory.repair(config.tenantId);
  if (repaired.removed || repaired.fixed) logger.warn('directory repaired at start-up', repaired);

  const merged = await mergeThreadRecords(conversations, config.tenantId);
  if (merged) logger.info('reply threads folded into their channels', { records: merged });

  const features: Feature[] = [coreFeature(services), disputesFeature(services), reviewsFeature(services), recommendationsFeature(services), caseReviewsFeature(services), remindersFeature(services)];
  const app = buildApplication(adapter, services, features);
  const http = createHttpServer(adapter, app, services);

  return {
    services,
    http,
    features: withHelp(features),
    start: () =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => {
          if (config.reminders.schedulerEnabled) {
            scheduler.start();
            stopLogSeal = startLogSeal(store, log, clock, publisher, config.tenantId, logger);
            outbox.start();
          }
          const address = (http.server.server as Server).address();
          resolve(typeof address === 'object' && address ? address.port : config.port);
        });
      }),
    onStop,
    stop: async (timeoutMs = 10_000) => {
      http.drain();
      const deadline = Date.now() + timeoutMs;
      // The hooks (the scheduler first) wind down while the turns in flight finish; both bounded.
      const hooksDone = (async () => {
        for (const { name, hook } of stopHooks) {
          const remainingMs = Math.max(1000, deadline - Date.now());
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              Promise.resolve().then(() => hook(remainingMs)),
              new Promise<void>((_, reject) => {
                timer = setTimeout(() => reject(new Error(`did not finish within ${remainingMs} ms`)), remainingMs);
              }),
            ]);
          } catch (err) {
            logger.warn('stop hook failed', { hook: name, error: err });
          } finally {
            clearTimeout(timer);
          }
        }
      })();
      while (http.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (http.inFlight() > 0) logger.warn('stopping with turns still in flight', { inFlight: http.inFlight() });
      await hooksDone;
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
      await store.close();
    },
  };
}
