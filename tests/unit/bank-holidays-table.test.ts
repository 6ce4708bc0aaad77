import Holidays from 'date-holidays';
import committed from '../../services/bank-holidays.json';
import { FIRST_YEAR, LAST_YEAR, bankHolidayTable } from '../../scripts/bank-holidays';
import { WorkingCalendar } from '../../services/working-days';

describe('the bank holiday table (services/bank-holidays.json)', () => {
  it('is what the installed date-holidays says for every year it covers: run `npm run holidays` after upgrading it', () => {
    expect(committed).toEqual(bankHolidayTable());
  });

  it('covers the years the generator names, with eight to ten bank holidays in each (one-offs such as 2022 included)', () => {
    expect([committed.firstYear, committed.lastYear]).toEqual([FIRST_YEAR, LAST_YEAR]);
    const cal = new WorkingCalendar();
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      const weekdays = [...cal.bankHolidays(year).keys()].filter((d) => new Date(`${d}T12:00:00Z`).getUTCDay() % 6 !== 0);
      expect([year, weekdays.length >= 8 && weekdays.length <= 10]).toEqual([year, true]);
    }
    // The Queen's state funeral and the coronation: one-off bank holidays the data set carries.
    expect(cal.bankHoliday('2022-09-19')).toBeDefined();
    expect(cal.bankHoliday('2023-05-08')).toBeDefined();
  });

  it('matches the library date by date, names included, for this year and the next', () => {
    const library = new Holidays('GB', 'ENG');
    const cal = new WorkingCalendar();
    for (const year of [2026, 2027]) {
      const expected = library.getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]);
      expect([...cal.bankHolidays(year)]).toEqual(expected);
    }
  });

  it('refuses a year outside the table with a message saying how to widen it', () => {
    const cal = new WorkingCalendar();
    expect(() => cal.isWorkingDay(`${LAST_YEAR + 1}-01-04`)).toThrow(/No bank holidays are known for 2100.*npm run holidays/);
    expect(() => cal.bankHolidays(FIRST_YEAR - 1)).toThrow(/covers 2000 to 2099/);
  });
});
