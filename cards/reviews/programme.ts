import { AdaptiveCard, expandCard } from '../render';
import template from './programme.json';

export interface ProgrammeCardData {
  year: number;
  summary: string;
  warnings: string[];
  strands: { title: string; value: string }[];
  reviews: { title: string; value: string }[];
  partners: { title: string; value: string }[];
  overlaps: string[];
}

/** `programme <year>`: the year's reviews against 2 + 2 + 1 and the sponsors against the partners. */
export function renderProgramme(data: ProgrammeCardData): AdaptiveCard {
  return expandCard(template, data);
}
