import { caseCardData, clockLine } from '../../bot/case-reviews/view';
import { disputeCardData, disputeListItem } from '../../bot/disputes/view';
import { renderDisputeList } from '../../cards/disputes/dispute-list';
import { actionCardData, voteCardData } from '../../bot/recommendations/card-data';
import { actionList, recommendationList } from '../../bot/recommendations/lists';
import { reviewRows, timelineView } from '../../bot/reviews/views';
import { NEAR_DAYS, deadlineColour } from '../../cards/deadline-colour';
import { renderActionCard } from '../../cards/recommendations/action';
import { renderVoteCard } from '../../cards/recommendations/vote';
import { renderTimeline } from '../../cards/reviews/timeline';
import type { AdaptiveCard } from '../../cards/render';
import { DEFAULT_CASE_CLOCKS, clocksOf, openCase, step } from '../../services/case-reviews/case-review';
import type { Actor } from '../../services/directory/roles';
import type { ActionItem } from '../../services/recommendations/action-service';
import type { VoteView } from '../../services/recommendations/recommendation-service';
import { stageDates } from '../../services/reviews/dates';
import type { Review } from '../../services/reviews/review';
import { CalendarTime } from '../../services/time';
import { WorkingCalendar } from '../../services/working-days';
import * as disputes from '../../services/disputes/dispute';
import { aDispute, chair } from '../support/disputes-mother';

const time = new CalendarTime('Europe/London');
const viewer: Actor = { tenantId: 't', aadObjectId: 'patti', name: 'Patti Fernandez', roles: ['business'] };

/** The colour of the first TextBlock in a rendered card whose text matches. */
function colourOf(card: AdaptiveCard, text: RegExp): unknown {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string' && text.test(o.text)) found.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found.length) throw new Error(`no TextBlock matching ${text} in the card`);
  return found[0].color;
}

describe('the shared deadline rule', () => {
  it('is red once passed, amber within the near window (the last day included), calm before, and never amber or red once finished', () => {
    const near = NEAR_DAYS.weeks;
    expect(deadlineColour({ daysLeft: near + 1, nearDays: near }, 'Accent')).toBe('Accent');
    expect(deadlineColour({ daysLeft: near, nearDays: near }, 'Accent')).toBe('Warning');
    expect(deadlineColour({ daysLeft: 0, nearDays: near })).toBe('Warning');
    expect(deadlineColour({ daysLeft: -1, nearDays: near })).toBe('Attention');
    expect(deadlineColour({ daysLeft: -30, nearDays: near, finished: true })).toBe('Good');
    expect(deadlineColour({ daysLeft: 0, nearDays: near, finished: true }, 'Accent', 'Default')).toBe('Default');
    expect(NEAR_DAYS).toEqual({ weeks: 7, vote: 2, caseReviewWorkingDays: 3 });
  });
});

