/** A store-writing turn: each worker names and unnames its own channel (a conversation write plus a log entry per turn). */
import { BENCH_USERS, TurnIndex, channel, teamsActivity } from '../lib';
import type { Scenario } from './common';

export const storeWritingTurn = (turn: TurnIndex, serviceUrl: string): Record<string, unknown> =>
  teamsActivity({
    serviceUrl,
    user: BENCH_USERS.alex,
    conversation: channel(`bench-${turn.worker}`),
    text: turn.round % 2 === 0 ? 'channel set executive-board' : 'channel unset executive-board',
  });

export const channelSetScenario: Scenario = {
  name: 'channel set/unset (store + log write)',
  target: 'bot',
  makeActivity: storeWritingTurn,
  expectReplies: [/Channel named/, /Channel name removed/],
};
