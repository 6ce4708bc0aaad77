import { clockOf, deadlineFor } from '../../services/disputes/dispute';
import { CalendarTime } from '../../services/time';

const london = new CalendarTime('Europe/London');
/** The dispute clock as the bot computes it: "today" is the Europe/London date of an instant. */
const at = (determinedOn: string, instant: string) => {
  const deadline = deadlineFor(determinedOn, 28);
  return clockOf({ determinedOn, deadline, status: 'meeting_scheduled' }, london.dateOf(new Date(instant)));
};

describe('the 28-day clock', () => {
  it.each([
    ['2026-03-10', '2026-04-07', 'across the start of British Summer Time (29 Mar 2026)'],
    ['2026-10-01', '2026-10-29', 'across the end of British Summer Time (25 Oct 2026)'],
    ['2028-02-10', '2028-03-09', 'over 29 February 2028'],
    ['2027-02-10', '2027-03-10', 'in a year with no 29 February'],
    ['2026-12-20', '2027-01-17', 'over the new year'],
  ])('determined %s: deadline %s (%s)', (determined, deadline) => {
    expect(deadlineFor(determined, 28)).toBe(deadline);
  });

  it('takes the number of days from the setting', () => {
    expect(deadlineFor('2026-03-10', 14)).toBe('2026-03-24');
  });

  it('counts "Day N of 28" by London dates across the clocks going forward', () => {
    expect(at('2026-03-10', '2026-03-10T08:00:00Z').text).toBe('Day 0 of 28');
    expect(at('2026-03-10', '2026-03-19T12:00:00Z').text).toBe('Day 9 of 28');
    expect(at('2026-03-10', '2026-03-28T23:30:00Z').text).toBe('Day 18 of 28'); // 23:30 GMT, 28 Mar
    expect(at('2026-03-10', '2026-03-29T23:30:00Z').text).toBe('Day 20 of 28'); // 00:30 BST, 30 Mar
    const deadlineEvening = at('2026-03-10', '2026-04-07T22:30:00Z'); // 23:30 BST on the deadline
    expect(deadlineEvening).toMatchObject({ day: 28, daysLeft: 0, overdue: false, text: 'Day 28 of 28' });
    const justAfter = at('2026-03-10', '2026-04-07T23:30:00Z'); // 00:30 BST the day after
    expect(justAfter).toMatchObject({ day: 29, daysLeft: -1, overdue: true });
  });

  it('counts across the clocks going back', () => {
    expect(at('2026-10-01', '2026-10-24T23:30:00Z').day).toBe(24); // 00:30 BST, 25 Oct
    expect(at('2026-10-01', '2026-10-25T23:30:00Z').day).toBe(24); // 23:30 GMT, still 25 Oct
    expect(at('2026-10-01', '2026-10-29T23:59:00Z')).toMatchObject({ day: 28, daysLeft: 0, overdue: false });
    expect(at('2026-10-01', '2026-10-30T00:00:00Z')).toMatchObject({ day: 29, overdue: true });
  });

  it('counts over 29 February', () => {
    expect(at('2028-02-10', '2028-02-29T12:00:00Z')).toMatchObject({ day: 19, daysLeft: 9 });
    expect(at('2028-02-10', '2028-03-01T12:00:00Z')).toMatchObject({ day: 20, daysLeft: 8 });
    expect(at('2028-02-10', '2028-03-09T12:00:00Z')).toMatchObject({ day: 28, daysLeft: 0, overdue: false });
  });

  it('is not overdue once the meeting is held, whatever the date', () => {
    const deadline = deadlineFor('2026-03-10', 28);
    expect(clockOf({ determinedOn: '2026-03-10', deadline, status: 'meeting_held' }, '2026-05-01').overdue).toBe(false);
    expect(clockOf({ determinedOn: '2026-03-10', deadline, status: 'determined' }, '2026-05-01').overdue).toBe(true);
  });
});
