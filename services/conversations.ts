import { createHash } from 'node:crypto';
import type { Clock } from './clock';
import { forbidden, invalid, notFound } from './errors';
import { AuditLog } from './log/audit-log';
import { Actor, hasRole } from './directory/roles';
import { CONTAINERS } from './store/containers';
import { Store, updateWithRetry } from './store/port';

/** What a channel is for; features post to the channel named for their purpose. */
export const CHANNEL_PURPOSES = {
  'executive-board': 'Safeguarding Executive Board',
  'children-partnership': "Children's Partnership Group",
  'adults-partnership': "Adults' Partnership Group",
  'business-team': 'Business Team',
  'safeguarding-reviews': 'Safeguarding Reviews Subgroup',
} as const;
export type ChannelPurpose = keyof typeof CHANNEL_PURPOSES;

export function isChannelPurpose(value: unknown): value is ChannelPurpose {
  return typeof value === 'string' && value in CHANNEL_PURPOSES;
}

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

/**
 * Where the bot is installed. `reference` is the channel's conversation reference, kept opaque
 * here (services know nothing of Teams) and handed back to the bot for proactive sends.
 */
export interface ConversationRecord {
  id: string;
  tenantId: string;
  conversationId: string;
  kind: ConversationKind;
  name?: string;
  teamName?: string;
  /** For a personal chat: whose it is. */
  userAadObjectId?: string;
  reference: Record<string, unknown>;
  active: boolean;
  /** Set when Teams says the bot is no longer in the conversation (uninstall, 403). */
  inactiveReason?: string;
  purposes: ChannelPurpose[];
  /** Reminders held back by `reminders pause`. */
  paused?: boolean;
  installedAt: string;
  updatedAt: string;
}

/**
 * A reference without what changes on every turn (the activity id, the sender): comparing these
 * keeps a busy channel's record from being rewritten, and contended, on every click.
 */
const stableReference = (reference: Record<string, unknown>): string => JSON.stringify({ ...reference, activityId: undefined, user: undefined });

export const conversationKey = (conversationId: string): string =>
  createHash('sha256').update(conversationId).digest('hex').slice(0, 32);

/** Conversation references for proactive messages, and which channel serves which purpose. */
export class Conversations {
  constructor(private readonly store: Store, private readonly log: AuditLog, private readonly clock: Clock) {}

  /** Records (or refreshes) where the bot is installed; a new install is logged. */
  async remember(
    actor: Actor,
    info: Pick<ConversationRecord, 'conversationId' | 'kind' | 'name' | 'teamName' | 'userAadObjectId' | 'reference'>,
  ): Promise<ConversationRecord> {
    const tenantId = actor.tenantId;
    const id = conversationKey(info.conversationId);
    let isNew = false;
    let reactivated = false;
    const now = this.clock.now().toISOString();
    const saved = await updateWithRetry<ConversationRecord>(this.store, CONTAINERS.conversations.name, tenantId, id, (current) => {
      isNew = !current;
      reactivated = !!current && !current.active;
      if (current && current.active && stableReference(current.reference) === stableReference(info.reference) && current.name === info.name)
        return undefined;
      return {
        ...(current ?? { purposes: [], installedAt: now }),
        id,
        tenantId,
        ...info,
        active: true,
        inactiveReason: undefined,
        updatedAt: now,
      };
    });
    if (isNew || reactivated) {
      await this.log.append(actor, tenantId, {
        action: isNew ? 'conversation.installed' : 'conversation.reinstalled',
        entity: { type: 'conversation', id, ref: conversationName(saved!) },
        after: 'active',
      });
    }
    return saved!;
  }

  async get(tenantId: string, id: string): Promise<ConversationRecord | undefined> {
    return this.store.read<ConversationRecord>(CONTAINERS.conversations.name, tenantId, id);
  }

  async byConversationId(tenantId: string, conversationId: string): Promise<ConversationRecord | undefined> {
    return this.get(tenantId, conversationKey(conversationId));
  }

  /** The personal chat with a person, if they have the bot installed. */
  async personalChat(tenantId: string, aadObjectId: string): Promise<ConversationRecord | undefined> {
    const [chat] = await this.store.query<ConversationRecord>(CONTAINERS.conversations.name, {
      partitionKey: tenantId,
      where: [
        { field: 'kind', op: '=', value: 'personal' },
        { field: 'userAadObjectId', op: '=', value: aadObjectId },
        { field: 'active', op: '=', value: true },
      ],
      limit: 1,
    });
    return chat;
  }

  /** The active personal chats of some people (one query, whatever their number). */
  async personalChats(tenantId: string, aadObjectIds: string[]): Promise<ConversationRecord[]> {
    if (!aadObjectIds.length) return [];
    return this.store.query<ConversationRecord>(CONTAINERS.conversations.name, {
      partitionKey: tenantId,
      where: [
        { field: 'kind', op: '=', value: 'personal' },
        { field: 'userAadObjectId', op: 'in', value: aadObjectIds },
        { field: 'active', op: '=', value: true },
      ],
    });
  }

  /** Active channels named for a purpose. */
  async forPurpose(tenantId: string, purpose: ChannelPurpose): Promise<ConversationRecord[]> {
    const all = await this.store.query<ConversationRecord>(CONTAINERS.conversations.name, {
      partitionKey: tenantId,
      where: [{ field: 'active', op: '=', value: true }],
    });
    return all.filter((c) => c.purposes.includes(purpose));
  }

