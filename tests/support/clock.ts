import type { Clock } from '../../services/clock';

/** A clock tests set and step by hand. */
export class TestClock implements Clock {
  private current: number;
  constructor(start: string | Date) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: string | Date): void {
    this.current = new Date(instant).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
  advanceDays(days: number): void {
    this.current += days * 24 * 60 * 60 * 1000;
  }
}
