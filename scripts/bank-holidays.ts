/**
 * `npm run holidays` writes services/bank-holidays.json: the bank holidays of England and Wales
 * (substitute days included) for the years the bot's clocks can reach, taken from the
 * `date-holidays` data set. The bot reads that small table rather than loading the library at
 * run time: the library carries every country's rules with astronomy and time-zone data, about
 * 10 MB of the bot's resident memory for a few hundred dates. tests/unit/bank-holidays-table.test.ts
 * fails when the committed table differs from what the installed library says, so an upgrade
 * of the library that moves a date is noticed and the table rewritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Holidays from 'date-holidays';
import { ROOT } from './root';

/** The years the table covers. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

export interface BankHolidayTable {
  source: string;
  firstYear: number;
  lastYear: number;
  /** ISO date → name, in date order. */
  days: Record<string, string>;
}

export function bankHolidayTable(): BankHolidayTable {
  const holidays = new Holidays('GB', 'ENG');
  const days: Record<string, string> = {};
  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
    // `public` are the bank holidays (substitute days included); `observance` etc. are not days off.
    for (const h of holidays.getHolidays(year)) if (h.type === 'public') days[h.date.slice(0, 10)] = h.name;
  }
  const version = (JSON.parse(fs.readFileSync(require.resolve('date-holidays/package.json'), 'utf8')) as { version: string }).version;
  return { source: `date-holidays ${version}: GB, region ENG (England and Wales), type public`, firstYear: FIRST_YEAR, lastYear: LAST_YEAR, days };
}

export const TABLE_PATH = path.join(ROOT, 'services', 'bank-holidays.json');

if (require.main === module) {
  fs.writeFileSync(TABLE_PATH, JSON.stringify(bankHolidayTable(), null, 1) + '\n');
  process.stdout.write(`wrote ${TABLE_PATH}\n`);
}
