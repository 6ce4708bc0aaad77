import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../services/config';
import { silentLogger } from '../services/logger';
import { allCommands } from './app';
import { compose } from './compose';
import type { Command } from './feature';

/** A command as the Teams manifest lists it in its command menu. */
export interface ManifestCommand {
  title: string;
  description: string;
}

/**
 * Every command the bot serves, `help` first, read from the real composition over a
 * throwaway embedded store; no server is started and nothing is kept.
 */
export async function featureCommands(): Promise<Command[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-commands-'));
  try {
    const composed = await compose(parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), { logger: silentLogger });
    try {
      return allCommands(composed.features);
    } finally {
      await composed.stop(0);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The featured commands (`featured: true`), as the manifest's command lists should hold them. */
export async function featuredManifestCommands(): Promise<ManifestCommand[]> {
  return (await featureCommands()).filter((c) => c.featured).map((c) => ({ title: c.name, description: c.description }));
}
