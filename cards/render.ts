import { Template } from 'adaptivecards-templating';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

/** The newest schema Teams renders everywhere; the card tests hold every template to it. */
export const TEAMS_CARD_VERSION = '1.5';

/** Parsed templates, one per imported JSON: building a Template costs ~30x more than expanding one. */
const compiled = new WeakMap<object, Template>();

/**
 * Expands a template with typed data. The imported template is never mutated: the Template is
 * built once from a clone, and expanding returns a new object each time.
 */
export function expandCard<T extends object>(template: object, data: T): AdaptiveCard {
  let parsed = compiled.get(template);
  if (!parsed) {
    parsed = new Template(structuredClone(template));
    compiled.set(template, parsed);
  }
  return parsed.expand({ $root: data }) as AdaptiveCard;
}

/** A text progress bar for cards ("▰▰▰▱▱▱"), since Adaptive Cards 1.5 has no progress element. */
export function progressBar(fraction: number, width = 14): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}
