import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONTAINER_LIST } from '../../services/store/containers';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { runStoreContract } from './store-contract';

const dirs = new Map<object, string>();

runStoreContract(
  'embedded (on disk)',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-contract-'));
    const store = new EmbeddedStore({ dataDir: dir });
    await store.init();
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    const dir = dirs.get(store);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
);

// The same contract with every container's bodies kept on disk (as the log's are) from the moment
// they are written, compacting every 40 writes, so the bodies file is rebuilt many times under the
// contract's own checks.
runStoreContract(
  'embedded (every body on disk, compacting often)',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-contract-disk-'));
    const store = new EmbeddedStore({ dataDir: dir, bodiesOnDisk: CONTAINER_LIST.map((c) => c.name), recentBodiesInMemory: 0, compactAfter: 40 });
    await store.init();
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    const dir = dirs.get(store);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
);
