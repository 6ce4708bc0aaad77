import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import { renderNotice } from '../cards/notice';
import { keepTyped } from '../cards/form-refusal';
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

/**
 * A refused form answered with the form again: what was typed kept, the problem beside its field
 * (`fields` maps a domain field name to the form's input id where they differ). Only an input
 * refusal ('invalid') does this; any other refusal is the private message, and anything that is
 * not a refusal is rethrown.
 */
export async function refusedForm(
  err: unknown,
  typed: Record<string, unknown>,
  form: () => Promise<AdaptiveCard | undefined>,
  fields: Record<string, string> = {},
  within?: string,
): Promise<AdaptiveCard | string> {
  const text = refusalText(err);
  if (!(err instanceof DomainError) || err.code !== 'invalid') return text;
  // The refusal still reaches its reader if the form cannot be drawn again (say, it was deleted meanwhile).
  const card = await form().catch(() => undefined);
  if (!card) return text;
  const field = err.details.field;
  return keepTyped(card, typed, { message: text, ...(field ? { field: fields[field] ?? field } : {}), ...(within ? { within } : {}) });
}
