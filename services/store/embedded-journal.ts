import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Doc, Stored } from './port';

/** One write, as appended to the journal: a document stored whole, or a removal. */
export type JournalOp =
  | { c: string; op: 'put'; doc: Stored<Doc> }
  | { c: string; op: 'del'; pk: string; id: string };

/**
 * The embedded store's disk half: a data folder holding a snapshot, a journal of every write
 * since, and a lock. Every write is appended before it is acknowledged; at open the journal is
 * replayed over the snapshot and a torn last line (a crash mid-write) is dropped, so `kill -9`
 * loses at most the write in flight. Snapshots are written to a temporary file, fsynced and
 * renamed, so a crash never leaves a half-written one. One process owns a folder at a time.
 */
export class Journal {
  private fd: number | undefined;
  private count = 0;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.resolve(dataDir);
  }

  private get snapshotPath(): string {
    return path.join(this.dir, 'snapshot.json');
  }
  private get journalPath(): string {
    return path.join(this.dir, 'journal.jsonl');
  }
  private get lockPath(): string {
    return path.join(this.dir, 'store.lock');
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** Writes appended since the last snapshot. */
  get entries(): number {
    return this.count;
  }

  /**
   * Locks the folder and hands every stored write to `apply`: the snapshot's documents, then the
   * journal's operations. On failure nothing stays open (the lock is released) and the error is
   * thrown, so a repaired folder can be opened again; the caller discards what it was handed.
   */
  open(apply: (op: JournalOp) => void): void {
    if (this.fd !== undefined) return;
    fs.mkdirSync(this.dir, { recursive: true });
    this.acquireLock();
    try {
      if (fs.existsSync(this.snapshotPath)) {
        const snapshot = JSON.parse(fs.readFileSync(this.snapshotPath, 'utf8')) as { containers: Record<string, Stored<Doc>[]> };
        for (const [name, docs] of Object.entries(snapshot.containers)) {
          for (const doc of docs) apply({ c: name, op: 'put', doc });
        }
      }
      this.replay(apply);
      this.fd = fs.openSync(this.journalPath, 'a');
    } catch (err) {
      this.count = 0;
      this.releaseLock();
      throw err;
    }
  }

  /**
   * Appends one write (before the caller applies and acknowledges it); for a put, returns the
   * document's JSON text as written, so the caller need not serialise it again.
   */
  append(op: JournalOp): string | undefined {
    if (this.fd === undefined) throw new Error('Embedded store is not initialised (call init) or is closed');
    let docText: string | undefined;
    let line: string;
    if (op.op === 'put') {
      docText = JSON.stringify(op.doc);
      line = `${putPrefix(op.c)}${docText}}`;
    } else {
      line = JSON.stringify(op);
    }
    fs.writeSync(this.fd, line + '\n');
    this.count += 1;
    return docText;
  }

  /**
   * Writes the new snapshot (temp file, fsync, rename), then empties the journal. `containers`
   * gives each container's documents as JSON text, drawn one at a time and written in chunks, so
   * a large store is never held as one string.
   */
  compact(containers: Record<string, Iterable<string>>): void {
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      const out = new ChunkedWriter(fd);
      out.write('{"containers":{');
      let firstContainer = true;
      for (const [name, docs] of Object.entries(containers)) {
        out.write(`${firstContainer ? '' : ','}${JSON.stringify(name)}:[`);
        firstContainer = false;
        let first = true;
        for (const text of docs) {
          out.write(first ? text : `,${text}`);
          first = false;
        }
        out.write(']');
      }
      out.write('}}');
      out.flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.snapshotPath);
    if (this.fd !== undefined) fs.ftruncateSync(this.fd, 0);
    this.count = 0;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.releaseLock();
  }

  private replay(apply: (op: JournalOp) => void): void {
    if (!fs.existsSync(this.journalPath)) return;
    const text = fs.readFileSync(this.journalPath, 'utf8');
    const lines = text.split('\n');
    let validLength = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const isLast = i === lines.length - 1;
      if (line === '') {
        if (!isLast) validLength += 1;
        continue;
      }
      let op: JournalOp;
      try {
        op = JSON.parse(line) as JournalOp;
      } catch {
        // Only the final line can be torn by a crash mid-append; anything earlier is damage.
        if (isLast || lines.slice(i + 1).every((l) => l === '')) break;
        throw new Error(`Embedded store journal ${this.journalPath} is damaged at line ${i + 1}`);
      }
      apply(op);
      this.count += 1;
      validLength += Buffer.byteLength(line) + (isLast ? 0 : 1);
    }
    if (validLength < Buffer.byteLength(text)) fs.truncateSync(this.journalPath, validLength);
  }

  /**
   * Takes the folder's lock atomically: the lock file is written whole under a unique name and
   * then hard-linked into place, which fails if a lock exists, so a racing process never sees a
   * half-written lock and two processes can never both succeed. A lock left by a dead process is
   * removed only while holding a second lock (`store.lock.break`, taken the same way), and only
   * if it still names the dead process, so two starters cannot remove each other's fresh lock.
   */
  private acquireLock(): void {
    // The lock file holds a process id, so it cannot tell two stores of this process apart.
    if (OPEN_DIRS.has(this.dir)) throw new Error(`DATA_DIR ${this.dir} is already open in this process; close the other store first`);
    // Another starter may be breaking a stale lock right now (on a busy machine it can be slow to
    // finish): wait for it, briefly and boundedly, rather than give up with the wrong reason.
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      if (linkLock(this.lockPath)) {
        OPEN_DIRS.add(this.dir);
        return;
      }
      const owner = readLockOwner(this.lockPath);
      if (owner !== undefined && owner !== process.pid && isAlive(owner))
        throw new Error(`DATA_DIR ${this.dir} is in use by process ${owner}; stop it or choose another DATA_DIR`);
      if (owner !== undefined && !this.breakStaleLock(owner)) pause(Math.min(50, 5 * (attempt + 1)));
    }
    throw new Error(`Could not lock DATA_DIR ${this.dir}: ${this.lockPath} does not name a live process; remove it if no bot runs on this folder`);
  }

  /** Removes the dead owner's lock if this process gets to break it; false when another starter is breaking it. */
  private breakStaleLock(deadOwner: number): boolean {
    const breakPath = `${this.lockPath}.break`;
    if (!linkLock(breakPath)) {
      const breaker = readLockOwner(breakPath);
      // A breaker that died mid-break leaves its lock behind; anyone may clear that one.
      if (breaker !== undefined && !isAlive(breaker)) fs.rmSync(breakPath, { force: true });
      return false;
    }
    try {
      if (readLockOwner(this.lockPath) === deadOwner) fs.rmSync(this.lockPath, { force: true });
    } finally {
      fs.rmSync(breakPath, { force: true });
    }
    return true;
  }

  private releaseLock(): void {
    fs.rmSync(this.lockPath, { force: true });
    OPEN_DIRS.delete(this.dir);
  }
}

/** How a put's journal line starts: the same text as JSON.stringify of the op, whose document follows. */
function putPrefix(container: string): string {
  return `{"c":${JSON.stringify(container)},"op":"put","doc":`;
}

/** Buffers small writes to a file descriptor into chunks of about 1 MB. */
class ChunkedWriter {
  private parts: string[] = [];
  private length = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= 1 << 20) this.flush();
  }

  flush(): void {
    if (!this.parts.length) return;
    fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

/** Data folders held open by stores of this process. */
const OPEN_DIRS = new Set<string>();

/** Tries at taking the lock while others break a stale one: with the pauses below, at most about 10 s. */
const LOCK_ATTEMPTS = 220;

/** Blocks this thread for `ms` (opening the store is synchronous; this runs only while another process breaks a stale lock). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `lockPath` holding this process id, or returns false if it exists; never leaves it half-written. */
function linkLock(lockPath: string): boolean {
  const temp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, String(process.pid));
  try {
    fs.linkSync(temp, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The process id in a lock file, or undefined when the file is gone or does not hold one. */
function readLockOwner(lockPath: string): number | undefined {
  try {
    const owner = Number(fs.readFileSync(lockPath, 'utf8'));
    return Number.isInteger(owner) && owner > 0 ? owner : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
