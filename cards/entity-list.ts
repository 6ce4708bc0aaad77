import template from './entity-list.json';
import type { CardColour } from './deadline-colour';
import { AdaptiveCard, expandCard } from './render';
import { CORE_VERBS } from './verbs';

/** One row: what it is, where it stands, what the viewer still has to do, and the command its Open button runs. */
export interface EntityRow {
  ref: string;
  name: string;
  line: string;
  /** The line's colour: where it carries a clock, by the shared rule in deadline-colour.ts (red passed, amber near). */
  lineColor: CardColour;
  /** For the viewer: "You have not voted yet", "Overdue since …"; empty for nothing. */
  todo: string;
  color: 'Default' | 'Warning' | 'Attention' | 'Good';
  command: string;
}

export interface EntityListCardData {
  title: string;
  intro: string;
  emptyText: string;
  openVerb: string;
  rows: EntityRow[];
}

/** A list whose every row opens its own card (recommendations, actions, reviews). */
export function renderEntityList(data: Omit<EntityListCardData, 'openVerb'>): AdaptiveCard {
  return expandCard(template, { ...data, openVerb: CORE_VERBS.runCommand });
}
