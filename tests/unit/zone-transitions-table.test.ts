import { DateTime, IANAZone, Settings } from 'luxon';
import committed from '../../services/zone-transitions.json';
import { FROM, UNTIL, ZONES, zoneTransitionTable } from '../../scripts/zone-transitions';
import { TableZone, zoneNamed } from '../../services/table-zone';
import { CalendarTime, addDays, addMonths, formatDate, isIsoDate } from '../../services/time';
import { WorkingCalendar } from '../../services/working-days';

const london = zoneNamed('Europe/London')!;
const iana = IANAZone.create('Europe/London');

describe('the time-zone table (services/zone-transitions.json)', () => {
  it("is what the installed Node.js's time-zone data says for every zone and year it covers: run `npm run zones` after upgrading Node.js", () => {
    const fresh = zoneTransitionTable();
    expect({ from: committed.from, until: committed.until, zones: committed.zones }).toEqual({ from: fresh.from, until: fresh.until, zones: fresh.zones });
    expect(Object.keys(committed.zones)).toEqual(ZONES);
    expect([committed.from, committed.until]).toEqual([FROM, UNTIL]);
  });

  it('has British Summer Time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October, 2000 to 2099', () => {
    const periods = committed.zones['Europe/London'];
    const lastSunday = (year: number, month: number): number => {
      const last = new Date(Date.UTC(year, month + 1, 0));
      return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
    };
    for (let year = 2000; year <= 2099; year++) {
      const inYear = periods.filter(([start]) => new Date(start).getUTCFullYear() === year);
      expect([year, inYear]).toEqual([year, [[lastSunday(year, 2), 60], [lastSunday(year, 9), 0]]]);
    }
  });

  it("gives the IANA zone's offset on both sides of every change, and at 20,000 instants spread over the table's years", () => {
    const tz = new TableZone('Europe/London', committed.zones['Europe/London'] as Array<[number, number]>, committed.until);
    const differ: number[] = [];
    for (const [start] of committed.zones['Europe/London']) for (const ts of [start - 1, start, start + 1]) if (ts >= FROM && tz.offset(ts) !== iana.offset(ts)) differ.push(ts);
    for (let i = 0; i < 20_000; i++) {
      const ts = FROM + Math.floor(((UNTIL - FROM) * (i + 0.37)) / 20_000);
      if (tz.offset(ts) !== iana.offset(ts)) differ.push(ts);
    }
    expect(differ).toEqual([]);
  });

  it('asks the IANA zone for instants outside its years, and for the names of offsets', () => {
    for (const iso of ['1969-07-20T20:17:00Z', '1900-01-01T00:00:00Z', '2100-01-01T00:00:00Z', '2150-07-01T12:00:00Z']) {
      const ts = Date.parse(iso);
      expect([iso, london.offset(ts)]).toEqual([iso, iana.offset(ts)]);
    }
    const summer = Date.parse('2026-07-01T12:00:00Z');
    expect(london.offsetName(summer, { format: 'long', locale: 'en-GB' })).toBe(iana.offsetName(summer, { format: 'long', locale: 'en-GB' }));
    expect(london.formatOffset(summer, 'short')).toBe('+01:00');
    expect(london.formatOffset(Date.parse('2026-12-01T12:00:00Z'), 'techie')).toBe('+0000');
    expect(london.equals(zoneNamed('Europe/London')!)).toBe(true);
    expect(london.equals(iana)).toBe(false);
    expect([london.isValid, london.isUniversal, london.name]).toEqual([true, false, 'Europe/London']);
  });

  it('serves zones it does not carry from the IANA data, and no zone for a name that is none', () => {
    expect(zoneNamed('Australia/Lord_Howe')).toBeInstanceOf(IANAZone);
    expect(zoneNamed('Europe/Londres')).toBeUndefined();
    expect(() => new CalendarTime('Mars/Olympus_Mons')).toThrow(/Unknown time zone/);
  });

  it('lets luxon convert local wall times in both directions, the skipped and repeated hours included', () => {
    const at = (iso: string) => DateTime.fromISO(iso, { zone: london });
    expect(at('2026-03-29T00:30').toISO()).toBe(DateTime.fromISO('2026-03-29T00:30', { zone: iana }).toISO());
    expect(at('2026-03-29T01:30').toISO()).toBe(DateTime.fromISO('2026-03-29T01:30', { zone: iana }).toISO());
    expect(at('2026-03-29T02:30').toISO()).toBe('2026-03-29T02:30:00.000+01:00');
    expect(at('2026-10-25T01:30').toISO()).toBe(DateTime.fromISO('2026-10-25T01:30', { zone: iana }).toISO());
    expect(at('2026-10-25T02:30').toISO()).toBe('2026-10-25T02:30:00.000+00:00');
    expect(DateTime.fromMillis(Date.parse('2026-10-25T00:59:59.999Z'), { zone: london }).toISO()).toBe('2026-10-25T01:59:59.999+01:00');
    expect(DateTime.fromMillis(Date.parse('2026-10-25T01:00:00Z'), { zone: london }).toISO()).toBe('2026-10-25T01:00:00.000+00:00');
  });
});

describe('local times in the partnership zone', () => {
  it('never ask Intl: dates, hours, formatted times, instants, working days and date arithmetic', () => {
    // luxon keeps the system locale and each IANA zone's formatter once made: forget them, so a call that would need Intl makes one here.
    Settings.resetCaches();
    expect(Settings.defaultLocale).toBe('en');
    const made: unknown[] = [];
    const spy = jest.spyOn(Intl, 'DateTimeFormat').mockImplementation(((...args: unknown[]) => {
      made.push(args);
      throw new Error('Intl.DateTimeFormat was asked for');
    }));
    try {
      const time = new CalendarTime('Europe/London');
      const instants = ['2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', '2026-07-01T23:30:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-12-04T21:00:00Z'].map((s) => new Date(s));
      const out = instants.map((i) => [time.dateOf(i), time.hourOf(i), time.formatInstant(i)]);
      expect(out).toEqual([
        ['2026-03-29', 0, 'Sun 29 Mar 2026, 00:59'],
        ['2026-03-29', 2, 'Sun 29 Mar 2026, 02:00'],
        ['2026-07-02', 0, 'Thu 2 Jul 2026, 00:30'],
        ['2026-10-25', 1, 'Sun 25 Oct 2026, 01:30'],
        ['2026-10-25', 1, 'Sun 25 Oct 2026, 01:30'],
        ['2026-12-04', 21, 'Fri 4 Dec 2026, 21:00'],
      ]);
      expect(time.instantAt('2026-06-15', 9).toISOString()).toBe('2026-06-15T08:00:00.000Z');
      expect(time.instantAt('2026-12-15', 9).toISOString()).toBe('2026-12-15T09:00:00.000Z');
      expect([formatDate('2026-12-25'), addDays('2026-12-31', 1), addMonths('2026-01-31', 1), isIsoDate('2026-02-30')]).toEqual(['Fri 25 Dec 2026', '2027-01-01', '2026-02-28', false]);
      expect(new WorkingCalendar().addWorkingDays('2026-12-24', 2)).toBe('2026-12-30');
    } finally {
      spy.mockRestore();
    }
    expect(made).toEqual([]);
  });
});
