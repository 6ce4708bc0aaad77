import template from './action-list.json';
import { AdaptiveCard, expandCard } from '../render';

export interface ActionListData {
  title: string;
  emptyText: string;
  groups: { owner: string; items: { ref: string; text: string }[] }[];
}

/** Open actions grouped by owner. */
export function renderActionList(data: ActionListData): AdaptiveCard {
  return expandCard(template, data);
}
