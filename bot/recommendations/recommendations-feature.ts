import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import { renderActionCard } from '../../cards/recommendations/action';
import { renderRecommendForm } from '../../cards/recommendations/recommend-form';
import { REC_VERBS } from '../../cards/recommendations/verbs';
import type { AdaptiveCard } from '../../cards/render';
import type { Actor } from '../../services/directory/roles';
import { notFound } from '../../services/errors';
import { DECISION_LABELS, OPTION_LABELS } from '../../services/recommendations/decision-rule';
import type { ActionItem } from '../../services/recommendations/action-service';
import type { RecommendationSource } from '../../services/recommendations/intake';
import type { Recommendation, Vote, VoteView } from '../../services/recommendations/recommendation-service';
import { addDays } from '../../services/time';
import type { AppServices } from '../app-services';
import type { CardAction, Feature, Turn } from '../feature';
import { refusalText, refusedForm, replyCard, replyRefusal } from '../replies';
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
  /**
   * One person's own view, as the answer to their click or refresh: no refresh section, or Teams
   * AI would replace the card for everyone (and every viewer would set off another round of refreshes).
   */
  const ownVoteCard = async (rec: Recommendation, viewer: string, known?: VoteView): Promise<AdaptiveCard> => {
    const { refresh, ...card } = await voteCard(rec, viewer, known);
    void refresh;
    return card;
  };
  const actionCard = (action: ActionItem): AdaptiveCard => renderActionCard(actionCardData(action, today()));

  /** Every other copy is updated after the click is answered, from the state as it is then (publisher.refreshSoon). */
  const refreshVote = (rec: Recommendation, except?: string): Promise<void> => voteCards.refresh(rec, except);
  const refreshAction = async (action: ActionItem, except?: string): Promise<void> =>
    publisher.refreshSoon(action.tenantId, actionKey(action.id), async () => {
      const current = (await actionItems.get(action.tenantId, action.id)) ?? action;
      return () => actionCard(current);
    }, except);

  registerRecommendationReminders(services, actionCard);

  /**
   * A card action whose refusal is answered privately: a form's input refusal with the form again
   * as typed (`form`, the problem beside its field; `within` names the button that opens that form
   * where inputs share ids), any other refusal as a message, the card left as it was.
   */
  const guarded = (
    verb: string,
    run: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | string>,
    form?: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | undefined>,
    within?: string,
  ): CardAction => ({
    verb,
    run: async (turn, data) => {
      try {
        return await run(turn, data);
      } catch (err) {
        return form ? refusedForm(err, data, () => form(turn, data), {}, within) : refusalText(err);
      }
    },
  });
  const recommendForm = async (tenantId: string, formKey: string): Promise<AdaptiveCard> => {
    const partners = (await directory.withRole(tenantId, 'partner')).length;
    return renderRecommendForm({ partners, voteDays: config.domain.voteDays, defaultDeadline: addDays(today(), config.domain.voteDays), minDeadline: addDays(today(), 1), formKey });
  };
  /** The clicked vote card again, as its clicker sees it (for a refused close, extend or assign). */
  const voteForm = async (turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard | undefined> => {
    const rec = await recs.get(turn.actor.tenantId, data.rec);
    return rec ? voteCard(rec, turn.actor.aadObjectId) : undefined;
  };
  const actionForm = async (turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard | undefined> => {
    const action = await actionItems.get(turn.actor.tenantId, data.action);
    return action ? actionCard(action) : undefined;
  };
  const countedText = (vote: Vote, rec: Recommendation): string =>
    `Your ${OPTION_LABELS[vote.option]} on ${rec.ref} was counted at ${time.formatInstant(new Date(vote.changedAt ?? vote.castAt))}; clicking again changes nothing.${rec.status === 'open' ? '' : ` Voting has since closed: ${DECISION_LABELS[rec.status] ?? rec.status}.`}`;
  const clickedId = (turn: Turn): string | undefined => turn.context.activity.replyToId ?? undefined;

  const listRecommendations = (actor: Actor): Promise<AdaptiveCard> => recommendationList(recs, actor, clock.now(), time);
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
          await replyCard(turn.context, await recommendForm(turn.actor.tenantId, randomUUID()));
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
            // In a personal chat the copy is the reader's own (their choice, and everyone's for the chair and Business Team).
            const viewer = turn.inChannel ? undefined : turn.actor.aadObjectId;
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
      }, async (turn, data) => recommendForm(turn.actor.tenantId, str(data.form) || randomUUID())),
      guarded(REC_VERBS.vote, async (turn, data) => {
        const { outcome, view, vote } = await recs.vote(turn.actor, data.rec, data.option);
        // A repeat (double click, redelivery, also after the close) is answered with what was counted, and when.
        if (outcome === 'unchanged') return countedText(vote, view.rec);
        // A decision already refreshed every copy (the decided hook); a cast or change refreshes the others here.
        if (view.rec.status === 'open') {
          const clicked = clickedId(turn);
          // In a channel or group chat the clicked copy gets the new tally for everyone first (what
          // Teams AI does for an answer with a refresh section), then the clicker's answer replaces it
          // for them alone with their own view: "You voted Approve at 10:02; you can change it until
          // the vote closes". In a personal chat the clicker is its only reader, so the answer alone
          // redraws it: a second write there could land after the answer and hide the voter's choice.
          if (clicked && turn.inChannel) {
            try {
              await turn.context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(await voteCard(view.rec, undefined, view))), id: clicked });
            } catch {
              await refreshVote(view.rec); // the publisher updates (or gives up on) every copy, the clicked one included
              return ownVoteCard(view.rec, turn.actor.aadObjectId, view);
            }
          }
          await refreshVote(view.rec, clicked);
        }
        return ownVoteCard(view.rec, turn.actor.aadObjectId, view);
      }),
      guarded(REC_VERBS.view, async (turn, data) => {
        const rec = await recs.get(turn.actor.tenantId, data.rec);
        if (!rec) throw notFound('That recommendation does not exist here.');
        // Teams refreshes for everyone in conversations under 60 people (and for refresh.userIds in
        // larger ones): each sees their own view, with their own choice if they voted.
        return ownVoteCard(rec, turn.actor.aadObjectId);
      }),
      guarded(REC_VERBS.close, async (turn, data) => {
        const rec = await recs.closeEarly(turn.actor, data.rec, data.reason, data.v);
        return voteCard(rec, turn.actor.aadObjectId);
      }, voteForm, 'Close early'),
      guarded(REC_VERBS.extend, async (turn, data) => {
        const rec = await recs.extend(turn.actor, data.rec, data.deadline, data.reason, data.v);
        return voteCard(rec, turn.actor.aadObjectId);
      }, voteForm, 'Extend'),
      guarded(REC_VERBS.assign, async (turn, data) => {
        const { action, created } = await actionItems.assign(turn.actor, data.rec, { owner: data.owner, organisation: data.organisation, due: data.due, description: data.description });
        const rec = (await recs.get(turn.actor.tenantId, action.recommendationId))!;
        if (created) {
          await publisher.postToPerson(action.tenantId, actionKey(action.id), action.owner, () => actionCard(action), 'executive-board', `${turn.actor.name} assigned you ${action.ref} from ${rec.ref}.`);
          await refreshVote(rec, clickedId(turn));
        }
        return voteCard(rec, turn.actor.aadObjectId);
      }, voteForm, 'Assign an action'),
      guarded(REC_VERBS.done, async (turn, data) => {
        const action = await actionItems.complete(turn.actor, data.action, data.evidence, data.v);
        await refreshAction(action, clickedId(turn));
        const rec = await recs.get(action.tenantId, action.recommendationId);
        if (rec) await refreshVote(rec);
        return actionCard(action);
      }, actionForm, 'Mark done'),
      guarded(REC_VERBS.changeDue, async (turn, data) => {
        const action = await actionItems.changeDue(turn.actor, data.action, data.due, data.reason, data.v);
        await refreshAction(action, clickedId(turn));
        const rec = await recs.get(action.tenantId, action.recommendationId);
        if (rec) await refreshVote(rec);
        return actionCard(action);
      }, actionForm, 'Update due date'),
    ],
  };
}

