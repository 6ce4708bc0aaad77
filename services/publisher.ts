import type { CardPosts } from './card-posts';
import { ChannelPurpose, ConversationRecord, Conversations } from './conversations';
import type { Actor } from './directory/roles';
import { SYSTEM_ACTOR } from './log/audit-log';
import type { Logger } from './logger';
import { DeliveryError, Messenger, OutboundMessage } from './messaging';

/** Renders an entity's card, for everyone (viewer undefined) or for one person's own copy. */
export type CardRenderer = (viewerAadObjectId: string | undefined) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Loads one entity of a kind and gives its card's renderer (undefined when it no longer exists). */
export type EntityCardLoader = (tenantId: string, id: string) => Promise<CardRenderer | undefined>;

/**
 * Posts an entity's card where it belongs (purpose channels, personal chats, a person named in a
 * channel) and remembers every copy, so that after any action every copy is updated in place.
 * Built only on ports (Messenger, Conversations, CardPosts): no Teams here.
 */
export class Publisher {
  private readonly pendingRefresh = new Map<string, { load: () => Promise<CardRenderer | undefined>; except?: string }>();
  private readonly runningRefresh = new Map<string, Promise<void>>();
  private readonly loaders = new Map<string, EntityCardLoader>();

  constructor(
    private readonly messenger: Messenger,
    private readonly conversations: Conversations,
    private readonly cardPosts: CardPosts,
    private readonly logger: Logger,
  ) {}

  /** Posts to one conversation and records the copy. Returns the activity id, or undefined if it could not be delivered. */
  async postTo(tenantId: string, entityKey: string, conversation: ConversationRecord, message: OutboundMessage, viewer?: string): Promise<string | undefined> {
    if (!conversation.active) return undefined;
    try {
      const { activityId } = await this.messenger.send(conversation, message);
      if (activityId) await this.cardPosts.record(tenantId, entityKey, { conversationKey: conversation.id, activityId, ...(viewer ? { viewerAadObjectId: viewer } : {}) });
      return activityId;
    } catch (err) {
      await this.handleFailure(tenantId, conversation, err);
      return undefined;
    }
  }

  /** Posts to every active channel named for a purpose. Returns how many copies went out. */
  async postToPurpose(tenantId: string, entityKey: string, purpose: ChannelPurpose, message: OutboundMessage): Promise<number> {
    let sent = 0;
    for (const channel of await this.conversations.forPurpose(tenantId, purpose)) {
      if (await this.postTo(tenantId, entityKey, channel, message)) sent += 1;
    }
    return sent;
  }

  /**
   * Sends to a person: their personal chat if they have the bot installed; otherwise the
   * fallback purpose channel with the person @mentioned. Returns where it went, if anywhere.
   */
  async postToPerson(
    tenantId: string,
    entityKey: string,
    person: { aadObjectId: string; name: string },
    render: CardRenderer,
    fallbackPurpose?: ChannelPurpose,
    text?: string,
  ): Promise<'personal' | 'channel' | undefined> {
    const chat = await this.conversations.personalChat(tenantId, person.aadObjectId);
    if (chat && (await this.postTo(tenantId, entityKey, chat, { card: await render(person.aadObjectId), ...(text ? { text } : {}) }, person.aadObjectId)))
      return 'personal';
    if (!fallbackPurpose) return undefined;
    const sent = await this.postToPurpose(tenantId, entityKey, fallbackPurpose, { card: await render(undefined), mentions: [person], ...(text ? { text } : {}) });
    return sent > 0 ? 'channel' : undefined;
  }

  /** Records a card sent as a reply within a turn, so later actions update it too. */
  async recordReply(tenantId: string, entityKey: string, conversationKey: string, activityId: string, viewer?: string): Promise<void> {
    await this.cardPosts.record(tenantId, entityKey, { conversationKey, activityId, ...(viewer ? { viewerAadObjectId: viewer } : {}) });
  }

