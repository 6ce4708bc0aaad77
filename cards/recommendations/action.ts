import template from './action.json';
import { AdaptiveCard, expandCard } from '../render';

export interface ActionCardData {
  id: string;
  ref: string;
  description: string;
  statusText: string;
  statusColor: 'Default' | 'Accent' | 'Good' | 'Attention' | 'Warning';
  owner: string;
  organisation: string;
  dueText: string;
  recommendation: string;
  evidence: string;
  historyText: string;
  open: boolean;
  version: number;
  today: string;
}

/** One action, with Mark done (evidence) and Update due date (reason) while it is open. */
export function renderActionCard(data: ActionCardData): AdaptiveCard {
  return expandCard(template, data);
}
