import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnTs } from '../support/ts-child';

jest.setTimeout(180_000);

// Cosmos start-up races: tests/integration/cosmos-startup-race.test.ts.
describe('processes starting together on one DATA_DIR', () => {
  /** Starts `count` children that open the folder at the same instant; resolves to each one's first line. */
  async function race(dataDir: string, count: number): Promise<{ lines: string[]; stop: () => void }> {
    const go = path.join(dataDir, '..', `go-${randomBytes(4).toString('hex')}`);
    const children = Array.from({ length: count }, () => spawnTs(require.resolve('../support/lock-race-child'), [dataDir, go]));
    const lines = children.map(
      (child) =>
        new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (b: Buffer) => {
            out += b.toString();
            if (out.includes('\n')) resolve(out.split('\n')[0]);
          });
          child.once('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`child exited ${code}: ${out}`))));
        }),
    );
    // Every child is waiting for the go file before any opens the store.
    await new Promise((r) => setTimeout(r, 1500));
    fs.writeFileSync(go, '');
    const got = await Promise.all(lines);
    return { lines: got, stop: () => children.forEach((c) => c.kill('SIGKILL')) };
  }

  /** The id of a process that has exited, for a lock it left behind. */
  function deadPid(): number {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    return pid;
  }

  it('lets exactly one open it, on a fresh folder and over a stale lock left by a killed process', async () => {
    for (const stale of [false, true, true, true]) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-lockrace-'));
      if (stale) {
        const pid = deadPid();
        await new Promise((r) => setTimeout(r, 500)); // it has exited by now
        fs.writeFileSync(path.join(dataDir, 'store.lock'), String(pid));
      }
      const { lines, stop } = await race(dataDir, 6);
      try {
        expect(lines.filter((l) => l === 'opened')).toHaveLength(1);
        expect(lines.filter((l) => l.startsWith('refused: DATA_DIR') && /in use by process \d+/.test(l))).toHaveLength(5);
      } finally {
        stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});
