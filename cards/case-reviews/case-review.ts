import template from './case-review.json';
import listTemplate from './case-review-list.json';
import newTemplate from './case-review-new.json';
import { AdaptiveCard, expandCard } from '../render';
import { CORE_VERBS } from '../verbs';
import { CASE_REVIEW_VERBS, CaseReviewVerbs } from './verbs';

/** One step the viewer may record, as a form behind a button. */
export interface CaseStepForm {
  action: string;
  title: string;
  prompt: string;
  outcomeLabel: string;
  outcomes: { title: string; value: string }[];
  reviewer: boolean;
  reason: boolean;
  reasonRequired: boolean;
  reasonLabel: string;
}

export interface CaseReviewCardData {
  verbs: CaseReviewVerbs;
  caseId: string;
  version: number;
  ref: string;
  kindLabel: string;
  /** "Rapid review under way — next: the Executive Board (…)". */
  headline: string;
  /** A line for the viewer (a refusal, "recorded"); empty for none. */
  notice: string;
  noticeColor: 'Good' | 'Warning' | 'Attention' | 'Default';
  breachText: string;
  /** Each clock with its progress bar, in the colour of its state. */
  clocks: { label: string; text: string; bar: string; color: 'Good' | 'Warning' | 'Attention' | 'Accent' | 'Default' }[];
  facts: { title: string; value: string }[];
  steps: CaseStepForm[];
  today: string;
  /** Steps cannot be dated before the case's previous step. */
  earliest: string;
  showHistory: boolean;
  history: { when: string; who: string; what: string }[];
}

/** A case review: its clocks, who acts next, and the steps the viewer may record. */
export function renderCaseReview(data: Omit<CaseReviewCardData, 'verbs'>): AdaptiveCard {
  return expandCard(template, { ...data, verbs: CASE_REVIEW_VERBS });
}

export interface CaseReviewListCardData {
  title: string;
  openVerb: string;
  items: { ref: string; kindLabel: string; stage: string; line: string; color: 'Attention' | 'Warning' | 'Default' }[];
}

/** `case reviews`: the open ones, breaches first, then by nearest deadline. */
export function renderCaseReviewList(data: Omit<CaseReviewListCardData, 'openVerb'>): AdaptiveCard {
  return expandCard(listTemplate, { ...data, openVerb: CORE_VERBS.runCommand });
}

export interface CaseReviewNewCardData {
  verbs: CaseReviewVerbs;
  formId: string;
  reference: string;
  kind: string;
  today: string;
  notificationDays: number;
  rapidReviewDays: number;
  localReviewMonths: number;
  sarMonths: number;
}

/** The form that records a notified incident or a SAR referral. */
export function renderCaseReviewNew(data: Omit<CaseReviewNewCardData, 'verbs'>): AdaptiveCard {
  return expandCard(newTemplate, { ...data, verbs: CASE_REVIEW_VERBS });
}
