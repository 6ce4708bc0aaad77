import { RateLimiter, RateWindow, TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS } from '../../../services/delivery/rate-limiter';
import { FakeTime } from '../../support/fake-time';

/** Every `limit + 1` consecutive sends must span at least the window: no window ever holds more than `limit`. */
function expectWithin(times: number[], windows: readonly RateWindow[]): void {
  for (const { limit, windowMs } of windows) {
    for (let i = 0; i + limit < times.length; i++) expect(times[i + limit] - times[i]).toBeGreaterThanOrEqual(windowMs);
  }
}

describe('RateLimiter (fake time)', () => {
  it('keeps one conversation inside 7/1s and 8/2s, and lets the first seven go at once', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 20 });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      (await limiter.acquire('t', 'c'))();
      times.push(time.now());
    }
    expect(times.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(times[7]).toBe(1020); // 7 per second
    expect(times[8]).toBe(2020); // 8 per 2 seconds
    expectWithin(times, TEAMS_CONVERSATION_WINDOWS);
  });

  it('keeps one conversation inside 60 per 30 seconds', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    const times: number[] = [];
    for (let i = 0; i < 130; i++) {
      (await limiter.acquire('t', 'c'))();
      times.push(time.now());
    }
    expectWithin(times, TEAMS_CONVERSATION_WINDOWS);
    expect(times[60] - times[0]).toBeGreaterThanOrEqual(30_000);
  });

  it('keeps one conversation inside 1800 per hour', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: [{ limit: 1800, windowMs: 3_600_000 }], tenantWindows: [] });
    const times: number[] = [];
    for (let i = 0; i < 1801; i++) {
      (await limiter.acquire('t', 'c'))();
      times.push(time.now());
    }
    expect(times[1799]).toBe(0);
    expect(times[1800]).toBe(3_600_000);
  });

  it('holds a tenant to 50 per second across conversations, at the floor the limits allow', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      (await limiter.acquire('t', `c${i}`))();
      times.push(time.now());
    }
    expectWithin(times, TEAMS_TENANT_WINDOWS);
    expect(times[199]).toBe(RateLimiter.floorMs(200, TEAMS_TENANT_WINDOWS));
    expect(RateLimiter.floorMs(200, TEAMS_TENANT_WINDOWS)).toBe(3000);
  });

  it('does not let one tenant slow another', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    for (let i = 0; i < 50; i++) (await limiter.acquire('busy', `c${i}`))();
    (await limiter.acquire('quiet', 'q1'))();
    expect(time.now()).toBe(0);
  });

  it('holds a conversation for Retry-After', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    (await limiter.acquire('t', 'c'))();
    limiter.holdConversation('c', 5000);
    (await limiter.acquire('t', 'other'))();
    expect(time.now()).toBe(0);
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(5000);
  });

  it('counts a send from when it finished, so a slow request cannot squeeze the next burst into its window', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 20 });
    const finished: (() => void)[] = [];
    for (let i = 0; i < 7; i++) finished.push(await limiter.acquire('t', 'c'));
    time.current = 300; // the seven took 300 ms to be answered
    finished.forEach((done) => done());
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(1320);
  });

  it('treats a send still in flight as happening now', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    for (let i = 0; i < 7; i++) await limiter.acquire('t', 'c'); // never reported back
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps limits when many callers wait at once', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 30 }, () => limiter.acquire('t', 'c').then((done) => (done(), times.push(time.now())))));
    times.sort((a, b) => a - b);
    expect(times).toHaveLength(30);
    expectWithin(times, TEAMS_CONVERSATION_WINDOWS);
  });

  it('throttles no more than the windows require: each send goes at the first moment every window allows', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    const times: number[] = [];
    for (let i = 0; i < 130; i++) {
      (await limiter.acquire('t', 'c'))();
      times.push(time.now());
    }
    // 7 at once, then 1 more per second and 7 more per 2 s, until 60 have gone in 30 s.
    expect(times.slice(0, 16)).toEqual([0, 0, 0, 0, 0, 0, 0, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 3000]);
    expect([times[59], times[60], times[119], times[120], times[129]]).toEqual([14_000, 30_000, 44_000, 60_000, 62_000]);
    expect(limiter.stats.acquired).toBe(130);
  });

  it('uses Teams\' limits and a 20 ms margin by default, and counts the time callers waited', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 8; i++) (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(1020);
    expect(limiter.stats).toEqual({ acquired: 8, waitedMs: 1020 });
    for (let i = 0; i < 50; i++) (await limiter.acquire('t2', `c${i}`))();
    (await limiter.acquire('t2', 'c-last'))();
    expect(time.now()).toBe(2040); // the 51st send of one tenant waits out its second (50/s) plus the margin
  });

  it('looks again every 25 ms while a send is in flight, and caps an unreported send at 60 s', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    for (let i = 0; i < 7; i++) await limiter.acquire('t', 'c'); // never reported back
    (await limiter.acquire('t', 'c'))();
    expect(time.sleeps.slice(0, 3)).toEqual([25, 25, 25]);
    expect(time.now()).toBe(61_000); // counted as finished at 60 s, then one window of 1 s
  });

  it('keeps the longer of two holds, and lets a conversation go as soon as its hold has passed', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    limiter.holdConversation('c', 5000);
    limiter.holdConversation('c', 1000);
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(5000);
    limiter.holdConversation('c', 1000);
    time.current = 7000;
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(7000);
  });

  it('gives the floor for a number of sends under several windows', () => {
    expect(RateLimiter.floorMs(0, TEAMS_TENANT_WINDOWS)).toBe(0);
    expect(RateLimiter.floorMs(1, TEAMS_TENANT_WINDOWS)).toBe(0);
    expect(RateLimiter.floorMs(50, TEAMS_TENANT_WINDOWS)).toBe(0);
    expect(RateLimiter.floorMs(51, TEAMS_TENANT_WINDOWS)).toBe(1000);
    expect(RateLimiter.floorMs(61, TEAMS_CONVERSATION_WINDOWS)).toBe(30_000);
    expect(RateLimiter.floorMs(5, [])).toBe(0);
  });
});
