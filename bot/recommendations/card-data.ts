import type { ActionCardData } from '../../cards/recommendations/action';
import type { VoteCardData } from '../../cards/recommendations/vote';
import { NEAR_DAYS, deadlineColour } from '../../cards/deadline-colour';
import { progressBar } from '../../cards/render';
import { DECISION_LABELS, Decision, OPTION_LABELS, VOTE_OPTIONS, VoteOption, describeRule, explainDecision, votesCast } from '../../services/recommendations/decision-rule';
import type { ActionItem } from '../../services/recommendations/action-service';
import type { Recommendation, VoteView } from '../../services/recommendations/recommendation-service';
import { voteDaysLeft } from '../../services/recommendations/recommendation';
import { CalendarTime, daysBetween, formatDate } from '../../services/time';

const SOURCE_KINDS: Record<Recommendation['source']['kind'], string> = { review: 'Hub review', subgroup: 'Subgroup', 'partnership-group': 'Partnership group' };

export function describeSource(rec: Pick<Recommendation, 'source'>): string {
  const s = rec.source;
  const name = s.ref && !s.name.includes(s.ref) ? `${s.ref}: ${s.name}` : s.name;
  return s.kind === 'review' && !/review/i.test(name) ? `${SOURCE_KINDS.review} ${name}` : name;
}

const STATUS_COLOR: Record<Decision, VoteCardData['statusColor']> = { approved: 'Good', rejected: 'Attention', 'no-quorum': 'Warning' };
const ROW_COLOR = { approve: 'Good', reject: 'Attention', abstain: 'Default' } as const;

export interface VoteCardOptions {
  /** The chair's or Business Team's own view: individual choices, and assigning actions. */
  privileged: boolean;
  isChair: boolean;
  refreshUserIds: string[];
  /** The viewer's own vote, when the card is rendered for one voter. */
  myVote?: { option: VoteOption; at: string };
  people: { title: string; value: string }[];
  actions: ActionItem[];
  time: CalendarTime;
  /** Now, by the injected clock (its Europe/London date is the card's today). */
  now: Date;
}

/** "You voted Approve at 10:02; you can change it until the vote closes", with the day when it was not today. */
function myVoteText(vote: NonNullable<VoteCardOptions['myVote']>, open: boolean, o: Pick<VoteCardOptions, 'time' | 'now'>): string {
  const at = new Date(vote.at);
  const when = o.time.dateOf(at) === o.time.dateOf(o.now) ? `at ${o.time.formatInstant(at).split(', ').pop()}` : `on ${o.time.formatInstant(at)}`;
  return `You voted ${OPTION_LABELS[vote.option]} ${when}${open ? '; you can change it until the vote closes' : ''}`;
}

const names = (voters: { name: string }[], none: string): string => (voters.length ? voters.map((v) => v.name).join(', ') : none);

/** The vote card's data from the stored recommendation and the tally computed from its votes. */
export function voteCardData(view: VoteView, o: VoteCardOptions): VoteCardData {
  const { rec, tally } = view;
  const eligible = rec.eligible.length;
  const open = rec.status === 'open';
  const cast = votesCast(tally);
  const closedHow = rec.closed ? (rec.closed.how === 'deadline' ? 'at the deadline' : rec.closed.how === 'all-voted' ? 'every partner voted' : `closed early by ${rec.closed.by}`) : '';
  const history = [
    ...rec.extensions.map((e) => `Deadline extended from ${formatDate(e.from)} to ${formatDate(e.to)} by ${e.by}: ${e.reason}`),
    ...(rec.closed?.reason ? [`Closed early by ${rec.closed.by}: ${rec.closed.reason}`] : []),
  ];
  return {
    rec: rec.id,
    ref: rec.ref,
    title: rec.title,
    detail: rec.detail,
    source: describeSource(rec),
    submittedBy: rec.submittedBy.name,
    open,
    myVoteText: o.myVote ? myVoteText(o.myVote, open, o) : '',
    statusText: open
      ? `Voting open: ${cast} of ${eligible} partners have voted`
      : `${DECISION_LABELS[rec.status as Decision]}: ${explainDecision(rec.status as Decision, eligible, tally, rec.quorum)} (${tally.approve} approve, ${tally.reject} reject, ${tally.abstain} abstain)`,
    // Open: amber in the last NEAR_DAYS.vote days before it closes, red once its closing time has passed unswept.
    statusColor: open ? deadlineColour({ daysLeft: voteDaysLeft(rec, o.now, o.time), nearDays: NEAR_DAYS.vote }, 'Accent') : STATUS_COLOR[rec.status as Decision],
    deadlineLabel: open ? 'Voting closes' : 'Closed',
    deadline: rec.deadline,
    deadlineText: open ? o.time.formatInstant(new Date(rec.closesAt)) : `${o.time.formatInstant(new Date(rec.closed!.at))} (${closedHow})`,
    castText: `${cast} of ${eligible} partners`,
    rows: VOTE_OPTIONS.map((opt) => ({ label: OPTION_LABELS[opt], bar: progressBar(eligible ? tally[opt] / eligible : 0), count: String(tally[opt]), color: ROW_COLOR[opt] })),
    votedText: names(view.voted, 'nobody yet'),
    // A closed vote has nobody "still to vote": those who did not are named as such.
    notVotedLabel: open ? 'Still to vote' : 'Did not vote',
    notVotedText: names(view.notVoted, open ? 'nobody: every partner has voted' : 'nobody'),
    choices: o.privileged ? [...view.votes].sort((a, b) => a.voter.name.localeCompare(b.voter.name)).map((v) => ({ name: v.voter.name, choice: OPTION_LABELS[v.option] })) : [],
    showChoicesNote: o.privileged && view.votes.length > 0,
    ruleText: `${describeRule(eligible, rec.quorum)} The vote closes as soon as every eligible partner has voted.`,
    eligibleNote: `Eligible: the ${eligible} Executive Board partners when the vote opened; later role changes do not change who votes.`,
    historyText: history.join('\n\n'),
    actions: o.actions.map((a) => ({ ref: a.ref, text: `${a.description}: ${a.owner.name} (${a.organisation}), due ${formatDate(a.due)}${a.status === 'done' ? ', done' : ''}` })),
    chairControls: open && o.isChair,
    canAssign: o.privileged && rec.status === 'approved',
    version: rec.version,
    people: o.people,
    today: o.time.dateOf(o.now),
    refreshUserIds: o.refreshUserIds,
  };
}

/** The action card's data. */
export function actionCardData(action: ActionItem, today: string): ActionCardData {
  const open = action.status === 'open';
  const overdue = open && action.due < today;
  const left = daysBetween(today, action.due);
  const near = open && !overdue && left <= NEAR_DAYS.weeks;
  return {
    id: action.id,
    ref: action.ref,
    description: action.description,
    statusText: action.status === 'done' ? `Done (${action.done!.by})` : overdue ? `Overdue: was due ${formatDate(action.due)}` : near ? `Open: due ${left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`}` : 'Open',
    statusColor: deadlineColour({ daysLeft: left, nearDays: NEAR_DAYS.weeks, finished: !open }, 'Accent'),
    owner: action.owner.name,
    organisation: action.organisation,
    dueText: formatDate(action.due),
    recommendation: `${action.recommendationRef}: ${action.recommendationTitle}`,
    evidence: action.done?.evidence ?? '',
    historyText: action.dueChanges.map((c) => `Due date moved from ${formatDate(c.from)} to ${formatDate(c.to)} by ${c.by}: ${c.reason}`).join('\n\n'),
    open: action.status === 'open',
    version: action.version,
    today,
  };
}
