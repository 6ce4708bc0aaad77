import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrCreateSealKey } from '../../services/log/seal-key';

describe('loadOrCreateSealKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-key-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates a key on first start, readable by this user only, and returns the same key afterwards', () => {
    const file = path.join(dir, 'nested', 'data.log-seal-key');
    const first = loadOrCreateSealKey(file);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(loadOrCreateSealKey(file)).toBe(first);
  });

  it('refuses a file that holds no real key', () => {
    const file = path.join(dir, 'seal');
    fs.writeFileSync(file, 'short\n');
    expect(() => loadOrCreateSealKey(file)).toThrow(/holds no key of at least 32 characters/);
  });
});
