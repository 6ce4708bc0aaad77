import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONTAINER_LIST } from '../../services/store/containers';
import { EmbeddedStore, EmbeddedStoreOptions } from '../../services/store/embedded-store';
import type { Store } from '../../services/store/port';
import { runStoreContract } from './store-contract';

const dirs = new Map<object, string>();

/** Runs the contract on a fresh embedded store in a temporary folder, made with `options`. */
function contractOn(name: string, options: Omit<EmbeddedStoreOptions, 'dataDir'>): void {
  runStoreContract(
    name,
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-contract-'));
      const store = new EmbeddedStore({ dataDir: dir, ...options });
      await store.init();
      dirs.set(store, dir);
      return store;
    },
    async (store: Store) => {
      await store.close();
      const dir = dirs.get(store);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  );
}

contractOn('embedded (on disk)', {});

// The same contract with every container's bodies kept on disk (as the log's are) from the moment
// they are written, compacting every 40 writes, so the bodies file is rebuilt many times under the
// contract's own checks.
contractOn('embedded (every body on disk, compacting often)', { bodiesOnDisk: CONTAINER_LIST.map((c) => c.name), recentBodiesInMemory: 0, compactAfter: 40 });
