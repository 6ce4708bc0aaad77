import type { ChannelPurpose } from '../conversations';
import type { Actor } from '../directory/roles';
import type { OutboundMessage } from '../messaging';

/** Who a reminder is for. A person gets it in their personal chat, or named in a channel. */
export type ReminderTarget =
  | { kind: 'conversation'; conversationKey: string }
  | { kind: 'purpose'; purpose: ChannelPurpose }
  | { kind: 'person'; aadObjectId: string; name: string; fallbackPurpose?: ChannelPurpose };

/** What a reminder sends: a named card template with its data, or a handler that decides when it is due. */
export type ReminderContent =
  | { kind: 'card'; template: string; data: Record<string, unknown>; text?: string }
  /** A registered handler builds the message (or does the work, e.g. closing a vote) at delivery time. */
  | { kind: 'handler'; handler: string; data: Record<string, unknown> }
  /**
   * A notice a domain job produced, kept as rendered so it survives pauses, quiet hours and
   * restarts; `data` is the job's, so code reading `content.data` works on every kind.
   */
  | { kind: 'message'; message: OutboundMessage; data: Record<string, unknown> };

export interface ReminderSpec {
  tenantId: string;
  /** The entity the reminder belongs to; cancelling by entity cancels all its reminders. */
  entity: { type: string; id: string; ref?: string };
  /** What kind of reminder, e.g. `deadline-7d`; with entity, target and date it makes the id. */
  kind: string;
  /** The Europe/London calendar date it is due. */
  date: string;
  /** Local hour; defaults to the configured send hour (09:00). */
  hour?: number;
  target: ReminderTarget;
  content: ReminderContent;
  /**
   * A domain job, not a reminder: a change of state that falls due (closing a vote, recording a
   * breach). Its `handler` runs at the exact local `hour` (not kept inside the reminder hours),
   * whatever the quiet hours and channel pauses, once across instances; it must be idempotent
   * (run twice, it changes nothing and still returns its notice). The message it returns goes
   * to `target` as an ordinary reminder (the notice), held by pauses and quiet hours, never lost.
   */
  job?: boolean;
  /**
   * A reminder ahead of a deadline ("2 days before the vote closes"): when its date is a weekend
   * or bank holiday and REMINDER_NON_WORKING_DAYS is next-working-day, it comes on the working
   * day before instead of after, so it never arrives later than it promised (unless that day has
   * passed, then the next working day).
   */
  ahead?: boolean;
}

/**
 * `done`: a handler ran and had nothing to send. `undeliverable`: nowhere to send it (bot removed,
 * no channel named for the purpose). `failed`: the channel kept refusing after bounded attempts.
 */
export type TimerStatus = 'pending' | 'sent' | 'done' | 'cancelled' | 'undeliverable' | 'failed';

/** A durable timer as stored. */
export interface Timer extends ReminderSpec {
  id: string;
  /**
   * UTC instant, ISO string: the next moment the scheduler looks at the timer. The scheduler
   * moves it forward while it holds a lease, holds the timer (paused channel, quiet hours) or
   * waits to retry, so the due query never reads timers that are not actually due.
   */
  dueAt: string;
  status: TimerStatus;
  /**
   * `dueAt` while the timer is pending, absent otherwise: the due query's index, so timers
   * already sent, cancelled or failed drop out of it instead of being scanned on every tick.
   * Set by `indexedTimer()` on every write.
   */
  pendingDueAt?: string;
  createdAt: string;
  /** The instant it was first due, kept once the scheduler has moved `dueAt`. */
  originalDueAt?: string;
  /** The scheduler instance holding the timer, until `leaseUntil`; an expired lease is claimed again. */
  leaseOwner?: string;
  leaseUntil?: string;
  /** Delivery attempts so far (each claim counts one). */
  attempts?: number;
  /** Conversation key → activity id of each copy sent, so a retry or a fan-out resumes without repeats. */
  deliveredTo?: Record<string, string>;
  /** Why the timer is waiting (paused channel, quiet hours, retry back-off). */
  heldBy?: 'paused' | 'quiet' | 'retry';
  sentAt?: string;
  /** The first copy's activity id. */
  activityId?: string;
  /** Sent well after it was due (the bot was down, or it waited for the send hour). */
  late?: boolean;
  /** Sent as part of a digest card rather than on its own. */
  digest?: boolean;
  /** The last failure, for people reading the timer. */
  lastError?: string;
  /** A job's notice: the id of the reminder timer that carries the message it produced. */
  noticeId?: string;
  /** Late and superseded: a later reminder for the same entity, target and content went instead. */
  collapsedInto?: string;
}

/** Handlers run when a `handler` reminder falls due; they return what to send, if anything. */
export type ReminderHandler = (timer: Timer) => Promise<OutboundMessage | undefined>;

/** How services schedule, cancel and read reminders. Implemented by the reminders engine. */
export interface Reminders {
  /** Idempotent: the same entity, kind, target and date make the same id; scheduling twice is a no-op. */
  schedule(actor: Actor, spec: ReminderSpec): Promise<Timer>;
  /** Cancels an entity's pending reminders (all, or those whose kind starts with `kindPrefix`). Returns how many. */
  cancel(actor: Actor, tenantId: string, entityId: string, kindPrefix?: string): Promise<number>;
  /** Pending reminders for an entity, soonest first. */
  pendingFor(tenantId: string, entityId: string): Promise<Timer[]>;
  registerHandler(name: string, handler: ReminderHandler): void;
}

/**
 * The timer as it must be written: `pendingDueAt` follows `dueAt` while pending and is removed
 * when the status moves on. Every write of a timer (create, replace, update) goes through this.
 */
export function indexedTimer<T extends Timer>(timer: T): T {
  const { pendingDueAt, ...rest } = timer;
  void pendingDueAt;
  return (timer.status === 'pending' ? { ...rest, pendingDueAt: timer.dueAt } : rest) as T;
}
