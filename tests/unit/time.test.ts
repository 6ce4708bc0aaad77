import { CalendarTime, addDays, addMonths, daysBetween, formatDate, isIsoDate } from '../../services/time';
import { DateTime, Settings } from 'luxon';

const london = new CalendarTime('Europe/London');

describe('addMonths', () => {
  it.each([
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-08-31', 3, '2026-11-30'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2026-10-31', 4, '2027-02-28'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-05-31', 12, '2027-05-31'],
    ['2026-05-31', 0, '2026-05-31'],
  ])('%s + %i months = %s (clamped to the month\'s last day)', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('clamps each stage from the start date, not from the previous stage', () => {
    // A review starting on the 31st: stage N starts N-1 months after the start.
    expect([0, 1, 2, 3].map((n) => addMonths('2026-01-31', n))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });
});

describe('addDays and daysBetween', () => {
  it('counts calendar days, unaffected by the clocks changing', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-03-01', 28)).toBe('2026-03-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it.each([
    ['2026-03-01', '2026-03-29', 28],
    ['2026-03-01', '2026-04-01', 31],
    ['2026-10-01', '2026-11-01', 31],
    ['2026-03-29', '2026-03-28', -1],
    ['2026-12-31', '2027-01-01', 1],
    ['2026-05-05', '2026-05-05', 0],
  ])('from %s to %s is %i days', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it.each([['2026-02-30'], ['2026-13-01'], ['2026-3-01'], [''], ['+002026-03-01'], ['2026-03-01T12:00'], [' 2026-03-01']])('has no answer for %p, which is not a date', (bad) => {
    expect(daysBetween('2026-02-01', bad)).toBeNaN();
    expect(daysBetween(bad, '2026-02-01')).toBeNaN();
  });
});

describe('CalendarTime in Europe/London', () => {
  it('puts a local hour at the right UTC instant on both days the clocks change', () => {
    // Spring forward: Sunday 29 March 2026, 01:00 GMT becomes 02:00 BST.
    expect(london.instantAt('2026-03-28', 9).toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(london.instantAt('2026-03-29', 9).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(london.instantAt('2026-03-29', 0, 30).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    // Fall back: Sunday 25 October 2026, 02:00 BST becomes 01:00 GMT.
    expect(london.instantAt('2026-10-24', 9).toISOString()).toBe('2026-10-24T08:00:00.000Z');
    expect(london.instantAt('2026-10-25', 9).toISOString()).toBe('2026-10-25T09:00:00.000Z');
  });

  it('moves a time in the skipped hour forward, and takes the first of a repeated hour', () => {
    expect(london.instantAt('2026-03-29', 1, 30).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(london.hourOf(london.instantAt('2026-03-29', 1, 30))).toBe(2);
    expect(london.instantAt('2026-10-25', 1, 30).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('the same local hour every day across a change is 23 or 25 hours apart', () => {
    const hour = 60 * 60 * 1000;
    expect(london.instantAt('2026-03-29', 9).getTime() - london.instantAt('2026-03-28', 9).getTime()).toBe(23 * hour);
    expect(london.instantAt('2026-10-25', 9).getTime() - london.instantAt('2026-10-24', 9).getTime()).toBe(25 * hour);
  });

  it('gives the local date of an instant, which differs from the UTC date late in the evening in summer', () => {
    expect(london.dateOf(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(london.dateOf(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
    expect(london.dateOf(new Date('2026-03-28T23:59:59Z'))).toBe('2026-03-28');
    expect(london.dateOf(new Date('2026-03-29T23:00:00Z'))).toBe('2026-03-30');
  });

  it('gives the local hour and a readable local time', () => {
    expect(london.hourOf(new Date('2026-07-01T08:00:00Z'))).toBe(9);
    expect(london.hourOf(new Date('2026-01-01T08:00:00Z'))).toBe(8);
    expect(london.formatInstant(new Date('2026-03-03T09:00:00Z'))).toBe('Tue 3 Mar 2026, 09:00');
    expect(london.formatInstant(new Date('2026-07-01T08:00:00Z'))).toBe('Wed 1 Jul 2026, 09:00');
  });

  it.each([['Europe/London'], ['Australia/Lord_Howe'], ['America/St_Johns'], ['Asia/Kathmandu']])(
    'in %s, gives every instant the same local date, hour and time as the zone itself, on both sides of each change',
    (zone) => {
      // The offset is remembered per UTC hour; Lord Howe changes by half an hour, St John's and Kathmandu sit off the hour.
      const time = new CalendarTime(zone);
      const mismatches: string[] = [];
      const step = 37 * 60_000 + 13_001;
      for (let ms = Date.parse('2025-12-31T00:00:00Z'); ms < Date.parse('2027-01-02T00:00:00Z'); ms += step) {
        for (const at of [ms, ms - 1]) {
          const expected = DateTime.fromMillis(at, { zone });
          const instant = new Date(at);
          if (time.dateOf(instant) !== expected.toISODate() || time.hourOf(instant) !== expected.hour || time.formatInstant(instant) !== expected.toFormat('ccc d LLL yyyy, HH:mm'))
            mismatches.push(new Date(at).toISOString());
        }
      }
      // The instants either side of London's changes in 2026, each asked twice (the second from what was remembered).
      if (zone === 'Europe/London')
        for (const iso of ['2026-03-29T00:59:59.999Z', '2026-03-29T01:00:00.000Z', '2026-10-25T00:59:59.999Z', '2026-10-25T01:00:00.000Z'])
          for (let i = 0; i < 2; i++) if (time.hourOf(new Date(iso)) !== DateTime.fromISO(iso, { zone }).hour) mismatches.push(iso);
      expect(mismatches).toEqual([]);
    },
  );

  it('has no local date for an invalid instant', () => {
    expect(london.dateOf(new Date(NaN))).toBeNull();
    expect(london.formatInstant(new Date(NaN))).toBe('Invalid DateTime');
  });

  it('refuses an invalid date or zone', () => {
    expect(() => london.instantAt('2026-02-30', 9)).toThrow(/Invalid date/);
    expect(() => new CalendarTime('Europe/Warwick')).toThrow(/Unknown time zone/);
  });
});

describe('isIsoDate and formatDate', () => {
  it.each([
    ['2026-03-02', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-3-2', false],
    ['02/03/2026', false],
    ['2026-03-02T09:00', false],
    [20260302, false],
    [undefined, false],
  ])('isIsoDate(%j) is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });

  it('formats an ISO date for people', () => {
    expect(formatDate('2026-03-03')).toBe('Tue 3 Mar 2026');
  });
});

describe('today, by the injected clock', () => {
  it('is the local date of the clock\'s instant, not the machine\'s', () => {
    expect(london.today({ now: () => new Date('2026-06-30T23:30:00Z') })).toBe('2026-07-01'); // BST: already tomorrow
    expect(london.today({ now: () => new Date('2026-12-31T23:30:00Z') })).toBe('2026-12-31'); // GMT
    expect(new CalendarTime('UTC').today({ now: () => new Date('2026-06-30T23:30:00Z') })).toBe('2026-06-30');
    });
});

describe('calendar dates do not depend on the host\'s time zone', () => {
  // Samoa skipped 30 December 2011 (it moved across the date line): date arithmetic done in a
  // local zone there gives other days, so this is where a lost `zone: 'utc'` shows.
  const host = Settings.defaultZone;
  beforeAll(() => {
    Settings.defaultZone = 'Pacific/Apia';
  });
  afterAll(() => {
    Settings.defaultZone = host;
  });

  it('adds days and months, counts days and formats dates as calendar days', () => {
    expect(addDays('2011-12-29', 1)).toBe('2011-12-30');
    expect(addMonths('2011-11-30', 1)).toBe('2011-12-30');
    expect(daysBetween('2011-12-29', '2011-12-31')).toBe(2);
    expect(daysBetween('2011-12-31', '2012-01-01')).toBe(1);
    expect(formatDate('2011-12-30')).toBe('Fri 30 Dec 2011');
  });
});

describe('isIsoDate takes only a string', () => {
  it('refuses a date inside an array or a number', () => {
    expect(isIsoDate(['2026-03-12'])).toBe(false);
    expect(isIsoDate(20260312)).toBe(false);
  });
});
