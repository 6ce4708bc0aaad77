/**
 * A child for the start-up race tests, started with spawnTs (ts-child.ts):
 *   <dataDir> <goFile>   prints "waiting" on stderr, waits until goFile exists (so every child starts
 *                        at once), opens the embedded store, prints "opened" (then holds it) or
 *                        "refused: <why>" and exits.
 */
import * as fs from 'node:fs';
import { EmbeddedStore } from '../../services/store/embedded-store';

export async function main([dataDir, goFile]: string[]): Promise<void> {
  process.stderr.write('waiting\n');
  while (!fs.existsSync(goFile)) await new Promise((r) => setImmediate(r));
  const store = new EmbeddedStore({ dataDir });
  try {
    await store.init();
  } catch (err) {
    process.stdout.write(`refused: ${(err as Error).message}\n`);
    process.exit(0);
  }
  process.stdout.write('opened\n');
  setInterval(() => undefined, 60_000);
}
