import { randomUUID } from 'node:crypto';
import { renderActionCard } from '../../cards/recommendations/action';
import { renderRecommendForm } from '../../cards/recommendations/recommend-form';
import { REC_VERBS } from '../../cards/recommendations/verbs';
import type { AdaptiveCard } from '../../cards/render';
import type { Actor } from '../../services/directory/roles';
import { canSeeVotesOf } from '../../services/recommendations/recommendation-records';
import { notFound } from '../../services/errors';
import { DECISION_LABELS, OPTION_LABELS } from '../../services/recommendations/decision-rule';
import type { ActionItem } from '../../services/recommendations/action-service';
import type { RecommendationSource } from '../../services/recommendations/intake';
import type { Recommendation, Vote, VoteView } from '../../services/recommendations/recommendation-service';
import { addDays } from '../../services/time';
import type { AppServices } from '../app-services';
import type { CardAction, Feature, Turn } from '../feature';
import { refusalText, replyCard, replyRefusal } from '../replies';
import { actionCardData } from './card-data';
import { actionList as renderActionList, recommendationList } from './lists';
import { registerRecommendationReminders } from './reminder-handlers';
import { recommendationKey } from './vote-cards';

export const actionKey = (id: string): string => `action:${id}`;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Recommend → Executive Board vote → decision → actions, with reminders until each is done. */
export function recommendationsFeature(services: AppServices): Feature {
  const { recommendations: recs, actionItems, voteCards } = services;
  const { publisher, directory, time, clock, config } = services;
  const today = () => time.today(clock);

  /** The vote card, for everyone (no viewer) or for one viewer (their roles decide the view). */
  const voteCard = (rec: Recommendation, viewer?: string, known?: VoteView): Promise<AdaptiveCard> => voteCards.card(rec, viewer, known);
  const actionCard = (action: ActionItem): AdaptiveCard => renderActionCard(actionCardData(action, today()));

  /** Every other copy is updated after the click is answered, from the state as it is then (publisher.refreshSoon). */
  const refreshVote = (rec: Recommendation, except?: string): Promise<void> => voteCards.refresh(rec, except);
  const refreshAction = async (action: ActionItem, except?: string): Promise<void> =>
    publisher.refreshSoon(action.tenantId, actionKey(action.id), async () => {
      const current = (await actionItems.get(action.tenantId, action.id)) ?? action;
      return () => actionCard(current);
    }, except);

  registerRecommendationReminders(services, actionCard);

  /** A card action that answers a refusal privately and leaves the card as it was. */
  const guarded = (verb: string, run: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | string>): CardAction => ({
    verb,
    run: async (turn, data) => {
      try {
        return await run(turn, data);
      } catch (err) {
        return refusalText(err);
      }
    },
  });
  const countedText = (vote: Vote, rec: Recommendation): string =>
    `Your ${OPTION_LABELS[vote.option]} on ${rec.ref} was counted at ${time.formatInstant(new Date(vote.changedAt ?? vote.castAt))}; clicking again changes nothing.${rec.status === 'open' ? '' : ` Voting has since closed: ${DECISION_LABELS[rec.status] ?? rec.status}.`}`;
  const clickedId = (turn: Turn): string | undefined => turn.context.activity.replyToId ?? undefined;
  const viewerOf = (actor: Actor): string | undefined => (canSeeVotesOf(actor) ? actor.aadObjectId : undefined);

  const listRecommendations = (actor: Actor): Promise<AdaptiveCard> => recommendationList(recs, actor);
  const actionList = (title: string, emptyText: string, list: ActionItem[], viewer: Actor): AdaptiveCard => renderActionList(title, emptyText, list, viewer, today());

  return {
    title: 'Recommendations, votes and actions',
    commands: [
      {
        name: 'recommend',
        description: 'Put a recommendation to the Executive Board as a vote',
        featured: true,
        run: async (turn) => {
          try {
            recs.assertCanRecommend(turn.actor);
          } catch (err) {
            await replyRefusal(turn.context, err);
            return;
          }
          const partners = (await directory.withRole(turn.actor.tenantId, 'partner')).length;
          await replyCard(
            turn.context,
            renderRecommendForm({ partners, voteDays: config.domain.voteDays, defaultDeadline: addDays(today(), config.domain.voteDays), minDeadline: addDays(today(), 1), formKey: randomUUID() }),
          );
        },
      },
      {
        name: 'recommendations',
        description: 'Open votes and recent decisions',
        run: async (turn) => {
          await replyCard(turn.context, await listRecommendations(turn.actor));
        },
      },
      {
        name: 'recommendation',
        usage: 'recommendation <ref>',
        description: 'One recommendation\'s vote card (kept up to date)',
        run: async (turn) => {
          if (!turn.args.trim()) {
            await replyCard(turn.context, await listRecommendations(turn.actor));
            return;
          }
          try {
            const rec = await recs.find(turn.actor.tenantId, turn.args);
            const viewer = turn.inChannel ? undefined : viewerOf(turn.actor);
            const activityId = await replyCard(turn.context, await voteCard(rec, viewer));
            if (activityId) await publisher.recordReply(rec.tenantId, recommendationKey(rec.id), turn.conversation.id, activityId, viewer);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'actions',
        description: 'Every open action, by owner',
        run: async (turn) => {
          await replyCard(turn.context, actionList('Open actions', 'No open actions.', await actionItems.open(turn.actor.tenantId), turn.actor));
        },
      },
      {
        name: 'my actions',
        description: 'Your open actions',
        featured: true,
        run: async (turn) => {
          await replyCard(turn.context, actionList('Your open actions', 'You have no open actions.', await actionItems.mine(turn.actor.tenantId, turn.actor.aadObjectId), turn.actor));
        },
      },
      {
        name: 'action',
        usage: 'action <ref>',
        description: 'One action\'s card: mark it done or change its due date',
        run: async (turn) => {
          if (!turn.args.trim()) {
            await replyCard(turn.context, actionList('Your open actions', 'You have no open actions.', await actionItems.mine(turn.actor.tenantId, turn.actor.aadObjectId), turn.actor));
            return;
          }
          try {
            const action = await actionItems.find(turn.actor.tenantId, turn.args);
            const activityId = await replyCard(turn.context, actionCard(action));
            if (activityId) await publisher.recordReply(action.tenantId, actionKey(action.id), turn.conversation.id, activityId);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [
      guarded(REC_VERBS.submit, async (turn, data) => {
        const kind = str(data.sourceKind) as RecommendationSource['kind'];
        const name = str(data.sourceName).trim();
        const { rec, created } = await recs.recommend(
          turn.actor,
          {
            title: str(data.title),
            detail: str(data.detail),
            source: { kind, id: `${kind}:${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name },
            ...(str(data.deadline) ? { votingDeadline: str(data.deadline) } : {}),
          },
          str(data.form) || undefined,
        );
        const clicked = clickedId(turn);
        if (created && clicked) await publisher.recordReply(rec.tenantId, recommendationKey(rec.id), turn.conversation.id, clicked);
        return voteCard(rec);
      }),
      guarded(REC_VERBS.vote, async (turn, data) => {
        const { outcome, view, vote } = await recs.vote(turn.actor, data.rec, data.option);
        // A repeat (double click, redelivery, also after the close) is answered with what was counted, and when.
        if (outcome === 'unchanged') return countedText(vote, view.rec);
        // A decision already refreshed every copy (the decided hook); a cast or change refreshes the others here.
        if (view.rec.status === 'open') await refreshVote(view.rec, clickedId(turn));
        return voteCard(view.rec, undefined, view);
      }),
      guarded(REC_VERBS.view, async (turn, data) => {
        const rec = await recs.get(turn.actor.tenantId, data.rec);
        if (!rec) throw notFound('That recommendation does not exist here.');
        // Teams refreshes for everyone in conversations under 60 people. A refresh answer must
        // carry no refresh section, or Teams AI would replace the card for everyone (and every
        // viewer would set off another round of refreshes).
        const { refresh, ...card } = await voteCard(rec, viewerOf(turn.actor));
        void refresh;
        return card;
      }),
      guarded(REC_VERBS.close, async (turn, data) => {
        const rec = await recs.closeEarly(turn.actor, data.rec, data.reason, data.v);
        return voteCard(rec, turn.actor.aadObjectId);
      }),
      guarded(REC_VERBS.extend, async (turn, data) => {
        const rec = await recs.extend(turn.actor, data.rec, data.deadline, data.reason, data.v);
        return voteCard(rec, turn.actor.aadObjectId);
      }),
      guarded(REC_VERBS.assign, async (turn, data) => {
        const { action, created } = await actionItems.assign(turn.actor, data.rec, { owner: data.owner, organisation: data.organisation, due: data.due, description: data.description });
        const rec = (await recs.get(turn.actor.tenantId, action.recommendationId))!;
        if (created) {
          await publisher.postToPerson(action.tenantId, actionKey(action.id), action.owner, () => actionCard(action), 'executive-board', `${turn.actor.name} assigned you ${action.ref} from ${rec.ref}.`);
          await refreshVote(rec, clickedId(turn));
        }
        return voteCard(rec, turn.actor.aadObjectId);
      }),
      guarded(REC_VERBS.done, async (turn, data) => {
        const action = await actionItems.complete(turn.actor, data.action, data.evidence, data.v);
        await refreshAction(action, clickedId(turn));
        const rec = await recs.get(action.tenantId, action.recommendationId);
        if (rec) await refreshVote(rec);
        return actionCard(action);
      }),
      guarded(REC_VERBS.changeDue, async (turn, data) => {
        const action = await actionItems.changeDue(turn.actor, data.action, data.due, data.reason, data.v);
        await refreshAction(action, clickedId(turn));
        const rec = await recs.get(action.tenantId, action.recommendationId);
        if (rec) await refreshVote(rec);
        return actionCard(action);
      }),
    ],
  };
}

