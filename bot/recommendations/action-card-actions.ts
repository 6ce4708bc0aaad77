import { REC_VERBS } from '../../cards/recommendations/verbs';
import type { AdaptiveCard } from '../../cards/render';
import type { ActionItem } from '../../services/recommendations/action-service';
import type { AppServices } from '../app-services';
import type { CardAction, Turn } from '../feature';
import { clickedId, guarded } from './card-action';
import type { RecommendationViews } from './views';

/** The action card's buttons: mark it done, change its due date; each redraws the action's and its vote's cards. */
export function actionCardActions(services: AppServices, views: RecommendationViews): CardAction[] {
  const { recommendations: recs, actionItems } = services;
  const { actionCard, actionForm, refreshAction, refreshVote } = views;
  /** Every other copy of the action's card, and of the vote card that lists it, from the state as it is now. */
  const refreshAfter = async (turn: Turn, action: ActionItem): Promise<AdaptiveCard> => {
    await refreshAction(action, clickedId(turn));
    const rec = await recs.get(action.tenantId, action.recommendationId);
    if (rec) await refreshVote(rec);
    return actionCard(action);
  };
  return [
    guarded(REC_VERBS.done, async (turn, data) => refreshAfter(turn, await actionItems.complete(turn.actor, data.action, data.evidence, data.v)), actionForm, 'Mark done'),
    guarded(REC_VERBS.changeDue, async (turn, data) => refreshAfter(turn, await actionItems.changeDue(turn.actor, data.action, data.due, data.reason, data.v)), actionForm, 'Update due date'),
  ];
}
