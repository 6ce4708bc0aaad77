/**
 * Action.Execute verbs of hub reviews. The render functions put them into the card data (the
 * templates read `${verbs.x}`) and the feature registers its handlers under the same constants.
 */
export const REVIEW_VERBS = {
  start: 'reviews.start',
  signOff: 'reviews.signOff',
  learningEvent: 'reviews.learningEvent',
  recommend: 'reviews.recommend',
  impact: 'reviews.impact',
  reschedule: 'reviews.reschedule',
  cancel: 'reviews.cancel',
} as const;

export type ReviewVerbs = typeof REVIEW_VERBS;
