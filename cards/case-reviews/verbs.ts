/**
 * Action.Execute verbs of the case-review cards. The templates take them as data (`${verbs.x}`)
 * and the bot registers its handlers with the same constants, so the two cannot drift apart.
 */
export const CASE_REVIEW_VERBS = {
  open: 'case-review.open',
  step: 'case-review.step',
  history: 'case-review.history',
} as const;

export type CaseReviewVerbs = typeof CASE_REVIEW_VERBS;
