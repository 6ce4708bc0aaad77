/** At most `limit` sends in any `windowMs` span. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Teams' documented limits per bot per conversation thread. */
export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];

/** About 50 requests per second per app per tenant. */
export const TEAMS_TENANT_WINDOWS: readonly RateWindow[] = [{ limit: 50, windowMs: 1_000 }];

/** Time for the limiter: real in production, fake in unit tests. */
export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimiterOptions {
  conversationWindows?: readonly RateWindow[];
  tenantWindows?: readonly RateWindow[];
  /**
   * Added to every window: the connector measures when a request arrives, not when we let it
   * go, so a little slack keeps network jitter from turning into a 429.
   */
  marginMs?: number;
}

/** A send: when it finished, or `undefined` while it is still in flight. */
interface Slot {
  grantedAt: number;
  doneAt?: number;
}

/** An in-flight send whose caller never reported back counts as finished this long after it began. */
const IN_FLIGHT_CAP_MS = 60_000;

/**
 * Sends per key. A send counts from the moment it FINISHED (Teams measures arrival, which lies
 * between the two), and while in flight it counts as happening now, so a request that is slow to
 * leave can never let the next burst land inside the same window.
 */
class Ledger {
  private readonly slots = new Map<string, Slot[]>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly longest: number;

  constructor(readonly windows: readonly RateWindow[], private readonly marginMs: number) {
    this.longest = Math.max(0, ...windows.map((w) => w.windowMs + marginMs));
  }

  /** How long until one more send to `key` stays inside every window (0 = now). */
  waitFor(key: string, now: number): number {
    const blocked = this.blockedUntil.get(key) ?? 0;
    if (blocked <= now) this.blockedUntil.delete(key);
    let wait = Math.max(0, blocked - now);
    const slots = this.trim(key, now);
    if (!slots.length) return wait;
    const times = slots.map((slot) => effectiveTime(slot, now)).sort((a, b) => a - b);
    for (const { limit, windowMs } of this.windows) {
      if (times.length < limit) continue;
      const span = windowMs + this.marginMs;
      // The send `limit` places back must have left the window before another may go (once it has,
      // the wait below is 0 or less). Still in flight: look again shortly, when it has probably finished.
      const blocking = times[times.length - limit];
      wait = Math.max(wait, blocking === now && isInFlight(slots, now) ? Math.min(span, 25) : blocking + span - now);
    }
    return wait;
  }

  record(key: string, now: number): Slot {
    const slot: Slot = { grantedAt: now };
    const slots = this.slots.get(key);
    if (slots) slots.push(slot);
    else this.slots.set(key, [slot]);
    return slot;
  }

  block(key: string, until: number): void {
    this.blockedUntil.set(key, Math.max(until, this.blockedUntil.get(key) ?? 0));
  }

  /**
   * Keeps only the sends inside the longest window. An emptied list stays in the map: the caller
   * records a send for the same key once its wait is over, so it is refilled, never left empty.
   */
  private trim(key: string, now: number): Slot[] {
    const slots = this.slots.get(key);
    if (!slots) return [];
    const kept = slots.filter((slot) => effectiveTime(slot, now) > now - this.longest);
    this.slots.set(key, kept);
    return kept;
  }
}

function effectiveTime(slot: Slot, now: number): number {
  if (slot.doneAt !== undefined) return slot.doneAt;
  return Math.min(now, slot.grantedAt + IN_FLIGHT_CAP_MS);
}

function isInFlight(slots: Slot[], now: number): boolean {
  return slots.some((slot) => slot.doneAt === undefined && now - slot.grantedAt <= IN_FLIGHT_CAP_MS);
}

/**
 * Sliding-window limiter for outbound sends: per conversation (Teams' per-thread limits) and per
 * tenant. `acquire` waits until a send fits every window of both, then records it in both at the
 * same instant, so a slot is never held while waiting for the other.
 */
export class RateLimiter {
  private readonly conversations: Ledger;
  private readonly tenants: Ledger;
  /** Total time callers spent waiting, for benchmarks. */
  readonly stats = { acquired: 0, waitedMs: 0 };

  constructor(private readonly time: LimiterTime, options: RateLimiterOptions = {}) {
    const margin = options.marginMs ?? 20;
    this.conversations = new Ledger(options.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS, margin);
    this.tenants = new Ledger(options.tenantWindows ?? TEAMS_TENANT_WINDOWS, margin);
  }

  /**
   * Waits until one more send to this conversation fits every limit and takes the slot. Call the
   * returned function when the request has finished (answered or failed): the send then counts
   * from that moment.
   */
  async acquire(tenantId: string, conversationKey: string): Promise<() => void> {
    const started = this.time.now();
    for (;;) {
      const now = this.time.now();
      const wait = Math.max(this.conversations.waitFor(conversationKey, now), this.tenants.waitFor(tenantId, now));
      if (wait <= 0) {
        const slots = [this.conversations.record(conversationKey, now), this.tenants.record(tenantId, now)];
        this.stats.acquired += 1;
        this.stats.waitedMs += now - started;
        return () => {
          const doneAt = this.time.now();
          for (const slot of slots) slot.doneAt ??= doneAt;
        };
      }
      await this.time.sleep(Math.ceil(wait));
    }
  }

  /** The connector said "slow down" (Retry-After): nothing more goes to this conversation until then. */
  holdConversation(conversationKey: string, ms: number): void {
    this.conversations.block(conversationKey, this.time.now() + ms);
  }

  /**
   * The shortest time `count` sends to distinct conversations of one tenant can take under the
   * tenant windows (the first goes at once): the floor benchmarks compare against.
   */
  static floorMs(count: number, windows: readonly RateWindow[]): number {
    if (count <= 0) return 0;
    return Math.max(0, ...windows.map((w) => Math.floor((count - 1) / w.limit) * w.windowMs));
  }
}
