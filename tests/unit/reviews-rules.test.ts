/**
 * The pure review rules (services/reviews/review-rules.ts), called directly with a built review:
 * each refusal's code, message and field, and each decision's review and log line, exactly, so a
 * changed rule or message fails here (issue 13, mutation score).
 */
import type { Actor } from '../../services/directory/roles';
import { reviewEndDate, stageDates } from '../../services/reviews/dates';
import type { Review } from '../../services/reviews/review';
import * as rules from '../../services/reviews/review-rules';
import { domainRefusal } from '../support/domain-refusal';

const megan: Actor = { tenantId: 't1', aadObjectId: 'id-megan', name: 'Megan Bowen', roles: ['partner'], organisation: 'NHS Trust' };
const patti: Actor = { tenantId: 't1', aadObjectId: 'id-patti', name: 'Patti Fernandez', roles: ['business'] };
const MEGAN = { aadObjectId: 'id-megan', name: 'Megan Bowen', organisation: 'NHS Trust' };
const PATTI = { aadObjectId: 'id-patti', name: 'Patti Fernandez' };

const NOW = '2026-06-10T09:00:00.000Z';
const ctx = (today: string): rules.RuleContext => ({ today, now: NOW, formatInstant: (iso) => `at ${iso}` });

/** R-1, 2 March to 1 July 2026 (stages start 2 Mar, 2 Apr, 2 May, 2 Jun). */
function aReview(over: Partial<Review> = {}): Review {
  const startDate = '2026-03-02';
  return {
    id: 'rv-1',
    tenantId: 't1',
    ref: 'R-1',
    theme: 'Neglect',
    strand: 'children',
    sponsor: MEGAN,
    startDate,
    endDate: reviewEndDate(startDate),
    stages: stageDates(startDate),
    learningEventPlanned: '2026-07-01',
    recommendations: [],
    status: 'active',
    impactChecks: [],
    reminderConversations: ['c1'],
    formId: 'form-1',
    version: 1,
    createdBy: PATTI,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    ...over,
  };
}

const signed = (n: number) => ({ by: PATTI, at: `2026-0${n + 2}-20T10:00:00.000Z`, note: `stage ${n} done` });
/** The review with stages 1..n signed off. */
const signedUpTo = (n: number, over: Partial<Review> = {}): Review => {
  const r = aReview(over);
  return { ...r, stages: r.stages.map((s) => (s.number <= n ? { ...s, signedOff: signed(s.number) } : s)) };
};

const refused = (fn: () => unknown) => {
  const e = domainRefusal(fn);
  return { code: e.code, message: e.message, field: e.details.field };
};

describe('review rules: small helpers', () => {
  it('personRef keeps the id and name, and the organisation only when there is one', () => {
    expect(rules.personRef(megan)).toEqual(MEGAN);
    expect(rules.personRef(patti)).toEqual(PATTI);
    expect(Object.keys(rules.personRef(patti))).toEqual(['aadObjectId', 'name']);
    expect(Object.keys(rules.personRef({ ...patti, organisation: '' }))).toEqual(['aadObjectId', 'name']);
  });

  it('text trims, and refuses too short or too long with a message naming the field', () => {
    expect(rules.text('  hello  ', 'f', 'the note', 1, 10)).toBe('hello');
    expect(rules.text('a', 'f', 'the note', 1, 1)).toBe('a');
    expect(rules.text('abc', 'f', 'the note', 3, 3)).toBe('abc');
    expect(refused(() => rules.text('   ', 'f', 'the note', 1, 10))).toEqual({ code: 'invalid', message: 'Please fill in the note.', field: 'f' });
    expect(refused(() => rules.text(42, 'f', 'the note', 1, 10))).toEqual({ code: 'invalid', message: 'Please fill in the note.', field: 'f' });
    expect(refused(() => rules.text('ab', 'g', 'the reason', 3, 10))).toEqual({ code: 'invalid', message: 'The reason needs at least 3 characters.', field: 'g' });
    expect(refused(() => rules.text('', 'g', 'the reason', 2, 10)).message).toBe('The reason needs at least 2 characters.');
    expect(refused(() => rules.text('abcd', 'h', 'the title', 1, 3))).toEqual({ code: 'invalid', message: 'The title is too long (at most 3 characters).', field: 'h' });
  });

  it('normaliseTheme drops case, punctuation and outer spaces', () => {
    expect(rules.normaliseTheme('  Neglect! ')).toBe('neglect');
    expect(rules.normaliseTheme('Self-Neglect & hoarding')).toBe('self neglect hoarding');
    expect(rules.normaliseTheme('?Child 2 exploitation?')).toBe('child 2 exploitation');
  });

  it('learningEventDate: empty means the last day; otherwise a real date not before the start', () => {
    for (const empty of [undefined, null, '']) expect(rules.learningEventDate(empty, '2026-03-02', '2026-07-01')).toBe('2026-07-01');
    expect(rules.learningEventDate('2026-03-02', '2026-03-02', '2026-07-01')).toBe('2026-03-02');
    expect(rules.learningEventDate('2026-09-01', '2026-03-02', '2026-07-01')).toBe('2026-09-01');
    expect(refused(() => rules.learningEventDate('2026-02-30', '2026-03-02', '2026-07-01'))).toEqual({
      code: 'invalid',
      message: 'Give the learning event date as a date (yyyy-mm-dd), or leave it empty.',
      field: 'learningEventDate',
    });
    expect(refused(() => rules.learningEventDate(0, '2026-03-02', '2026-07-01')).field).toBe('learningEventDate');
    expect(refused(() => rules.learningEventDate('2026-03-01', '2026-03-02', '2026-07-01'))).toEqual({
      code: 'invalid',
      message: 'The learning event cannot be planned before the review starts.',
      field: 'learningEventDate',
    });
  });
});

