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

/** The ledgers' maps, read for the housekeeping tests only (the limiter keeps them private). */
function ledgers(limiter: RateLimiter) {
  const conversations = limiter['conversations'];
  const tenants = limiter['tenants'];
  return { slots: conversations['slots'], blocked: conversations['blockedUntil'], tenantSlots: tenants['slots'] };
}

const ONE_PER_SECOND: RateWindow[] = [{ limit: 1, windowMs: 1000 }];

describe('RateLimiter edges (issue 13: mutants that survived the tests above)', () => {
  it('lets the first send to a conversation go at once under a one-per-window limit, then waits out the window after it finished', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: ONE_PER_SECOND, tenantWindows: [] });
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(0);
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(1000);
    // Finished at once, so the wait is the whole window in one sleep, not a 25 ms poll.
    expect(time.sleeps).toEqual([1000]);
  });

  it('waits for the older of the sends that finished out of order, not the one granted first', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: [{ limit: 2, windowMs: 1000 }], tenantWindows: [] });
    const first = await limiter.acquire('t', 'c');
    const second = await limiter.acquire('t', 'c');
    time.current = 100;
    second();
    time.current = 500;
    first();
    (await limiter.acquire('t', 'c'))();
    // The two finished at 100 and 500: the third may go once the one of 100 has left the window.
    expect(time.now()).toBe(1100);
    expect(time.sleeps).toEqual([600]);
  });

  it('keeps the margin in the history it holds: a send stays counted for window + margin', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 500, conversationWindows: ONE_PER_SECOND, tenantWindows: [] });
    (await limiter.acquire('t', 'c'))();
    time.current = 1200; // past the window, not past window + margin
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(1500);
  });

  it('polls every 25 ms only while the blocking send is in flight; a send next to finished ones is waited out in one sleep', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: [{ limit: 2, windowMs: 1000 }], tenantWindows: [] });
    (await limiter.acquire('t', 'c'))(); // finished at 0
    time.current = 100;
    const inFlight = await limiter.acquire('t', 'c'); // granted at 100, not yet answered
    time.current = 400;
    // The blocking send is the finished one (0): wait until it leaves at 1000, in one sleep.
    const third = limiter.acquire('t', 'c'); // has looked once, and is asleep
    inFlight(); // answered at 400
    (await third)();
    expect(time.now()).toBe(1000);
    expect(time.sleeps).toEqual([600]);
  });

  it('polls while one send is in flight next to one that finished at the same moment', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: [{ limit: 2, windowMs: 1000 }], tenantWindows: [] });
    (await limiter.acquire('t', 'c'))(); // finished at 0
    const inFlight = await limiter.acquire('t', 'c'); // in flight, so it counts as now
    const third = limiter.acquire('t', 'c'); // has looked once, and is asleep
    inFlight(); // answered while it sleeps
    (await third)();
    expect(time.sleeps[0]).toBe(25);
    expect(time.now()).toBe(1000);
  });

  it('caps an unreported send at 60 s after it was granted, polling until then and waiting out one window after', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: ONE_PER_SECOND, tenantWindows: [] });
    time.current = 40_000;
    void (await limiter.acquire('t', 'c')); // never reported back
    (await limiter.acquire('t', 'c'))();
    // In flight up to and including 60 s after its grant (100 000), then counted as finished there.
    expect(time.sleeps).toEqual([...Array<number>(2401).fill(25), 975]);
    expect(time.now()).toBe(101_000);
  });

  it('does not count a send past its 60 s cap as in flight next to one that has just finished', async () => {
    const time = new FakeTime();
    // The 2-minute window keeps the capped send in the ledger, next to the later ones.
    const windows = [...ONE_PER_SECOND, { limit: 100, windowMs: 120_000 }];
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: windows, tenantWindows: [] });
    void (await limiter.acquire('t', 'c')); // never reported back: counted as finished at 60 000
    time.current = 70_000;
    (await limiter.acquire('t', 'c'))(); // goes at once, finished at once
    expect(time.now()).toBe(70_000);
    (await limiter.acquire('t', 'c'))();
    expect(time.sleeps).toEqual([1000]);
    expect(time.now()).toBe(71_000);
  });

  it('counts the time each caller waited from when it asked, not from time zero', async () => {
    const time = new FakeTime();
    time.current = 5000;
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: ONE_PER_SECOND, tenantWindows: [] });
    (await limiter.acquire('t', 'c'))();
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(6000);
    expect(limiter.stats).toEqual({ acquired: 2, waitedMs: 1000 });
  });

  it('keeps a hold for callers that arrive while another already waits on it', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: [{ limit: 10, windowMs: 1000 }], tenantWindows: [] });
    limiter.holdConversation('c', 5000);
    const times: number[] = [];
    await Promise.all([1, 2].map(() => limiter.acquire('t', 'c').then((done) => (done(), times.push(time.now())))));
    // FakeTime adds up the two sleeps, so only "not before the hold ends" can be asserted, on the grants the ledger holds.
    expect(times).toHaveLength(2);
    const granted = ledgers(limiter).slots.get('c')?.map((s) => s.grantedAt) ?? [];
    expect(granted).toHaveLength(2);
    expect(Math.min(...granted)).toBeGreaterThanOrEqual(5000);
  });

  it('forgets a hold once it has passed, at the very instant it ends', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0 });
    limiter.holdConversation('c', 1000);
    limiter.holdConversation('d', 1000);
    expect([...ledgers(limiter).blocked.keys()]).toEqual(['c', 'd']);
    time.current = 1000;
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(1000);
    expect([...ledgers(limiter).blocked.keys()]).toEqual(['d']);
  });

  it('after a quiet spell keeps only the sends still inside the longest window', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 20 });
    for (let i = 0; i < 7; i++) (await limiter.acquire('t', 'c'))();
    expect(ledgers(limiter).slots.get('c')).toHaveLength(7);
    time.current = 3_600_020; // exactly the longest window (1 hour) plus the margin after the seven
    (await limiter.acquire('t', 'c'))();
    expect(ledgers(limiter).slots.get('c')).toEqual([{ grantedAt: 3_600_020, doneAt: 3_600_020 }]);
    // The tenant's window is 1 s (+ 20 ms): its ledger keeps only what is inside that.
    time.current = 3_601_040;
    (await limiter.acquire('t', 'c2'))();
    expect(ledgers(limiter).tenantSlots.get('t')).toEqual([{ grantedAt: 3_601_040, doneAt: 3_601_040 }]);
    expect(ledgers(limiter).slots.get('c')).toHaveLength(1);
  });

  it('keeps a send one millisecond before it leaves the longest window', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: [{ limit: 5, windowMs: 1000 }], tenantWindows: [] });
    (await limiter.acquire('t', 'c'))();
    time.current = 999;
    (await limiter.acquire('t', 'c'))();
    expect(ledgers(limiter).slots.get('c')).toHaveLength(2);
    time.current = 1000;
    (await limiter.acquire('t', 'c'))();
    expect(ledgers(limiter).slots.get('c')?.map((s) => s.grantedAt)).toEqual([999, 1000]);
  });

  it('a finished send keeps the moment it first reported, whatever later calls say', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0, conversationWindows: ONE_PER_SECOND, tenantWindows: [] });
    const done = await limiter.acquire('t', 'c');
    time.current = 100;
    done();
    time.current = 900;
    done();
    expect(ledgers(limiter).slots.get('c')).toEqual([{ grantedAt: 0, doneAt: 100 }]);
    (await limiter.acquire('t', 'c'))();
    expect(time.now()).toBe(1100);
  });

  it('rounds a fractional wait up to the next millisecond', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { marginMs: 0.5, conversationWindows: ONE_PER_SECOND, tenantWindows: [] });
    (await limiter.acquire('t', 'c'))();
    (await limiter.acquire('t', 'c'))();
    expect(time.sleeps).toEqual([1001]);
  });
});
