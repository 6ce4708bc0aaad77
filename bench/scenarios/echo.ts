/** The bare Teams AI echo bot on the same stack: the baseline every row is divided by. */
import { BENCH_USERS, personal, teamsActivity } from '../lib';
import type { Scenario } from './common';

export const echoScenario = (concurrency?: number): Scenario => ({
  name: concurrency ? `echo (bare Teams AI bot), ${concurrency} at once` : 'echo (bare Teams AI bot)',
  target: 'echo',
  ...(concurrency ? { concurrency } : {}),
  makeActivity: (_turn, serviceUrl) => echoTurn(serviceUrl),
  expectReplies: [/echo: hello/],
});

export const echoTurn = (serviceUrl: string): Record<string, unknown> =>
  teamsActivity({ serviceUrl, user: BENCH_USERS.alex, conversation: personal(BENCH_USERS.alex), text: 'hello' });
