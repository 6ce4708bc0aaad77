import { DomainError } from '../../services/errors';
import { Recommendation, checkCloseReason, checkExtension, checkSubmission, checkVersion } from '../../services/recommendations/recommendation';

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
