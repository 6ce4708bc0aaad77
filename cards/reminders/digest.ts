import template from './digest.json';
import { AdaptiveCard, expandCard } from '../render';

export interface DigestCardData {
  count: number;
  dueFrom: string;
  dueTo: string;
  items: { summary: string; ref: string; due: string }[];
}

/** Overdue reminders for one place rolled into one card, sent once when the bot comes back. */
export function renderDigest(data: DigestCardData): AdaptiveCard {
  return expandCard(template, data);
}
