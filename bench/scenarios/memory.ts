/**
 * Resident memory after N turns, of this bot (⅓ help, ⅔ store-writing) and of the echo bot
 * (echo turns), each a fresh process, measured back to back so the ratio is meaningful.
 */
import type { BenchConnector } from '../connector-stub';
import { measureTurns, rssMb } from '../lib';
import { storeWritingTurn } from './channel-set';
import { BotTarget, withBot } from './common';
import { echoTurn } from './echo';
import { helpTurn } from './help';

export interface MemoryResult {
  atStart: number;
  after: number;
  errors: number;
}

export async function measureMemory(target: BotTarget, connector: BenchConnector, turns: number, concurrency: number, env: Record<string, string>): Promise<MemoryResult> {
  process.stdout.write(`measuring ${target === 'echo' ? 'the echo bot' : 'this bot'}'s memory after ${turns} turns...\n`);
  return withBot(target, env, async (bot) => {
    const atStart = rssMb(bot.pid);
    const stats = await measureTurns({
      url: bot.url,
      total: turns,
      concurrency,
      makeActivity: (turn) =>
        target === 'echo'
          ? echoTurn(connector.url)
          : turn.round % 3 === 0
            ? helpTurn(connector.url)
            : storeWritingTurn({ ...turn, round: turn.round % 3 === 1 ? 0 : 1 }, connector.url),
    });
    return { atStart, after: rssMb(bot.pid), errors: stats.errors };
  });
}
