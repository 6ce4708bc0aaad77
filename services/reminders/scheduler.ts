import type { Clock } from '../clock';
import type { ReminderSettings } from '../config';
import { Conversations, conversationName } from '../conversations';
import type { Actor } from '../directory/roles';
import { AuditLog, SYSTEM_ACTOR } from '../log/audit-log';
import type { Logger } from '../logger';
import { DeliveryError, Messenger, OutboundMessage } from '../messaging';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored } from '../store/port';
import { CalendarTime, addDays } from '../time';
import { WorkingCalendar } from '../working-days';
import { Destination, Resolution, resolveDestinations } from './destinations';
import { indexedTimer, ReminderHandler, Timer } from './port';
import { targetKey } from './reminders-service';

const TIMERS = CONTAINERS.timers.name;

/** Renders a named card template (cards/registry.ts), injected so services never import the card layer. */
export type NamedCardRenderer = (template: string, data: Record<string, unknown>) => Record<string, unknown>;

/** What a digest card says: the overdue reminders for one place, rolled into one message. */
export interface DigestData {
  count: number;
  /** Local date-times, formatted for people. */
  dueFrom: string;
  dueTo: string;
  items: { summary: string; ref: string; due: string }[];
}
export type DigestRenderer = (data: DigestData) => Record<string, unknown>;

export interface SchedulerDeps {
  store: Store;
  clock: Clock;
  time: CalendarTime;
  log: AuditLog;
  conversations: Conversations;
  /** The one (rate-limited) messenger every proactive send goes through. */
  messenger: Messenger;
  /** Handlers registered with `reminders.registerHandler`. */
  handlers: ReadonlyMap<string, ReminderHandler>;
  renderCard: NamedCardRenderer;
  /** Renders a digest of overdue reminders; without it each overdue reminder is sent on its own. */
  renderDigest?: DigestRenderer;
  logger: Logger;
}

export interface SchedulerOptions {
  /** Unique per process: the lease owner written on claimed timers. */
  instanceId: string;
  settings: ReminderSettings;
  /** Due timers read per tick (the loop ticks again at once when a batch was full). */
  batchSize?: number;
  /** Timers delivered at once by this instance. */
  concurrency?: number;
  /** Copies of one fan-out (a purpose with many channels) sent at once. */
  fanOutConcurrency?: number;
  /** A reminder sent more than this after it was due is marked late. */
  lateAfterMs?: number;
  /** Failed deliveries before a timer is given up as `failed`. */
  maxAttempts?: number;
  /** How long a timer held by a paused channel waits before it is looked at again. */
  pausedRecheckMs?: number;
  /** Back-off before the first retry of a failed delivery; doubles each attempt, capped at an hour. */
  retryBaseMs?: number;
  random?: () => number;
}

/** What one tick did. */
export interface TickResult {
  /** Timers the due query returned. */
  due: number;
  /** Timers this instance won the lease on. */
  claimed: number;
  /** Timers marked sent (each may have gone to several conversations). */
  sent: number;
  /** Messages posted. */
  copies: number;
  /** Handler timers that had nothing to send. */
  done: number;
  /** Held for a paused channel or quiet hours. */
  held: number;
  /** Failed this time; will be retried with back-off. */
  retrying: number;
  failed: number;
  undeliverable: number;
  /** Digest cards sent (each stands for several overdue timers). */
  digests: number;
  /** Timers released unsent because the scheduler was stopping. */
  released: number;
}

/** One tick's working state: its counts, destinations resolved once per target, and what was sent (logged at the end). */
interface Pass {
  result: TickResult;
  resolutions: Map<string, Promise<Resolution>>;
  sent: Map<string, string[]>;
}

type Outcome = 'sent' | 'done' | 'held' | 'retrying' | 'failed' | 'undeliverable' | 'released' | 'lost';

const emptyResult = (): TickResult => ({ due: 0, claimed: 0, sent: 0, copies: 0, done: 0, held: 0, retrying: 0, failed: 0, undeliverable: 0, digests: 0, released: 0 });

