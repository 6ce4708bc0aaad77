import { DateTime } from 'luxon';
import table from './bank-holidays.json';
import { addDays, isIsoDate } from './time';

/**
 * Working days for the statutory clocks of safeguarding case reviews: Monday to Friday, less the
 * bank holidays of England and Wales. The holidays come from the `date-holidays` data set (which
 * carries substitute days), never from a list typed into code: `npm run holidays` writes them
 * into services/bank-holidays.json for the years it covers, and a test checks that table against
 * the library (scripts/bank-holidays.ts says why the bot does not load the library itself).
 * Dates are ISO calendar dates, so clock changes cannot shift them.
 */
export class WorkingCalendar {
  /** Bank holidays of one year: ISO date → name. */
  bankHolidays(year: number): Map<string, string> {
    const days = BY_YEAR.get(year);
    if (!days)
      throw new Error(
        `No bank holidays are known for ${year}: services/bank-holidays.json covers ${table.firstYear} to ${table.lastYear}. Widen FIRST_YEAR and LAST_YEAR in scripts/bank-holidays.ts and run npm run holidays.`,
      );
    return days;
  }

  /** The bank holiday on a date, if any (e.g. "Boxing Day (substitute day)"). */
  bankHoliday(date: string): string | undefined {
    return this.bankHolidays(Number(date.slice(0, 4))).get(date);
  }

  isWorkingDay(date: string): boolean {
    const weekday = DateTime.fromISO(date, { zone: 'utc' }).weekday; // 1 Monday … 7 Sunday
    return weekday <= 5 && !this.bankHoliday(date);
  }

  /**
   * The date `n` working days after `date` (before it, for negative `n`): the day of awareness
   * itself does not count, so 5 working days from a Monday is the next Monday.
   */
  addWorkingDays(date: string, n: number): string {
    if (!isIsoDate(date)) throw new Error(`Invalid date: ${String(date)}`);
    const step = n < 0 ? -1 : 1;
    let left = Math.abs(n);
    let day = date;
    while (left > 0) {
      day = addDays(day, step);
      if (this.isWorkingDay(day)) left -= 1;
    }
    return day;
  }

  /**
   * Working days from `from` to `to`: the working days after `from` up to and including `to`
   * (negative when `to` is earlier). `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
   */
  workingDaysBetween(from: string, to: string): number {
    if (from === to) return 0;
    const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let day = addDays(start, 1); day <= end; day = addDays(day, 1)) if (this.isWorkingDay(day)) count += 1;
    return sign * count;
  }

  /** The first working day after `date` (a breach is announced then). */
  nextWorkingDay(date: string): string {
    return this.addWorkingDays(date, 1);
  }
}

/** The table by year (every year it covers, holidays or not), shared by every calendar. */
const BY_YEAR = ((): Map<number, Map<string, string>> => {
  const years = new Map<number, Map<string, string>>();
  for (let year = table.firstYear; year <= table.lastYear; year++) years.set(year, new Map());
  for (const [date, name] of Object.entries(table.days)) years.get(Number(date.slice(0, 4)))?.set(date, name);
  return years;
})();
