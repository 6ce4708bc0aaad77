import { z } from 'zod';
import { VerbDataSchema, counter, id, input, verbData } from '../verb-data';

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

/** The data each case-review verb accepts (see cards/verb-data.ts). */
export const CASE_REVIEW_VERB_DATA: Record<CaseReviewVerbs[keyof CaseReviewVerbs], VerbDataSchema> = {
  [CASE_REVIEW_VERBS.open]: verbData({ formId: input(200), reference: input(100), kind: input(16), started: input(32) }),
  // The step's inputs are named by the step (`date_notify`, `reason_close`): flat extras, as verbData allows.
  [CASE_REVIEW_VERBS.step]: verbData({ caseId: id, version: counter, step: z.string().max(32) }),
  [CASE_REVIEW_VERBS.history]: verbData({ caseId: id }),
};
