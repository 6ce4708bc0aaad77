import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedStore } from '../../services/store/embedded-store';

/** An initialised embedded store in a fresh temporary folder; `dispose` closes it and deletes the folder. */
export async function tempStore(): Promise<{ store: EmbeddedStore; dir: string; dispose: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-unit-'));
  const store = new EmbeddedStore({ dataDir: dir });
  await store.init();
  return {
    store,
    dir,
    dispose: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
