import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { forbidden, invalid, notFound } from './errors';
import { AuditLog, LogInput } from './log/audit-log';
import { Actor, hasRole } from './directory/roles';
import { silentLogger } from './logger';
import { Outbox, OutboxFields, localLogOutbox, withoutOutbox } from './outbox/outbox';
import { CONTAINERS } from './store/containers';
import { Store, Stored, updateWithRetry } from './store/port';

const CONTAINER = CONTAINERS.conversations.name;

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

/**
 * Conversation references for proactive messages, and which channel serves which purpose. Each
 * logged change stages its log entry in the outbox of the same write (services/outbox).
 */
export class Conversations {
  private readonly outbox: Outbox;

  constructor(
    private readonly store: Store,
    log: AuditLog,
    private readonly clock: Clock,
    /** The app's outbox; without one, a local outbox carries the log entries right after each write. */
    outbox?: Outbox,
  ) {
    this.outbox = outbox ?? localLogOutbox(store, clock, log, silentLogger);
  }

  /**
   * Changes one record and stages its log entry (built from the record before and after) in the
   * same write, then carries it out. `change` returns undefined for no change (nothing logged).
   */
  private async change(
    actor: Actor,
    tenantId: string,
    id: string,
    change: (current: ConversationRecord | undefined) => ConversationRecord | undefined,
    entry: (before: ConversationRecord | undefined, after: ConversationRecord) => LogInput | undefined,
    attempts?: number,
  ): Promise<{ saved: ConversationRecord | undefined; changed: boolean }> {
    const key = `${id}.${randomUUID()}`;
    let changed = false;
    const saved = await updateWithRetry<ConversationRecord & OutboxFields>(this.store, CONTAINER, tenantId, id, (current) => {
      const before = current ? stripRecord(current) : undefined;
      const next = change(before);
      changed = next !== undefined;
      if (!next) return undefined;
      const input = entry(before, next);
      return this.outbox.stage(current, next, key, input ? [{ kind: 'log', actor, input }] : []);
    }, attempts);
    if (changed && saved) await this.outbox.deliver(CONTAINER, saved);
    return { saved: saved ? stripRecord(saved) : undefined, changed };
  }

  /** Records (or refreshes) where the bot is installed; a new install is logged. */
  async remember(
    actor: Actor,
    info: Pick<ConversationRecord, 'conversationId' | 'kind' | 'name' | 'teamName' | 'userAadObjectId' | 'reference'>,
  ): Promise<ConversationRecord> {
    const tenantId = actor.tenantId;
    const id = conversationKey(info.conversationId);
    const now = this.clock.now().toISOString();
    // Lost a race (another turn, or instance, wrote the record meanwhile): that write is as fresh
    // as this one, so a busy channel's clicks never queue behind each other's reference refresh.
    let attempt = 0;
    const { saved } = await this.change(
      actor,
      tenantId,
      id,
      (current) => {
        const lostRace = attempt++ > 0;
        if (current && current.active && current.name === info.name && (lostRace || stableReference(current.reference) === stableReference(info.reference)))
          return undefined;
        return { ...(current ?? { purposes: [], installedAt: now }), id, tenantId, ...info, active: true, inactiveReason: undefined, updatedAt: now };
      },
      (before, after) =>
        !before || !before.active ? { action: before ? 'conversation.reinstalled' : 'conversation.installed', entity: { type: 'conversation', id, ref: conversationName(after) }, after: 'active' } : undefined,
      3,
    );
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
    await this.change(
      actor,
      tenantId,
      id,
      (current) => (!current || !current.active ? undefined : { ...current, active: false, inactiveReason: reason, updatedAt: this.clock.now().toISOString() }),
      (_before, after) => ({ action: 'conversation.inactive', entity: { type: 'conversation', id, ref: conversationName(after) }, before: 'active', after: `inactive: ${reason}` }),
    );
  }

  /** Names (or un-names) this channel for a purpose. Business Team only. */
  async setPurpose(actor: Actor, conversationId: string, purpose: string, on: boolean): Promise<ConversationRecord> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'name the partnership channels');
    if (!isChannelPurpose(purpose))
      throw invalid(`"${purpose}" is not a channel purpose. Use one of: ${Object.keys(CHANNEL_PURPOSES).join(', ')}.`, 'purpose');
    const id = conversationKey(conversationId);
    const before = await this.get(actor.tenantId, id);
    if (!before) throw notFound('The bot has no record of this conversation yet; send it a message first.');
    const { saved } = await this.change(
      actor,
      actor.tenantId,
      id,
      (current) => {
        if (!current) return undefined;
        const purposes = on ? [...new Set([...current.purposes, purpose])] : current.purposes.filter((p) => p !== purpose);
        return { ...current, purposes, updatedAt: this.clock.now().toISOString() };
      },
      (_before, after) => ({
        action: on ? 'channel.named' : 'channel.unnamed',
        entity: { type: 'conversation', id, ref: conversationName(after) },
        before: before.purposes.join(', ') || 'none',
        after: after.purposes.join(', ') || 'none',
      }),
    );
    return saved ?? before;
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
    // The kept record's write carries the entry; the stray is removed after it.
    const { saved } = await this.change(
      actor,
      tenantId,
      id,
      (current) => {
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
      },
      (_before, after) => ({
        action: 'conversation.merged',
        entity: { type: 'conversation', id, ref: conversationName(after) },
        before: `a separate record for a reply thread (${stray.purposes.join(', ') || 'no purpose'})`,
        after: after.purposes.join(', ') || 'none',
      }),
    );
    await this.store.delete(CONTAINER, tenantId, stray.id);
    return saved!;
  }

  /** Holds or releases reminders for a conversation (logged). */
  async setPaused(actor: Actor, conversationId: string, paused: boolean): Promise<ConversationRecord> {
    if (!hasRole(actor, 'business', 'chair')) throw forbidden(['business', 'chair'], `${paused ? 'pause' : 'resume'} reminders`);
    const id = conversationKey(conversationId);
    const before = await this.get(actor.tenantId, id);
    if (!before) throw notFound('The bot has no record of this conversation yet; send it a message first.');
    if (!!before.paused === paused) throw invalid(`Reminders here are already ${paused ? 'paused' : 'running'}.`);
    const { saved } = await this.change(
      actor,
      actor.tenantId,
      id,
      (current) => (current ? { ...current, paused, updatedAt: this.clock.now().toISOString() } : undefined),
      () => ({
        action: paused ? 'reminders.paused' : 'reminders.resumed',
        entity: { type: 'conversation', id, ref: conversationName(before) },
        before: before.paused ? 'paused' : 'running',
        after: paused ? 'paused' : 'running',
      }),
    );
    return saved!;
  }
}

export function conversationName(c: Pick<ConversationRecord, 'kind' | 'name' | 'teamName'>): string {
  if (c.kind === 'channel') return `${c.teamName ?? 'team'} / ${c.name ?? 'channel'}`;
  if (c.kind === 'groupChat') return c.name ?? 'group chat';
  return `personal chat${c.name ? ` with ${c.name}` : ''}`;
}

/** The record as callers see it: no ETag, no pending effects. */
function stripRecord(doc: Stored<ConversationRecord> | ConversationRecord): ConversationRecord {
  const { _etag, ...rest } = doc as Stored<ConversationRecord>;
  void _etag;
  return withoutOutbox(rest);
}
