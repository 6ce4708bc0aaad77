import type { AdaptiveCard } from './render';
import { renderNotice } from './notice';

/**
 * Card templates a stored reminder may name, so a timer can keep "template + data" and be
 * rendered when it is sent. Features add their reminder cards here.
 */
export const CARD_TEMPLATES: Record<string, (data: Record<string, unknown>) => AdaptiveCard> = {
  notice: (data) => renderNotice(data as never),
};

export function renderNamedCard(template: string, data: Record<string, unknown>): AdaptiveCard {
  const render = CARD_TEMPLATES[template];
  if (!render) throw new Error(`No card template named "${template}"`);
  return render(data);
}