  async list(tenantId: string): Promise<ConversationRecord[]> {
    return this.store.query<ConversationRecord>(CONTAINERS.conversations.name, { partitionKey: tenantId });
  }

  /** The bot was removed (uninstall event or a 403 on send): keep the record, stop sending. */
  async markInactive(actor: Actor, tenantId: string, id: string, reason: string): Promise<void> {
    let changed = false;
    const saved = await updateWithRetry<ConversationRecord>(this.store, CONTAINERS.conversations.name, tenantId, id, (current) => {
      if (!current || !current.active) return undefined;
      changed = true;
      return { ...current, active: false, inactiveReason: reason, updatedAt: this.clock.now().toISOString() };
    });
    if (changed && saved)
      await this.log.append(actor, tenantId, {
        action: 'conversation.inactive',
        entity: { type: 'conversation', id, ref: conversationName(saved) },
        before: 'active',
        after: `inactive: ${reason}`,
      });
  }

  /** Names (or un-names) this channel for a purpose. Business Team only. */
  async setPurpose(actor: Actor, conversationId: string, purpose: string, on: boolean): Promise<ConversationRecord> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'name the partnership channels');
    if (!isChannelPurpose(purpose))
      throw invalid(`"${purpose}" is not a channel purpose. Use one of: ${Object.keys(CHANNEL_PURPOSES).join(', ')}.`, 'purpose');
    const id = conversationKey(conversationId);
    const before = await this.get(actor.tenantId, id);
    if (!before) throw notFound('The bot has no record of this conversation yet; send it a message first.');
    const saved = await updateWithRetry<ConversationRecord>(this.store, CONTAINERS.conversations.name, actor.tenantId, id, (current) => {
      if (!current) return undefined;
      const purposes = on ? [...new Set([...current.purposes, purpose])] : current.purposes.filter((p) => p !== purpose);
      return { ...current, purposes, updatedAt: this.clock.now().toISOString() };
    });
    await this.log.append(actor, actor.tenantId, {
      action: on ? 'channel.named' : 'channel.unnamed',
      entity: { type: 'conversation', id, ref: conversationName(saved!) },
      before: before.purposes.join(', ') || 'none',
      after: saved!.purposes.join(', ') || 'none',
    });
    return saved!;
  }

  /**
   * Folds a record that should never have been its own (a reply thread stored as a channel) into
   * the record of the conversation it belongs to: the purposes and the pause carry over, the
   * stray record is removed, and the change is logged. Returns the record kept.
   */
  async absorb(actor: Actor, stray: ConversationRecord, into: Pick<ConversationRecord, 'conversationId' | 'kind' | 'name' | 'teamName' | 'reference'>): Promise<ConversationRecord> {
    const tenantId = stray.tenantId;
    const id = conversationKey(into.conversationId);
    const now = this.clock.now().toISOString();
    const saved = await updateWithRetry<ConversationRecord>(this.store, CONTAINERS.conversations.name, tenantId, id, (current) => {
      const base: ConversationRecord = current ?? { ...into, id, tenantId, active: stray.active, purposes: [], installedAt: stray.installedAt, updatedAt: now };
      return {
        ...base,
        name: base.name ?? into.name,
        teamName: base.teamName ?? into.teamName,
        purposes: [...new Set([...base.purposes, ...stray.purposes])],
        ...(base.paused || stray.paused ? { paused: true } : {}),
        active: base.active || stray.active,
        updatedAt: now,
      };
    });
    await this.store.delete(CONTAINERS.conversations.name, tenantId, stray.id);
    await this.log.append(actor, tenantId, {
      action: 'conversation.merged',
      entity: { type: 'conversation', id, ref: conversationName(saved!) },
      before: `a separate record for a reply thread (${stray.purposes.join(', ') || 'no purpose'})`,
      after: saved!.purposes.join(', ') || 'none',
    });
    return saved!;
  }

  /** Holds or releases reminders for a conversation (logged). */
  async setPaused(actor: Actor, conversationId: string, paused: boolean): Promise<ConversationRecord> {
    if (!hasRole(actor, 'business', 'chair')) throw forbidden(['business', 'chair'], `${paused ? 'pause' : 'resume'} reminders`);
    const id = conversationKey(conversationId);
    const before = await this.get(actor.tenantId, id);
    if (!before) throw notFound('The bot has no record of this conversation yet; send it a message first.');
    if (!!before.paused === paused) throw invalid(`Reminders here are already ${paused ? 'paused' : 'running'}.`);
    const saved = await updateWithRetry<ConversationRecord>(this.store, CONTAINERS.conversations.name, actor.tenantId, id, (current) =>
      current ? { ...current, paused, updatedAt: this.clock.now().toISOString() } : undefined,
    );
    await this.log.append(actor, actor.tenantId, {
      action: paused ? 'reminders.paused' : 'reminders.resumed',
      entity: { type: 'conversation', id, ref: conversationName(saved!) },
      before: before.paused ? 'paused' : 'running',
      after: paused ? 'paused' : 'running',
    });
    return saved!;
  }
}

/** How people name a conversation in a message: "Team / Channel", a group chat's name, or a personal chat. */
export function conversationName(c: Pick<ConversationRecord, 'kind' | 'name' | 'teamName'>): string {
  if (c.kind === 'channel') return `${c.teamName ?? 'team'} / ${c.name ?? 'channel'}`;
  if (c.kind === 'groupChat') return c.name ?? 'group chat';
  return `personal chat${c.name ? ` with ${c.name}` : ''}`;
}
