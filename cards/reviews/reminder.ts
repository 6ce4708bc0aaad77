import { AdaptiveCard, expandCard } from '../render';
import { CORE_VERBS } from '../verbs';
import template from './reminder.json';

export interface ReviewReminderCardData {
  ref: string;
  title: string;
  text: string;
  facts: { title: string; value: string }[];
}

/** A review reminder, built when it falls due; its button opens the current timeline. */
export function renderReviewReminder(data: ReviewReminderCardData): AdaptiveCard {
  return expandCard(template, { ...data, runCommandVerb: CORE_VERBS.runCommand });
}
