import type { AdaptiveCard } from '../../cards/render';
import type { CardAction, Turn } from '../feature';
import { refusalText, refusedForm } from '../replies';

/**
 * A card action whose refusal is answered privately: a form's input refusal with the form again
 * as typed (`form`, the problem beside its field; `within` names the button that opens that form
 * where inputs share ids), any other refusal as a message, the card left as it was.
 */
export const guarded = (
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

/** The activity id of the card that was clicked, where Teams gives it. */
export const clickedId = (turn: Turn): string | undefined => turn.context.activity.replyToId ?? undefined;
