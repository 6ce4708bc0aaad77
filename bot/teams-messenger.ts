import { Activity, CardFactory, CloudAdapter, MessageFactory, TurnContext } from 'botbuilder';
import type { ConversationRecord } from '../services/conversations';
import { DeliveryError, Messenger, OutboundMessage } from '../services/messaging';

/** Builds the Teams activity for a message: text with @mentions, and the card as an attachment. */
export function toActivity(message: OutboundMessage): Partial<Activity> {
  const mentions = message.mentions ?? [];
  const mentionText = mentions.map((m) => `<at>${escapeAt(m.name)}</at>`).join(', ');
  const text = [mentionText, message.text].filter(Boolean).join(' ');
  const activity: Partial<Activity> = message.card
    ? MessageFactory.attachment(CardFactory.adaptiveCard(message.card), text || undefined)
    : MessageFactory.text(text);
  if (mentions.length)
    activity.entities = mentions.map((m) => ({
      type: 'mention',
      text: `<at>${escapeAt(m.name)}</at>`,
      mentioned: { id: m.aadObjectId, name: m.name },
    }));
  return activity;
}

function escapeAt(name: string): string {
  return name.replace(/[<>]/g, '');
}

/** Proactive posts and updates through the Bot Framework connector, with failures typed by HTTP status. */
export class TeamsMessenger implements Messenger {
  constructor(private readonly adapter: CloudAdapter, private readonly botAppId: string) {}

  async send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }> {
    let activityId = '';
    await this.run(conversation, async (context) => {
      const response = await context.sendActivity(toActivity(message));
      activityId = response?.id ?? '';
    });
    // Only the id Teams returned proves the message was posted (and lets it be updated later).
    if (!activityId) throw new DeliveryError('Teams accepted the message but returned no activity id', 0, undefined, 'no-activity-id');
    return { activityId };
  }

  async update(conversation: ConversationRecord, activityId: string, message: OutboundMessage): Promise<void> {
    await this.run(conversation, async (context) => {
      await context.updateActivity({ ...toActivity(message), id: activityId });
    });
  }

  /**
   * `continueConversationAsync` runs its logic through the adapter's `onTurnError` (Teams AI's
   * `app.error`), which would swallow a failed send and post an apology into the chat. The error
   * is caught inside the logic and carried out, so the caller (the limiter, the scheduler) decides.
   */
  private async run(conversation: ConversationRecord, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let failed = false;
    let failure: unknown;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, conversation.reference, async (context) => {
        withoutBuiltInRetries(context, this.adapter.ConnectorClientKey);
        try {
          await logic(context);
        } catch (err) {
          failed = true;
          failure = err;
        }
      });
    } catch (err) {
      throw toDeliveryError(err);
    }
    if (failed) throw toDeliveryError(failure);
  }
}

/**
 * The connector client's pipeline retries 429 and 5xx up to three times by itself, unseen by our
 * rate limiter. The LimitedMessenger (services/reminders) decides about retries, so every request
 * to Teams passes the limiter: the built-in retry policy is removed from this turn's client. The
 * adapter keeps that client for every proactive send (bot/cached-connectors.ts), so after the
 * first send there is nothing left to remove; turns' own clients are separate and keep theirs.
 */
function withoutBuiltInRetries(context: TurnContext, key: symbol): void {
  const client = context.turnState.get<{ client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } }>(key);
  client?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
}

/** Error codes and messages of a connection that broke or never answered (Node, undici, core-rest-pipeline). */
const CONNECTION_FAILURE = /ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN|UND_ERR|REQUEST_SEND_ERROR|socket hang up|other side closed|timed? ?out|aborted/i;

/** Maps a connector failure to its HTTP status and Retry-After, or to a broken connection. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; cause?: { code?: string; message?: string }; response?: { headers?: { get?: (n: string) => string | undefined } } };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (!status) {
    const clue = [e?.code, e?.message, e?.cause?.code, e?.cause?.message].filter(Boolean).join(' ');
    const failure = CONNECTION_FAILURE.test(clue) ? 'connection' : 'other';
    return new DeliveryError(`${failure === 'connection' ? 'connection failed' : 'send failed'}: ${clue || String(err)}`.slice(0, 300), 0, undefined, failure);
  }
  const retryAfter = e?.response?.headers?.get?.('retry-after');
  let retryAfterMs: number | undefined;
  if (retryAfter) {
    const seconds = Number(retryAfter);
    retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(retryAfter) - Date.now());
  }
  return new DeliveryError(e?.message ?? 'send failed', status, retryAfterMs);
}
