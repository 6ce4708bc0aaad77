import template from './members.json';
import { AdaptiveCard, expandCard } from './render';

export interface MembersCardData {
  /** What the last grant or revoke changed ("Lynne Robbins is now a partnership group member. Roles now: lay, member."); empty otherwise. */
  changed: string;
  count: number;
  people: { id: string; name: string; roles: string }[];
  canAdmin: boolean;
  roleChoices: { title: string; value: string }[];
}

/** The directory, with a grant/revoke form for the chair and the Business Team. */
export function renderMembers(data: MembersCardData): AdaptiveCard {
  return expandCard(template, data);
}
