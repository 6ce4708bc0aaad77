import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import { REC_VERBS } from '../../cards/recommendations/verbs';
import { notFound } from '../../services/errors';
import { DECISION_LABELS, OPTION_LABELS } from '../../services/recommendations/decision-rule';
import type { RecommendationSource } from '../../services/recommendations/intake';
import type { Recommendation, Vote } from '../../services/recommendations/recommendation-service';
import type { AppServices } from '../app-services';
import { CoalescedUpdates } from '../coalesced-updates';
import type { CardAction } from '../feature';
import { clickedId, guarded } from './card-action';
import { recommendationKey } from './vote-cards';
import { RecommendationViews, actionKey } from './views';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The recommend form's Submit, which opens a vote, and the vote card's buttons: vote, refresh,
 * close early, extend and assign an action.
 */
export function voteCardActions(services: AppServices, views: RecommendationViews): CardAction[] {
  const { recommendations: recs, actionItems, publisher, time } = services;
  const { voteCard, ownVoteCard, voteCardsOf, refreshVote, voteForm } = views;
  // The copy everyone reads in a channel: one PUT of it at a time, later clicks share the next.
  const sharedCopies = new CoalescedUpdates();
  const countedText = (vote: Vote, rec: Recommendation): string =>
    `Your ${OPTION_LABELS[vote.option]} on ${rec.ref} was counted at ${time.formatInstant(new Date(vote.changedAt ?? vote.castAt))}; clicking again changes nothing.${rec.status === 'open' ? '' : ` Voting has since closed: ${DECISION_LABELS[rec.status] ?? rec.status}.`}`;

  return [
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
    }, async (turn, data) => views.recommendForm(turn.actor.tenantId, str(data.form) || randomUUID())),
    guarded(REC_VERBS.vote, async (turn, data) => {
      const { outcome, view, vote } = await recs.vote(turn.actor, data.rec, data.option);
      // A repeat (double click, redelivery, also after the close) is answered with what was counted, and when.
      if (outcome === 'unchanged') return countedText(vote, view.rec);
      // A decision already refreshed every copy (the decided hook); a cast or change refreshes the others here.
      const cards = voteCardsOf(view.rec, view);
      if (view.rec.status === 'open') {
        const clicked = clickedId(turn);
        // In a channel or group chat the clicked copy gets the new tally for everyone first (what
        // Teams AI does for an answer with a refresh section), then the clicker's answer replaces it
        // for them alone with their own view: "You voted Approve at 10:02; you can change it until
        // the vote closes". In a personal chat the clicker is its only reader, so the answer alone
        // redraws it: a second write there could land after the answer and hide the voter's choice.
        // Clicks on one copy while its PUT is on its way share the next PUT, drawn from the state
        // then (so it holds each of their votes); each click is answered once that PUT is done.
        if (clicked && turn.inChannel) {
          try {
            await sharedCopies.run(`${turn.actor.tenantId}|${turn.conversation.id}|${clicked}`, async (joined) => {
              const card = joined ? await voteCardsOf(view.rec).forEveryone() : await cards.forEveryone();
              await turn.context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: clicked });
            });
          } catch {
            await refreshVote(view.rec); // the publisher updates (or gives up on) every copy, the clicked one included
            return cards.ownView(turn.actor.aadObjectId);
          }
        }
        await refreshVote(view.rec, clicked);
      }
      return cards.ownView(turn.actor.aadObjectId);
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
        await publisher.postToPerson(action.tenantId, actionKey(action.id), action.owner, () => views.actionCard(action), 'executive-board', `${turn.actor.name} assigned you ${action.ref} from ${rec.ref}.`);
        await refreshVote(rec, clickedId(turn));
      }
      return voteCard(rec, turn.actor.aadObjectId);
    }, voteForm, 'Assign an action'),
  ];
}
