import { CHANNEL_PURPOSES, ChannelPurpose, ConversationRecord, Conversations } from '../conversations';
import type { ReminderTarget } from './port';

/** One place a message goes: the conversation, and whom to @mention there. */
export interface Destination {
  conversation: ConversationRecord;
  mentions?: { aadObjectId: string; name: string }[];
}

/** Where a target resolves to right now, or why it resolves nowhere. */
export type Resolution = { ok: true; destinations: Destination[] } | { ok: false; reason: string };

/**
 * Resolves a person or a purpose to conversations at send time: a person's personal chat if
 * they have the bot installed, otherwise the fallback purpose channels with the person named.
 * The same rule as Publisher.postToPerson (services/publisher.ts), so a card and a reminder for a
 * person go to the same place; like the publisher, a personal chat that answers 403 falls back
 * to the channel (the scheduler re-resolves once the chat is marked inactive).
 */
export async function resolveDestinations(conversations: Conversations, tenantId: string, target: ReminderTarget): Promise<Resolution> {
  switch (target.kind) {
    case 'conversation': {
      const conversation = await conversations.get(tenantId, target.conversationKey);
      if (!conversation) return { ok: false, reason: 'the conversation is not known to the bot' };
      if (!conversation.active) return { ok: false, reason: `the bot is no longer in the conversation (${conversation.inactiveReason ?? 'removed'})` };
      return { ok: true, destinations: [{ conversation }] };
    }
    case 'purpose':
      return forPurpose(conversations, tenantId, target.purpose);
    case 'person': {
      const chat = await conversations.personalChat(tenantId, target.aadObjectId);
      if (chat) return { ok: true, destinations: [{ conversation: chat }] };
      if (!target.fallbackPurpose) return { ok: false, reason: `${target.name} has not installed the bot and no fallback channel was given` };
      const channels = await forPurpose(conversations, tenantId, target.fallbackPurpose);
      if (!channels.ok) return { ok: false, reason: `${target.name} has not installed the bot and ${channels.reason}` };
      const mention = { aadObjectId: target.aadObjectId, name: target.name };
      return { ok: true, destinations: channels.destinations.map((d) => ({ ...d, mentions: [mention] })) };
    }
  }
}

async function forPurpose(conversations: Conversations, tenantId: string, purpose: ChannelPurpose): Promise<Resolution> {
  const channels = await conversations.forPurpose(tenantId, purpose);
  if (!channels.length) return { ok: false, reason: `no active channel is named for the ${CHANNEL_PURPOSES[purpose]}` };
  return { ok: true, destinations: channels.map((conversation) => ({ conversation })) };
}
