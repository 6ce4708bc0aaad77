import { AdaptiveCard, expandCard } from '../render';
import changeTemplate from './change-form.json';
import impactTemplate from './impact-check-form.json';
import learningEventTemplate from './learning-event-form.json';
import signOffTemplate from './sign-off-form.json';
import { REVIEW_VERBS } from './verbs';

/** Every review form carries the review and the version it was rendered from. */
export interface ReviewFormBase {
  reviewId: string;
  version: number;
}

export interface SignOffFormData extends ReviewFormBase {
  stage: number;
  stageName: string;
  isStage4: boolean;
  /** Stage 4: what has been submitted so far, in a sentence. */
  submittedText: string;
  reason: string;
}

export interface LearningEventFormData extends ReviewFormBase {
  planned: string;
  defaultDate: string;
}

export interface ImpactCheckFormData extends ReviewFormBase {
  months: number;
  title: string;
  text: string;
}

export interface ChangeFormData extends ReviewFormBase {
  ref: string;
  startDate: string;
  canMove: boolean;
}

/** Sign-off of the next stage; for stage 4 also the recommendation fields and the "no recommendation" reason. */
export function renderSignOffForm(data: SignOffFormData): AdaptiveCard {
  return expandCard(signOffTemplate, { ...data, verbs: REVIEW_VERBS });
}

export function renderLearningEventForm(data: LearningEventFormData): AdaptiveCard {
  return expandCard(learningEventTemplate, { ...data, verbs: REVIEW_VERBS });
}

/** The Business Team's findings for one impact check; also sent on its own as the impact-check reminder. */
export function renderImpactCheckForm(data: ImpactCheckFormData): AdaptiveCard {
  return expandCard(impactTemplate, { ...data, verbs: REVIEW_VERBS });
}

/** Move the start date or cancel the review (Business Team). */
export function renderChangeForm(data: ChangeFormData): AdaptiveCard {
  return expandCard(changeTemplate, { ...data, verbs: REVIEW_VERBS });
}
