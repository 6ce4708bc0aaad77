import type { Role } from '../directory/roles';
import type { LogEntry } from '../log/audit-log';

/**
 * Executive Board votes are private to the chair and the Business Team: everyone sees the counts
 * and who has and has not voted; each partner's choice is seen by the chair, the Business Team
 * and that partner. The log and its CSV export follow the same rule, so a lay member (who reads
 * the log for independent scrutiny) sees that a vote was cast or changed, not which way.
 */
export const VOTE_CHOICE_READERS: readonly Role[] = ['chair', 'business'];

/** What a reader without the right sees in place of a choice in the log. */
export const PRIVATE_CHOICE = 'private (the chair and Business Team see each choice)';

const VOTE_ACTIONS: ReadonlySet<string> = new Set(['vote.cast', 'vote.changed']);

/** Whether someone with these roles sees every voter's choice. */
export function seesEveryChoice(roles: readonly string[]): boolean {
  return VOTE_CHOICE_READERS.some((r) => roles.includes(r));
}

/** Whether `viewer` (roles and object id) sees the choice `voter` made: their own, or everyone's for the chair and Business Team. */
export function seesChoiceOf(viewer: { aadObjectId: string; roles: readonly string[] }, voterId: string): boolean {
  return viewer.aadObjectId === voterId || seesEveryChoice(viewer.roles);
}

/** A log entry as this reader may see it: a vote's choice replaced by {@link PRIVATE_CHOICE} unless they see every choice. */
export function logEntryFor(readerRoles: readonly string[], entry: LogEntry): LogEntry {
  if (!VOTE_ACTIONS.has(entry.action) || seesEveryChoice(readerRoles)) return entry;
  const { before, after, ...rest } = entry;
  return { ...rest, ...(before !== undefined ? { before: PRIVATE_CHOICE } : {}), ...(after !== undefined ? { after: PRIVATE_CHOICE } : {}) };
}
