import type { Conversations } from '../services/conversations';
import { SYSTEM_ACTOR } from '../services/log/audit-log';

/**
 * In a Teams channel every reply carries its thread in the conversation id
 * (`19:abc@thread.tacv2;messageid=1712345678901`). The bot keeps one record per channel: the id
 * without the thread, so naming a channel from inside a thread names the channel, and posts go to
 * the channel as new conversations. Replies within a turn still answer in the thread they came from.
 */
const THREAD = /;messageid=[^;]*$/;

export const isThreadId = (conversationId: string): boolean => THREAD.test(conversationId);

/** The channel a conversation id belongs to (the id itself when it names no thread). */
export const channelConversationId = (conversationId: string): string => conversationId.replace(THREAD, '');

/** A conversation reference aimed at the channel rather than at one thread in it. */
export function channelReference<T extends { conversation?: { id?: string } }>(reference: T): T {
  const id = reference.conversation?.id;
  return id && isThreadId(id) ? { ...reference, conversation: { ...reference.conversation, id: channelConversationId(id) } } : reference;
}

/**
 * The channel's name as people know it: Teams sends it in the channel data, but leaves it out
 * for General (whose channel id is the team's id).
 */
export function channelName(channelData: { team?: { id?: string; name?: string }; channel?: { id?: string; name?: string } }, fallback?: string): string {
  const { team, channel } = channelData;
  if (channel?.name) return channel.name;
  if (channel?.id && team?.id && channel.id === team.id) return 'General';
  return fallback ?? 'General';
}

/**
 * Start-up repair of records stored before threads were folded into their channel: each thread
 * record is merged into its channel's record (purposes and pause kept) and removed. Returns how many.
 */
export async function mergeThreadRecords(conversations: Conversations, tenantId: string): Promise<number> {
  let merged = 0;
  for (const record of await conversations.list(tenantId)) {
    if (!isThreadId(record.conversationId)) continue;
    await conversations.absorb({ ...SYSTEM_ACTOR, tenantId }, record, {
      conversationId: channelConversationId(record.conversationId),
      kind: 'channel',
      name: record.name,
      teamName: record.teamName,
      reference: channelReference(record.reference as { conversation?: { id?: string } }),
    });
    merged += 1;
  }
  return merged;
}
