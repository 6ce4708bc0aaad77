import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