describe('review rules: signing off a stage', () => {
  it('names the stage from a number or a numeric string, and refuses anything else', () => {
    expect(rules.signOffStage(aReview(), 1, ctx('2026-03-02'))).toBe(1);
    expect(rules.signOffStage(signedUpTo(1), '2', ctx('2026-04-02'))).toBe(2);
    expect(rules.signOffStage(signedUpTo(3), 4, ctx('2026-06-02'))).toBe(4);
    const notAStage = { code: 'invalid', message: 'This card does not name a stage the review has.', field: 'stage' };
    for (const bad of [0, 5, 1.5, 'x', undefined, -1]) expect(refused(() => rules.signOffStage(signedUpTo(3), bad, ctx('2026-06-20')))).toEqual(notAStage);
  });

  it('refuses a stage already signed off, one whose previous stage is open, and one not started', () => {
    expect(refused(() => rules.signOffStage(signedUpTo(1), 1, ctx('2026-04-02')))).toEqual({
      code: 'invalid',
      message: 'Stage 1 (Scoping) was already signed off by Patti Fernandez on at 2026-03-20T10:00:00.000Z.',
      field: 'stage',
    });
    expect(refused(() => rules.signOffStage(signedUpTo(1), 3, ctx('2026-05-02')))).toEqual({
      code: 'invalid',
      message: 'Stage 2 (Audits) must be signed off before stage 3 (feedback).',
      field: 'stage',
    });
    expect(refused(() => rules.signOffStage(signedUpTo(1), 2, ctx('2026-04-01')))).toEqual({
      code: 'invalid',
      message: 'Stage 2 (Audits) starts on Thu 2 Apr 2026; it can be signed off from then.',
      field: 'stage',
    });
    // Stage 1 may be signed off on its first day, and has no previous stage.
    expect(rules.signOffStage(aReview(), 1, ctx('2026-03-02'))).toBe(1);
    expect(refused(() => rules.signOffStage(aReview(), 1, ctx('2026-03-01'))).message).toBe('Stage 1 (Scoping) starts on Mon 2 Mar 2026; it can be signed off from then.');
  });

  it('signs off with the actor, the instant and the note, and logs it; other stages unchanged', () => {
    const review = aReview();
    const { next, log } = rules.signOff(review, megan, { stage: 1, note: '  Scope agreed  ' }, 0, ctx('2026-03-20'));
    expect(next.stages[0]).toEqual({ ...review.stages[0], signedOff: { by: MEGAN, at: NOW, note: 'Scope agreed' } });
    expect(next.stages.slice(1)).toEqual(review.stages.slice(1));
    expect(next).toEqual({ ...review, stages: next.stages });
    expect('noRecommendationsReason' in next).toBe(false);
    expect(log).toEqual({ action: 'review.stage-signed-off', before: 'Stage 1 (Scoping): open', after: 'Stage 1 (Scoping): signed off: Scope agreed' });
    expect(review.stages[0].signedOff).toBeUndefined();
  });

  it('refuses an empty or overlong sign-off note', () => {
    expect(refused(() => rules.signOff(aReview(), megan, { stage: 1, note: ' ' }, 0, ctx('2026-03-20')))).toEqual({ code: 'invalid', message: 'Please fill in a sign-off note.', field: 'note' });
    expect(refused(() => rules.signOff(aReview(), megan, { stage: 1, note: 'x'.repeat(2001) }, 0, ctx('2026-03-20'))).message).toBe('A sign-off note is too long (at most 2000 characters).');
    expect(rules.signOff(aReview(), megan, { stage: 1, note: 'x'.repeat(2000) }, 0, ctx('2026-03-20')).next.stages[0].signedOff?.note).toHaveLength(2000);
  });

  it('stage 4 needs a submitted recommendation or a reason of at least 3 characters', () => {
    const review = signedUpTo(3);
    const today = ctx('2026-06-20');
    expect(refused(() => rules.signOff(review, megan, { stage: 4, note: 'done' }, 0, today))).toEqual({
      code: 'invalid',
      message: 'Stage 4 needs at least one recommendation submitted to the Executive Board, or a reason why there are none.',
      field: 'noRecommendationsReason',
    });
    // A blank or non-text reason is no reason: the same refusal.
    for (const blank of ['   ', 7]) expect(refused(() => rules.signOff(review, megan, { stage: 4, note: 'done', noRecommendationsReason: blank }, 0, today)).message).toMatch(/^Stage 4 needs at least one/);
    expect(refused(() => rules.signOff(review, megan, { stage: 4, note: 'done', noRecommendationsReason: ' ab ' }, 0, today))).toEqual({
      code: 'invalid',
      message: 'The reason for no recommendations needs at least 3 characters.',
      field: 'noRecommendationsReason',
    });
    // With a submitted recommendation no reason is needed, and none is recorded.
    const withRec = rules.signOff(review, megan, { stage: 4, note: 'done' }, 1, today).next;
    expect(withRec.stages[3].signedOff).toEqual({ by: MEGAN, at: NOW, note: 'done' });
    expect('noRecommendationsReason' in withRec).toBe(false);
    // A reason given is trimmed and kept.
    const withReason = rules.signOff(review, megan, { stage: 4, note: 'done', noRecommendationsReason: '  Covered already ' }, 0, today).next;
    expect(withReason.noRecommendationsReason).toBe('Covered already');
    // One recorded before counts (a second attempt after a refusal elsewhere).
    const kept = rules.signOff({ ...review, noRecommendationsReason: 'Earlier reason' }, megan, { stage: 4, note: 'done' }, 0, today).next;
    expect(kept.noRecommendationsReason).toBe('Earlier reason');
  });

  it('a reason given before stage 4 is ignored, and stage 4 with a reason but no recommendation is fine', () => {
    const next = rules.signOff(aReview(), megan, { stage: 1, note: 'done', noRecommendationsReason: 'Not now' }, 0, ctx('2026-03-20')).next;
    expect('noRecommendationsReason' in next).toBe(false);
    const log = rules.signOff(signedUpTo(3), megan, { stage: 4, note: 'Key messages', noRecommendationsReason: 'None needed' }, 0, ctx('2026-06-20')).log;
    expect(log).toEqual({
      action: 'review.stage-signed-off',
      before: 'Stage 4 (Recommendations and learning): open',
      after: 'Stage 4 (Recommendations and learning): signed off: Key messages',
    });
  });
});

