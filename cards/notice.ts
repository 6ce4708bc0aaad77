import template from './notice.json';
import { AdaptiveCard, expandCard } from './render';

export interface NoticeCardData {
  title: string;
  text: string;
  tone?: 'default' | 'warning' | 'good';
  facts?: { title: string; value: string }[];
}

/** A short titled message, with optional facts. */
export function renderNotice(data: NoticeCardData): AdaptiveCard {
  return expandCard(template, { tone: 'default', facts: [], ...data });
}