describe('the dispute card', () => {
  it('keeps its existing rule through the shared helper, and a closed dispute is never red', () => {
    expect(disputeCardData(aDispute(), undefined, '2026-03-12', time).progressColor).toBe('Accent');
    expect(disputeCardData(aDispute(), undefined, '2026-03-31', time).progressColor).toBe('Warning');
    expect(disputeCardData(aDispute(), undefined, '2026-04-08', time).progressColor).toBe('Attention');
    const closed = disputes.recordMeeting(disputes.schedule(aDispute(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, '2026-03-12'), chair, true, '', '2026-03-12');
    expect(disputeCardData(closed, undefined, '2026-04-20', time).progressColor).toBe('Default');
  });
});

describe('the disputes list', () => {
  const rowColour = (d: ReturnType<typeof aDispute>, today: string): unknown => colourOf(renderDisputeList({ title: 'Open disputes (1)', items: [disputeListItem(d, today)] }), /left|due today|BREACH/);

  it('colours each row by the same rule as the card: default, amber in the last week, red once breached', () => {
    expect(rowColour(aDispute(), '2026-03-12')).toBe('Default');
    expect(rowColour(aDispute(), '2026-03-31')).toBe('Warning');
    expect(rowColour(aDispute(), '2026-04-08')).toBe('Attention');
  });

  it('stops turning amber once the meeting is held: that clock has finished', () => {
    const held = disputes.recordMeeting(disputes.schedule(aDispute(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, '2026-03-12'), chair, false, '', '2026-03-12');
    expect(rowColour(held, '2026-03-31')).toBe('Default');
  });
});

describe('the vote card', () => {
  const view = (status: 'open' | 'approved'): VoteView =>
    ({
      rec: {
        id: 'rec-1', ref: 'REC-1', title: 'T', detail: 'D', status, version: 2, deadline: '2026-03-09', closesAt: '2026-03-09T17:00:00.000Z', quorum: 3,
        eligible: [{ aadObjectId: 'megan', name: 'Megan Bowen' }], extensions: [], submittedBy: { aadObjectId: 'p', name: 'Patti' }, source: { kind: 'subgroup', id: 's', name: 'S' },
        ...(status === 'open' ? {} : { closed: { at: '2026-03-09T17:00:00.000Z', how: 'deadline' } }),
      },
      votes: [], tally: { approve: 1, reject: 0, abstain: 0 }, voted: [{ aadObjectId: 'megan', name: 'Megan Bowen' }], notVoted: [],
    }) as unknown as VoteView;
  const options = { privileged: false, isChair: false, refreshUserIds: [], people: [], actions: [], time };
  const statusColour = (status: 'open' | 'approved', now: string): unknown =>
    colourOf(renderVoteCard(voteCardData(view(status), { ...options, now: new Date(now) })), /^(Voting open|Approved)/);

  it('is accent while the vote has time, amber in its last two days, red from its closing time while still open', () => {
    expect(statusColour('open', '2026-03-06T12:00:00.000Z')).toBe('Accent');
    expect(statusColour('open', '2026-03-07T09:00:00.000Z')).toBe('Warning');
    expect(statusColour('open', '2026-03-09T16:59:00.000Z')).toBe('Warning');
    // 17:00 on the closing day: the vote is past its time even if the closing job has not run yet.
    expect(statusColour('open', '2026-03-09T17:00:00.000Z')).toBe('Attention');
    expect(statusColour('open', '2026-03-10T09:00:00.000Z')).toBe('Attention');
  });

  it('once decided shows the decision\'s colour, never amber or red for the deadline', () => {
    expect(statusColour('approved', '2026-03-20')).toBe('Good');
  });
});

const anAction = (over: Partial<ActionItem> = {}): ActionItem => ({
  id: 'act-1', tenantId: 't', ref: 'ACT-1', recommendationId: 'rec-1', recommendationRef: 'REC-1', recommendationTitle: 'Toolkit',
  description: 'Roll out the toolkit', owner: { aadObjectId: 'megan', name: 'Megan Bowen' }, organisation: 'NHS', due: '2026-04-30',
  status: 'open', createdAt: '2026-03-01T10:00:00.000Z', createdBy: 'Patti', version: 1, dueChanges: [], ...over,
});

describe('the action card', () => {
  const status = (a: ActionItem, today: string): { text: string; color: unknown } => {
    const data = actionCardData(a, today);
    return { text: data.statusText, color: colourOf(renderActionCard(data), /^(Open|Overdue|Done)/) };
  };

  it('is accent until the last week, amber with "due in N days" in it, red once overdue', () => {
    expect(status(anAction(), '2026-04-22')).toEqual({ text: 'Open', color: 'Accent' });
    expect(status(anAction(), '2026-04-23')).toEqual({ text: 'Open: due in 7 days', color: 'Warning' });
    expect(status(anAction(), '2026-04-29')).toEqual({ text: 'Open: due in 1 day', color: 'Warning' });
    expect(status(anAction(), '2026-04-30')).toEqual({ text: 'Open: due today', color: 'Warning' });
    expect(status(anAction(), '2026-05-01')).toEqual({ text: 'Overdue: was due Thu 30 Apr 2026', color: 'Attention' });
  });

  it('is good once done, even when done late', () => {
    const done = anAction({ status: 'done', done: { at: '2026-05-10T10:00:00.000Z', by: 'Megan Bowen', evidence: 'x' } });
    expect(status(done, '2026-05-20').color).toBe('Good');
  });
});

describe('the actions list', () => {
  const rowColour = (a: ActionItem, today: string): unknown => colourOf(actionList('Open actions', 'None.', [a], viewer, today), /^Megan Bowen \(NHS\), due/);

  it('colours each row\'s due date: default, amber in the last week, red once overdue', () => {
    expect(rowColour(anAction(), '2026-04-22')).toBe('Default');
    expect(rowColour(anAction(), '2026-04-25')).toBe('Warning');
    expect(rowColour(anAction(), '2026-05-01')).toBe('Attention');
  });
});

describe('the recommendations list', () => {
  const records = (status: 'open' | 'approved', deadline: string) => {
    const rec = {
      id: 'rec-1', ref: 'REC-1', title: 'Toolkit', status, deadline, closesAt: time.instantAt(deadline, 17).toISOString(), quorum: 1, eligible: [{ aadObjectId: 'megan', name: 'Megan Bowen' }],
    };
    const view = { rec, votes: [], tally: { approve: 1, reject: 0, abstain: 0 }, voted: [{ aadObjectId: 'megan', name: 'Megan Bowen' }], notVoted: [] };
    return { list: async () => [rec], view: async () => view } as unknown as Parameters<typeof recommendationList>[0];
  };
  const rowColour = async (status: 'open' | 'approved', deadline: string, now: string): Promise<unknown> =>
    colourOf(await recommendationList(records(status, deadline), viewer, new Date(now), time), /^(Voting until|Approved)/);

  it('colours an open vote\'s row amber in its last two days and red from its closing time; a decided one stays default', async () => {
    expect(await rowColour('open', '2026-03-09', '2026-03-06T12:00:00.000Z')).toBe('Default');
    expect(await rowColour('open', '2026-03-09', '2026-03-07T12:00:00.000Z')).toBe('Warning');
    expect(await rowColour('open', '2026-03-09', '2026-03-09T16:30:00.000Z')).toBe('Warning');
    expect(await rowColour('open', '2026-03-09', '2026-03-09T17:00:00.000Z')).toBe('Attention');
    expect(await rowColour('open', '2026-03-09', '2026-03-10T12:00:00.000Z')).toBe('Attention');
    expect(await rowColour('approved', '2026-03-09', '2026-03-20T12:00:00.000Z')).toBe('Default');
  });
});

describe('the review timeline and the reviews list', () => {
  const signed = { by: { aadObjectId: 'm', name: 'Megan Bowen' }, at: '2026-02-27T10:00:00Z', note: 'Scoped' };
  // Stage 2 (Audits) runs 28 Feb to 30 Mar 2026.
  const review: Review = {
    id: 'rv-abc', tenantId: 't', ref: 'R-3', theme: 'Transitions', strand: 'combined',
    sponsor: { aadObjectId: 'm', name: 'Megan Bowen', organisation: 'NHS' },
    startDate: '2026-01-31', endDate: '2026-05-30',
    stages: stageDates('2026-01-31').map((s) => (s.number === 1 ? { ...s, signedOff: signed } : s)),
    learningEventPlanned: '2026-05-30', recommendations: [], status: 'active', impactChecks: [], reminderConversations: [], formId: 'f', version: 4,
    createdBy: { aadObjectId: 'p', name: 'Patti Fernandez' }, createdAt: '2026-01-20T10:00:00Z', updatedAt: '2026-02-27T10:00:00Z',
  };
  const timeline = (r: Review, today: string) => {
    const { data, forms } = timelineView(r, { today, time, channelNames: [], updatedAt: new Date(r.updatedAt) });
    return { data, card: renderTimeline(data, forms) };
  };

  it('the headline and the current stage\'s row are calm until the stage\'s last week, amber in it, red once it ends unsigned', () => {
    for (const [today, headline, row] of [
      ['2026-03-19', 'Accent', 'Default'],
      ['2026-03-23', 'Warning', 'Warning'],
      ['2026-03-30', 'Warning', 'Warning'],
      ['2026-03-31', 'Attention', 'Attention'],
    ] as const) {
      const { data, card } = timeline(review, today);
      expect([today, data.statusColor, data.stages[1].color]).toEqual([today, headline, row]);
      expect(colourOf(card, /^Stage 2 of 4/)).toBe(headline);
    }
  });

  it('a signed-off stage is good and a later one default, whatever the dates', () => {
    const { data } = timeline(review, '2026-03-31');
    expect(data.stages.map((s) => s.color)).toEqual(['Good', 'Attention', 'Default', 'Default']);
  });

  it('a signed-off current stage does not turn amber in its last week', () => {
    const both = { ...review, stages: review.stages.map((s) => (s.number <= 2 ? { ...s, signedOff: signed } : s)) };
    const { data } = timeline(both, '2026-03-28');
    expect(data.statusColor).toBe('Accent');
    expect(data.stages[1].color).toBe('Good');
  });

  it('a cancelled review is never red, even with a stage past its end unsigned', () => {
    const cancelled: Review = { ...review, status: 'cancelled', cancelled: { by: { aadObjectId: 'p', name: 'Patti' }, at: '2026-04-10T10:00:00Z', reason: 'merged' } };
    const { data, card } = timeline(cancelled, '2026-04-20');
    expect(data.statusColor).toBe('Default');
    expect(colourOf(card, /^Cancelled on/)).toBe('Default');
    expect(data.stages.map((s) => s.color)).not.toContain('Attention');
  });

  it('impact checks of a completed review: default while far off, amber in the last week, red once missed, good once recorded', () => {
    const allSigned = review.stages.map((s) => ({ ...s, signedOff: signed }));
    const completed: Review = {
      ...review, stages: allSigned, status: 'completed', completedAt: '2026-05-30T10:00:00Z',
      impactChecks: [
        { months: 6, date: '2026-11-30', findings: { text: 'Used', by: { aadObjectId: 'p', name: 'Patti' }, at: '2026-11-20T10:00:00Z' } },
        { months: 12, date: '2027-05-30' },
      ],
    };
    const check12 = (today: string): unknown => colourOf(timeline(completed, today).card, /^\*\*12-month impact check\*\*/);
    expect(check12('2027-05-22')).toBe('Default');
    expect(check12('2027-05-23')).toBe('Warning');
    expect(check12('2027-05-31')).toBe('Attention');
    expect(colourOf(timeline(completed, '2027-05-31').card, /^\*\*6-month impact check\*\*/)).toBe('Good');
    expect(timeline(completed, '2027-05-31').data.statusColor).toBe('Good');
  });

  it('the reviews list colours each row\'s stage line by the same rule', () => {
    const line = (today: string): unknown => reviewRows([review], viewer, today, time).rows[0].lineColor;
    expect(line('2026-03-19')).toBe('Default');
    expect(line('2026-03-24')).toBe('Warning');
    expect(line('2026-03-31')).toBe('Attention');
  });
});

describe('case-review clocks', () => {
  const cal = new WorkingCalendar();
  const business: Actor = { tenantId: 't1', aadObjectId: 'patti-id', name: 'Patti', roles: ['business'] };
  const c = openCase({ reference: 'rr-2026-12', kind: 'child', started: '2026-12-21' }, business, '2026-12-21', { id: 'case-1', tenantId: 't1', now: '2026-12-21T10:00:00.000Z' });
  // The notification clock is due on 30 Dec 2026 (5 working days).
  const notification = (caseReview: typeof c, today: string) => clocksOf(caseReview, today, cal, DEFAULT_CASE_CLOCKS)[0];
  const cardColour = (caseReview: typeof c, today: string): unknown => caseCardData(caseReview, undefined, today, clocksOf(caseReview, today, cal, DEFAULT_CASE_CLOCKS), time).clocks[0].color;

  it('on the case card: accent with time, amber within three working days, red once breached', () => {
    expect(cardColour(c, '2026-12-21')).toBe('Accent');
    expect(cardColour(c, '2026-12-24')).toBe('Warning');
    expect(cardColour(c, '2026-12-31')).toBe('Attention');
  });

  it('in the case reviews list: default with time, amber near, red once breached', () => {
    expect(clockLine(notification(c, '2026-12-21')).color).toBe('Default');
    expect(clockLine(notification(c, '2026-12-24')).color).toBe('Warning');
    expect(clockLine(notification(c, '2026-12-31'))).toMatchObject({ color: 'Attention', line: expect.stringMatching(/^BREACH/) });
  });

  it('a clock met late is good, not amber: it is finished', () => {
    const late = step(c, business, 'notify', { date: '2027-01-04' }, '2027-01-04', { cal, settings: DEFAULT_CASE_CLOCKS });
    expect(notification(late, '2027-01-04').state).toBe('done_late');
    expect(cardColour(late, '2027-01-04')).toBe('Good');
    expect(clockLine(notification(late, '2027-01-04')).color).toBe('Default');
  });
});
