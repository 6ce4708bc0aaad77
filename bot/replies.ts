import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import { renderNotice } from '../cards/notice';
import { DomainError } from '../services/errors';

/** Sends a card as the reply to this turn. */
export async function replyCard(context: TurnContext, card: AdaptiveCard): Promise<string | undefined> {
  const response = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  return response?.id;
}

/** A plain-text reply. */
export async function replyText(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity(MessageFactory.text(text));
}

/** Turns a domain refusal into a short message for the person who acted; rethrows anything else. */
export function refusalText(err: unknown): string {
  if (err instanceof DomainError) return err.message;
  throw err;
}

/** Replies with a refusal as a notice card. */
export async function replyRefusal(context: TurnContext, err: unknown): Promise<void> {
  const text = refusalText(err);
  await replyCard(context, renderNotice({ title: 'Nothing was changed', text, tone: 'warning' }));
}
