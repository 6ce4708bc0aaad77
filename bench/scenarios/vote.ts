/**
 * The vote click row (embedded store) and the setup the Cosmos vote storm shares with it: alex
 * (chair and Business Team) adds each bench voter to the directory and grants them the partner
 * role with an organisation, names the board channel and submits the recommend form there; the
 * recommendation id is read from the vote card the click returns. The seed partners never vote,
 * so the vote stays open however often the bench voters click.
 */
import type { BenchConnector } from '../connector-stub';
import { BENCH_USERS, cardClick, personal, teamsActivity } from '../lib';
import { BOARD, Scenario, benchVoter, setupTurn } from './common';

/** Registers voters 0..count-1 as partners and opens a vote on the board; returns the recommendation id. */
export async function setupVote(url: string, connector: BenchConnector, count: number): Promise<string> {
  const to = connector.url;
  for (let i = 0; i < count; i++) {
    const voter = benchVoter(i);
    await setupTurn(
      url,
      connector,
      teamsActivity({ serviceUrl: to, user: BENCH_USERS.alex, conversation: personal(BENCH_USERS.alex), text: `person add ${voter.aadObjectId} ${voter.name}` }),
      /added to the directory/,
    );
    await setupTurn(
      url,
      connector,
      teamsActivity({ serviceUrl: to, user: BENCH_USERS.alex, conversation: personal(BENCH_USERS.alex), text: `grant partner ${voter.name} as Bench Organisation ${i + 1}` }),
      /is now a partner/,
    );
  }
  await setupTurn(url, connector, teamsActivity({ serviceUrl: to, user: BENCH_USERS.alex, conversation: BOARD, text: 'channel set executive-board' }), /Channel named/);
  const card = await setupTurn(
    url,
    connector,
    cardClick({
      serviceUrl: to,
      user: BENCH_USERS.alex,
      conversation: BOARD,
      verb: 'rec.submit',
      data: { form: `bench-${Date.now()}`, title: 'Benchmark recommendation', detail: 'Measured vote clicks.', sourceKind: 'subgroup', sourceName: 'Bench subgroup' },
    }),
    /"rec\.vote"/,
    'answer',
  );
  const recId = /"rec":"([^"]+)"/.exec(card)?.[1] ?? '';
  if (!recId) throw new Error(`bench setup: no recommendation id in the vote card: ${card.slice(0, 300)}`);
  return recId;
}

/** Voter `worker`'s click in its round `round`: Approve and Reject alternate, so every click after the first changes the vote. */
export const voteClick = (recId: string, serviceUrl: string, worker: number, round: number): Record<string, unknown> =>
  cardClick({ serviceUrl, user: benchVoter(worker), conversation: BOARD, verb: 'rec.vote', data: { rec: recId, option: round % 2 === 0 ? 'approve' : 'reject' } });

/** The returned card names the voter among those who voted; a refusal would be a plain string. */
export const votedBy = (worker: number): RegExp => new RegExp(`Voted:\\*\\*[^"]*${benchVoter(worker).name}`);

/**
 * Vote clicks at `concurrency` voters at once: each worker is one voter alternating Approve and
 * Reject, so every turn writes the vote with its log entry in the outbox, recomputes the tally and
 * queues the refresh of the board's copy of the card (after the click is answered).
 */
export function voteScenario(concurrency: number, baseline: string): Scenario {
  let recId = '';
  return {
    name: `vote click, ${concurrency} voters at once (store + log write, card update)`,
    target: 'bot',
    concurrency,
    baseline,
    turns: 2000,
    warmupPerWorker: 5,
    replyIn: 'answer',
    setup: async (bot, connector, workers) => {
      recId = await setupVote(bot.url, connector, workers + 1);
    },
    makeActivity: (turn, serviceUrl) => voteClick(recId, serviceUrl, turn.worker, turn.round),
    expectReplies: [votedBy(concurrency), votedBy(concurrency)],
  };
}
