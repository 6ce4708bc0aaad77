import { parseConfig } from '../../services/config';
import { calendarStage, elapsedFraction, impactCheckDates, overlaps, reviewEndDate, stageDates, stageWarningDate } from '../../services/reviews/dates';
import { RemindersService } from '../../services/reminders/reminders-service';
import { CalendarTime } from '../../services/time';

describe('review stage dates', () => {
  it('clamps a start on the 31st to each month end without drifting', () => {
    const stages = stageDates('2026-01-31');
    expect(stages.map((s) => s.start)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    expect(stages.map((s) => s.end)).toEqual(['2026-02-27', '2026-03-30', '2026-04-29', '2026-05-30']);
    expect(reviewEndDate('2026-01-31')).toBe('2026-05-30');
  });

  it('uses 29 February in a leap year', () => {
    const stages = stageDates('2028-01-31');
    expect(stages[1]).toEqual({ number: 2, start: '2028-02-29', end: '2028-03-30' });
    expect(stageDates('2028-01-29')[0].end).toBe('2028-02-28');
    expect(stageDates('2027-01-29')[1].start).toBe('2027-02-28');
  });

  it('makes each stage end the day before the next starts, across a year end', () => {
    const stages = stageDates('2026-11-15');
    expect(stages.map((s) => [s.start, s.end])).toEqual([
      ['2026-11-15', '2026-12-14'],
      ['2026-12-15', '2027-01-14'],
      ['2027-01-15', '2027-02-14'],
      ['2027-02-15', '2027-03-14'],
    ]);
  });

  it('keeps calendar dates across the daylight-saving changes', () => {
    // 29 March and 25 October 2026 are the clock-change Sundays in Europe/London.
    expect(stageDates('2026-02-28').map((s) => s.start)).toEqual(['2026-02-28', '2026-03-28', '2026-04-28', '2026-05-28']);
    expect(stageDates('2026-09-25')[1]).toEqual({ number: 2, start: '2026-10-25', end: '2026-11-24' });
  });

  it('sends reminders at 09:00 London time on both sides of a clock change', () => {
    const time = new CalendarTime('Europe/London');
    const reminders = new RemindersService(undefined as never, undefined as never, undefined as never, time, parseConfig({ REMINDER_NON_WORKING_DAYS: 'send' }).reminders); // the clock changes fall on weekends;
    expect(reminders.dueAt('2026-03-28').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(reminders.dueAt('2026-03-29').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(reminders.dueAt('2026-10-25').toISOString()).toBe('2026-10-25T09:00:00.000Z');
    // 23:30 UTC on 29 March is already 30 March in London.
    expect(time.dateOf(new Date('2026-03-29T23:30:00Z'))).toBe('2026-03-30');
    expect(time.dateOf(new Date('2026-10-25T23:30:00Z'))).toBe('2026-10-25');
  });

  it('measures impact checks from the review end date, clamping month ends', () => {
    expect(impactCheckDates('2026-05-30', [12, 6])).toEqual([
      { months: 6, date: '2026-11-30' },
      { months: 12, date: '2027-05-30' },
    ]);
    expect(impactCheckDates('2027-08-31', [6, 12])).toEqual([
      { months: 6, date: '2028-02-29' },
      { months: 12, date: '2028-08-31' },
    ]);
  });

  it('warns 7 days before a stage ends, never before it starts', () => {
    const [first] = stageDates('2026-03-02');
    expect(stageWarningDate(first, 7)).toBe('2026-03-25');
    expect(stageWarningDate({ number: 1, start: '2026-03-01', end: '2026-03-05' }, 7)).toBeUndefined();
  });

  it('names the calendar stage, progress and overlaps', () => {
    const stages = stageDates('2026-01-31');
    expect(calendarStage(stages, '2026-01-30')).toBe(0);
    expect(calendarStage(stages, '2026-02-27')).toBe(1);
    expect(calendarStage(stages, '2026-02-28')).toBe(2);
    expect(calendarStage(stages, '2026-05-30')).toBe(4);
    expect(calendarStage(stages, '2026-05-31')).toBe(5);
    expect(elapsedFraction('2026-03-01', '2026-03-10', '2026-03-05')).toBeCloseTo(0.5);
    expect(overlaps({ start: '2026-01-01', end: '2026-01-31' }, { start: '2026-01-31', end: '2026-02-10' })).toBe(true);
    expect(overlaps({ start: '2026-01-01', end: '2026-01-30' }, { start: '2026-01-31', end: '2026-02-10' })).toBe(false);
  });
});

describe('review dates at their edges', () => {
  const stages = stageDates('2026-01-31');

  it('sends a stage-end warning on the stage\'s first day, but not before it', () => {
    const stage = { number: 1 as const, start: '2026-03-01', end: '2026-03-11' };
    expect(stageWarningDate(stage, 10)).toBe('2026-03-01');
    expect(stageWarningDate(stage, 11)).toBeUndefined();
  });

  it('is in stage 1 on the start day itself, in each stage on its days, and past the end after it', () => {
    expect(calendarStage(stages, '2026-01-30')).toBe(0);
    expect(calendarStage(stages, '2026-01-31')).toBe(1);
    expect(calendarStage(stages, '2026-03-31')).toBe(3);
    expect(calendarStage(stages, '2026-05-30')).toBe(4);
    expect(calendarStage(stages, '2026-05-31')).toBe(5);
  });

  it('counts ranges that share one day as overlapping, and ranges on either side as not', () => {
    const a = { start: '2026-03-10', end: '2026-03-20' };
    expect(overlaps(a, { start: '2026-03-20', end: '2026-03-25' })).toBe(true);
    expect(overlaps(a, { start: '2026-03-01', end: '2026-03-10' })).toBe(true);
    expect(overlaps(a, { start: '2026-03-01', end: '2026-03-09' })).toBe(false);
    expect(overlaps(a, { start: '2026-03-21', end: '2026-03-30' })).toBe(false);
  });
});