describe('review rules: the learning event', () => {
  const input = (over: Record<string, unknown> = {}) => ({ date: '2026-06-09', attendees: 40, scrutineer: true, ...over });

  it('records date, attendees, the scrutineer, who and when, and logs it', () => {
    const review = aReview();
    const { next, log } = rules.recordLearningEvent(review, megan, input(), ctx('2026-06-10'));
    expect(next).toEqual({ ...review, learningEvent: { date: '2026-06-09', attendees: 40, scrutineerTookPart: true, recordedBy: MEGAN, at: NOW } });
    expect(log).toEqual({ action: 'review.learning-event', after: 'held Tue 9 Jun 2026; 40 attended; independent scrutineer took part' });
    expect('before' in log).toBe(false);
  });

  it('reads the attendees from a string and the scrutineer toggle from "true"/"false"', () => {
    const at = (over: Record<string, unknown>) => rules.recordLearningEvent(aReview(), megan, input(over), ctx('2026-06-10'));
    expect(at({ attendees: ' 12 ' }).next.learningEvent?.attendees).toBe(12);
    expect(at({ scrutineer: 'true' }).next.learningEvent?.scrutineerTookPart).toBe(true);
    for (const no of ['false', false, undefined, 'yes', 1]) expect(at({ scrutineer: no }).next.learningEvent?.scrutineerTookPart).toBe(false);
    expect(at({ scrutineer: 'false' }).log.after).toBe('held Tue 9 Jun 2026; 40 attended; independent scrutineer did not take part');
    expect(at({ attendees: 1 }).next.learningEvent?.attendees).toBe(1);
    expect(at({ attendees: 10000 }).next.learningEvent?.attendees).toBe(10000);
  });

  it('refuses bad attendee counts', () => {
    const message = { code: 'invalid', message: 'Give the number of attendees as a whole number.', field: 'attendees' };
    for (const bad of [0, 10001, 2.5, '  ', '', 'many', null, undefined, true, -3])
      expect(refused(() => rules.recordLearningEvent(aReview(), megan, input({ attendees: bad }), ctx('2026-06-10')))).toEqual(message);
  });

  it('refuses a second record, a bad date, a future date and one before the start', () => {
    const held = rules.recordLearningEvent(aReview(), megan, input(), ctx('2026-06-10')).next;
    expect(refused(() => rules.recordLearningEvent(held, megan, input(), ctx('2026-06-10')))).toEqual({
      code: 'invalid',
      message: 'The learning event was already recorded (Tue 9 Jun 2026).',
      field: 'date',
    });
    expect(refused(() => rules.recordLearningEvent(aReview(), megan, input({ date: '9 June' }), ctx('2026-06-10')))).toEqual({
      code: 'invalid',
      message: 'Give the date of the learning event (yyyy-mm-dd).',
      field: 'date',
    });
    expect(refused(() => rules.recordLearningEvent(aReview(), megan, input({ date: '2026-06-11' }), ctx('2026-06-10')))).toEqual({
      code: 'invalid',
      message: 'Record the learning event once it has taken place (the date is in the future).',
      field: 'date',
    });
    expect(refused(() => rules.recordLearningEvent(aReview(), megan, input({ date: '2026-03-01' }), ctx('2026-06-10')))).toEqual({
      code: 'invalid',
      message: 'The learning event cannot be before the review started (Mon 2 Mar 2026).',
      field: 'date',
    });
    // Today itself and the start day itself are fine.
    expect(rules.recordLearningEvent(aReview(), megan, input({ date: '2026-06-10' }), ctx('2026-06-10')).next.learningEvent?.date).toBe('2026-06-10');
    expect(rules.recordLearningEvent(aReview(), megan, input({ date: '2026-03-02' }), ctx('2026-06-10')).next.learningEvent?.date).toBe('2026-03-02');
  });
});

