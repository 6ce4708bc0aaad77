import template from './upcoming.json';
import { AdaptiveCard, expandCard } from '../render';
import { CORE_VERBS } from '../verbs';

export interface UpcomingCardData {
  title: string;
  /** Reminders are held in this conversation. */
  paused: boolean;
  /** Show the pause / resume button (Business Team or chair, in a channel). */
  canPause: boolean;
  emptyText: string;
  /** `why`: held, retrying, late or undeliverable and the reason; empty when simply upcoming. */
  items: { when: string; what: string; about: string; where: string; why?: string }[];
  /** How many more there are beyond the items shown. */
  more: number;
}

/** The pause and resume buttons run the text commands through the core verb. */
export const UPCOMING_VERB = CORE_VERBS.runCommand;

/** Upcoming reminders for a person, a channel, or everyone (Business Team). */
export function renderUpcoming(data: UpcomingCardData): AdaptiveCard {
  return expandCard(template, data);
}
