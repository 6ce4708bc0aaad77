import template from './help.json';
import { AdaptiveCard, expandCard } from './render';

export interface HelpCardData {
  inChannel: boolean;
  groups: { title: string; commands: { usage: string; description: string }[] }[];
}

/** Every command with one line each, grouped by feature. */
export function renderHelp(data: HelpCardData): AdaptiveCard {
  return expandCard(template, data);
}