describe('review rules: recommendations', () => {
  it('are taken from the first day of stage 4 until it is signed off, once per title whatever the case', () => {
    expect(rules.checkRecommendation(aReview(), 'New', ctx('2026-06-02'))).toBeUndefined();
    const review = aReview({
      recommendations: [
        { id: 'rc-1', ref: 'REC-1', title: 'A Neglect Toolkit' },
        { id: 'rc-2', ref: 'REC-2', title: 'Shared chronologies' },
      ],
    });
    expect(refused(() => rules.checkRecommendation(review, 'New', ctx('2026-06-01')))).toEqual({
      code: 'invalid',
      message: 'Recommendations are submitted in stage 4, which starts on Tue 2 Jun 2026.',
      field: 'title',
    });
    expect(rules.checkRecommendation(review, 'New', ctx('2026-06-02'))).toBeUndefined();
    expect(refused(() => rules.checkRecommendation(review, 'a neglect TOOLKIT', ctx('2026-06-02')))).toEqual({
      code: 'invalid',
      message: '"a neglect TOOLKIT" was already submitted from this review.',
      field: 'title',
    });
    expect(refused(() => rules.checkRecommendation(signedUpTo(4), 'New', ctx('2026-06-20')))).toEqual({ code: 'invalid', message: 'Stage 4 is already signed off.', field: 'title' });
  });
});

