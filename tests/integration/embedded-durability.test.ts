import { ChildProcessWithoutNullStreams, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Doc } from '../../services/store/port';
import { spawnTs } from '../support/ts-child';

const CHILD = path.join(__dirname, '..', 'support', 'embedded-store-child.ts');
const TENANT = 'durability';

interface Numbered extends Doc {
  tenantId: string;
  n: number;
}

let ackFiles = 0;

/** Children still to be killed should a test fail half-way. */
const children = new Set<Child>();

/** A child process running the embedded store; collects what it prints. */
class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  private out = '';
  err = '';
  readonly exited: Promise<NodeJS.Signals | number | null>;

  constructor(args: string[]) {
    this.proc = spawnTs(CHILD, args);
    children.add(this);
    this.proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    this.proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    this.exited = new Promise((resolve) => this.proc.on('close', (code, signal) => resolve(signal ?? code)));
  }

  /** Resolves once `test` (given what the child printed) holds; rejects if the child exits first. */
  async waitFor(test: (out: string) => boolean): Promise<void> {
    while (!test(this.out)) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`child exited early: ${this.err || this.out.slice(-200)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Where a writing child appends `ack <n>` after each write returns. */
  ackFile?: string;

  /** A child that writes documents into `dataDir` until killed. */
  static writer(dataDir: string, compactAfter?: number, container?: string): Child {
    const ackFile = path.join(dataDir, `acks-${++ackFiles}.txt`);
    const child = new Child([dataDir, 'write', ackFile, ...(compactAfter || container ? [String(compactAfter ?? 0)] : []), ...(container ? [container] : [])]);
    child.ackFile = ackFile;
    return child;
  }

  /** Every `ack <n>` line written in full. */
  acks(): number[] {
    const text = this.ackFile && fs.existsSync(this.ackFile) ? fs.readFileSync(this.ackFile, 'utf8') : '';
    return [...text.matchAll(/^ack (\d+)\n/gm)].map((m) => Number(m[1]));
  }

  lastAck(): number {
    const acks = this.acks();
    return acks.length ? acks[acks.length - 1] : 0;
  }

  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    expect(await this.exited).toBe('SIGKILL');
  }
}

// Each child process loads TypeScript to transpile the store: seconds, not milliseconds, on a busy machine.
jest.setTimeout(60_000);

describe('embedded store durability', () => {
  let dir: string;
  const open: EmbeddedStore[] = [];

  const openStore = async (compactAfter?: number): Promise<EmbeddedStore> => {
    const store = new EmbeddedStore({ dataDir: dir, ...(compactAfter ? { compactAfter } : {}) });
    await store.init();
    open.push(store);
    return store;
  };
  const numbers = async (store: EmbeddedStore): Promise<number[]> =>
    (await store.query<Numbered>('disputes', { partitionKey: TENANT, orderBy: [{ field: 'n' }] })).map((d) => d.n);
  const journal = (): string => path.join(dir, 'journal.jsonl');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-durability-'));
  });
  afterEach(async () => {
    for (const child of children) {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      await child.exited;
    }
    children.clear();
    for (const store of open.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Kills a writing child after it has acknowledged at least `after` writes; returns the acks. */
  const killMidStream = async (after: number, compactAfter?: number, container?: string): Promise<number[]> => {
    const child = Child.writer(dir, compactAfter, container);
    await child.waitFor(() => child.lastAck() >= after);
    await child.kill();
    const acks = child.acks();
    // The acks are 1..k in order: nothing was acknowledged twice or skipped.
    expect(acks).toEqual(Array.from({ length: acks.length }, (_, i) => i + 1));
    return acks;
  };

  it('after kill -9 mid-stream, every acknowledged write is there and at most one more', async () => {
    const acks = await killMidStream(300);
    const store = await openStore();
    const found = await numbers(store);
    const acknowledged = acks.length;
    expect(found.slice(0, acknowledged)).toEqual(acks);
    expect(found.length - acknowledged).toBeGreaterThanOrEqual(0);
    expect(found.length - acknowledged).toBeLessThanOrEqual(1);
    expect(found).toEqual(Array.from({ length: found.length }, (_, i) => i + 1));
  });

  it('survives repeated kills while it compacts often, and keeps working afterwards', async () => {
    let found: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const child = Child.writer(dir, 37);
      await child.waitFor(() => child.lastAck() >= found.length + 150);
      await child.kill();
      const acks = child.acks();
      // Each run carries on from what the last one left, including an unacknowledged extra.
      expect(acks[0]).toBe(found.length + 1);
      const store = await openStore();
      found = await numbers(store);
      expect(found.slice(0, acks[acks.length - 1])).toEqual(Array.from({ length: acks[acks.length - 1] }, (_, i) => i + 1));
      expect(found.length - acks[acks.length - 1]).toBeLessThanOrEqual(1);
      await store.close();
      open.pop();
    }
    const store = await openStore();
    await store.create('disputes', { id: 'after-crash', tenantId: TENANT, n: 1_000_000 });
    await store.close();
    open.pop();
    const reopened = await openStore();
    expect(await numbers(reopened)).toEqual([...found, 1_000_000]);
  });

  it('keeps the log (bodies on disk) through kills while it compacts often, and leaves no bodies file behind', async () => {
    const logged = async (store: EmbeddedStore): Promise<number[]> =>
      (await store.query<Numbered>('log', { partitionKey: TENANT, orderBy: [{ field: 'n' }] })).map((d) => d.n);
    const named = (): string[] => fs.readdirSync(dir).filter((f) => !f.startsWith('acks-'));
    let found: number[] = [];
    for (let round = 1; round <= 2; round++) {
      const child = Child.writer(dir, 29, 'log');
      await child.waitFor(() => child.lastAck() >= found.length + 120);
      // While the writer runs its bodies file is open but has no name in the folder.
      expect(named().filter((f) => f.startsWith('bodies.'))).toEqual([]);
      await child.kill();
      const acks = child.acks();
      expect(acks[0]).toBe(found.length + 1);
      expect(named().filter((f) => f.startsWith('bodies.'))).toEqual([]);
      const store = new EmbeddedStore({ dataDir: dir, recentBodiesInMemory: 0 });
      await store.init();
      found = await logged(store);
      const last = acks[acks.length - 1];
      expect(found.slice(0, last)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      expect(found.length - last).toBeLessThanOrEqual(1);
      expect(store.documentsHeld('log')).toEqual({ inMemory: 0, onDisk: found.length });
      await store.close();
    }
    // (A snapshot.json.tmp may stay from a kill mid-compaction: it is ignored and overwritten.)
    expect(named().filter((f) => f.startsWith('bodies.'))).toEqual([]);
    expect(named()).toEqual(expect.arrayContaining(['journal.jsonl', 'snapshot.json']));
  });

  it('drops a torn last journal line and stays usable', async () => {
    const store = await openStore();
    for (let n = 1; n <= 3; n++) await store.create('disputes', { id: `doc-${n}`, tenantId: TENANT, n });
    await store.close();
    open.pop();
    const intact = fs.readFileSync(journal(), 'utf8');
    fs.appendFileSync(journal(), '{"c":"disputes","op":"put","doc":{"id":"doc-4","tenantId":"durab');

    const reopened = await openStore();
    expect(await numbers(reopened)).toEqual([1, 2, 3]);
    expect(fs.readFileSync(journal(), 'utf8')).toBe(intact);
    await reopened.create('disputes', { id: 'doc-4', tenantId: TENANT, n: 4 });
    await reopened.close();
    open.pop();

    const again = await openStore();
    expect(await numbers(again)).toEqual([1, 2, 3, 4]);
  });

  it('reports a damaged line in the middle of the journal instead of dropping it, and leaves the file as it was', async () => {
    const store = await openStore();
    for (let n = 1; n <= 3; n++) await store.create('disputes', { id: `doc-${n}`, tenantId: TENANT, n });
    await store.close();
    open.pop();
    const lines = fs.readFileSync(journal(), 'utf8').split('\n');
    lines[1] = lines[1].slice(0, 20) + '#garbage#';
    const damaged = lines.join('\n');
    fs.writeFileSync(journal(), damaged);

    await expect(openStore()).rejects.toThrow(/damaged at line 2/);
    expect(fs.readFileSync(journal(), 'utf8')).toBe(damaged);

    // Once repaired (here: the damaged line removed by hand), the folder opens again: no stale lock.
    fs.writeFileSync(journal(), lines.filter((_, i) => i !== 1).join('\n'));
    const repaired = await openStore();
    expect(await numbers(repaired)).toEqual([1, 3]);
  });

  it('keeps everything across compaction and a restart, with ETags still valid', async () => {
    const store = await openStore();
    for (let n = 1; n <= 10; n++) await store.create('disputes', { id: `doc-${n}`, tenantId: TENANT, n });
    await store.delete('disputes', TENANT, 'doc-2');
    const five = (await store.read<Numbered>('disputes', TENANT, 'doc-5'))!;
    const fiveAfter = await store.replace('disputes', { ...five, n: 50 }, five._etag);
    store.compact();
    expect(fs.readFileSync(journal(), 'utf8')).toBe('');
    await store.create('disputes', { id: 'doc-11', tenantId: TENANT, n: 11 });
    await store.close();
    open.pop();

    const reopened = await openStore();
    expect(await numbers(reopened)).toEqual([1, 3, 4, 6, 7, 8, 9, 10, 11, 50]);
    expect(fs.readFileSync(journal(), 'utf8').trim().split('\n')).toHaveLength(1);
    const replaced = await reopened.replace('disputes', { ...fiveAfter, n: 55 }, fiveAfter._etag);
    expect(replaced._etag).not.toBe(fiveAfter._etag);
    expect((await reopened.read<Numbered>('disputes', TENANT, 'doc-5'))?.n).toBe(55);
  });

  it('recovers from a crash between writing the snapshot and emptying the journal, ignoring a half-written temp snapshot', async () => {
    const store = await openStore();
    for (let n = 1; n <= 5; n++) await store.create('disputes', { id: `doc-${n}`, tenantId: TENANT, n });
    const three = (await store.read<Numbered>('disputes', TENANT, 'doc-3'))!;
    await store.replace('disputes', { ...three, n: 30 }, three._etag);
    await store.delete('disputes', TENANT, 'doc-4');
    const journalBefore = fs.readFileSync(journal(), 'utf8');
    store.compact();
    await store.close();
    open.pop();
    // As if the process died after the rename but before the journal was emptied...
    fs.writeFileSync(journal(), journalBefore);
    // ...and an earlier compaction died while writing its temporary file.
    fs.writeFileSync(path.join(dir, 'snapshot.json.tmp'), '{"containers":{"disputes":[{"id":"doc-9"');

    const reopened = await openStore();
    expect(await numbers(reopened)).toEqual([1, 2, 5, 30]);
  });

  it('compacts on its own after compactAfter writes, and that survives a restart', async () => {
    const store = await openStore(5);
    for (let n = 1; n <= 12; n++) await store.create('disputes', { id: `doc-${n}`, tenantId: TENANT, n });
    expect(fs.existsSync(path.join(dir, 'snapshot.json'))).toBe(true);
    expect(fs.readFileSync(journal(), 'utf8').trim().split('\n')).toHaveLength(2);
    await store.close();
    open.pop();
    const reopened = await openStore(5);
    expect(await numbers(reopened)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('refuses a second live process on the same folder, and takes over once that process is dead', async () => {
    const holder = new Child([dir, 'hold']);
    await holder.waitFor((out) => out.includes('ready'));
    await expect(openStore()).rejects.toThrow(new RegExp(`in use by process ${holder.proc.pid}`));
    await holder.kill();
    const store = await openStore();
    expect(await store.ping()).toBe(true);
  });

  it('refuses a second store on the same folder in this process until the first is closed', async () => {
    const first = await openStore();
    await expect(openStore()).rejects.toThrow(/already open in this process/);
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = await openStore();
    expect(await second.ping()).toBe(true);
  });

  it('refuses a live child process while this process holds the folder', async () => {
    await openStore();
    const child = new Child([dir, 'hold']);
    expect(await child.exited).toBe(1);
    expect(child.err).toContain(`in use by process ${process.pid}`);
  });

  it('lets exactly one of several processes racing for the folder open it, with or without a stale lock in place', async () => {
    for (const stale of [false, true, true]) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-race-'));
      if (stale) {
        const dead = spawnSync(process.execPath, ['-e', '']);
        fs.writeFileSync(path.join(dataDir, 'store.lock'), String(dead.pid));
      }
      const go = path.join(dataDir, 'go');
      const racers = Array.from({ length: 4 }, () => new Child([dataDir, 'hold', go]));
      for (const racer of racers) await racer.waitFor((out) => out.includes('waiting'));
      fs.writeFileSync(go, '');
      const outcomes = await Promise.all(
        racers.map((racer) =>
          racer.waitFor((out) => out.includes('ready')).then(
            () => 'open' as const,
            () => 'refused' as const,
          ),
        ),
      );
      const winners = racers.filter((_, i) => outcomes[i] === 'open');
      expect(winners).toHaveLength(1);
      for (const racer of racers.filter((_, i) => outcomes[i] === 'refused')) {
        expect(await racer.exited).toBe(1);
        expect(racer.err).toContain(`in use by process ${winners[0].proc.pid}`);
      }
      expect(fs.readFileSync(path.join(dataDir, 'store.lock'), 'utf8')).toBe(String(winners[0].proc.pid));
      await winners[0].kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
