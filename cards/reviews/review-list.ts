import { AdaptiveCard, expandCard } from '../render';
import template from './review-list.json';

export interface ReviewListCardData {
  reviews: { title: string; stage: string; progress: string; overdue: boolean }[];
}

/** `reviews`: the active reviews with their stage and days left. */
export function renderReviewList(data: ReviewListCardData): AdaptiveCard {
  return expandCard(template, data);
}