describe('review rules: impact checks', () => {
  const completed = (over: Partial<Review> = {}) =>
    aReview({
      status: 'completed',
      impactChecks: [
        { months: 6, date: '2027-01-01' },
        { months: 12, date: '2027-07-01' },
      ],
      ...over,
    });

  it('records findings on the named check only, from its due date, and logs them', () => {
    const review = completed();
    const decision = rules.recordImpactFindings(review, patti, { months: '6', findings: '  Toolkit in use  ' }, ctx('2027-01-01'));
    expect(decision.months).toBe(6);
    expect(decision.next).toEqual({
      ...review,
      impactChecks: [
        { months: 6, date: '2027-01-01', findings: { text: 'Toolkit in use', by: PATTI, at: NOW } },
        { months: 12, date: '2027-07-01' },
      ],
    });
    expect(decision.log).toEqual({ action: 'review.impact-check', before: '6-month impact check: due', after: '6-month impact check: Toolkit in use' });
    expect(rules.recordImpactFindings(review, patti, { months: 12, findings: 'Later' }, ctx('2027-07-01')).next.impactChecks[1].findings?.text).toBe('Later');
  });

  it('refuses before completion, an unknown check, a second record, before the due date, and short findings', () => {
    expect(refused(() => rules.recordImpactFindings(aReview(), patti, { months: 6, findings: 'x' }, ctx('2027-01-01')))).toEqual({
      code: 'not_yet',
      message: 'R-1 is not complete yet: impact checks follow its completion.',
      field: undefined,
    });
    expect(refused(() => rules.recordImpactFindings(completed(), patti, { months: 9, findings: 'Good' }, ctx('2027-01-01')))).toEqual({
      code: 'invalid',
      message: 'This card does not name an impact check of this review.',
      field: 'months',
    });
    const once = rules.recordImpactFindings(completed(), patti, { months: 6, findings: 'Good' }, ctx('2027-01-01')).next;
    expect(refused(() => rules.recordImpactFindings(once, patti, { months: 6, findings: 'Again' }, ctx('2027-01-02')))).toEqual({
      code: 'invalid',
      message: 'The 6-month impact check was already recorded by Patti Fernandez.',
      field: 'months',
    });
    expect(refused(() => rules.recordImpactFindings(completed(), patti, { months: 12, findings: 'Good' }, ctx('2027-06-30')))).toEqual({
      code: 'invalid',
      message: 'The 12-month impact check is due on Thu 1 Jul 2027.',
      field: 'months',
    });
    expect(refused(() => rules.recordImpactFindings(completed(), patti, { months: 6, findings: 'ok' }, ctx('2027-01-01')))).toEqual({
      code: 'invalid',
      message: 'The findings needs at least 3 characters.',
      field: 'findings',
    });
  });
});

describe('review rules: rescheduling', () => {
  it('moves the start, end and stages, and the planned learning event when it was the last day', () => {
    const review = aReview();
    const { next, log } = rules.reschedule(review, '2026-05-01', ctx('2026-03-10'));
    expect(next).toEqual({ ...review, startDate: '2026-05-01', endDate: '2026-08-31', stages: stageDates('2026-05-01'), learningEventPlanned: '2026-08-31' });
    expect(log).toEqual({ action: 'review.rescheduled', before: 'starts Mon 2 Mar 2026', after: 'starts Fri 1 May 2026, ends Mon 31 Aug 2026' });
  });

  it('keeps a planned learning event that still falls on or after the new start; moves one that falls before it', () => {
    const planned = (date: string, to: string) => rules.reschedule(aReview({ learningEventPlanned: date }), to, ctx('2026-03-10')).next.learningEventPlanned;
    expect(planned('2026-06-15', '2026-04-01')).toBe('2026-06-15');
    expect(planned('2026-04-01', '2026-04-01')).toBe('2026-04-01');
    expect(planned('2026-03-31', '2026-04-01')).toBe('2026-07-31');
  });

  it('refuses after a sign-off, a bad date, the same date, and a start that would already have ended', () => {
    expect(refused(() => rules.reschedule(signedUpTo(1), '2026-05-01', ctx('2026-03-10')))).toEqual({
      code: 'invalid',
      message: 'Stage 1 is already signed off, so the dates can no longer move.',
      field: 'startDate',
    });
    expect(refused(() => rules.reschedule(aReview(), '2026-13-01', ctx('2026-03-10')))).toEqual({ code: 'invalid', message: 'Give the new start date (yyyy-mm-dd).', field: 'startDate' });
    expect(refused(() => rules.reschedule(aReview(), '2026-03-02', ctx('2026-03-10')))).toEqual({ code: 'invalid', message: 'R-1 already starts on Mon 2 Mar 2026.', field: 'startDate' });
    expect(refused(() => rules.reschedule(aReview(), '2025-11-01', ctx('2026-03-10')))).toEqual({
      code: 'invalid',
      message: 'A review starting Sat 1 Nov 2025 would already have ended.',
      field: 'startDate',
    });
    // Ending today is still allowed.
    expect(rules.reschedule(aReview(), '2025-11-10', ctx('2026-03-09')).next.endDate).toBe('2026-03-09');
  });
});

