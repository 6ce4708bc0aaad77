import type { Clock } from '../clock';
import { CHANNEL_PURPOSES, ConversationRecord, Conversations, conversationKey, conversationName } from '../conversations';
import { reminderLabel } from './labels';
import { Actor, hasRole } from '../directory/roles';
import { forbidden } from '../errors';
import { CONTAINERS } from '../store/containers';
import { Store, Stored, updateWithRetry } from '../store/port';
import type { CalendarTime } from '../time';
import { indexedTimer, Timer } from './port';

/** One upcoming reminder as people see it. */
export interface UpcomingReminder {
  id: string;
  /** Local date-time it goes out. */
  when: string;
  /** The kind, in words ("deadline 7d"). */
  what: string;
  /** The entity's short reference ("D-4"). */
  about: string;
  /** Where it goes ("this channel", "Megan Bowen", "the Executive Board channel"). */
  where: string;
  /** Why it stands where it does (held, retrying, late, undeliverable and the reason); empty when simply upcoming. */
  why: string;
}

/** Undeliverable reminders stay listed in `reminders all` this long after they were given up. */
const UNDELIVERABLE_LISTED_MS = 30 * 24 * 60 * 60_000;

export interface UpcomingList {
  items: UpcomingReminder[];
  /** How many more are pending beyond `items`. */
  more: number;
}

/**
 * What people ask of the reminders engine: what is coming up (for me, for this channel, or
 * everything for the Business Team), and pausing or resuming a conversation's reminders.
 */
export class ReminderDesk {
  constructor(
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
  ) {}

  /** Reminders for the person asking (sent to them personally or with them named). */
  async forPerson(actor: Actor, limit = 15): Promise<UpcomingList> {
    const timers = await this.pending(actor.tenantId, [
      { field: 'target.kind', op: '=', value: 'person' },
      { field: 'target.aadObjectId', op: '=', value: actor.aadObjectId },
    ]);
    return this.present(timers, limit);
  }

  /** Reminders that go to this conversation: addressed to it, or to a purpose it serves. */
  async forConversation(actor: Actor, threadOrConversationId: string, limit = 15): Promise<UpcomingList> {
    const conversationId = await this.channelOf(actor.tenantId, threadOrConversationId);
    const conversation = await this.conversations.get(actor.tenantId, conversationKey(conversationId));
    const direct = await this.pending(actor.tenantId, [{ field: 'target.conversationKey', op: '=', value: conversationKey(conversationId) }]);
    const purposes = conversation?.purposes ?? [];
    const byPurpose = purposes.length
      ? await this.pending(actor.tenantId, [
          { field: 'target.kind', op: '=', value: 'purpose' },
          { field: 'target.purpose', op: 'in', value: purposes },
        ])
      : [];
    return this.present([...direct, ...byPurpose], limit, conversation);
  }

