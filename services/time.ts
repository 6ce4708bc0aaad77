import { DateTime, FixedOffsetZone, Settings, Zone } from 'luxon';
import type { Clock } from './clock';
import { zoneNamed } from './table-zone';

/**
 * luxon's locale for every DateTime and Duration: "en" has luxon use its own English month and
 * day names and digits. Without a default, luxon asks Intl for the system's locale (and Intl,
 * once used, keeps about 5 MB of ICU resident: see scripts/zone-transitions.ts). Every date the
 * bot shows is written with explicit tokens ("ccc d LLL yyyy"), so only the names come from here.
 */
Settings.defaultLocale = 'en';

/**
 * Calendar arithmetic in the partnership's zone. Calendar days are ISO dates (yyyy-mm-dd) and
 * never shift with daylight saving; instants are UTC Dates.
 */
export class CalendarTime {
  /** The zone's rules: from services/zone-transitions.json for the partnership's zone, else from Intl. */
  private readonly tz: Zone;
  /**
   * The zone's offset (minutes) in each UTC hour seen, for hours it holds throughout. Asking an
   * IANA zone means an Intl formatToParts per call (about 4 µs; a fixed offset is about 0.3 µs),
   * and cards and reminders ask for many instants within a few hours.
   */
  private readonly hourOffsets = new Map<number, number>();

  constructor(readonly zone: string) {
    const tz = zoneNamed(zone);
    if (!tz) throw new Error(`Unknown time zone: ${zone}`);
    this.tz = tz;
  }

  /**
   * The instant in local time. An hour whose first and last millisecond have the same offset has
   * no change of offset inside it (no zone changes twice within an hour), so its instants get that
   * offset as a fixed zone; an hour with a change (a DST switch) asks the zone for each instant.
   */
  private local(instant: Date): DateTime {
    const ms = instant.getTime();
    const hour = Math.floor(ms / 3_600_000);
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      const first = this.tz.offset(hour * 3_600_000);
      if (!Number.isInteger(first) || first !== this.tz.offset((hour + 1) * 3_600_000 - 1)) return DateTime.fromMillis(ms, { zone: this.tz });
      if (this.hourOffsets.size >= 4096) this.hourOffsets.clear();
      this.hourOffsets.set(hour, (offset = first));
    }
    return DateTime.fromMillis(ms, { zone: FixedOffsetZone.instance(offset) });
  }

  /** The one `today()`: the local calendar date now, by the injected clock. */
  today(clock: Clock): string {
    return this.dateOf(clock.now());
  }

  /** The local calendar date of an instant. */
  dateOf(instant: Date): string {
    return this.local(instant).toISODate()!;
  }

  /** The instant of a local date at a local hour and minute (a skipped DST hour moves forward). */
  instantAt(date: string, hour: number, minute = 0): Date {
    const dt = DateTime.fromISO(date, { zone: this.tz }).set({ hour, minute, second: 0, millisecond: 0 });
    if (!dt.isValid) throw new Error(`Invalid date: ${date}`);
    return dt.toJSDate();
  }

  /** Local wall-clock hour of an instant. */
  hourOf(instant: Date): number {
    return this.local(instant).hour;
  }

  /** Formats an instant for people: "Tue 3 Mar 2026, 09:00". */
  formatInstant(instant: Date): string {
    return this.local(instant).toFormat('ccc d LLL yyyy, HH:mm');
  }
}

/** Adds calendar days to an ISO date. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** Adds calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ months }).toISODate()!;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  // Midnight UTC of each date: whole days apart, with no zone or DST to consider (and far cheaper than luxon, on every card).
  return Math.round((utcMidnight(to) - utcMidnight(from)) / 86_400_000);
}

/**
 * Midnight UTC of a yyyy-mm-dd date in milliseconds, or NaN when it is not one: the date must
 * come back from the instant unchanged, which refuses 30 February (Date.parse rolls it over) and
 * any other shape.
 */
function utcMidnight(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? NaN : ms;
}

/** True for a real calendar date written yyyy-mm-dd. */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(utcMidnight(value));
}

/** "Tue 3 Mar 2026" for an ISO date. */
export function formatDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).toFormat('ccc d LLL yyyy');
}
