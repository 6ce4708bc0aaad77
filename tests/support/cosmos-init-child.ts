/**
 * A child for the start-up race tests, started with spawnTs (ts-child.ts):
 *   <endpoint> <database> <goFile>   waits for goFile, opens a CosmosStore on the database
 *                                    (creating what is missing), prints "started" or "failed: <why>".
 */
import * as fs from 'node:fs';
import { makeCosmosStore } from './cosmos-server';

export async function main([endpoint, database, goFile]: string[]): Promise<void> {
  while (!fs.existsSync(goFile)) await new Promise((r) => setImmediate(r));
  const store = makeCosmosStore(endpoint, database);
  try {
    await store.init();
    process.stdout.write('started\n');
  } catch (err) {
    process.stdout.write(`failed: ${(err as Error).message}\n`);
  }
  await store.close();
  process.exit(0);
}
