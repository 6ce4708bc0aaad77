import template from './vote.json';
import { AdaptiveCard, expandCard } from '../render';

export interface VoteCardData {
  rec: string;
  ref: string;
  title: string;
  detail: string;
  source: string;
  submittedBy: string;
  open: boolean;
  statusText: string;
  statusColor: 'Default' | 'Accent' | 'Good' | 'Attention' | 'Warning';
  deadlineLabel: string;
  deadline: string;
  deadlineText: string;
  castText: string;
  rows: { label: string; bar: string; count: string; color: string }[];
  votedText: string;
  notVotedLabel: string;
  notVotedText: string;
  /** The viewer's own choice, e.g. "You voted Approve at 10:02; you can change it until the vote closes"; empty when not theirs to show. */
  myVoteText: string;
  /** Individual choices: only in the chair's and Business Team's own view. */
  choices: { name: string; choice: string }[];
  showChoicesNote: boolean;
  ruleText: string;
  eligibleNote: string;
  historyText: string;
  actions: { ref: string; text: string }[];
  chairControls: boolean;
  canAssign: boolean;
  version: number;
  people: { title: string; value: string }[];
  today: string;
  /** Who Teams refreshes the card for automatically (at most 60): the chair and Business Team. Empty: no refresh section. */
  refreshUserIds: string[];
}

/** The vote card: one shared view with counts; the privileged view adds choices and controls. */
export function renderVoteCard(data: VoteCardData): AdaptiveCard {
  const { refresh, ...card } = expandCard(template, data);
  return (refresh ? { ...card, refresh } : card);
}
