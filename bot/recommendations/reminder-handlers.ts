import type { AdaptiveCard } from '../../cards/render';
import { ACTION_OVERDUE_HANDLER, ACTION_REMIND_HANDLER, ActionItem } from '../../services/recommendations/action-service';
import { SYSTEM_FOR, VOTE_CLOSE_HANDLER, VOTE_REMIND_HANDLER } from '../../services/recommendations/recommendation-service';
import { formatDate } from '../../services/time';
import type { AppServices } from '../app-services';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The timers of votes and actions: the vote closes at its deadline, partners yet to vote are
 * reminded, action owners are reminded before the due date and told once it has passed.
 */
export function registerRecommendationReminders(services: AppServices, actionCard: (action: ActionItem) => AdaptiveCard): void {
  const { recommendations: recs, actionItems, voteCards, reminders, time } = services;
  reminders.registerHandler(VOTE_CLOSE_HANDLER, async (timer) => {
    await recs.closeAtDeadline(timer.tenantId, str(timer.content.kind === 'handler' ? timer.content.data.recommendationId : ''));
    return undefined; // the decided event posts the outcome
  });
  reminders.registerHandler(VOTE_REMIND_HANDLER, async (timer) => {
    if (timer.content.kind !== 'handler' || timer.target.kind !== 'person') return undefined;
    const rec = await recs.records.voteReminderDue(timer.tenantId, timer.content.data.recommendationId, timer.target.aadObjectId);
    if (!rec) return undefined;
    return { text: `Reminder: you have not voted on ${rec.ref} yet; voting closes ${time.formatInstant(new Date(rec.closesAt))}.`, card: await voteCards.card(rec) };
  });
  reminders.registerHandler(ACTION_REMIND_HANDLER, async (timer) => {
    if (timer.content.kind !== 'handler') return undefined;
    const action = await actionItems.get(timer.tenantId, timer.content.data.actionId);
    if (!action || action.status !== 'open') return undefined;
    return { text: `Reminder: ${action.ref} is due on ${formatDate(action.due)}.`, card: actionCard(action) };
  });
  reminders.registerHandler(ACTION_OVERDUE_HANDLER, async (timer) => {
    if (timer.content.kind !== 'handler') return undefined;
    const action = await actionItems.overdueReminder(SYSTEM_FOR(timer.tenantId), timer.tenantId, str(timer.content.data.actionId));
    return action ? { text: `${action.ref} is overdue: it was due on ${formatDate(action.due)}. Mark it done or give it a new date.`, card: actionCard(action) } : undefined;
  });
}
