import { randomUUID } from 'node:crypto';
import type { AppServices } from '../app-services';
import type { Command } from '../feature';
import { replyCard, replyRefusal } from '../replies';
import { recommendationKey } from './vote-cards';
import type { RecommendationViews } from './views';

/** `recommend` (the form), `recommendations` (the list) and `recommendation <ref>` (one vote card, kept up to date). */
export function recommendationCommands(services: AppServices, views: RecommendationViews): Command[] {
  const { recommendations: recs, publisher } = services;
  return [
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
        await replyCard(turn.context, await views.recommendForm(turn.actor.tenantId, randomUUID()));
      },
    },
    {
      name: 'recommendations',
      description: 'Open votes and recent decisions',
      run: async (turn) => {
        await replyCard(turn.context, await views.recommendationList(turn.actor));
      },
    },
    {
      name: 'recommendation',
      usage: 'recommendation <ref>',
      description: 'One recommendation\'s vote card (kept up to date)',
      run: async (turn) => {
        if (!turn.args.trim()) {
          await replyCard(turn.context, await views.recommendationList(turn.actor));
          return;
        }
        try {
          const rec = await recs.find(turn.actor.tenantId, turn.args);
          // In a personal chat the copy is the reader's own (their choice, and everyone's for the chair and Business Team).
          const viewer = turn.inChannel ? undefined : turn.actor.aadObjectId;
          const activityId = await replyCard(turn.context, await views.voteCard(rec, viewer));
          if (activityId) await publisher.recordReply(rec.tenantId, recommendationKey(rec.id), turn.conversation.id, activityId, viewer);
        } catch (err) {
          await replyRefusal(turn.context, err);
        }
      },
    },
  ];
}
