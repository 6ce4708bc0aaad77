/** docs/PERFORMANCE.md: the figures of one full `npm run bench`, with how they are measured. */
import * as os from 'node:os';
import { productionNodeArgs } from './lib';
import { commandFor } from './scenarios/common';

export interface ReportParts {
  command: string;
  table: string;
  stormTable: string;
  targets: string;
  reminders: string;
  context: string;
  rssTurns: number;
  concurrency: number;
  voteConcurrency: number;
  voteTurns: number;
  stormRounds: number;
  nodeOptions?: string;
}

export function performanceDoc(p: ReportParts): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `# Performance

Latest figures, produced by \`${p.command}\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}
on ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node.js ${process.version}, ${os.platform()} ${os.release()}.
Re-run the command to refresh this file; figures vary from run to run by about 10% (more on a busy machine).

## Turns on the embedded store (side by side, in one run)

${p.table}

## Vote storm on the Cosmos DB wire server (one and two instances, in the same run)

${p.stormTable}

## Targets

${p.targets}

## Reminders engine (issue 3; \`npm run bench:reminders\` runs these alone)

${p.reminders}

## Context

${p.context}

## How it is measured

- Each scenario is a file of its own in \`bench/scenarios/\`; \`bench/run.ts\` only chooses which run
  (\`--only embedded,cosmos,reminders\`, \`--quick\` for a short run) and prints.
- Each bot runs as its own process on a free port: this bot exactly as production starts it
  (\`${['node', ...productionNodeArgs()].join(' ')}\`, package.json \`start:prod\`, the same command as
  App Service's in infra/azure.bicep), the echo bot as \`node ${commandFor('echo').nodeArgs.join(' ')} dist/bench/echo-bot.js\`
  (the same flags)${p.nodeOptions ? `, both with NODE_OPTIONS="${p.nodeOptions}"` : ''}; on the embedded store each with a fresh \`DATA_DIR\`
  in a temporary folder and the playground directory; the load generator and a connector stub (answers every
  reply with \`{ id }\`) share the bench's process.
- A turn is one Teams activity POSTed to \`/api/messages\`, timed until the bot's HTTP answer, which
  comes after its replies reached the connector. ${p.concurrency} workers (${p.voteConcurrency} for the vote row and the
  echo row beside it) each send their next activity as soon as the previous one is answered; 20 warm-up turns
  per worker are not counted (5 for the vote row, which also measures at most ${p.voteTurns} turns).
- Before each row, its first replies are checked (the echo, the help card, "Channel named" /
  "Channel name removed", the vote card naming the voter among those who voted), so a row cannot quietly measure refusals.
- The store-writing turn is \`channel set executive-board\` / \`channel unset executive-board\` by the
  Business Team in a channel of each worker's own: one conversation write and one log entry per turn.
- The vote row: the chair adds bench voters to the directory (\`person add\`), grants each the partner role with an
  organisation, names the board channel and submits the recommend form there; each worker is then one voter
  alternating Approve and Reject (every click writes the vote with its log entry, recomputes the tally and
  queues the refresh of the board's copy of the card). Its throughput is divided by the echo bot's at the same
  concurrency, measured in the same run. The seed partners never vote, so the vote stays open.
- The vote storm: \`@vercel/cosmosdb-server\` (in memory, HTTPS) in a process of its own, fresh for each row;
  one or two bot instances on one database with the same \`LOG_SEAL_KEY\`; 51 voters set up as above through the
  first instance (the 51st checks each instance's answer); then 50 workers, one voter each, worker i's clicks
  going to instance i mod n, each voter's first click (the cast) unmeasured and then ${p.stormRounds} changes of vote per voter.
  Throughput is clicks answered per second; "no click over 5 s" is the maximum of both rows. On 2 shared cores the
  wire server, the instances and the load generator compete for the same CPU: read the ratios, not the seconds.
- Start-up is from spawning the production command to the first 200 from \`/healthz\`.
- Memory is VmRSS from \`/proc/<pid>/status\` of a fresh bot after ${p.rssTurns.toLocaleString('en-GB')} turns (⅓ help, ⅔ store-writing),
  and of a fresh echo bot after as many echo turns, back to back.
- Reminders rows run in this process against the embedded store: a tick's median time and the documents it
  read and scanned (the store's own counters) with 10 due among 1,000 and 100,000 future timers, and among 1,000
  future and 100,000 already sent; one reminder to 200 channels through the rate limiter and the Teams messenger,
  against a connector enforcing Teams' limits.

## Where the time and memory go

See docs/PERFORMANCE-NOTES.md (kept by hand; this file is rewritten by every full run).
`;
}
