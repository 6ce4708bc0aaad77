import type { ReminderSpec } from '../reminders/port';
import { addDays } from '../time';
import { Recommendation, entityOf } from './recommendation';

export interface VoteSettings {
  voteDays: number;
  voteQuorum: number;
  voteReminderDays: number[];
  /** Local hour the vote closes on its deadline date. */
  closeHour?: number;
  /** The same, as configured (VOTE_CLOSE_HOUR); wins over `closeHour`. */
  voteCloseHour?: number;
}

/** Reminder handler names the bot registers: the close at the deadline and the nudge to each partner. */
export const VOTE_CLOSE_HANDLER = 'vote.close';
export const VOTE_REMIND_HANDLER = 'vote.remind';

/** The local hour a vote closes on its deadline date: as configured, else 17:00. */
export const closeHourOf = (settings: VoteSettings): number => settings.voteCloseHour ?? settings.closeHour ?? 17;

/**
 * The timers of an open vote: the close at the deadline's close hour, and a reminder to each
 * eligible partner `voteReminderDays` before it (none on or before today).
 */
export function voteTimers(rec: Recommendation, today: string, closeHour: number, reminderDays: number[]): ReminderSpec[] {
  const specs: ReminderSpec[] = [];
  const entity = entityOf(rec);
  specs.push({
    tenantId: rec.tenantId,
    entity,
    kind: 'vote-close',
    date: rec.deadline,
    hour: closeHour,
    target: { kind: 'purpose', purpose: 'executive-board' },
    content: { kind: 'handler', handler: VOTE_CLOSE_HANDLER, data: { recommendationId: rec.id } },
    // Closes at the deadline itself, not at the nearest reminder hour.
    job: true,
  });
  for (const days of reminderDays) {
    const date = addDays(rec.deadline, -days);
    if (date <= today) continue;
    for (const voter of rec.eligible) {
      specs.push({
        tenantId: rec.tenantId,
        entity,
        kind: `vote-remind-${days}d`,
        date,
        ahead: true,
        target: { kind: 'person', aadObjectId: voter.aadObjectId, name: voter.name, fallbackPurpose: 'executive-board' },
        content: { kind: 'handler', handler: VOTE_REMIND_HANDLER, data: { recommendationId: rec.id, daysLeft: days } },
      });
    }
  }
  return specs;
}
