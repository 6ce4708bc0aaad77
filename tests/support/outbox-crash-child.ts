import * as fs from 'node:fs';
import { parseConfig } from '../../services/config';
import { Directory, DirectorySeed } from '../../services/directory/directory';
import { CaseReviewsService } from '../../services/case-reviews/case-reviews-service';
import { Conversations } from '../../services/conversations';
import { DISPUTE_EFFECTS, DisputesService } from '../../services/disputes/disputes-service';
import { DomainError } from '../../services/errors';
import { AuditLog, UNCONFIGURED_SEAL_KEY } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import { Outbox } from '../../services/outbox/outbox';
import { RecommendationRecords } from '../../services/recommendations/recommendation-records';
import { RecommendationService } from '../../services/recommendations/recommendation-service';
import { RecordedEvents } from './votes-fixture';
import { References } from '../../services/refs';
import { ReviewsService } from '../../services/reviews/reviews-service';
import { WorkingCalendar } from '../../services/working-days';
import { RemindersService } from '../../services/reminders/reminders-service';
import { OUTBOX_CONTAINERS } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { makeCosmosStore } from './cosmos-server';
import type { Doc, Store } from '../../services/store/port';
import { systemClock } from '../../services/clock';
import { CalendarTime } from '../../services/time';

export const CRASH_TENANT = 'tenant-crash';
export const CRASH_FORMS = ['crash-form-0001', 'crash-form-0002'];
export const ANNOUNCE_TARGETS = ['board-channel', 'megan', 'isaiah'];
const PATTI = '00000000-0000-0000-0000-0000000000024';
const MEGAN = '00000000-0000-0000-0000-0000000000021';
/** The lay member the `others` scenario grants a role to. */
export const GRANTEE = '00000000-0000-0000-0000-0000000000025';
export const REVIEW_FORM = 'crash-review-0001';
export const CASE_FORM = 'crash-case-0001';

/**
 * A bot process for the crash tests: `raise` makes the changes, SIGKILLing itself right after
 * its `killAfter`-th store write (0: never); `recover` is the next start: it retries the same
 * changes (a person clicking again) and runs the relay until nothing is pending. On the embedded
 * store or the Cosmos wire server (the parent runs the server, so it outlives the kill). "Teams" is a file
 * of posts (the only thing mocked): each line one card sent. Each counted write is traced to
 * `<postsFile>.writes` ("<n> <op> <container> <id>"), so the parent finds the step boundaries.
 * `scenario`: `disputes` (two disputes raised) or `others` (a grant, a review started, a case
 * review opened, in that order).
 */
