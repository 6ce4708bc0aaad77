/**
 * A child process that opens a CosmosStore, as an instance does at start-up, for the start-up
 * race tests (started with spawnTs).
 *   <endpoint> <database> <goFile>  waits until goFile exists (so racing children start at once),
 *                                   runs init(), creates one document and prints "started"
 */
import * as fs from 'node:fs';
import { makeCosmosStore } from './cosmos-server';

export async function main([endpoint, database, goFile]: string[]): Promise<void> {
  const store = makeCosmosStore(endpoint, database);
  process.stdout.write('waiting\n');
  while (!fs.existsSync(goFile)) {
    /* spin: every child leaves within microseconds of the file appearing */
  }
  await store.init();
  await store.create('disputes', { id: `started-${process.pid}`, tenantId: 'startup' });
  await store.close();
  process.stdout.write('started\n');
}
