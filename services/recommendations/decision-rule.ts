/** The three options a partner can choose on a recommendation. */
export const VOTE_OPTIONS = ['approve', 'reject', 'abstain'] as const;
export type VoteOption = (typeof VOTE_OPTIONS)[number];

export function isVoteOption(value: unknown): value is VoteOption {
  return typeof value === 'string' && (VOTE_OPTIONS as readonly string[]).includes(value);
}

export const OPTION_LABELS: Record<VoteOption, string> = { approve: 'Approve', reject: 'Reject', abstain: 'Abstain' };

export interface Tally {
  approve: number;
  reject: number;
  abstain: number;
}

export type Decision = 'approved' | 'rejected' | 'no-quorum';

export const DECISION_LABELS: Record<Decision, string> = { approved: 'Approved', rejected: 'Rejected', 'no-quorum': 'No quorum' };

export const votesCast = (t: Tally): number => t.approve + t.reject + t.abstain;

/** Approvals needed: a majority of ELIGIBLE voters (not of votes cast), so abstaining counts against. */
export const approvalsNeeded = (eligible: number): number => Math.floor(eligible / 2) + 1;

/**
 * DOMAIN.md §3: approved when a majority of eligible voters approve and at least `quorum` votes
 * were cast; `no quorum` when fewer than `quorum` voted; otherwise rejected. A tie is not a majority.
 */
export function decide(eligible: number, tally: Tally, quorum: number): Decision {
  if (votesCast(tally) < quorum) return 'no-quorum';
  return tally.approve >= approvalsNeeded(eligible) ? 'approved' : 'rejected';
}

/** Why a vote ended as it did, in words: "2 of 4 approved; 3 needed", "2 of 4 voted; 3 needed for a decision". */
export function explainDecision(decision: Decision, eligible: number, tally: Tally, quorum: number): string {
  if (decision === 'no-quorum') return `${votesCast(tally)} of ${eligible} voted; ${quorum} needed for a decision`;
  return `${tally.approve} of ${eligible} approved; ${approvalsNeeded(eligible)} needed`;
}

/** The rule as people read it on the card. */
export function describeRule(eligible: number, quorum: number): string {
  return `Approved when at least ${approvalsNeeded(eligible)} of the ${eligible} eligible partners approve (a majority of all eligible, abstentions count against) and at least ${quorum} have voted; otherwise rejected, or "no quorum" if fewer than ${quorum} vote.`;
}
