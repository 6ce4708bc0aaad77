import type { LimiterTime } from '../../services/delivery/rate-limiter';

/** Virtual time for the rate limiter: `sleep` moves the clock forward instead of waiting. */
export class FakeTime implements LimiterTime {
  current = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    await Promise.resolve();
    this.current += ms;
  }
}
