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

/** Send timestamps per key, trimmed to the longest window. */
class Ledger {
  private readonly sent = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly longest: number;

  constructor(readonly windows: readonly RateWindow[], private readonly marginMs: number) {
    this.longest = Math.max(0, ...windows.map((w) => w.windowMs + marginMs));
  }

  /** How long until one more send to `key` stays inside every window (0 = now). */
  waitFor(key: string, now: number): number {
    let wait = Math.max(0, (this.blockedUntil.get(key) ?? 0) - now);
    const times = this.trim(key, now);
    for (const { limit, windowMs } of this.windows) {
      const span = windowMs + this.marginMs;
      // The send `limit` places back must have left the window before another may go.
      if (times.length >= limit) wait = Math.max(wait, times[times.length - limit] + span - now);
    }
    return wait;
  }

  record(key: string, now: number): void {
    const times = this.sent.get(key);
    if (times) times.push(now);
    else this.sent.set(key, [now]);
  }

  block(key: string, until: number): void {
    this.blockedUntil.set(key, Math.max(until, this.blockedUntil.get(key) ?? 0));
  }

  private trim(key: string, now: number): number[] {
    const times = this.sent.get(key);
    if (!times) return [];
    let drop = 0;
    while (drop < times.length && times[drop] <= now - this.longest) drop += 1;
    if (drop) times.splice(0, drop);
    if (!times.length) this.sent.delete(key);
    const blocked = this.blockedUntil.get(key);
    if (blocked !== undefined && blocked <= now) this.blockedUntil.delete(key);
    return times;
  }
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

  /** Waits until one more send to this conversation fits every limit, and takes the slot. */
  async acquire(tenantId: string, conversationKey: string): Promise<void> {
    const started = this.time.now();
    for (;;) {
      const now = this.time.now();
      const wait = Math.max(this.conversations.waitFor(conversationKey, now), this.tenants.waitFor(tenantId, now));
      if (wait <= 0) {
        this.conversations.record(conversationKey, now);
        this.tenants.record(tenantId, now);
        this.stats.acquired += 1;
        this.stats.waitedMs += now - started;
        return;
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
