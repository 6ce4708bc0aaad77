import { Settings } from 'luxon';
import { CalendarTime } from '../../services/time';
import { WorkingCalendar } from '../../services/working-days';

const cal = new WorkingCalendar();

describe('bank holidays of England and Wales (from the date-holidays data set)', () => {
  it('has the eight bank holidays of 2026, Boxing Day substituted to Monday 28 December', () => {
    expect([...cal.bankHolidays(2026).keys()].filter((d) => cal.isWorkingDay(d) === false && new Date(d).getUTCDay() % 6 !== 0)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
    expect(cal.bankHoliday('2026-12-28')).toMatch(/substitute/i);
  });

  it('substitutes both Christmas Day and Boxing Day when they fall at a weekend (2027)', () => {
    expect(cal.isWorkingDay('2027-12-27')).toBe(false);
    expect(cal.isWorkingDay('2027-12-28')).toBe(false);
    expect(cal.isWorkingDay('2027-12-29')).toBe(true);
  });

  it('knows weekends are not working days and ordinary weekdays are', () => {
    expect(cal.isWorkingDay('2026-12-05')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2026-12-06')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2026-12-07')).toBe(true); // Monday
  });
});

describe('addWorkingDays', () => {
  it.each([
    // [from, n, expected, why]
    ['2026-12-07', 5, '2026-12-14', 'a plain week: Monday + 5 = next Monday'],
    ['2026-12-04', 1, '2026-12-07', 'Friday + 1 skips the weekend'],
    ['2026-04-01', 5, '2026-04-10', 'Easter: Good Friday 3 April and Easter Monday 6 April skipped'],
    ['2026-12-22', 5, '2026-12-31', 'Christmas: 25th and the substitute 28th skipped'],
    ['2026-12-30', 2, '2027-01-04', 'New Year across a year boundary: 1 January and the weekend skipped'],
    ['2026-12-21', 15, '2027-01-14', 'a 15-working-day rapid review over Christmas and New Year'],
    ['2026-03-27', 5, '2026-04-07', 'spring clock change (29 March) then Easter: calendar dates never shift'],
    ['2026-10-23', 5, '2026-10-30', 'autumn clock change (25 October)'],
    ['2026-12-14', -7, '2026-12-03', 'backwards: 7 working days before a date'],
    ['2027-01-04', -2, '2026-12-30', 'backwards across New Year'],
  ])('%s + %i working days = %s (%s)', (from, n, expected) => {
    expect(cal.addWorkingDays(from, n)).toBe(expected);
  });

  it('starting on a holiday counts from the next working day', () => {
    expect(cal.addWorkingDays('2026-12-25', 1)).toBe('2026-12-29');
  });

  it('is the inverse of workingDaysBetween', () => {
    for (const from of ['2026-03-27', '2026-12-21', '2027-03-24', '2026-08-28']) {
      for (const n of [0, 1, 5, 7, 15, 40]) expect(cal.workingDaysBetween(from, cal.addWorkingDays(from, n))).toBe(n);
    }
  });

  it('refuses a malformed date', () => {
    expect(() => cal.addWorkingDays('2026-13-01', 1)).toThrow(/Invalid date/);
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after the start up to and including the end, negative backwards', () => {
    expect(cal.workingDaysBetween('2026-12-07', '2026-12-07')).toBe(0);
    expect(cal.workingDaysBetween('2026-12-07', '2026-12-11')).toBe(4);
    expect(cal.workingDaysBetween('2026-12-11', '2026-12-07')).toBe(-4);
    expect(cal.workingDaysBetween('2026-12-24', '2026-12-29')).toBe(1); // 25, 26-27 weekend, 28 substitute
  });
});

describe('with the London clock', () => {
  it('the date of awareness is the London date, so an evening in BST is still that day', () => {
    const london = new CalendarTime('Europe/London');
    const aware = london.dateOf(new Date('2026-03-27T23:30:00Z')); // 23:30 GMT Friday, before the spring change
    expect(aware).toBe('2026-03-27');
    expect(cal.addWorkingDays(london.dateOf(new Date('2026-10-23T23:30:00Z')), 1)).toBe('2026-10-26'); // 00:30 BST Saturday
  });
});

describe('working days at their edges', () => {
  const calendar = new WorkingCalendar();

  it('lists only days off: observances such as Mother\'s Day and Easter Sunday are not bank holidays', () => {
    expect(calendar.bankHoliday('2026-03-15')).toBeUndefined();
    expect(calendar.bankHoliday('2026-04-05')).toBeUndefined();
    expect([...calendar.bankHolidays(2026).values()]).not.toContain("Mother's Day");
    expect(calendar.bankHoliday('2026-04-03')).toBe('Good Friday');
  });

  it('the next working day skips a weekend and a bank holiday', () => {
    expect(calendar.nextWorkingDay('2026-04-02')).toBe('2026-04-07'); // Thursday before Easter → the Tuesday after Easter Monday
    expect(calendar.nextWorkingDay('2026-03-10')).toBe('2026-03-11');
  });

  it('reads the weekday of a calendar date whatever the host\'s zone (Samoa skipped 30 December 2011)', () => {
    const host = Settings.defaultZone;
    Settings.defaultZone = 'Pacific/Apia';
    try {
      expect(calendar.isWorkingDay('2011-12-30')).toBe(true); // a Friday, wherever the host is
    } finally {
      Settings.defaultZone = host;
    }
  });
});
