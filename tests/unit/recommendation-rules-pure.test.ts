import type { Actor } from '../../services/directory/roles';
import { DomainError } from '../../services/errors';
import {
  Recommendation,
  checkCanRecommend,
  checkChair,
  checkCloseReason,
  checkExtension,
  checkOpen,
  checkSubmission,
  checkVersion,
  checkVoteOption,
  closingTimePassed,
  decided,
  decisionText,
  extended,
  voterOf,
} from '../../services/recommendations/recommendation';
import { VOTE_CLOSE_HANDLER, VOTE_REMIND_HANDLER, closeHourOf, voteTimers } from '../../services/recommendations/vote-schedule';

const TODAY = '2026-03-02';
const source = { kind: 'subgroup' as const, id: 'sg-1', name: 'Training subgroup' };
const refusal = (fn: () => unknown): { code: string; field?: string; message: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, field: err.details.field, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('the recommendation rules, without a store', () => {
  it('accepts a submission with cleaned text and the default deadline voteDays from today', () => {
    const ok = checkSubmission({ title: '  Shared protocol  ', detail: ' Adopt it. ', source: { ...source, name: ' Training subgroup ' } }, TODAY, 14);
    expect(ok).toEqual({ title: 'Shared protocol', detail: 'Adopt it.', source, deadline: '2026-03-16' });
  });

  it('refuses each bad field by name: short title, empty detail, unknown source, a deadline today, past 90 days or not a date', () => {
    expect(refusal(() => checkSubmission({ title: 'ab', detail: 'x', source }, TODAY, 14)).field).toBe('title');
    expect(refusal(() => checkSubmission({ title: 'abc', detail: '  ', source }, TODAY, 14)).field).toBe('detail');
    expect(refusal(() => checkSubmission({ title: 'abc', detail: 'x', source: { ...source, kind: 'rumour' as never } }, TODAY, 14)).field).toBe('source');
    expect(refusal(() => checkSubmission({ title: 'abc', detail: 'x', source: { ...source, name: ' ' } }, TODAY, 14)).field).toBe('source');
    expect(refusal(() => checkSubmission({ title: 'abc', detail: 'x', source, votingDeadline: TODAY }, TODAY, 14)).field).toBe('deadline');
    expect(checkSubmission({ title: 'abc', detail: 'x', source, votingDeadline: '2026-05-31' }, TODAY, 14).deadline).toBe('2026-05-31'); // day 90
    expect(refusal(() => checkSubmission({ title: 'abc', detail: 'x', source, votingDeadline: '2026-06-01' }, TODAY, 14)).message).toMatch(/at most 90 days/);
    expect(refusal(() => checkSubmission({ title: 'abc', detail: 'x', source, votingDeadline: '1 June' }, TODAY, 14)).field).toBe('deadline');
  });

  it('extends only to a later date within 90 days of today, with a reason of at least three characters', () => {
    const rec = { ref: 'REC-1', deadline: '2026-03-16', version: 2 } as Recommendation;
    expect(checkExtension(rec, '2026-03-20', ' Police input ', TODAY)).toEqual({ to: '2026-03-20', why: 'Police input' });
    expect(refusal(() => checkExtension(rec, '2026-03-16', 'Police input', TODAY)).field).toBe('deadline');
    expect(refusal(() => checkExtension(rec, '2026-06-01', 'Police input', TODAY)).field).toBe('deadline');
    expect(refusal(() => checkExtension(rec, '2026-03-20', 'ok', TODAY)).field).toBe('reason');
  });

  it('closes early only with a reason, cut to 500 characters', () => {
    expect(refusal(() => checkCloseReason('  ')).field).toBe('reason');
    expect(checkCloseReason('x'.repeat(600))).toHaveLength(500);
  });

  it('calls a card stale when its version is not the recommendation\'s, and takes a card without one', () => {
    const rec = { ref: 'REC-1', version: 2 } as Recommendation;
    expect(() => checkVersion(rec, undefined)).not.toThrow();
    expect(() => checkVersion(rec, '2')).not.toThrow();
    expect(refusal(() => checkVersion(rec, 1)).code).toBe('stale');
  });
});

const actor = (roles: Actor['roles'], aadObjectId = 'p1'): Actor => ({ tenantId: 't', aadObjectId, name: 'Someone', roles });
const aVote = (over: Partial<Recommendation> = {}): Recommendation => ({
  id: 'rec-1',
  tenantId: 't',
  ref: 'REC-1',
  title: 'Shared protocol',
  detail: 'Adopt it.',
  source,
  status: 'open',
  deadline: '2026-03-16',
  closesAt: '2026-03-16T17:00:00.000Z',
  eligible: [
    { aadObjectId: 'p1', name: 'Pat' },
    { aadObjectId: 'p2', name: 'Sam' },
    { aadObjectId: 'p3', name: 'Kim' },
  ],
  quorum: 2,
  submittedBy: { aadObjectId: 'm1', name: 'Mo' },
  createdAt: '2026-03-02T10:00:00.000Z',
  version: 1,
  extensions: [],
  ...over,
});

describe('who may recommend, vote, close and extend', () => {
  it('lets the chair, Business Team, partners and members recommend, and nobody else', () => {
    for (const role of ['chair', 'business', 'partner', 'member'] as const) expect(() => checkCanRecommend(actor([role]))).not.toThrow();
    expect(refusal(() => checkCanRecommend(actor(['lay']))).code).toBe('forbidden');
    expect(refusal(() => checkCanRecommend(actor([]))).message).toMatch(/can submit a recommendation/);
  });

  it('lets only the chair close early or extend, naming what was refused', () => {
    expect(() => checkChair(actor(['chair']), 'extend a vote')).not.toThrow();
    const refused = refusal(() => checkChair(actor(['business', 'partner']), 'extend a vote'));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toMatch(/can extend a vote\.$/);
  });

  it('counts a vote only from the partners snapshotted when the vote opened', () => {
    expect(voterOf(aVote(), actor(['partner'], 'p2'))).toEqual({ aadObjectId: 'p2', name: 'Sam' });
    // A partner since the vote opened is not on the list, whatever their roles now.
    const late = refusal(() => voterOf(aVote(), actor(['partner', 'chair'], 'p9')));
    expect(late.code).toBe('forbidden');
    expect(late.message).toBe('Only the Executive Board partners (the 3 listed when the vote on REC-1 opened) vote on it. Your click was not counted.');
  });

  it('takes Approve, Reject and Abstain as votes, and refuses anything else by the option field', () => {
    expect(checkVoteOption('approve')).toBe('approve');
    expect(checkVoteOption('abstain')).toBe('abstain');
    const junk = refusal(() => checkVoteOption('Approve-ish and more than twenty characters'));
    expect(junk.field).toBe('option');
    expect(junk.message).toBe('"Approve-ish and more" is not a vote: choose Approve, Reject or Abstain.');
    expect(refusal(() => checkVoteOption(undefined)).field).toBe('option');
  });

  it('refuses a change to a closed vote, and says how it was decided', () => {
    expect(() => checkOpen(aVote())).not.toThrow();
    const closed = refusal(() => checkOpen(aVote({ status: 'no-quorum' })));
    expect(closed.code).toBe('closed');
    expect(closed.message).toMatch(/^Voting on REC-1 has closed \(No quorum\)/);
  });

  it('calls the closing time passed from its instant on, not a millisecond before', () => {
    const rec = aVote();
    expect(closingTimePassed(rec, new Date('2026-03-16T16:59:59.999Z'))).toBe(false);
    expect(closingTimePassed(rec, new Date('2026-03-16T17:00:00.000Z'))).toBe(true);
    expect(closingTimePassed(rec, new Date('2026-03-17T09:00:00.000Z'))).toBe(true);
  });
});

describe('what a vote becomes when decided or extended', () => {
  const at = '2026-03-10T12:00:00.000Z';

  it('decides by the rule on the frozen tally, bumps the version and records how it closed', () => {
    const rec = aVote({ version: 3 });
    const yes = decided(rec, { approve: 2, reject: 1, abstain: 0 }, { at, by: 'System', how: 'all-voted' });
    expect(yes).toEqual({ ...rec, status: 'approved', version: 4, closed: { at, by: 'System', how: 'all-voted', tally: { approve: 2, reject: 1, abstain: 0 } } });
    expect(decided(rec, { approve: 1, reject: 0, abstain: 2 }, { at, by: 'System', how: 'deadline' }).status).toBe('rejected');
    expect(decided(rec, { approve: 1, reject: 0, abstain: 0 }, { at, by: 'System', how: 'deadline' }).status).toBe('no-quorum');
    expect(decided(rec, { approve: 2, reject: 0, abstain: 0 }, { at, by: 'Alex', how: 'chair', reason: 'Urgent' }).closed.reason).toBe('Urgent');
    expect(rec.status).toBe('open'); // the recommendation it was given is left as it was
  });

  it('puts the decision, the counts and why it closed in the log\'s words', () => {
    const rec = aVote();
    expect(decisionText(decided(rec, { approve: 2, reject: 1, abstain: 0 }, { at, by: 'System', how: 'all-voted' }))).toBe('Approved: 2 approve, 1 reject, 0 abstain of 3 eligible (every partner voted)');
    expect(decisionText(decided(rec, { approve: 0, reject: 1, abstain: 0 }, { at, by: 'System', how: 'deadline' }))).toBe('No quorum: 0 approve, 1 reject, 0 abstain of 3 eligible (closed at the deadline)');
    expect(decisionText(decided(rec, { approve: 1, reject: 1, abstain: 0 }, { at, by: 'Alex', how: 'chair', reason: 'Police input' }))).toBe('Rejected: 1 approve, 1 reject, 0 abstain of 3 eligible (closed early by the chair: Police input)');
  });

  it('moves the deadline and closing instant, keeps every earlier extension and cuts the reason to 500 characters', () => {
    const rec = aVote({ extensions: [{ from: '2026-03-09', to: '2026-03-16', reason: 'First', by: 'Alex', at }] });
    const next = extended(rec, '2026-03-20', '2026-03-20T17:00:00.000Z', 'x'.repeat(600), 'Alex', at);
    expect(next).toMatchObject({ deadline: '2026-03-20', closesAt: '2026-03-20T17:00:00.000Z', version: 2 });
    expect(next.extensions).toHaveLength(2);
    expect(next.extensions[1]).toEqual({ from: '2026-03-16', to: '2026-03-20', reason: 'x'.repeat(500), by: 'Alex', at });
  });
});

describe('the timers of a vote', () => {
  it('closes at the configured hour, else 17:00', () => {
    expect(closeHourOf({ voteDays: 14, voteQuorum: 2, voteReminderDays: [] })).toBe(17);
    expect(closeHourOf({ voteDays: 14, voteQuorum: 2, voteReminderDays: [], closeHour: 12 })).toBe(12);
    expect(closeHourOf({ voteDays: 14, voteQuorum: 2, voteReminderDays: [], closeHour: 12, voteCloseHour: 9 })).toBe(9);
  });

  it('sets one close job at the deadline and a reminder to each partner per reminder day still ahead', () => {
    const specs = voteTimers(aVote(), '2026-03-12', 16, [7, 2, 1]);
    const [close, ...reminders] = specs;
    expect(close).toMatchObject({ kind: 'vote-close', date: '2026-03-16', hour: 16, job: true, content: { handler: VOTE_CLOSE_HANDLER, data: { recommendationId: 'rec-1' } } });
    // 7 days before (03-09) is already past on 03-12; 2 and 1 days before are ahead, for each of the three partners.
    expect(reminders.map((r) => `${r.kind} ${r.date} ${r.target.kind === 'person' ? r.target.aadObjectId : '-'}`)).toEqual([
      'vote-remind-2d 2026-03-14 p1',
      'vote-remind-2d 2026-03-14 p2',
      'vote-remind-2d 2026-03-14 p3',
      'vote-remind-1d 2026-03-15 p1',
      'vote-remind-1d 2026-03-15 p2',
      'vote-remind-1d 2026-03-15 p3',
    ]);
    expect(reminders[0]).toMatchObject({ ahead: true, content: { handler: VOTE_REMIND_HANDLER, data: { recommendationId: 'rec-1', daysLeft: 2 } } });
  });

  it('sets no reminder for a day that is today', () => {
    expect(voteTimers(aVote(), '2026-03-14', 17, [2]).map((s) => s.kind)).toEqual(['vote-close']);
  });
});