  /** Every pending reminder: the Business Team only. */
  async all(actor: Actor, limit = 25): Promise<UpcomingList> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'list every reminder');
    const since = new Date(this.clock.now().getTime() - UNDELIVERABLE_LISTED_MS).toISOString();
    const givenUp = await this.store.query<Timer>(CONTAINERS.timers.name, {
      partitionKey: actor.tenantId,
      where: [
        { field: 'status', op: 'in', value: ['undeliverable', 'failed'] },
        { field: 'sentAt', op: '>=', value: since },
      ],
      orderBy: [{ field: 'sentAt', direction: 'desc' }],
    });
    return this.present([...givenUp, ...(await this.pending(actor.tenantId, []))], limit);
  }

  /**
   * Counts for an operator's alert (`/healthz`): reminders given up in the last 30 days, and
   * pending ones first due more than `overdueAfterMs` ago that no pause or quiet hours explain.
   */
  async health(tenantId: string, overdueAfterMs = 30 * 60_000): Promise<{ undeliverable: number; overdue: number }> {
    const now = this.clock.now().getTime();
    const since = new Date(now - UNDELIVERABLE_LISTED_MS).toISOString();
    const givenUp = await this.store.query<Timer>(CONTAINERS.timers.name, {
      partitionKey: tenantId,
      where: [
        { field: 'status', op: 'in', value: ['undeliverable', 'failed'] },
        { field: 'sentAt', op: '>=', value: since },
      ],
    });
    const overdue = (await this.pending(tenantId, [])).filter(
      (t) => t.heldBy !== 'paused' && t.heldBy !== 'quiet' && now - new Date(t.originalDueAt ?? t.dueAt).getTime() > overdueAfterMs,
    );
    return { undeliverable: givenUp.length, overdue: overdue.length };
  }

  /** Holds this conversation's reminders (they wait; none is dropped). Logged by Conversations. */
  async pause(actor: Actor, conversationId: string): Promise<ConversationRecord> {
    return this.conversations.setPaused(actor, await this.channelOf(actor.tenantId, conversationId), true);
  }

  /** Releases this conversation's reminders; those held while paused fall due at once. */
  async resume(actor: Actor, conversationId: string): Promise<{ conversation: ConversationRecord; released: number }> {
    const conversation = await this.conversations.setPaused(actor, await this.channelOf(actor.tenantId, conversationId), false);
    const held = await this.pending(actor.tenantId, [{ field: 'heldBy', op: '=', value: 'paused' }]);
    const now = this.clock.now().toISOString();
    let released = 0;
    for (const timer of held) {
      await updateWithRetry<Timer>(this.store, CONTAINERS.timers.name, actor.tenantId, timer.id, (current) => {
        if (!current || current.status !== 'pending' || current.heldBy !== 'paused' || current.leaseOwner) return undefined;
        released += 1;
        return indexedTimer({ ...current, dueAt: now, heldBy: undefined });
      });
    }
    return { conversation, released };
  }

  /**
   * A reply in a channel thread arrives as `<channel id>;messageid=<root post>`; reminders belong
   * to the channel itself, when the bot knows it.
   */
  private async channelOf(tenantId: string, conversationId: string): Promise<string> {
    const [channelId] = conversationId.split(';messageid=');
    if (channelId === conversationId) return conversationId;
    return (await this.conversations.byConversationId(tenantId, channelId)) ? channelId : conversationId;
  }

  private async pending(tenantId: string, where: { field: string; op: '=' | 'in'; value: unknown }[]): Promise<Stored<Timer>[]> {
    return this.store.query<Timer>(CONTAINERS.timers.name, {
      partitionKey: tenantId,
      where: [{ field: 'status', op: '=', value: 'pending' }, ...where],
      orderBy: [{ field: 'dueAt', direction: 'asc' }],
    });
  }

  private async present(timers: Timer[], limit: number, here?: ConversationRecord): Promise<UpcomingList> {
    const rank = (t: Timer) => (t.status === 'pending' ? 1 : 0);
    const unique = [...new Map(timers.map((t) => [t.id, t])).values()].sort((a, b) => rank(a) - rank(b) || a.dueAt.localeCompare(b.dueAt));
    const now = this.clock.now();
    // Each chat or channel a reminder goes to is named ("Warwickshire Safeguarding / Executive Board"), never "a conversation".
    const names = new Map<string, string>();
    for (const t of unique.slice(0, limit))
      if (t.target.kind === 'conversation' && !names.has(t.target.conversationKey)) {
        const c = await this.conversations.get(t.tenantId, t.target.conversationKey);
        names.set(t.target.conversationKey, c ? conversationName(c) : 'a chat or channel the bot no longer knows');
      }
    return {
      items: unique.slice(0, limit).map((t) => ({
        id: t.id,
        when: this.time.formatInstant(new Date(t.dueAt)),
        what: reminderLabel(t.kind),
        about: t.entity.ref ?? `${t.entity.type} ${t.entity.id}`,
        where: where(t, here, names),
        why: this.why(t, now),
      })),
      more: Math.max(0, unique.length - limit),
    };
  }

  private why(t: Timer, now: Date): string {
    const wasDue = this.time.formatInstant(new Date(t.originalDueAt ?? t.dueAt));
    if (t.status !== 'pending') return `Undeliverable (due ${wasDue}): ${t.lastError ?? 'no reason recorded'}`;
    if (t.leaseOwner && t.leaseUntil && t.leaseUntil > now.toISOString()) return 'Being sent now.';
    if (t.heldBy === 'paused') return `Held: the channel is paused (due ${wasDue}).`;
    if (t.heldBy === 'quiet') return `Held until the allowed hours (due ${wasDue}).`;
    if (t.heldBy === 'retry') return `Teams refused it; retrying (attempt ${t.attempts ?? 1}, due ${wasDue}): ${t.lastError ?? ''}`.trim();
    if (t.dueAt <= now.toISOString()) return `Overdue since ${wasDue}: not yet sent.`;
    return '';
  }
}

function where(timer: Timer, here: ConversationRecord | undefined, names: Map<string, string>): string {
  const target = timer.target;
  switch (target.kind) {
    case 'conversation':
      if (here && target.conversationKey === here.id) return here.kind === 'channel' ? 'this channel' : 'this chat';
      return names.get(target.conversationKey) ?? 'a chat or channel the bot no longer knows';
    case 'purpose':
      return `the ${CHANNEL_PURPOSES[target.purpose]} channel`;
    case 'person':
      return `${target.name}'s chat`;
  }
}
