import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The local run's LOG_SEAL_KEY: read from `file`, or generated there on first start (readable by
 * this user only). The file lives outside DATA_DIR, so a copy of the data is not a copy of the key.
 * In Azure the key comes from Key Vault instead (LOG_SEAL_KEY) and this is never called.
 */
export function loadOrCreateSealKey(file: string): string {
  try {
    return readKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // Another process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKey(file);
}

function readKey(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`LOG_SEAL_KEY_FILE ${file} holds no key of at least 32 characters`);
  return key;
}
