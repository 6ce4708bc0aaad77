import type { ConversationRecord } from './conversations';

/** A message to post: text, a card, or both; `mentions` names people in a channel post. */
export interface OutboundMessage {
  text?: string;
  card?: Record<string, unknown>;
  mentions?: { aadObjectId: string; name: string }[];
}

/**
 * The port through which services post and update messages proactively. The bot implements
 * it on Teams; tests drive it through a connector stub. Every outbound proactive send goes
 * through one Messenger, so the rate limiter wrapped around it (the reminders engine) serves all.
 */
export interface Messenger {
  send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }>;
  update(conversation: ConversationRecord, activityId: string, message: OutboundMessage): Promise<void>;
}

/**
 * Why a send failed: `http` (the channel answered `status`), `connection` (reset, hang-up,
 * timeout: no answer), `no-activity-id` (accepted without the id that proves it was posted), or
 * `other` (anything else thrown on the way, e.g. a bug or a credential error).
 */
export type DeliveryFailure = 'http' | 'connection' | 'no-activity-id' | 'other';

/** A failed send, with the HTTP status the channel answered (0 when it never answered). */
export class DeliveryError extends Error {
  constructor(message: string, readonly status: number, readonly retryAfterMs?: number, readonly failure: DeliveryFailure = status ? 'http' : 'connection') {
    super(message);
    this.name = 'DeliveryError';
  }

  /** Statuses Teams documents as worth retrying with back-off, and connections that broke. */
  get retryable(): boolean {
    if (this.failure === 'connection') return true;
    return this.failure === 'http' && [412, 429, 502, 503, 504].includes(this.status);
  }

  /** The bot is no longer in the conversation. */
  get botRemoved(): boolean {
    return this.status === 403;
  }
}
