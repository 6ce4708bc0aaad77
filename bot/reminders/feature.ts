import { renderNotice } from '../../cards/notice';
import { renderUpcoming } from '../../cards/reminders/upcoming';
import { conversationName } from '../../services/conversations';
import { hasRole } from '../../services/directory/roles';
import type { UpcomingList } from '../../services/reminders/reminder-desk';
import type { AppServices } from '../app-services';
import type { CommandTurn, Feature } from '../feature';
import { replyCard, replyRefusal } from '../replies';

/** `reminders`, `reminders all`, `reminders pause`, `reminders resume`. */
export function remindersFeature(services: AppServices): Feature {
  const desk = services.reminderDesk;

  const show = async (turn: CommandTurn, title: string, list: UpcomingList, emptyText: string) => {
    await replyCard(
      turn.context,
      renderUpcoming({
        title,
        paused: turn.inChannel && !!turn.conversation.paused,
        canPause: turn.inChannel && hasRole(turn.actor, 'business', 'chair'),
        emptyText,
        items: list.items,
        more: list.more,
      }),
    );
  };

  return {
    title: 'Reminders',
    commands: [
      {
        name: 'reminders',
        description: 'What is coming up: for you in a personal chat, for this channel in a channel',
        run: async (turn) => {
          if (turn.inChannel)
            await show(turn, `Coming up in ${conversationName(turn.conversation)}`, await desk.forConversation(turn.actor, turn.conversation.conversationId), 'Nothing is scheduled here.');
          else await show(turn, 'Your upcoming reminders', await desk.forPerson(turn.actor), 'Nothing is coming up for you.');
        },
      },
      {
        name: 'reminders all',
        description: 'Every upcoming reminder (Business Team)',
        run: async (turn) => {
          try {
            await show(turn, 'All upcoming reminders', await desk.all(turn.actor), 'Nothing is scheduled.');
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'reminders pause',
        description: 'Hold reminders in this conversation; they wait, none is lost (Business Team or chair)',
        run: async (turn) => {
          try {
            const saved = await desk.pause(turn.actor, turn.conversation.conversationId);
            await replyCard(turn.context, renderNotice({ title: 'Reminders paused', text: `Reminders for ${conversationName(saved)} will wait until someone types **reminders resume** here.`, tone: 'good' }));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'reminders resume',
        description: 'Send reminders here again, including those that waited (Business Team or chair)',
        run: async (turn) => {
          try {
            const { conversation, released } = await desk.resume(turn.actor, turn.conversation.conversationId);
            await replyCard(
              turn.context,
              renderNotice({
                title: 'Reminders resumed',
                text: `Reminders for ${conversationName(conversation)} go out again.${released ? ` ${released} that waited will be sent shortly (between the allowed hours).` : ''}`,
                tone: 'good',
              }),
            );
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [],
  };
}