/**
 * Delivers due timers exactly once across any number of bot instances. Each instance claims a
 * due timer by replacing it with IfMatch (the lease moves `dueAt` to the lease expiry, so other
 * instances' due queries skip it and find it again only if the lease expires), sends through the
 * messenger, then marks it sent with the activity id. A crash between send and mark repeats at
 * most the copy in flight; nothing is lost, because an expired lease is claimed again.
 */
export class Scheduler {
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly fanOutConcurrency: number;
  private readonly lateAfterMs: number;
  private readonly maxAttempts: number;
  private readonly pausedRecheckMs: number;
  private readonly retryBaseMs: number;
  private readonly random: () => number;
  private running = false;
  private stopping = false;
  private loopTimer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;

  /** Weekends and bank holidays of England and Wales, for REMINDER_NON_WORKING_DAYS. */
  private readonly calendar = new WorkingCalendar();

  constructor(private readonly deps: SchedulerDeps, private readonly options: SchedulerOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 8;
    this.fanOutConcurrency = options.fanOutConcurrency ?? 10;
    this.lateAfterMs = options.lateAfterMs ?? 30 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.pausedRecheckMs = options.pausedRecheckMs ?? 60 * 60_000;
    this.retryBaseMs = options.retryBaseMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Starts the loop (timers unref'd, so it never keeps the process alive). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop, lets the tick in progress finish its sends in flight and releases the leases it still holds. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.loopTimer) clearTimeout(this.loopTimer);
    this.loopTimer = undefined;
    this.stopping = true;
    try {
      await this.current;
    } finally {
      this.stopping = false;
    }
  }

  private schedule(delayMs: number): void {
    this.loopTimer = setTimeout(() => {
      const run = this.tick().then(
        (result) => (result.due >= this.batchSize ? 0 : this.options.settings.tickMs),
        (err: unknown) => {
          this.deps.logger.error('scheduler tick failed', { error: err instanceof Error ? err : String(err), instance: this.instanceId });
          return this.options.settings.tickMs;
        },
      );
      this.current = run;
      void run.then((next) => {
        this.current = undefined;
        if (this.running) this.schedule(next);
      });
    }, delayMs);
    this.loopTimer.unref();
  }

  /** One pass: reads due timers (soonest first, at most a batch), claims and delivers them. */
  async tick(): Promise<TickResult> {
    const result = emptyResult();
    const pass: Pass = { result, resolutions: new Map(), sent: new Map() };
    const now = this.deps.clock.now();
    const due = await this.deps.store.query<Timer>(TIMERS, {
      where: [
        // pendingDueAt (= dueAt while pending, absent once sent): the index holds only pending timers.
        { field: 'pendingDueAt', op: '<=', value: now.toISOString() },
        { field: 'status', op: '=', value: 'pending' },
      ],
      orderBy: [{ field: 'pendingDueAt', direction: 'asc' }],
      limit: this.batchSize,
    });
    result.due = due.length;
    if (!due.length) return result;

    const { kept, superseded } = this.collapseLate(due, now);
    for (const [timer, into] of superseded) {
      if (this.stopping) break;
      const saved = await this.save(timer, { ...unleased(timer), status: 'done', sentAt: now.toISOString(), heldBy: undefined, collapsedInto: into.id });
      if (saved) result.done += 1;
    }
    const { singles, digests } = this.groupForDigest(kept, now);
    // Instances reading the same batch start at different places, so they mostly claim different timers.
    const queue: (() => Promise<void>)[] = [];
    for (const group of digests) queue.push(() => this.deliverDigest(group, pass));
    for (const timer of rotate(singles, Math.floor(this.random() * singles.length))) queue.push(() => this.deliverOne(timer, pass));
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        try {
          await job();
        } catch (err) {
          // One timer's trouble (a store error) never stops the others; its lease expires and it is tried again.
          this.deps.logger.error('reminder delivery error', { error: err instanceof Error ? err : String(err), instance: this.instanceId });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    await this.logSent(pass);
    return result;
  }

  private async deliverOne(candidate: Stored<Timer>, pass: Pass): Promise<void> {
    if (this.stopping) return;
    const now = this.deps.clock.now();
    const claimed = await this.claim(candidate, now);
    if (!claimed) return;
    pass.result.claimed += 1;
    const outcome = await this.deliver(claimed, now, pass);
    this.count(pass, outcome);
  }

  private count(pass: Pass, outcome: Outcome): void {
    if (outcome !== 'lost') pass.result[outcome] += 1;
  }

  /** Takes the lease: IfMatch on the ETag the due query read, so exactly one instance wins. */
  private async claim(timer: Stored<Timer>, now: Date): Promise<Stored<Timer> | undefined> {
    const leaseUntil = new Date(now.getTime() + this.options.settings.leaseMs).toISOString();
    try {
      return await this.deps.store.replace<Timer>(
        TIMERS,
        indexedTimer({ ...timer, leaseOwner: this.instanceId, leaseUntil, dueAt: leaseUntil, originalDueAt: timer.originalDueAt ?? timer.dueAt }),
        timer._etag,
      );
    } catch (err) {
      if (err instanceof StoreConflict) return undefined;
      throw err;
    }
  }

  /** Writes under our lease; undefined when the timer changed meanwhile (cancelled, or the lease expired and was taken). */
  private async save(timer: Stored<Timer>, next: Timer): Promise<Stored<Timer> | undefined> {
    try {
      return await this.deps.store.replace<Timer>(TIMERS, indexedTimer(next), timer._etag);
    } catch (err) {
      if (!(err instanceof StoreConflict)) throw err;
      this.deps.logger.warn('timer changed under the lease', { timer: timer.id, instance: this.instanceId, reason: err.reason });
      return undefined;
    }
  }

  private async deliver(timer: Stored<Timer>, now: Date, pass: Pass): Promise<Outcome> {
    if (timer.job) return this.runJob(timer, now, pass);
    if (this.isQuiet(now)) {
      const saved = await this.save(timer, { ...unleased(timer), dueAt: this.nextSendInstant(now).toISOString(), heldBy: 'quiet' });
      return saved ? 'held' : 'lost';
    }

    let message: OutboundMessage | undefined;
    try {
      message = await this.buildMessage(timer);
    } catch (err) {
      return this.failure(timer, now, err);
    }
    if (!message) {
      const saved = await this.save(timer, { ...unleased(timer), status: 'done', sentAt: now.toISOString(), heldBy: undefined });
      return saved ? 'done' : 'lost';
    }
    const late = this.isLate(timer, now);
    if (late) message = this.markLate(message, timer);

    const resolution = await this.resolve(timer, pass);
    if (!resolution.ok) return this.undeliverable(timer, now, resolution.reason);
    return this.sendTo(timer, resolution.destinations, message, now, late, pass);
  }

  /**
   * A domain job runs now, whatever the hour or pauses. Its notice becomes a reminder timer with a
   * deterministic id, created before the job is closed: a crash in between reruns the (idempotent)
   * job, whose notice then meets the one already created (409) instead of a second copy.
   */
  private async runJob(timer: Stored<Timer>, now: Date, pass: Pass): Promise<Outcome> {
    let message: OutboundMessage | undefined;
    try {
      message = await this.buildMessage(timer);
    } catch (err) {
      return this.failure(timer, now, err);
    }
    let noticeId: string | undefined;
    if (message) {
      noticeId = `${timer.id}-notice`;
      const notice: Timer = indexedTimer({
        tenantId: timer.tenantId,
        entity: timer.entity,
        kind: `${timer.kind}-notice`,
        date: timer.date,
        target: timer.target,
        content: { kind: 'message', message, data: timer.content.data },
        id: noticeId,
        dueAt: now.toISOString(),
        originalDueAt: timer.originalDueAt ?? timer.dueAt,
        status: 'pending',
        createdAt: now.toISOString(),
      });
      try {
        await this.deps.store.create<Timer>(TIMERS, notice);
      } catch (err) {
        if (!(err instanceof StoreConflict && err.reason === 'exists')) throw err;
      }
    }
    const saved = await this.save(timer, { ...unleased(timer), status: 'done', sentAt: now.toISOString(), heldBy: undefined, ...(noticeId ? { noticeId } : {}) });
    if (!saved) return 'lost';
    // The notice goes at once when it may (not paused, not quiet); otherwise it waits as any reminder does.
    const notice = noticeId ? await this.deps.store.read<Timer>(TIMERS, timer.tenantId, noticeId) : undefined;
    if (notice?.status === 'pending') await this.deliverOne(notice, pass);
    return 'done';
  }

  /** Sends a message to each destination not yet delivered, recording progress so a restart resumes without repeats. */
  private async sendTo(timer: Stored<Timer>, destinations: Destination[], message: OutboundMessage, now: Date, late: boolean, pass: Pass, fellBack = false): Promise<Outcome> {
    let current = timer;
    const deliveredTo = { ...(timer.deliveredTo ?? {}) };
    const removed: string[] = [];
    const remaining = destinations.filter((d) => !deliveredTo[d.conversation.id]);
    const ready = remaining.filter((d) => !d.conversation.paused);
    const paused = remaining.length - ready.length;
    // A fan-out goes out a few copies at a time (the limiter paces them); progress is saved after
    // each group, so a crash repeats at most the copies of one group.
    for (let start = 0; start < ready.length; start += this.fanOutConcurrency) {
      if (this.stopping) {
        const saved = await this.save(current, { ...unleased(current), deliveredTo, dueAt: now.toISOString() });
        return saved ? 'released' : 'lost';
      }
      const group = ready.slice(start, start + this.fanOutConcurrency);
      const outcomes = await Promise.allSettled(
        group.map(({ conversation, mentions }) => this.deps.messenger.send(conversation, { ...message, ...(mentions ? { mentions: [...(message.mentions ?? []), ...mentions] } : {}) })),
      );
      let failure: unknown;
      for (let i = 0; i < group.length; i++) {
        const outcome = outcomes[i];
        const { conversation } = group[i];
        if (outcome.status === 'fulfilled' && !outcome.value.activityId) {
          // Marked sent only with the id Teams returned: without it nothing proves the post exists.
          failure ??= new DeliveryError('Teams accepted the message but returned no activity id', 0, undefined, 'no-activity-id');
        } else if (outcome.status === 'fulfilled') {
          deliveredTo[conversation.id] = outcome.value.activityId;
          pass.result.copies += 1;
        } else if (outcome.reason instanceof DeliveryError && outcome.reason.botRemoved) {
          await this.deps.conversations.markInactive(this.actor(timer.tenantId), timer.tenantId, conversation.id, 'Teams answered 403: the bot is no longer in this conversation');
          removed.push(conversationName(conversation));
        } else {
          failure ??= outcome.reason;
        }
      }
      if (failure !== undefined) {
        const saved = await this.save(current, { ...current, deliveredTo });
        if (!saved) return 'lost';
        return this.failure(saved, now, failure);
      }
      if (start + this.fanOutConcurrency < ready.length) {
        const leaseUntil = new Date(this.deps.clock.now().getTime() + this.options.settings.leaseMs).toISOString();
        const saved = await this.save(current, { ...current, deliveredTo, leaseUntil, dueAt: leaseUntil });
        if (!saved) return 'lost';
        current = saved;
      }
    }

    const sentAt = this.deps.clock.now().toISOString();
    if (paused > 0) {
      const saved = await this.save(current, { ...unleased(current), deliveredTo, heldBy: 'paused', dueAt: new Date(now.getTime() + this.pausedRecheckMs).toISOString() });
      return saved ? 'held' : 'lost';
    }
    const activityIds = Object.values(deliveredTo);
    if (!activityIds.length && removed.length && timer.target.kind === 'person' && !fellBack) {
      // Their personal chat is gone (now marked inactive): the fallback channel, with them named.
      pass.resolutions.delete(`${timer.tenantId}|${targetKey(timer.target)}`);
      const again = await this.resolve(timer, pass);
      if (again.ok) return this.sendTo(current, again.destinations, message, now, late, pass, true);
    }
    if (!activityIds.length) return this.undeliverable(current, now, `the bot is no longer in ${removed.join(', ') || 'any of its conversations'}`);
    const saved = await this.save(current, {
      ...unleased(current),
      deliveredTo,
      status: 'sent',
      sentAt,
      activityId: activityIds[0],
      late,
      heldBy: undefined,
      lastError: undefined,
    });
    if (!saved) return 'lost';
    const line = `${timer.entity.ref ?? timer.entity.id} ${timer.kind} → ${activityIds.length} conversation${activityIds.length === 1 ? '' : 's'}${late ? ' (late)' : ''}`;
    pass.sent.set(timer.tenantId, [...(pass.sent.get(timer.tenantId) ?? []), line]);
    return 'sent';
  }

  private async buildMessage(timer: Timer): Promise<OutboundMessage | undefined> {
    const content = timer.content;
    if (content.kind === 'message') return content.message;
    if (content.kind === 'card') {
      return { card: this.deps.renderCard(content.template, content.data), ...(content.text ? { text: content.text } : {}) };
    }
    const handler = this.deps.handlers.get(content.handler);
    if (!handler) throw new Error(`no reminder handler named "${content.handler}" is registered`);
    return handler(timer);
  }

  private markLate(message: OutboundMessage, timer: Timer): OutboundMessage {
    const due = this.deps.time.formatInstant(new Date(timer.originalDueAt ?? timer.dueAt));
    return { ...message, text: [`Late reminder: this was due ${due}.`, message.text].filter(Boolean).join(' ') };
  }

  /*
   * The engine's own bookkeeping (reminder.failed, reminder.undeliverable, reminder.digest,
   * reminders.sent) is appended after the timer write it describes, not staged in an outbox: the
   * timer documents are the engine's queue, claimed, leased and rewritten here on every pass, and
   * an outbox relay rewriting the same documents would contend with those leases. These entries
   * describe deliveries (what Teams was sent), not changes of partnership state, which all go
   * through services/outbox.
   */
  private async failure(timer: Stored<Timer>, now: Date, err: unknown): Promise<Outcome> {
    const attempts = (timer.attempts ?? 0) + 1;
    const reason = describeError(err);
    if (attempts >= this.maxAttempts && timer.job) {
      const saved = await this.save(timer, { ...unleased(timer), status: 'failed', attempts, lastError: reason, sentAt: now.toISOString(), heldBy: undefined });
      if (!saved) return 'lost';
      await this.deps.log.append(this.actor(timer.tenantId), timer.tenantId, { action: 'reminder.failed', entity: timer.entity, before: 'pending', after: `${timer.kind} job failed after ${attempts} attempts: ${reason}`.slice(0, 500) });
      this.deps.logger.error('job failed', { timer: timer.id, attempts, reason });
      return 'failed';
    }
    if (attempts >= this.maxAttempts) {
      // Given up: undeliverable, with the reason, in the log and in `reminders all`, for the Business Team to act on.
      const why = `not delivered after ${attempts} attempts: ${reason}`;
      const saved = await this.save(timer, { ...unleased(timer), status: 'undeliverable', attempts, lastError: why, sentAt: now.toISOString(), heldBy: undefined });
      if (!saved) return 'lost';
      await this.deps.log.append(this.actor(timer.tenantId), timer.tenantId, {
        action: 'reminder.undeliverable',
        entity: timer.entity,
        before: 'pending',
        after: `${timer.kind} could not be delivered: ${why}`.slice(0, 500),
      });
      this.deps.logger.error('reminder undeliverable', { timer: timer.id, attempts, reason });
      return 'undeliverable';
    }
    const backoff = Math.min(this.retryBaseMs * 2 ** (attempts - 1), 60 * 60_000) * (0.8 + 0.4 * this.random());
    const retryAfter = err instanceof DeliveryError && err.retryAfterMs ? err.retryAfterMs : 0;
    const dueAt = new Date(now.getTime() + Math.max(backoff, retryAfter)).toISOString();
    const saved = await this.save(timer, { ...unleased(timer), attempts, lastError: reason, heldBy: 'retry', dueAt });
    this.deps.logger.warn('reminder delivery failed; will retry', { timer: timer.id, attempts, reason, retryAt: dueAt });
    return saved ? 'retrying' : 'lost';
  }

  private async undeliverable(timer: Stored<Timer>, now: Date, reason: string): Promise<Outcome> {
    const saved = await this.save(timer, { ...unleased(timer), status: 'undeliverable', lastError: reason, sentAt: now.toISOString(), heldBy: undefined });
    if (!saved) return 'lost';
    await this.deps.log.append(this.actor(timer.tenantId), timer.tenantId, {
      action: 'reminder.undeliverable',
      entity: timer.entity,
      before: 'pending',
      after: `${timer.kind} could not be delivered: ${reason}`,
    });
    this.deps.logger.error('reminder undeliverable', { timer: timer.id, reason });
    return 'undeliverable';
  }

  // ---- catch-up digests ----

  /**
   * Several late reminders for the same entity, target and content (a dispute's "13 days left"
   * and "7 days left" after downtime) collapse into the latest: only it is sent.
   */
  private collapseLate(due: Stored<Timer>[], now: Date): { kept: Stored<Timer>[]; superseded: [Stored<Timer>, Stored<Timer>][] } {
    const latest = new Map<string, Stored<Timer>>();
    const key = (t: Timer) => `${t.tenantId}|${t.entity.type}|${t.entity.id}|${targetKey(t.target)}|${contentKey(t)}`;
    const collapsible = (t: Timer) => !t.job && !t.deliveredTo && t.content.kind !== 'message' && this.isLate(t, now);
    const firstDue = (t: Timer) => t.originalDueAt ?? t.dueAt;
    for (const timer of due) {
      if (!collapsible(timer)) continue;
      const current = latest.get(key(timer));
      if (!current || firstDue(timer) > firstDue(current)) latest.set(key(timer), timer);
    }
    const kept: Stored<Timer>[] = [];
    const superseded: [Stored<Timer>, Stored<Timer>][] = [];
    for (const timer of due) {
      const winner = collapsible(timer) ? latest.get(key(timer)) : undefined;
      if (winner && winner.id !== timer.id) superseded.push([timer, winner]);
      else kept.push(timer);
    }
    return { kept, superseded };
  }

  /**
   * Overdue (late) timers are grouped by tenant and target; a group larger than the digest
   * threshold goes as one digest card. Everything else is delivered one by one.
   */
  private groupForDigest(due: Stored<Timer>[], now: Date): { singles: Stored<Timer>[]; digests: Stored<Timer>[][] } {
    if (!this.deps.renderDigest) return { singles: due, digests: [] };
    const groups = new Map<string, Stored<Timer>[]>();
    const singles: Stored<Timer>[] = [];
    for (const timer of due) {
      if (!this.isLate(timer, now) || timer.job || timer.deliveredTo) {
        singles.push(timer);
        continue;
      }
      const key = `${timer.tenantId}|${targetKey(timer.target)}`;
      const group = groups.get(key) ?? [];
      group.push(timer);
      groups.set(key, group);
    }
    const digests: Stored<Timer>[][] = [];
    for (const group of groups.values()) {
      if (group.length > this.options.settings.digestThreshold) digests.push(group);
      else singles.push(...group);
    }
    return { singles, digests };
  }

  private async deliverDigest(group: Stored<Timer>[], pass: Pass): Promise<void> {
    if (this.stopping) return;
    const now = this.deps.clock.now();
    const claimed: Stored<Timer>[] = [];
    for (const timer of group) {
      const won = await this.claim(timer, now);
      if (won) claimed.push(won);
    }
    pass.result.claimed += claimed.length;
    if (!claimed.length) return;
    if (claimed.length <= this.options.settings.digestThreshold) {
      for (const timer of claimed) this.count(pass, await this.deliver(timer, now, pass));
      return;
    }
    if (this.isQuiet(now)) {
      for (const timer of claimed) this.count(pass, await this.deliver(timer, now, pass));
      return;
    }
    // Handler reminders decide at delivery time whether they are still due: those with nothing to say are done.
    const summaries = new Map<string, string>();
    const live: Stored<Timer>[] = [];
    for (const timer of claimed) {
      let message: OutboundMessage | undefined;
      try {
        message = await this.buildMessage(timer);
      } catch (err) {
        this.count(pass, await this.failure(timer, now, err));
        continue;
      }
      if (!message) {
        const saved = await this.save(timer, { ...unleased(timer), status: 'done', sentAt: now.toISOString(), heldBy: undefined });
        this.count(pass, saved ? 'done' : 'lost');
        continue;
      }
      summaries.set(timer.id, (message.text ?? summaryOf(timer)).slice(0, 300));
      live.push(timer);
    }
    if (live.length <= this.options.settings.digestThreshold) {
      for (const timer of live) this.count(pass, await this.deliver(timer, now, pass));
      return;
    }
    claimed.splice(0, claimed.length, ...live);
    const first = claimed[0];
    const format = (t: Timer) => this.deps.time.formatInstant(new Date(t.originalDueAt ?? t.dueAt));
    const byDue = [...claimed].sort((a, b) => (a.originalDueAt ?? a.dueAt).localeCompare(b.originalDueAt ?? b.dueAt));
    const card = this.deps.renderDigest!({
      count: claimed.length,
      dueFrom: format(byDue[0]),
      dueTo: format(byDue[byDue.length - 1]),
      items: byDue.map((t) => ({ summary: summaries.get(t.id) ?? summaryOf(t), ref: t.entity.ref ?? t.entity.type, due: format(t) })),
    });
    const resolution = await this.resolve(first, pass);
    if (!resolution.ok) {
      for (const timer of claimed) this.count(pass, await this.undeliverable(timer, now, resolution.reason));
      return;
    }
    // The digest travels on the first timer (its progress and lease); the others follow its outcome.
    const outcome = await this.sendTo(first, resolution.destinations, { card, text: `${claimed.length} reminders fell due while the bot was unavailable.` }, now, true, pass);
    this.count(pass, outcome);
    if (outcome !== 'sent') {
      // Not delivered as a digest: release the rest so they are looked at again on their own.
      for (const timer of claimed.slice(1)) await this.save(timer, { ...unleased(timer), dueAt: now.toISOString() });
      return;
    }
    pass.result.digests += 1;
    const sent = await this.deps.store.read<Timer>(TIMERS, first.tenantId, first.id);
    if (sent) await this.save(sent, { ...sent, digest: true });
    for (const timer of claimed.slice(1)) {
      const saved = await this.save(timer, {
        ...unleased(timer),
        status: 'sent',
        sentAt: this.deps.clock.now().toISOString(),
        activityId: sent?.activityId,
        deliveredTo: sent?.deliveredTo,
        late: true,
        digest: true,
        heldBy: undefined,
      });
      if (saved) pass.result.sent += 1;
    }
    await this.deps.log.append(this.actor(first.tenantId), first.tenantId, {
      action: 'reminder.digest',
      entity: { type: 'conversation', id: targetKey(first.target) },
      before: `${claimed.length} overdue`,
      after: `sent together as one digest (${claimed.map((t) => t.entity.ref ?? t.entity.id).join(', ')})`.slice(0, 500),
    });
  }

  /** Where a target goes, resolved once per tick. */
  private resolve(timer: Timer, pass: Pass): Promise<Resolution> {
    const key = `${timer.tenantId}|${targetKey(timer.target)}`;
    let resolution = pass.resolutions.get(key);
    if (!resolution) {
      resolution = resolveDestinations(this.deps.conversations, timer.tenantId, timer.target);
      pass.resolutions.set(key, resolution);
    }
    return resolution;
  }

  /**
   * One log entry per tenant per tick for what was sent (the timers keep each send's activity id),
   * so delivery does not queue on the log's single chain. Failures are logged one by one.
   */
  private async logSent(pass: Pass): Promise<void> {
    for (const [tenantId, lines] of pass.sent) {
      await this.deps.log.append(this.actor(tenantId), tenantId, {
        action: 'reminders.sent',
        entity: { type: 'reminders', id: tenantId },
        after: `${lines.length} sent: ${lines.join('; ')}`.slice(0, 4000),
      });
    }
  }

  // ---- time ----

  private isLate(timer: Timer, now: Date): boolean {
    return now.getTime() - new Date(timer.originalDueAt ?? timer.dueAt).getTime() > this.lateAfterMs;
  }

  /** Outside [earliestHour, latestHour) local time nothing is sent; nor on a non-working day unless REMINDER_NON_WORKING_DAYS=send. */
  isQuiet(instant: Date): boolean {
    const hour = this.deps.time.hourOf(instant);
    return hour < this.options.settings.earliestHour || hour >= this.options.settings.latestHour || !this.sendsOn(this.deps.time.dateOf(instant));
  }

  /** The next local send hour after an instant (today's if it is still ahead, else the next day's), on a day reminders go out. */
  nextSendInstant(instant: Date): Date {
    let day = this.deps.time.dateOf(instant);
    if (this.sendsOn(day) && this.deps.time.instantAt(day, this.options.settings.sendHour).getTime() > instant.getTime()) return this.deps.time.instantAt(day, this.options.settings.sendHour);
    do day = addDays(day, 1);
    while (!this.sendsOn(day));
    return this.deps.time.instantAt(day, this.options.settings.sendHour);
  }

  private sendsOn(date: string): boolean {
    return this.options.settings.nonWorkingDays === 'send' || this.calendar.isWorkingDay(date);
  }

  private actor(tenantId: string): Actor {
    return { ...SYSTEM_ACTOR, tenantId };
  }
}

/** A timer without its lease fields. */
function unleased(timer: Stored<Timer>): Stored<Timer> {
  const copy = { ...timer };
  delete copy.leaseOwner;
  delete copy.leaseUntil;
  return copy;
}

function rotate<T>(items: T[], by: number): T[] {
  if (!items.length) return items;
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function summaryOf(timer: Timer): string {
  if (timer.content.kind === 'card') {
    const data = timer.content.data;
    const title = typeof data.title === 'string' ? data.title : undefined;
    return timer.content.text ?? title ?? timer.kind;
  }
  if (timer.content.kind === 'message') return timer.content.message.text ?? timer.kind;
  return timer.kind;
}

/** What a reminder says, for telling reminders of one entity apart: the template or the handler. */
function contentKey(timer: Timer): string {
  const content = timer.content;
  if (content.kind === 'card') return `card:${content.template}`;
  if (content.kind === 'handler') return `handler:${content.handler}:${typeof content.data.about === 'string' ? content.data.about : ''}`;
  return `message:${timer.id}`;
}

function describeError(err: unknown): string {
  if (err instanceof DeliveryError && err.failure === 'http') return `Teams answered ${err.status}: ${err.message}`.slice(0, 300);
  if (err instanceof DeliveryError) return err.message.slice(0, 300);
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}
