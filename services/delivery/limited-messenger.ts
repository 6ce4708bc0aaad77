import type { ConversationRecord } from '../conversations';
import type { Logger } from '../logger';
import { DeliveryError, Messenger, OutboundMessage } from '../messaging';
import type { LimiterTime, RateLimiter } from './rate-limiter';

export interface RetryOptions {
  /** Attempts per send, the first included. */
  maxAttempts?: number;
  /** First back-off; doubles each retry, with jitter, capped at `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/**
 * The one Messenger every proactive send goes through: each send and update waits for the rate
 * limiter (per conversation and per tenant), and 429, 412, 502, 503, 504 or no answer at all are
 * retried with exponential back-off and jitter, honouring Retry-After, a bounded number of times.
 * Anything else (403 included) is thrown at once for the caller to record.
 */
export class LimitedMessenger implements Messenger {
  readonly stats = { sends: 0, updates: 0, retries: 0, throttled: 0, gaveUp: 0 };
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(
    private readonly inner: Messenger,
    private readonly limiter: RateLimiter,
    private readonly time: LimiterTime,
    private readonly logger: Logger,
    options: RetryOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  async send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }> {
    const result = await this.run(conversation, () => this.inner.send(conversation, message));
    this.stats.sends += 1;
    return result;
  }

  async update(conversation: ConversationRecord, activityId: string, message: OutboundMessage): Promise<void> {
    await this.run(conversation, () => this.inner.update(conversation, activityId, message));
    this.stats.updates += 1;
  }

  private async run<T>(conversation: ConversationRecord, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const finished = await this.limiter.acquire(conversation.tenantId, conversation.id);
      try {
        const result = await operation();
        finished();
        return result;
      } catch (err) {
        finished();
        if (!(err instanceof DeliveryError) || !err.retryable) throw err;
        if (err.status === 429) this.stats.throttled += 1;
        if (err.retryAfterMs) this.limiter.holdConversation(conversation.id, err.retryAfterMs);
        // A long Retry-After is not slept through here (a caller holds a lease or an invoke is
        // waiting): the caller gets the error and retries later, e.g. the scheduler reschedules the timer.
        if (attempt >= this.maxAttempts || (err.retryAfterMs ?? 0) > this.maxDelayMs) {
          this.stats.gaveUp += 1;
          throw err;
        }
        const backoff = Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxDelayMs) * (0.5 + this.random());
        const delay = Math.max(backoff, err.retryAfterMs ?? 0);
        this.stats.retries += 1;
        this.logger.debug('send retried', { conversation: conversation.id, status: err.status, attempt, delayMs: Math.round(delay) });
        await this.time.sleep(delay);
      }
    }
  }
}