export async function main([mode, where, postsFile, killAfter, scenario = 'disputes']: string[]): Promise<void> {
  // `where`: a DATA_DIR, or `cosmos:<endpoint>|<database>` for the Cosmos wire server.
  const [endpoint, database] = where.startsWith('cosmos:') ? where.slice('cosmos:'.length).split('|') : [];
  const embedded: Store = endpoint ? makeCosmosStore(endpoint, database) : new EmbeddedStore({ dataDir: where });
  await embedded.init();
  let writes = 0;
  let counting = false;
  const kill = Number(killAfter ?? 0);
  const counted = <R>(result: Promise<R>, what: string): Promise<R> =>
    result.then((r) => {
      if (!counting) return r;
      writes += 1;
      fs.appendFileSync(`${postsFile}.writes`, `${writes} ${what}\n`);
      if (kill && writes === kill) process.kill(process.pid, 'SIGKILL');
      return r;
    });
  const store: Store = Object.create(embedded) as Store;
  store.create = <D extends Doc>(c: string, d: D) => counted(embedded.create(c, d), `create ${c} ${d.id}`);
  store.replace = <D extends Doc>(c: string, d: D, e: string) => counted(embedded.replace(c, d, e), `replace ${c} ${d.id}`);
  store.upsert = <D extends Doc>(c: string, d: D) => counted(embedded.upsert(c, d), `upsert ${c} ${d.id}`);
  store.delete = (c: string, p: string, i: string, e?: string) => counted(embedded.delete(c, p, i, e), `delete ${c} ${i}`);

  const config = parseConfig({});
  const time = new CalendarTime('Europe/London');
  const instanceId = `${mode}-${process.pid}`;
  const log = new AuditLog(store, systemClock, UNCONFIGURED_SEAL_KEY, instanceId);
  const directory = new Directory(store, log, systemClock);
  await directory.seedIfEmpty(CRASH_TENANT, JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed);
  const reminders = new RemindersService(store, log, systemClock, time, config.reminders);
  const outbox = new Outbox({ store, clock: systemClock, log, reminders, logger: silentLogger }, OUTBOX_CONTAINERS, { instanceId, leaseMs: 300 });
  outbox.registerHandler(DISPUTE_EFFECTS.announce, async (_tenantId, data, progress) => {
    for (const target of ANNOUNCE_TARGETS) {
      if (progress.has(target)) continue;
      fs.appendFileSync(postsFile, `${String(data.disputeId)} ${target}\n`);
      await progress.mark(target);
    }
  });
  const disputes = new DisputesService(store, log, systemClock, time, directory, new References(store), outbox, config.domain);
  const p = (await directory.get(CRASH_TENANT, PATTI))!;
  const patti = { tenantId: CRASH_TENANT, aadObjectId: PATTI, name: p.name, roles: p.roles };
  const today = time.dateOf(systemClock.now());
  if (scenario === 'others') {
    const people = new Directory(store, log, systemClock, outbox);
    const conversations = new Conversations(store, log, systemClock, outbox);
    const refs = new References(store);
    const intake = new RecommendationService(store, systemClock, time, people, refs, outbox, config.domain, new RecommendationRecords(store), new RecordedEvents());
    const reviews = new ReviewsService(store, outbox, systemClock, time, people, conversations, reminders, refs, intake, config.domain);
    const caseReviews = new CaseReviewsService(store, log, systemClock, time, new WorkingCalendar(), outbox, config.domain.caseReviews);
    const channel = await conversations.remember(patti, { conversationId: '19:crash-board@thread.tacv2', kind: 'channel', name: 'Board', teamName: 'Partnership', reference: { conversation: { id: '19:crash-board@thread.tacv2' } } });
    // A retried click that finds its change made is told so (a DomainError): nothing to redo.
    const again = (err: unknown): void => {
      if (!(err instanceof DomainError)) throw err;
    };
    counting = true;
    await people.grant(patti, GRANTEE, 'business').catch(again);
    await reviews.start(patti, { formId: REVIEW_FORM, theme: 'Crash-safe reviews', strand: 'children', sponsorId: MEGAN, startDate: today, conversationKeys: [channel.id] }).catch(again);
    await caseReviews.open(patti, { formId: CASE_FORM, reference: 'RR-2026-01', kind: 'child', started: today });
  } else {
    counting = true; // the kill points are the changes' own writes, not the directory seeding
    for (const formId of CRASH_FORMS)
      await disputes.raise(patti, { formId, parties: [`p:${MEGAN}`, 'o:Warwickshire Police'], subject: `About ${formId}`, determinedOn: today });
  }
  if (mode === 'recover') {
    // Wait out the killed process's leases (300 ms), then relay until nothing is left.
    for (let round = 0; round < 100; round++) {
      await new Promise((resolve) => setTimeout(resolve, 350));
      await outbox.tick();
      let left = 0;
      for (const container of OUTBOX_CONTAINERS) left += (await embedded.query<Doc>(container, { where: [{ field: 'outboxDueAt', op: '>=', value: '' }] })).length;
      const recorded = await log.tenantsWithRecorded();
      if (!left && !recorded.length) break;
    }
  }
  await embedded.close();
  process.stdout.write(`writes ${writes}\n`);
}
