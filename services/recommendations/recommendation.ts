import { Actor, Role, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid } from '../errors';
import { cleanText } from '../input';
import { CalendarTime, addDays, daysBetween, formatDate, isIsoDate } from '../time';
import { DECISION_LABELS, Decision, OPTION_LABELS, Tally, VoteOption, decide, isVoteOption } from './decision-rule';
import type { RecommendationSource, RecommendationSubmission, SubmittedRecommendation } from './intake';

/**
 * The recommendation and its vote, and the rules that need no store: who may submit, vote, close
 * and extend; what a submission, a vote, an extension and an early close must give; what the
 * recommendation becomes when decided or extended; which card is out of date. The service's parts
 * (opening.ts, voting.ts, closing.ts) read, ask these, and commit each change with its effects.
 */
export type RecommendationStatus = 'open' | Decision;

/** An eligible voter, snapshotted from the directory when the vote opens. */
export interface Voter {
  aadObjectId: string;
  name: string;
  organisation?: string;
}

export interface Recommendation {
  id: string;
  tenantId: string;
  ref: string;
  title: string;
  detail: string;
  source: RecommendationSource;
  status: RecommendationStatus;
  /** Europe/London date the vote closes. */
  deadline: string;
  /** The UTC instant it closes (the deadline date at the close hour). */
  closesAt: string;
  /** The Executive Board partners when the vote opened; later role changes do not move the goalposts. */
  eligible: Voter[];
  quorum: number;
  submittedBy: { aadObjectId: string; name: string };
  createdAt: string;
  /** Bumped on every change of the recommendation itself; chair buttons carry it to spot old cards. */
  version: number;
  extensions: { from: string; to: string; reason: string; by: string; at: string }[];
  closed?: ClosedVote;
  /** The form that submitted it, so a repeated Submit is recognised. */
  formKey?: string;
}

/** How a vote ended: at its deadline, when every partner had voted, or early by the chair. */
export type CloseHow = 'deadline' | 'all-voted' | 'chair';

export interface ClosedVote {
  at: string;
  by: string;
  how: CloseHow;
  reason?: string;
  /** The tally the decision was frozen on. */
  tally: Tally;
}

/** One partner's vote: id = recommendation + voter, so a repeat click can never count twice. */
export interface Vote {
  id: string;
  tenantId: string;
  recommendationId: string;
  voter: Voter;
  option: VoteOption;
  castAt: string;
  changedAt?: string;
}

/** A recommendation with its tally, always computed from the vote documents. */
export interface VoteView {
  rec: Recommendation;
  votes: Vote[];
  tally: Tally;
  voted: Voter[];
  notVoted: Voter[];
}

export interface VoteResult {
  outcome: 'cast' | 'changed' | 'unchanged';
  view: VoteView;
  /** The actor's vote as stored after this click (for "your Approve was counted at 10:02"). */
  vote: Vote;
}

/** Who may put a recommendation to the vote from the form (a review's sponsor submits through the review, at stage 4). */
export const SUBMITTERS: Role[] = ['chair', 'business', 'partner', 'member'];
export const MAX_VOTE_DAYS = 90;

/** Refuses people who may not submit recommendations from the form. */
export function checkCanRecommend(actor: Actor): void {
  if (!hasRole(actor, ...SUBMITTERS)) throw forbidden(SUBMITTERS, 'submit a recommendation');
}

/** Only the chair closes a vote early or extends it (`doing`: "close a vote early"). */
export function checkChair(actor: Actor, doing: string): void {
  if (!hasRole(actor, 'chair')) throw forbidden(['chair'], doing);
}

/** A click's option as a vote: Approve, Reject or Abstain, nothing else. */
export function checkVoteOption(option: unknown): VoteOption {
  if (!isVoteOption(option)) throw invalid(`"${String(option).slice(0, 20)}" is not a vote: choose Approve, Reject or Abstain.`, 'option');
  return option;
}

/** The actor as a voter on this recommendation: one of the partners snapshotted when its vote opened. */
export function voterOf(rec: Recommendation, actor: Actor): Voter {
  const voter = rec.eligible.find((v) => v.aadObjectId === actor.aadObjectId);
  if (!voter)
    throw new DomainError('forbidden', `Only the Executive Board partners (the ${rec.eligible.length} listed when the vote on ${rec.ref} opened) vote on it. Your click was not counted.`, { neededRoles: ['partner'] });
  return voter;
}

/** Whether the closing time has come (an open vote then closes before anything else happens to it). */
export const closingTimePassed = (rec: Pick<Recommendation, 'closesAt'>, now: Date): boolean => now.toISOString() >= rec.closesAt;

export const closedError = (rec: Recommendation, counted?: Vote): DomainError =>
  new DomainError(
    'closed',
    `Voting on ${rec.ref} has closed (${DECISION_LABELS[rec.status as Decision] ?? rec.status}); your click was not counted.${counted ? ` Your earlier ${OPTION_LABELS[counted.option]} stands.` : ''}`,
  );

