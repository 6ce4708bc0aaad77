/**
 * A child process for the embedded store's durability tests, started with spawnTs (ts-child.ts).
 *   <dataDir> write <ackFile> [compactAfter] [container]
 *                                   writes doc-<n> forever (n going on from what is stored) into
 *                                   `disputes`, or `container` (`log`: bodies kept on disk),
 *                                   appending "ack <n>" to ackFile after each write returns. A file,
 *                                   not stdout: a pipe the parent is slow to read buffers in this
 *                                   process, and SIGKILL would lose acks for writes that were made.
 *   <dataDir> hold [goFile]         opens the store, prints "ready" and waits to be killed; with goFile,
 *                                   first waits until that file exists, so racing children open at once
 */
import * as fs from 'node:fs';
import { EmbeddedStore } from '../../services/store/embedded-store';

interface Numbered {
  id: string;
  tenantId: string;
  n: number;
  padding?: string;
}

export async function main([dataDir, mode, ackFile, compactAfter, container = 'disputes']: string[]): Promise<void> {
  if (mode === 'hold' && ackFile) {
    process.stdout.write('waiting\n');
    // A spin, not a timer: every child leaves it within microseconds of the file appearing.
    while (!fs.existsSync(ackFile)) {
      /* spin */
    }
  }
  const store = new EmbeddedStore({
    dataDir,
    ...(compactAfter && compactAfter !== '0' ? { compactAfter: Number(compactAfter) } : {}),
    // For the log, only the latest 8 bodies stay in memory, so most writes reach the bodies file.
    ...(container === 'log' ? { recentBodiesInMemory: 8 } : {}),
  });
  await store.init();
  if (mode === 'hold') {
    process.stdout.write('ready\n');
    setInterval(() => undefined, 60_000);
    return;
  }
  // Documents big enough that a kill often lands inside a write.
  const padding = 'x'.repeat(2000);
  const [last] = await store.query<Numbered>(container, { partitionKey: 'durability', orderBy: [{ field: 'n', direction: 'desc' }], limit: 1 });
  const acks = fs.openSync(ackFile, 'a');
  for (let n = (last?.n ?? 0) + 1; ; n++) {
    await store.create<Numbered>(container, { id: `doc-${n}`, tenantId: 'durability', n, padding });
    fs.writeSync(acks, `ack ${n}\n`);
  }
}
