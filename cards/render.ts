import { Template } from 'adaptivecards-templating';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

/** The newest schema Teams renders everywhere; the card tests hold every template to it. */
export const TEAMS_CARD_VERSION = '1.5';

/**
 * Expands a template with typed data. The template is never mutated: a fresh Template is built
 * from a clone each time.
 */
export function expandCard<T extends object>(template: object, data: T): AdaptiveCard {
  const card = new Template(structuredClone(template)).expand({ $root: data }) as AdaptiveCard;
  return card;
}

/** A text progress bar for cards ("▰▰▰▱▱▱"), since Adaptive Cards 1.5 has no progress element. */
export function progressBar(fraction: number, width = 14): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}
