import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { addDays, isIsoDate } from './time';

/**
 * Working days for the statutory clocks of safeguarding case reviews: Monday to Friday, less the
 * bank holidays of England and Wales. The holidays come from the `date-holidays` data set (which
 * carries substitute days), never from a list typed into code. Dates are ISO calendar dates, so
 * clock changes cannot shift them.
 */
export class WorkingCalendar {
  private readonly holidays = new Holidays('GB', 'ENG');
  private readonly byYear = new Map<number, Map<string, string>>();

  /** Bank holidays of one year: ISO date → name. */
  bankHolidays(year: number): Map<string, string> {
    let days = this.byYear.get(year);
    if (!days) {
      days = new Map();
      for (const h of this.holidays.getHolidays(year)) {
        // `public` are the bank holidays (substitute days included); `observance` etc. are not days off.
        if (h.type !== 'public') continue;
        days.set(h.date.slice(0, 10), h.name);
      }
      this.byYear.set(year, days);
    }
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
