import { renderActionCard } from '../../cards/recommendations/action';
import { renderRecommendForm } from '../../cards/recommendations/recommend-form';
import type { AdaptiveCard } from '../../cards/render';
import type { Actor } from '../../services/directory/roles';
import type { ActionItem } from '../../services/recommendations/action-service';
import type { Recommendation, VoteView } from '../../services/recommendations/recommendation-service';
import { addDays } from '../../services/time';
import type { AppServices } from '../app-services';
import type { Turn } from '../feature';
import { actionCardData } from './card-data';
import { actionList as renderActionList, recommendationList } from './lists';

export const actionKey = (id: string): string => `action:${id}`;

/** What the feature's commands and card actions show: its cards and lists, drawn from the current state, and their refreshes. */
export interface RecommendationViews {
  /** The vote card, for everyone (no viewer) or for one viewer (their roles decide the view). */
  voteCard: (rec: Recommendation, viewer?: string, known?: VoteView) => Promise<AdaptiveCard>;
  /**
   * One person's own view, as the answer to their click or refresh: no refresh section, or Teams
   * AI would replace the card for everyone (and every viewer would set off another round of refreshes).
   */
  ownVoteCard: (rec: Recommendation, viewer: string, known?: VoteView) => Promise<AdaptiveCard>;
  /** Both of a click's cards (the copy for everyone, the clicker's own view) from one read of what they show. */
  voteCardsOf: (rec: Recommendation, known?: VoteView) => { forEveryone: () => Promise<AdaptiveCard>; ownView: (viewer: string) => Promise<AdaptiveCard> };
  actionCard: (action: ActionItem) => AdaptiveCard;
  /** Every other copy is updated after the click is answered, from the state as it is then (publisher.refreshSoon). */
  refreshVote: (rec: Recommendation, except?: string) => Promise<void>;
  refreshAction: (action: ActionItem, except?: string) => Promise<void>;
  recommendForm: (tenantId: string, formKey: string) => Promise<AdaptiveCard>;
  /** The clicked vote card again, as its clicker sees it (for a refused close, extend or assign). */
  voteForm: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | undefined>;
  actionForm: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | undefined>;
  recommendationList: (actor: Actor) => Promise<AdaptiveCard>;
  actionList: (title: string, emptyText: string, list: ActionItem[], viewer: Actor) => AdaptiveCard;
}

export function recommendationViews(services: AppServices): RecommendationViews {
  const { recommendations: recs, actionItems, voteCards, publisher, directory, time, clock, config } = services;
  const today = () => time.today(clock);

  const voteCard = (rec: Recommendation, viewer?: string, known?: VoteView): Promise<AdaptiveCard> => voteCards.card(rec, viewer, known);
  const actionCard = (action: ActionItem): AdaptiveCard => renderActionCard(actionCardData(action, today()));

  const withoutRefresh = ({ refresh, ...card }: AdaptiveCard): AdaptiveCard => {
    void refresh;
    return card;
  };
  const voteCardsOf: RecommendationViews['voteCardsOf'] = (rec, known) => {
    const draw = voteCards.renderer(rec, known);
    return { forEveryone: () => draw(undefined), ownView: async (viewer) => withoutRefresh(await draw(viewer)) };
  };

  return {
    voteCard,
    ownVoteCard: (rec, viewer, known) => voteCardsOf(rec, known).ownView(viewer),
    voteCardsOf,
    actionCard,
    refreshVote: (rec, except) => voteCards.refresh(rec, except),
    refreshAction: async (action, except) =>
      publisher.refreshSoon(action.tenantId, actionKey(action.id), async () => {
        const current = (await actionItems.get(action.tenantId, action.id)) ?? action;
        return () => actionCard(current);
      }, except),
    recommendForm: async (tenantId, formKey) => {
      const partners = (await directory.withRole(tenantId, 'partner')).length;
      return renderRecommendForm({ partners, voteDays: config.domain.voteDays, defaultDeadline: addDays(today(), config.domain.voteDays), minDeadline: addDays(today(), 1), formKey });
    },
    voteForm: async (turn, data) => {
      const rec = await recs.get(turn.actor.tenantId, data.rec);
      return rec ? voteCard(rec, turn.actor.aadObjectId) : undefined;
    },
    actionForm: async (turn, data) => {
      const action = await actionItems.get(turn.actor.tenantId, data.action);
      return action ? actionCard(action) : undefined;
    },
    recommendationList: (actor) => recommendationList(recs, actor, clock.now(), time),
    actionList: (title, emptyText, list, viewer) => renderActionList(title, emptyText, list, viewer, today()),
  };
}
