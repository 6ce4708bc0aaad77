import template from './recommend-form.json';
import { AdaptiveCard, expandCard } from '../render';

export interface RecommendFormData {
  partners: number;
  voteDays: number;
  defaultDeadline: string;
  minDeadline: string;
  /** Unique per rendered form: a repeated Submit opens one vote. */
  formKey: string;
}

/** The `recommend` form: title, detail, source and the voting deadline. */
export function renderRecommendForm(data: RecommendFormData): AdaptiveCard {
  return expandCard(template, data);
}
