import type { CardColour } from '../deadline-colour';
import template from './dispute-list.json';
import { AdaptiveCard, expandCard } from '../render';
import { CORE_VERBS } from '../verbs';

export interface DisputeListCardData {
  title: string;
  /** The verb of each row's Open button (runs `dispute <ref>`). */
  openVerb: string;
  /** `color`: the line's colour by the shared deadline rule (deadline-colour.ts). */
  items: { ref: string; subject: string; line: string; breach: boolean; color: CardColour }[];
}

/** `disputes`: the open ones, breaches first, with days left. */
export function renderDisputeList(data: Omit<DisputeListCardData, 'openVerb'>): AdaptiveCard {
  return expandCard(template, { ...data, openVerb: CORE_VERBS.runCommand });
}