  /**
   * Updates every recorded copy of an entity's card in place (personal copies rendered for their
   * viewer). Skips `exceptActivityId` (the copy the invoke response already replaces). Failures
   * are logged and never stop the other copies.
   */
  async refreshAll(tenantId: string, entityKey: string, render: CardRenderer, exceptActivityId?: string): Promise<number> {
    let updated = 0;
    for (const post of await this.cardPosts.list(tenantId, entityKey)) {
      if (post.activityId === exceptActivityId) continue;
      const conversation = await this.conversations.get(tenantId, post.conversationKey);
      if (!conversation?.active) continue;
      try {
        await this.messenger.update(conversation, post.activityId, { card: await render(post.viewerAadObjectId) });
        updated += 1;
      } catch (err) {
        await this.handleFailure(tenantId, conversation, err);
      }
    }
    return updated;
  }

  /**
   * Updates every other copy of an entity's card after the turn has answered, so a click never
   * waits for the rate-limited updates (Teams gives an invoke 10-15 s). Refreshes coalesce: at
   * most one round runs per entity, and a click that comes in meanwhile makes one more round,
   * which loads the state afresh (`load`) and updates every copy, the clicked one included, so
   * no copy is left showing an older tally. Failures are logged; `idle()` waits for all rounds.
   */
  refreshSoon(tenantId: string, entityKey: string, load: () => Promise<CardRenderer | undefined>, exceptActivityId?: string): void {
    const key = `${tenantId}|${entityKey}`;
    const coalesced = this.pendingRefresh.has(key) || this.runningRefresh.has(key);
    this.pendingRefresh.set(key, { load, except: coalesced ? undefined : exceptActivityId });
    if (!this.runningRefresh.has(key)) this.runningRefresh.set(key, this.drainRefreshes(tenantId, entityKey, key));
  }

  /**
   * A feature says how its kind of entity's card is drawn (entity keys `<kind>:<id>`), so that a
   * change elsewhere can have that card's copies redrawn (`refreshEntity`) without knowing how.
   */
  registerCard(kind: string, load: EntityCardLoader): void {
    this.loaders.set(kind, load);
  }

  /** Redraws every posted copy of `<kind>:<id>` soon (as `refreshSoon`), from its state then; nothing for a kind nobody registered. */
  refreshEntity(tenantId: string, kind: string, id: string): void {
    const load = this.loaders.get(kind);
    if (load) this.refreshSoon(tenantId, `${kind}:${id}`, () => load(tenantId, id));
  }

  /** Resolves when no card refresh is queued or running (tests; graceful shutdown). */
  async idle(): Promise<void> {
    while (this.runningRefresh.size) await Promise.all([...this.runningRefresh.values()]);
  }

  private async drainRefreshes(tenantId: string, entityKey: string, key: string): Promise<void> {
    await Promise.resolve();
    try {
      for (let next = this.pendingRefresh.get(key); next; next = this.pendingRefresh.get(key)) {
        this.pendingRefresh.delete(key);
        try {
          const render = await next.load();
          if (render) await this.refreshAll(tenantId, entityKey, render, next.except);
        } catch (err) {
          this.logger.warn('card refresh failed', { entity: entityKey, error: err instanceof Error ? err.message : String(err) });
        }
      }
    } finally {
      this.runningRefresh.delete(key);
    }
  }

  private async handleFailure(tenantId: string, conversation: ConversationRecord, err: unknown): Promise<void> {
    if (err instanceof DeliveryError && err.botRemoved) {
      const actor: Actor = { ...SYSTEM_ACTOR, tenantId };
      await this.conversations.markInactive(actor, tenantId, conversation.id, 'Teams answered 403: the bot is no longer in this conversation');
      return;
    }
    this.logger.warn('card delivery failed', { conversation: conversation.id, status: err instanceof DeliveryError ? err.status : undefined, error: err instanceof Error ? err.message : String(err) });
  }
}
