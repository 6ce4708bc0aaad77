import template from './dispute-raise.json';
import { AdaptiveCard, expandCard } from '../render';
import { DISPUTE_VERBS, DisputeVerbs } from './verbs';

export interface DisputeRaiseCardData {
  verbs: DisputeVerbs;
  /** A fresh nonce per form: it becomes the dispute's id, so a double submit raises one dispute. */
  formId: string;
  subject: string;
  today: string;
  meetingDays: number;
  /** The choices already ticked, comma-separated (parties named in `dispute raise <sentence>`). */
  selected: string;
  /** People (`p:<id>`) and partner organisations (`o:<name>`). */
  choices: { title: string; value: string }[];
}

/** The form behind `dispute raise`. */
export function renderDisputeRaise(data: Omit<DisputeRaiseCardData, 'verbs'>): AdaptiveCard {
  return expandCard(template, { ...data, verbs: DISPUTE_VERBS });
}