/** A submission as the rules accept it: cleaned text, a known source, a deadline in range. */
export function checkSubmission(
  input: RecommendationSubmission,
  today: string,
  voteDays: number,
): { title: string; detail: string; source: RecommendationSource; deadline: string } {
  const title = cleanText(input?.title);
  const detail = cleanText(input?.detail);
  if (title.length < 3 || title.length > 200) throw invalid('Give the recommendation a title of 3 to 200 characters.', 'title');
  if (!detail || detail.length > 4000) throw invalid('Say what is recommended (up to 4000 characters).', 'detail');
  const source = input.source;
  if (!source || !['review', 'subgroup', 'partnership-group'].includes(source.kind)) throw invalid('Say where the recommendation comes from: a review, a subgroup or a partnership group.', 'source');
  const name = cleanText(source.name);
  const id = cleanText(source.id);
  if (!name || !id) throw invalid('Name the review, subgroup or partnership group the recommendation comes from.', 'source');
  const deadline = input.votingDeadline === undefined || input.votingDeadline === '' ? addDays(today, voteDays) : input.votingDeadline;
  if (!isIsoDate(deadline)) throw invalid('The voting deadline must be a date (yyyy-mm-dd).', 'deadline');
  if (deadline <= today) throw invalid(`The voting deadline must be after today (${formatDate(today)}).`, 'deadline');
  if (deadline > addDays(today, MAX_VOTE_DAYS)) throw invalid(`The voting deadline can be at most ${MAX_VOTE_DAYS} days away.`, 'deadline');
  return { title, detail, source: { kind: source.kind, id, name, ...(source.ref ? { ref: source.ref } : {}) }, deadline };
}

/** The chair's extension: a later date, at most MAX_VOTE_DAYS from today, and a reason. */
export function checkExtension(rec: Recommendation, deadline: unknown, reason: unknown, today: string): { to: string; why: string } {
  if (!isIsoDate(deadline)) throw invalid('Pick the new deadline (a date).', 'deadline');
  if (deadline <= rec.deadline) throw invalid(`The new deadline must be after the current one (${formatDate(rec.deadline)}).`, 'deadline');
  if (deadline > addDays(today, MAX_VOTE_DAYS)) throw invalid(`The deadline can be at most ${MAX_VOTE_DAYS} days away.`, 'deadline');
  const why = cleanText(reason);
  if (why.length < 3) throw invalid('Give a reason for extending the vote; it goes on the card and in the log.', 'reason');
  return { to: deadline, why };
}

/** The chair's reason for closing a vote early (it goes on the card and in the log). */
export function checkCloseReason(reason: unknown): string {
  const why = cleanText(reason);
  if (why.length < 3) throw invalid('Give a reason for closing the vote early; it goes on the card and in the log.', 'reason');
  return why.slice(0, 500);
}

/** Refuses a change to a vote that has closed. */
export function checkOpen(rec: Recommendation): void {
  if (rec.status !== 'open') throw closedError(rec);
}

/** The recommendation decided on `tally` by the decision rule: its new status, version and how it closed. */
export function decided(rec: Recommendation, tally: Tally, close: { at: string; by: string; how: CloseHow; reason?: string }): Recommendation & { closed: ClosedVote } {
  const { at, by, how, reason } = close;
  return {
    ...rec,
    status: decide(rec.eligible.length, tally, rec.quorum),
    version: rec.version + 1,
    closed: { at, by, how, ...(reason ? { reason } : {}), tally },
  };
}

/** The log's words for a decision: "Approved: 3 approve, 1 reject, 0 abstain of 4 eligible (every partner voted)". */
export function decisionText(rec: Recommendation & { closed: ClosedVote }): string {
  const { how, reason, tally } = rec.closed;
  const why = how === 'deadline' ? 'closed at the deadline' : how === 'all-voted' ? 'every partner voted' : `closed early by the chair: ${reason}`;
  return `${DECISION_LABELS[rec.status as Decision]}: ${tally.approve} approve, ${tally.reject} reject, ${tally.abstain} abstain of ${rec.eligible.length} eligible (${why})`;
}

/** The recommendation with its deadline moved to `to` (closing at `closesAt`), the extension recorded. */
export function extended(rec: Recommendation, to: string, closesAt: string, why: string, by: string, at: string): Recommendation {
  return {
    ...rec,
    deadline: to,
    closesAt,
    version: rec.version + 1,
    extensions: [...rec.extensions, { from: rec.deadline, to, reason: why.slice(0, 500), by, at }],
  };
}

export function entityOf(rec: Pick<Recommendation, 'id' | 'ref'>): { type: string; id: string; ref: string } {
  return { type: 'recommendation', id: rec.id, ref: rec.ref };
}

export function summary(rec: Recommendation): SubmittedRecommendation {
  return { id: rec.id, ref: rec.ref, title: rec.title, status: rec.status, source: rec.source };
}

export function checkVersion(rec: Recommendation, version: unknown): void {
  if (version === undefined) return;
  if (Number(version) !== rec.version) throw new DomainError('stale', `This card for ${rec.ref} is out of date (the vote has changed since). Type **recommendation ${rec.ref}** for the current card.`);
}

/**
 * Whole days from today to the day an open vote closes, for its clock on cards and lists: 0 on the
 * closing day until its closing time, and -1 (passed) from that time on, while the vote is still
 * open only because the closing job has not run yet.
 */
export function voteDaysLeft(rec: Pick<Recommendation, 'closesAt'>, now: Date, time: CalendarTime): number {
  const closes = new Date(rec.closesAt);
  const left = daysBetween(time.dateOf(now), time.dateOf(closes));
  return now.getTime() >= closes.getTime() ? Math.min(-1, left) : left;
}
