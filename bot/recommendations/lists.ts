import { EntityRow, renderEntityList } from '../../cards/entity-list';
import { NEAR_DAYS, deadlineColour } from '../../cards/deadline-colour';
import type { AdaptiveCard } from '../../cards/render';
import type { Actor } from '../../services/directory/roles';
import type { ActionItem } from '../../services/recommendations/action-service';
import { DECISION_LABELS, Decision, OPTION_LABELS, explainDecision } from '../../services/recommendations/decision-rule';
import type { RecommendationRecords } from '../../services/recommendations/recommendation-records';
import { voteDaysLeft } from '../../services/recommendations/recommendation';
import { CalendarTime, daysBetween, formatDate } from '../../services/time';

/** The `recommendations` list: open votes first (with whether the viewer still has to vote), then the latest decisions; each row opens its card. */
export async function recommendationList(records: Pick<RecommendationRecords, 'list' | 'view'>, actor: Actor, now: Date, time: CalendarTime): Promise<AdaptiveCard> {
  const all = await records.list(actor.tenantId);
  const recent = all.filter((r) => r.status === 'open').concat(all.filter((r) => r.status !== 'open').slice(-10).reverse());
  const rows = await Promise.all(
    recent.map(async (r) => {
      const view = await records.view(r);
      const eligible = r.eligible.some((v) => v.aadObjectId === actor.aadObjectId);
      const mine = view.votes.find((v) => v.voter.aadObjectId === actor.aadObjectId);
      const open = r.status === 'open';
      return {
        ref: r.ref,
        name: r.title,
        line: open
          ? `Voting until ${formatDate(r.deadline)}; ${view.voted.length} of ${r.eligible.length} partners have voted`
          : `${DECISION_LABELS[r.status as Decision] ?? r.status}: ${explainDecision(r.status as Decision, r.eligible.length, view.tally, r.quorum)}`,
        lineColor: deadlineColour({ daysLeft: open ? voteDaysLeft(r, now, time) : 0, nearDays: NEAR_DAYS.vote, finished: !open }, 'Default', 'Default'),
        todo: open && eligible ? (mine ? `You voted ${OPTION_LABELS[mine.option]}; you can change it until the vote closes` : 'You have not voted yet') : '',
        color: (open && eligible && !mine ? 'Warning' : 'Default') as EntityRow['color'],
        command: `recommendation ${r.ref}`,
      };
    }),
  );
  return renderEntityList({
    title: all.length ? `Recommendations (${rows.length})` : 'Recommendations',
    intro: all.length ? 'Open votes first, then the latest decisions.' : '',
    emptyText: 'None yet. Type recommend to put one to the Executive Board.',
    rows,
  });
}

/** The `actions` and `my actions` lists: soonest due first, overdue ones in red; each row opens the action's card. */
export function actionList(title: string, emptyText: string, list: ActionItem[], viewer: Actor, today: string): AdaptiveCard {
  const rows: EntityRow[] = [...list]
    .sort((a, b) => a.due.localeCompare(b.due) || a.ref.localeCompare(b.ref, undefined, { numeric: true }))
    .map((a) => {
      const overdue = a.due < today;
      const mine = a.owner.aadObjectId === viewer.aadObjectId;
      return {
        ref: a.ref,
        name: a.description,
        line: `${a.owner.name} (${a.organisation}), due ${formatDate(a.due)}`,
        lineColor: deadlineColour({ daysLeft: daysBetween(today, a.due), nearDays: NEAR_DAYS.weeks, finished: a.status !== 'open' }, 'Default', 'Default'),
        todo: overdue ? `Overdue since ${formatDate(a.due)}${mine ? ': yours to mark done or move' : ''}` : mine ? 'Yours: mark it done with evidence when it is' : '',
        color: overdue ? 'Attention' : 'Default',
        command: `action ${a.ref}`,
      };
    });
  return renderEntityList({ title: `${title} (${rows.length})`, intro: '', emptyText, rows });
}
