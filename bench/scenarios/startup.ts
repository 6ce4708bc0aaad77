/** Start-up: from spawning the production command to the first 200 from /healthz, median of several runs. */
import { median } from '../lib';
import { withBot } from './common';

export async function measureStartup(runs: number, env: Record<string, string>): Promise<{ median: number; runs: number[] }> {
  process.stdout.write(`measuring start-up (${runs} runs)...\n`);
  const startups: number[] = [];
  for (let i = 0; i < runs; i++) startups.push(await withBot('bot', env, async (bot) => bot.startupMs));
  return { median: median(startups), runs: startups };
}
