import { VerbDataSchema, counter, id, input, verbData } from '../verb-data';

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

const card = { reviewId: id, version: counter };

/** The data each reviews verb accepts (see cards/verb-data.ts). */
export const REVIEW_VERB_DATA: Record<ReviewVerbs[keyof ReviewVerbs], VerbDataSchema> = {
  [REVIEW_VERBS.start]: verbData({ formId: input(200), theme: input(300), strand: input(32), sponsor: input(200), startDate: input(32), learningEventDate: input(32), channels: input(2000) }),
  [REVIEW_VERBS.signOff]: verbData({ ...card, stage: counter, note: input(), noRecommendationsReason: input() }),
  [REVIEW_VERBS.learningEvent]: verbData({ ...card, leDate: input(32), leAttendees: input(), leScrutineer: input(200) }),
  [REVIEW_VERBS.recommend]: verbData({ ...card, recTitle: input(300), recDetail: input() }),
  [REVIEW_VERBS.impact]: verbData({ ...card, months: counter, findings: input() }),
  [REVIEW_VERBS.reschedule]: verbData({ ...card, newStartDate: input(32) }),
  [REVIEW_VERBS.cancel]: verbData({ ...card, cancelReason: input(1000) }),
};
