import { AdaptiveCard, expandCard } from '../render';
import template from './start-form.json';
import { REVIEW_VERBS } from './verbs';

export interface StartFormData {
  /** Identifies this form, so submitting it twice starts one review. */
  formId: string;
  strands: { title: string; value: string }[];
  sponsors: { title: string; value: string }[];
  channels: { title: string; value: string }[];
  /** Comma-separated conversation keys chosen by default (the current channel). */
  defaultChannels: string;
  defaultStart: string;
}

/** The `review start` form (Business Team). */
export function renderStartForm(data: StartFormData): AdaptiveCard {
  return expandCard(template, { ...data, verbs: REVIEW_VERBS });
}
