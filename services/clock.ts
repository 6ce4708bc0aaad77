/** The only source of "now" for services: injected, so tests can fix or step time. */
export interface Clock {
  now(): Date;
}

/** The real clock, used by the composition root only. */
// eslint-disable-next-line no-restricted-syntax -- the one real clock
export const systemClock: Clock = { now: () => new Date(Date.now()) };