describe('review rules: cancel, completion, status', () => {
  it('cancels with who, when and the reason, and logs it', () => {
    const review = aReview();
    const { next, log } = rules.cancel(review, patti, '  Merged  ', ctx('2026-03-10'));
    expect(next).toEqual({ ...review, status: 'cancelled', cancelled: { by: PATTI, at: NOW, reason: 'Merged' } });
    expect(log).toEqual({ action: 'review.cancelled', before: 'active', after: 'cancelled: Merged' });
    expect(refused(() => rules.cancel(review, patti, 'no', ctx('2026-03-10')))).toEqual({ code: 'invalid', message: 'The reason for cancelling needs at least 3 characters.', field: 'reason' });
    expect(refused(() => rules.cancel(review, patti, 'x'.repeat(1001), ctx('2026-03-10'))).message).toBe('The reason for cancelling is too long (at most 1000 characters).');
  });

  it('completes an active review once it has a learning event and stage 4 signed off, dating its impact checks', () => {
    const event = { date: '2026-06-09', attendees: 4, scrutineerTookPart: false, recordedBy: MEGAN, at: NOW };
    const ready = signedUpTo(4, { learningEvent: event, updatedAt: '2026-06-10T11:00:00.000Z' });
    const done = rules.completion(ready, [12, 6]);
    expect(done?.next).toEqual({
      ...ready,
      status: 'completed',
      completedAt: '2026-06-10T11:00:00.000Z',
      impactChecks: [
        { months: 6, date: '2027-01-01' },
        { months: 12, date: '2027-07-01' },
      ],
    });
    expect(done?.log).toEqual({ action: 'review.completed', before: 'active', after: 'completed; impact checks 6 months: Fri 1 Jan 2027, 12 months: Thu 1 Jul 2027' });
    expect(rules.completion(signedUpTo(4), [6])).toBeUndefined();
    expect(rules.completion(signedUpTo(3, { learningEvent: event }), [6])).toBeUndefined();
    expect(rules.completion({ ...ready, status: 'completed' }, [6])).toBeUndefined();
    expect(rules.completion({ ...ready, status: 'cancelled' }, [6])).toBeUndefined();
  });

  it('checkStatus lets an allowed status through and says why otherwise', () => {
    const day = (iso: string) => iso.slice(0, 10);
    expect(rules.checkStatus(aReview(), ['active'], day)).toBeUndefined();
    expect(rules.checkStatus(aReview({ status: 'completed' }), ['active', 'completed'], day)).toBeUndefined();
    const cancelled = aReview({ status: 'cancelled', cancelled: { by: PATTI, at: '2026-03-05T23:30:00.000Z', reason: 'Merged' } });
    expect(refused(() => rules.checkStatus(cancelled, ['active'], () => '2026-03-06'))).toEqual({
      code: 'closed',
      message: 'R-1 was cancelled on Fri 6 Mar 2026 (Merged), so nothing more can be recorded on it.',
      field: undefined,
    });
    expect(refused(() => rules.checkStatus(cancelled, ['active', 'completed'], day)).message).toBe('R-1 was cancelled on Thu 5 Mar 2026 (Merged), so nothing more can be recorded on it.');
    expect(refused(() => rules.checkStatus(aReview({ status: 'completed' }), ['active'], day))).toEqual({
      code: 'closed',
      message: 'R-1 is completed, so this can no longer be done.',
      field: undefined,
    });
  });
});
