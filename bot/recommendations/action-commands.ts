import type { AppServices } from '../app-services';
import type { Command, CommandTurn } from '../feature';
import { replyCard, replyRefusal } from '../replies';
import { RecommendationViews, actionKey } from './views';

/** `actions` (every open one), `my actions` and `action <ref>` (one action's card, kept up to date). */
export function actionCommands(services: AppServices, views: RecommendationViews): Command[] {
  const { actionItems, publisher } = services;
  const replyMine = async (turn: CommandTurn): Promise<void> => {
    await replyCard(turn.context, views.actionList('Your open actions', 'You have no open actions.', await actionItems.mine(turn.actor.tenantId, turn.actor.aadObjectId), turn.actor));
  };
  return [
    {
      name: 'actions',
      description: 'Every open action, by owner',
      run: async (turn) => {
        await replyCard(turn.context, views.actionList('Open actions', 'No open actions.', await actionItems.open(turn.actor.tenantId), turn.actor));
      },
    },
    {
      name: 'my actions',
      description: 'Your open actions',
      featured: true,
      run: replyMine,
    },
    {
      name: 'action',
      usage: 'action <ref>',
      description: 'One action\'s card: mark it done or change its due date',
      run: async (turn) => {
        if (!turn.args.trim()) {
          await replyMine(turn);
          return;
        }
        try {
          const action = await actionItems.find(turn.actor.tenantId, turn.args);
          const activityId = await replyCard(turn.context, views.actionCard(action));
          if (activityId) await publisher.recordReply(action.tenantId, actionKey(action.id), turn.conversation.id, activityId);
        } catch (err) {
          await replyRefusal(turn.context, err);
        }
      },
    },
  ];
}
