import { voteCardData } from '../../bot/recommendations/card-data';
import type { LogEntry } from '../../services/log/audit-log';
import type { VoteView } from '../../services/recommendations/recommendation-service';
import { PRIVATE_CHOICE, logEntryFor, seesChoiceOf, seesEveryChoice } from '../../services/recommendations/vote-privacy';
import { CalendarTime } from '../../services/time';

const entry = (action: string, extra: Partial<LogEntry> = {}): LogEntry => ({
  id: 'e1', tenantId: 't', seq: 1, at: '2026-03-02T10:00:00.000Z', actor: { aadObjectId: 'megan', name: 'Megan Bowen', roles: ['partner'] },
  action, entity: { type: 'recommendation', id: 'rec-1', ref: 'REC-1' }, prevHash: 'p', hash: 'h', ...extra,
});

describe('who sees a vote\'s choice (votes are private to the chair and Business Team)', () => {
  it('the chair and Business Team see every choice; a partner sees only their own; a lay member none', () => {
    expect(seesEveryChoice(['chair'])).toBe(true);
    expect(seesEveryChoice(['business'])).toBe(true);
    expect(seesEveryChoice(['partner', 'lay', 'member'])).toBe(false);
    expect(seesChoiceOf({ aadObjectId: 'megan', roles: ['partner'] }, 'megan')).toBe(true);
    expect(seesChoiceOf({ aadObjectId: 'adele', roles: ['partner'] }, 'megan')).toBe(false);
    expect(seesChoiceOf({ aadObjectId: 'patti', roles: ['business'] }, 'megan')).toBe(true);
  });

  it('a lay member reads a vote in the log without its choice; other entries and privileged readers are untouched', () => {
    const cast = entry('vote.cast', { after: 'Approve' });
    const changed = entry('vote.changed', { before: 'Approve', after: 'Reject' });
    expect(logEntryFor(['lay'], cast)).toEqual({ ...cast, after: PRIVATE_CHOICE });
    expect(logEntryFor(['lay'], changed)).toEqual({ ...changed, before: PRIVATE_CHOICE, after: PRIVATE_CHOICE });
    expect(logEntryFor(['business'], changed)).toBe(changed);
    expect(logEntryFor(['chair'], cast)).toBe(cast);
    const decided = entry('recommendation.decided', { after: 'approved: 3 approve, 1 reject' });
    expect(logEntryFor(['lay'], decided)).toBe(decided);
  });
});

describe('the vote card tells a voter their own choice', () => {
  const time = new CalendarTime('Europe/London');
  const view = (status: 'open' | 'approved'): VoteView =>
    ({
      rec: {
        id: 'rec-1', ref: 'REC-1', title: 'T', detail: 'D', status, version: 2, deadline: '2026-03-09', closesAt: '2026-03-09T17:00:00.000Z', quorum: 3,
        eligible: [{ aadObjectId: 'megan', name: 'Megan Bowen' }], extensions: [], submittedBy: { aadObjectId: 'p', name: 'Patti' }, source: { kind: 'subgroup', id: 's', name: 'S' },
        ...(status === 'open' ? {} : { closed: { at: '2026-03-03T10:00:00.000Z', how: 'all-voted' } }),
      },
      votes: [], tally: { approve: 1, reject: 0, abstain: 0 }, voted: [{ aadObjectId: 'megan', name: 'Megan Bowen' }], notVoted: [],
    }) as unknown as VoteView;
  const options = { privileged: false, isChair: false, refreshUserIds: [], people: [], actions: [], time, now: new Date('2026-03-02T12:00:00.000Z') };

  it('"You voted Approve at 10:02; you can change it until the vote closes" on the day, with the date on a later day', () => {
    expect(voteCardData(view('open'), { ...options, myVote: { option: 'approve', at: '2026-03-02T10:02:00.000Z' } }).myVoteText).toBe('You voted Approve at 10:02; you can change it until the vote closes');
    expect(voteCardData(view('open'), { ...options, now: new Date('2026-03-04T09:00:00.000Z'), myVote: { option: 'reject', at: '2026-03-02T10:02:00.000Z' } }).myVoteText).toBe('You voted Reject on Mon 2 Mar 2026, 10:02; you can change it until the vote closes');
  });

  it('after the close it says what they voted, not that they can change it; without a vote of theirs it says nothing', () => {
    expect(voteCardData(view('approved'), { ...options, myVote: { option: 'approve', at: '2026-03-02T10:02:00.000Z' } }).myVoteText).toBe('You voted Approve at 10:02');
    expect(voteCardData(view('open'), options).myVoteText).toBe('');
  });
});
