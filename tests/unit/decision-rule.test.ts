import { approvalsNeeded, decide, DECISION_LABELS, describeRule, explainDecision, isVoteOption, OPTION_LABELS, Tally } from '../../services/recommendations/decision-rule';

const t = (approve: number, reject: number, abstain: number): Tally => ({ approve, reject, abstain });

describe('the decision rule (DOMAIN.md §3: majority of eligible voters, quorum 3)', () => {
  // [eligible, approve, reject, abstain, expected]
  const table: [number, number, number, number, string][] = [
    // 4 eligible: 3 approvals needed (2 of 4 is a tie, not a majority)
    [4, 0, 0, 0, 'no-quorum'],
    [4, 2, 0, 0, 'no-quorum'], // 2 cast < quorum 3
    [4, 1, 1, 0, 'no-quorum'],
    [4, 3, 0, 0, 'approved'], // exactly quorum, exactly majority
    [4, 2, 2, 0, 'rejected'], // tie
    [4, 2, 1, 1, 'rejected'], // abstention counts against
    [4, 2, 0, 2, 'rejected'], // 2 approve + 2 abstain: not a majority of eligible
    [4, 3, 1, 0, 'approved'],
    [4, 3, 0, 1, 'approved'],
    [4, 4, 0, 0, 'approved'],
    [4, 0, 4, 0, 'rejected'],
    [4, 0, 0, 4, 'rejected'], // all abstain: quorum met, nobody approves
    [4, 1, 0, 2, 'rejected'],
    // 5 eligible: 3 approvals needed
    [5, 3, 0, 0, 'approved'],
    [5, 3, 2, 0, 'approved'],
    [5, 3, 1, 1, 'approved'],
    [5, 2, 2, 1, 'rejected'],
    [5, 2, 3, 0, 'rejected'],
    [5, 2, 0, 0, 'no-quorum'],
    [5, 1, 1, 0, 'no-quorum'],
    [5, 2, 0, 1, 'rejected'], // quorum met, only 2 of 5
    [5, 5, 0, 0, 'approved'],
    [5, 0, 0, 3, 'rejected'],
    // 2 eligible: quorum 3 can never be reached
    [2, 0, 0, 0, 'no-quorum'],
    [2, 2, 0, 0, 'no-quorum'],
    [2, 1, 1, 0, 'no-quorum'],
    [2, 0, 2, 0, 'no-quorum'],
  ];
  it.each(table)('eligible %i, approve %i, reject %i, abstain %i → %s', (eligible, a, r, ab, expected) => {
    expect(decide(eligible, t(a, r, ab), 3)).toBe(expected);
  });

  it('needs a strict majority of eligible voters, so a tie never approves', () => {
    expect(approvalsNeeded(2)).toBe(2);
    expect(approvalsNeeded(4)).toBe(3);
    expect(approvalsNeeded(5)).toBe(3);
    expect(approvalsNeeded(6)).toBe(4);
  });

  it('takes the quorum as a setting', () => {
    expect(decide(2, t(2, 0, 0), 2)).toBe('approved');
    expect(decide(4, t(3, 0, 0), 4)).toBe('no-quorum');
    expect(decide(4, t(3, 1, 0), 4)).toBe('approved');
  });

  it('states the rule with the numbers that apply', () => {
    expect(describeRule(5, 3)).toContain('at least 3 of the 5 eligible');
  });
});

describe('why a vote ended as it did, in words', () => {
  it('says how many approved of how many, and how many were needed', () => {
    expect(explainDecision('rejected', 4, { approve: 2, reject: 1, abstain: 1 }, 3)).toBe('2 of 4 approved; 3 needed');
    expect(explainDecision('approved', 5, { approve: 3, reject: 2, abstain: 0 }, 3)).toBe('3 of 5 approved; 3 needed');
    expect(explainDecision('no-quorum', 4, { approve: 2, reject: 0, abstain: 0 }, 3)).toBe('2 of 4 voted; 3 needed for a decision');
    });
});

describe('vote options and the labels people read', () => {
  it('accepts exactly the three options, and nothing that only looks like one', () => {
    for (const option of ['approve', 'reject', 'abstain']) expect(isVoteOption(option)).toBe(true);
    for (const junk of ['', 'Approve', 'yes', 'approve ', undefined, null, 1, ['approve'], { approve: true }]) {
      expect(isVoteOption(junk)).toBe(false);
    }
  });

  it('labels each option and each decision in words', () => {
    expect(OPTION_LABELS).toEqual({ approve: 'Approve', reject: 'Reject', abstain: 'Abstain' });
    expect(DECISION_LABELS).toEqual({ approved: 'Approved', rejected: 'Rejected', 'no-quorum': 'No quorum' });
  });
});
