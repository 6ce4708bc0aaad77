import template from './dispute.json';
import { AdaptiveCard, expandCard } from '../render';
import { DISPUTE_VERBS, DisputeVerbs } from './verbs';

/** Teams shows user-specific views (refresh.userIds) to at most this many people. */
export const MAX_REFRESH_USERS = 60;

export interface DisputeCardData {
  verbs: DisputeVerbs;
  disputeId: string;
  version: number;
  ref: string;
  subject: string;
  /** "Day 9 of 28 — meeting not yet scheduled — next: the chair". */
  headline: string;
  /** The clock's bar; empty once the meeting is held or the dispute is closed (the clock has stopped). */
  progress: string;
  /** Accent while time is ample, Warning in the last week, Attention once the deadline has passed. */
  progressColor: string;
  breach: boolean;
  breachText: string;
  /** A private line for the viewer, e.g. "This card was out of date". Empty for none. */
  notice: string;
  /** Good for a success ("Raised as D-3"), Warning for anything the viewer should mind. */
  noticeColor: string;
  facts: { title: string; value: string }[];
  agendaText: string;
  agendaVersion: number;
  agendaLine: string;
  /** The buttons this viewer gets. */
  can: { schedule: boolean; record: boolean; appoint: boolean; close: boolean; propose: boolean; agree: boolean; mediation: boolean };
  /** Today is after the deadline: scheduling needs a reason. */
  late: boolean;
  lateLabel: string;
  today: string;
  meetingDate: string;
  meetingTime: string;
  meetingPlace: string;
  closeChoices: { title: string; value: string }[];
  showHistory: boolean;
  history: { when: string; who: string; what: string }[];
}

/**
 * The dispute card. With `refreshUserIds` (Teams user ids, at most 60) Teams asks the bot for
 * each listed person's own view (their buttons) whenever they see the card.
 */
export function renderDispute(data: Omit<DisputeCardData, 'verbs'>, refreshUserIds: string[] = []): AdaptiveCard {
  const card = expandCard(template, { ...data, verbs: DISPUTE_VERBS });
  if (refreshUserIds.length > 0 && refreshUserIds.length <= MAX_REFRESH_USERS)
    return {
      ...card,
      refresh: { action: { type: 'Action.Execute', title: 'Refresh', verb: DISPUTE_VERBS.refresh, data: { disputeId: data.disputeId } }, userIds: refreshUserIds },
    };
  return card;
}
