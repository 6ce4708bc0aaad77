import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CONTAINER_LIST } from '../../services/store/containers';
import { RunningCosmosServer, makeCosmosStore, startCosmosServer } from '../support/cosmos-server';
import { spawnTs } from '../support/ts-child';

jest.setTimeout(180_000);

describe('several instances starting together on an empty Cosmos database', () => {
  let server: RunningCosmosServer;
  beforeAll(async () => {
    server = await startCosmosServer();
  });
  afterAll(() => server.stop());

  it('all start: a 409 while creating the database or a container means another instance made it', async () => {
    const database = `race-${randomBytes(6).toString('hex')}`;
    const stores = Array.from({ length: 6 }, () => makeCosmosStore(server.endpoint, database));
    const results = await Promise.allSettled(stores.map((s) => s.init()));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(stores.map(() => 'ok'));
    // And every one of them works on the containers the others created.
    await stores[0].create('disputes', { id: 'd-1', tenantId: 't' });
    for (const s of stores) expect(await s.read('disputes', 't', 'd-1')).toMatchObject({ id: 'd-1' });
    expect(CONTAINER_LIST.length).toBeGreaterThan(5);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('two processes starting at the same instant both start', async () => {
    const database = `race-${randomBytes(6).toString('hex')}`;
    const go = path.join(os.tmpdir(), `wsb-go-${randomBytes(4).toString('hex')}`);
    const children = [0, 1].map(() => spawnTs(require.resolve('../support/cosmos-init-child'), [server.endpoint, database, go]));
    const lines = children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (b: Buffer) => (out += b.toString()));
          child.once('exit', () => resolve(out.trim()));
        }),
    );
    await new Promise((r) => setTimeout(r, 1500)); // both are waiting for the go file
    fs.writeFileSync(go, '');
    expect(await Promise.all(lines)).toEqual(['started', 'started']);
    fs.rmSync(go, { force: true });
  });
});

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
