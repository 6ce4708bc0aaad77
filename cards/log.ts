import template from './log.json';
import { AdaptiveCard, expandCard } from './render';

export interface LogCardData {
  title: string;
  entries: { seq: number; when: string; who: string; action: string; entity: string; change: string }[];
  exportUrl: string;
}

/** Recent log entries, newest first; with a download link after `log export`. */
export function renderLog(data: LogCardData): AdaptiveCard {
  return expandCard(template, data);
}
