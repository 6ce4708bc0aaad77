/** This bot's `help`: a card, no writes. */
import { BENCH_USERS, personal, teamsActivity } from '../lib';
import type { Scenario } from './common';

export const helpTurn = (serviceUrl: string): Record<string, unknown> =>
  teamsActivity({ serviceUrl, user: BENCH_USERS.alex, conversation: personal(BENCH_USERS.alex), text: 'help' });

export const helpScenario: Scenario = {
  name: 'help (card, no writes)',
  target: 'bot',
  makeActivity: (_turn, serviceUrl) => helpTurn(serviceUrl),
  expectReplies: [/What I can do/],
};
