/**
 * Usages are TextRuns, not markdown: Teams and the playground drop `<angle bracket>` words from
 * markdown text as HTML, and a placeholder that vanishes makes a command unusable.
 */
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
