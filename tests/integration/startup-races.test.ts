import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
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
    // Every child is waiting for the go file (its modules loaded) before any opens the store.
    await Promise.all(children.map((child) => untilOutput(child, 'waiting')));
    fs.writeFileSync(go, '');
    const got = await Promise.all(lines);
    return { lines: got, stop: () => children.forEach((c) => c.kill('SIGKILL')) };
  }

  /** Resolves once the child has printed `marker` on stderr; rejects if it exits first or takes over a minute. */
  function untilOutput(child: ChildProcessWithoutNullStreams, marker: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`child did not print "${marker}" within 60 s: ${err}`)), 60_000);
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes(marker)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`child exited ${code} before printing "${marker}": ${err}`));
      });
    });
  }

  /** The id of a process that has exited, for a lock it left behind. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    return pid;
  }

  it('lets exactly one open it, on a fresh folder and over a stale lock left by a killed process', async () => {
    for (const stale of [false, true, true, true]) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-lockrace-'));
      if (stale) {
        const pid = await deadPid();
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
