import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CONTAINER_LIST, ContainerDefinition, containerDefinition } from './containers';
import { Condition, Doc, Query, Store, StoreConflict, Stored, checkFieldPath, fieldValue } from './port';

type JournalOp =
  | { c: string; op: 'put'; doc: Stored<Doc> }
  | { c: string; op: 'del'; pk: string; id: string };

interface ContainerState {
  def: ContainerDefinition;
  /** partition key value -> id -> document */
  partitions: Map<string, Map<string, Stored<Doc>>>;
  /** field -> entries sorted by value, for range queries without a full scan */
  indexes: Map<string, SortedIndex>;
}

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Journal entries before the journal is folded into a new snapshot. */
  compactAfter?: number;
}

/**
 * The default store: every document in memory, every write appended to a journal on disk
 * before it is acknowledged. The journal is replayed over the last snapshot at start; a torn
 * last line (a crash mid-write) is dropped, so `kill -9` loses at most the write in flight.
 * Snapshots are written to a temporary file, fsynced and renamed, so a crash never leaves a
 * half-written snapshot. One process owns a data folder at a time (a lock file).
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  /** documentsRead: documents returned by reads and queries; documentsScanned: documents a query examined to find them. */
  readonly stats = { documentsRead: 0, documentsScanned: 0 };
  private readonly containers = new Map<string, ContainerState>();
  private journalFd: number | undefined;
  private journalEntries = 0;
  private readonly etagPrefix = randomBytes(4).toString('hex');
  private etagCounter = 0;
  private readonly dir: string;
  private readonly compactAfter: number;

  constructor(options: EmbeddedStoreOptions) {
    this.dir = path.resolve(options.dataDir);
    this.compactAfter = options.compactAfter ?? 100_000;
    for (const def of CONTAINER_LIST) this.containers.set(def.name, emptyState(def));
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

  async init(): Promise<void> {
    if (this.journalFd !== undefined) return;
    fs.mkdirSync(this.dir, { recursive: true });
    this.acquireLock();
    try {
      if (fs.existsSync(this.snapshotPath)) {
        const snapshot = JSON.parse(fs.readFileSync(this.snapshotPath, 'utf8')) as { containers: Record<string, Stored<Doc>[]> };
        for (const [name, docs] of Object.entries(snapshot.containers)) {
          for (const doc of docs) this.apply({ c: name, op: 'put', doc });
        }
      }
      this.replayJournal();
      this.journalFd = fs.openSync(this.journalPath, 'a');
    } catch (err) {
      // Nothing is open: let a repaired folder be opened again without a stale lock in the way.
      for (const def of CONTAINER_LIST) this.containers.set(def.name, emptyState(def));
      this.journalEntries = 0;
      this.releaseLock();
      throw err;
    }
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
    for (let attempt = 0; attempt < 5; attempt++) {
      if (linkLock(this.lockPath)) {
        OPEN_DIRS.add(this.dir);
        return;
      }
      const owner = readLockOwner(this.lockPath);
      if (owner !== undefined && owner !== process.pid && isAlive(owner))
        throw new Error(`DATA_DIR ${this.dir} is in use by process ${owner}; stop it or choose another DATA_DIR`);
      if (owner !== undefined) this.breakStaleLock(owner);
    }
    throw new Error(`Could not lock DATA_DIR ${this.dir}: ${this.lockPath} does not name a live process; remove it if no bot runs on this folder`);
  }

  private breakStaleLock(deadOwner: number): void {
    const breakPath = `${this.lockPath}.break`;
    if (!linkLock(breakPath)) {
      const breaker = readLockOwner(breakPath);
      // A breaker that died mid-break leaves its lock behind; anyone may clear that one.
      if (breaker !== undefined && !isAlive(breaker)) fs.rmSync(breakPath, { force: true });
      return;
    }
    try {
      if (readLockOwner(this.lockPath) === deadOwner) fs.rmSync(this.lockPath, { force: true });
    } finally {
      fs.rmSync(breakPath, { force: true });
    }
  }

  private releaseLock(): void {
    fs.rmSync(this.lockPath, { force: true });
    OPEN_DIRS.delete(this.dir);
  }

  private replayJournal(): void {
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
      this.apply(op);
      this.journalEntries += 1;
      validLength += Buffer.byteLength(line) + (isLast ? 0 : 1);
    }
    if (validLength < Buffer.byteLength(text)) fs.truncateSync(this.journalPath, validLength);
  }

  private state(container: string): ContainerState {
    const state = this.containers.get(container);
    if (!state) {
      containerDefinition(container);
      throw new Error(`Unknown container "${container}"`);
    }
    return state;
  }

  private partitionKeyOf(def: ContainerDefinition, doc: Doc): string {
    const value = fieldValue(doc, def.partitionKey.slice(1));
    if (typeof value !== 'string' || value === '')
      throw new Error(`${def.name}/${doc.id}: partition key ${def.partitionKey} is missing`);
    return value;
  }

  private apply(op: JournalOp): void {
    const state = this.state(op.c);
    if (op.op === 'put') {
      const pk = this.partitionKeyOf(state.def, op.doc);
      let partition = state.partitions.get(pk);
      if (!partition) state.partitions.set(pk, (partition = new Map()));
      const previous = partition.get(op.doc.id);
      if (previous) this.unindex(state, pk, previous);
      partition.set(op.doc.id, op.doc);
      this.index(state, pk, op.doc);
    } else {
      const partition = state.partitions.get(op.pk);
      const previous = partition?.get(op.id);
      if (partition && previous) {
        this.unindex(state, op.pk, previous);
        partition.delete(op.id);
      }
    }
  }

  private index(state: ContainerState, pk: string, doc: Doc): void {
    for (const [field, entries] of state.indexes) {
      const value = fieldValue(doc, field);
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      entries.insert({ value, pk, id: doc.id });
    }
  }

  private unindex(state: ContainerState, pk: string, doc: Doc): void {
    for (const [field, entries] of state.indexes) {
      const value = fieldValue(doc, field);
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      entries.remove(value, pk, doc.id);
    }
  }

  private write(op: JournalOp): void {
    if (this.journalFd === undefined) throw new Error('Embedded store is not initialised (call init) or is closed');
    fs.writeSync(this.journalFd, JSON.stringify(op) + '\n');
    this.apply(op);
    this.journalEntries += 1;
    if (this.journalEntries >= this.compactAfter) this.compact();
  }

  /** Folds the journal into a new snapshot (temp file, fsync, rename), then empties the journal. */
  compact(): void {
    const containers: Record<string, Stored<Doc>[]> = {};
    for (const [name, state] of this.containers) {
      containers[name] = [...state.partitions.values()].flatMap((p) => [...p.values()]);
    }
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, JSON.stringify({ containers }));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.snapshotPath);
    if (this.journalFd !== undefined) fs.ftruncateSync(this.journalFd, 0);
    this.journalEntries = 0;
  }

  private stamp<T extends Doc>(doc: T): Stored<T> {
    this.etagCounter += 1;
    const copy = structuredClone(doc) as Stored<T> & { _ts?: number };
    copy._etag = `"${this.etagPrefix}-${this.etagCounter.toString(16)}"`;
    return copy;
  }

  private find(container: string, pk: string, id: string): Stored<Doc> | undefined {
    return this.state(container).partitions.get(pk)?.get(id);
  }

  async read<T extends Doc>(container: string, partitionKey: string, id: string): Promise<Stored<T> | undefined> {
    const doc = this.find(container, partitionKey, id);
    if (!doc) return undefined;
    this.stats.documentsRead += 1;
    return structuredClone(doc) as Stored<T>;
  }

  async create<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
    const state = this.state(container);
    const pk = this.partitionKeyOf(state.def, doc);
    if (this.find(container, pk, doc.id)) throw new StoreConflict('exists', container, doc.id);
    const stored = this.stamp(doc);
    this.write({ c: container, op: 'put', doc: stored });
    return structuredClone(stored);
  }

  async replace<T extends Doc>(container: string, doc: T, etag: string): Promise<Stored<T>> {
    const state = this.state(container);
    const pk = this.partitionKeyOf(state.def, doc);
    const current = this.find(container, pk, doc.id);
    if (!current) throw new StoreConflict('gone', container, doc.id);
    if (current._etag !== etag) throw new StoreConflict('stale', container, doc.id);
    const stored = this.stamp(doc);
    this.write({ c: container, op: 'put', doc: stored });
    return structuredClone(stored);
  }

  async upsert<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
    const state = this.state(container);
    this.partitionKeyOf(state.def, doc);
    const stored = this.stamp(doc);
    this.write({ c: container, op: 'put', doc: stored });
    return structuredClone(stored);
  }

  async delete(container: string, partitionKey: string, id: string, etag?: string): Promise<boolean> {
    const current = this.find(container, partitionKey, id);
    if (!current) return false;
    if (etag !== undefined && current._etag !== etag) throw new StoreConflict('stale', container, id);
    this.write({ c: container, op: 'del', pk: partitionKey, id });
    return true;
  }

  async query<T extends Doc>(container: string, query: Query): Promise<Stored<T>[]> {
    const state = this.state(container);
    const where = query.where ?? [];
    for (const c of where) checkFieldPath(c.field);
    const ordered = (query.orderBy ?? []).map((o) => checkFieldPath(o.field));
    let candidates: Iterable<Stored<Doc>>;
    const indexed = where.find((c) => state.indexes.has(c.field) && c.op !== '!=' && c.op !== 'in');
    if (indexed) {
      candidates = this.indexCandidates(state, indexed, query.partitionKey);
    } else if (query.partitionKey !== undefined) {
      candidates = state.partitions.get(query.partitionKey)?.values() ?? [];
    } else {
      candidates = [...state.partitions.values()].flatMap((p) => [...p.values()]);
    }
    let results: Stored<Doc>[] = [];
    for (const doc of candidates) {
      this.stats.documentsScanned += 1;
      if (query.partitionKey !== undefined && this.partitionKeyOf(state.def, doc) !== query.partitionKey) continue;
      if (where.every((c) => matches(doc, c)) && ordered.every((field) => fieldValue(doc, field) !== undefined)) results.push(doc);
    }
    if (query.orderBy?.length) results.sort((a, b) => compareBy(a, b, query.orderBy!));
    if (query.limit !== undefined) results = results.slice(0, query.limit);
    this.stats.documentsRead += results.length;
    return results.map((d) => structuredClone(d) as Stored<T>);
  }

  private *indexCandidates(state: ContainerState, cond: Condition, pk: string | undefined): Iterable<Stored<Doc>> {
    const entries = state.indexes.get(cond.field)!;
    const value = cond.value as string | number;
    const from = cond.op === '=' || cond.op === '>=' ? { value, after: false } : cond.op === '>' ? { value, after: true } : undefined;
    const to = cond.op === '=' || cond.op === '<=' ? { value, inclusive: true } : cond.op === '<' ? { value, inclusive: false } : undefined;
    for (const e of entries.range(from, to)) {
      if (pk !== undefined && e.pk !== pk) continue;
      const doc = state.partitions.get(e.pk)?.get(e.id);
      if (doc) yield doc;
    }
  }

  async ping(): Promise<boolean> {
    return this.journalFd !== undefined;
  }

  async close(): Promise<void> {
    if (this.journalFd === undefined) return;
    fs.fsyncSync(this.journalFd);
    fs.closeSync(this.journalFd);
    this.journalFd = undefined;
    this.releaseLock();
  }
}

/** Data folders held open by stores of this process. */
const OPEN_DIRS = new Set<string>();

function emptyState(def: ContainerDefinition): ContainerState {
  return { def, partitions: new Map(), indexes: new Map((def.orderedFields ?? []).map((f) => [f, new SortedIndex()])) };
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

type IndexEntry = { value: string | number; pk: string; id: string };

/**
 * An ordered index: entries sorted by value in blocks of at most 1,024 (split in halves), so an insert or a removal
 * moves at most one block rather than the whole index (with 100,000 timers, a splice into one
 * sorted array cost more than the rest of a scheduler tick).
 */
class SortedIndex {
  private static readonly BLOCK = 512;
  private blocks: IndexEntry[][] = [];

  /** The position (block, offset) of the first entry with a value ≥ `value` (> `value` when `after`). */
  private find(value: string | number, after: boolean): [number, number] {
    const before = (e: IndexEntry) => (after ? e.value <= value : e.value < value);
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.blocks[mid];
      if (before(block[block.length - 1])) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blocks.length) return [lo, 0];
    const block = this.blocks[lo];
    let l = 0;
    let h = block.length;
    while (l < h) {
      const m = (l + h) >>> 1;
      if (before(block[m])) l = m + 1;
      else h = m;
    }
    return [lo, l];
  }

  insert(entry: IndexEntry): void {
    if (!this.blocks.length) {
      this.blocks.push([entry]);
      return;
    }
    let [b, i] = this.find(entry.value, false);
    if (b === this.blocks.length) {
      b -= 1;
      i = this.blocks[b].length;
    }
    const block = this.blocks[b];
    block.splice(i, 0, entry);
    if (block.length > 2 * SortedIndex.BLOCK) this.blocks.splice(b, 1, block.slice(0, SortedIndex.BLOCK), block.slice(SortedIndex.BLOCK));
  }

  remove(value: string | number, pk: string, id: string): void {
    let [b, i] = this.find(value, false);
    while (b < this.blocks.length) {
      const block = this.blocks[b];
      if (i >= block.length) {
        b += 1;
        i = 0;
        continue;
      }
      const e = block[i];
      if (e.value !== value) return;
      if (e.pk === pk && e.id === id) {
        block.splice(i, 1);
        if (!block.length) this.blocks.splice(b, 1);
        return;
      }
      i += 1;
    }
  }

  /** Entries in order from the first ≥ `from.value` (> when `after`) while ≤ `to.value` (< unless `inclusive`). */
  *range(from?: { value: string | number; after: boolean }, to?: { value: string | number; inclusive: boolean }): Iterable<IndexEntry> {
    let [b, i] = from ? this.find(from.value, from.after) : [0, 0];
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b];
      for (; i < block.length; i++) {
        const e = block[i];
        if (to && (to.inclusive ? e.value > to.value : e.value >= to.value)) return;
        yield e;
      }
    }
  }
}

function comparable(v: unknown): string | number | boolean | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? null : JSON.stringify(v);
}

function matches(doc: Doc, cond: Condition): boolean {
  const actual = fieldValue(doc, cond.field);
  switch (cond.op) {
    case '=':
      return actual === cond.value;
    case '!=':
      // Like Cosmos: a comparison with an absent field is undefined, so the document does not match.
      return actual !== undefined && actual !== cond.value;
    case 'in':
      return Array.isArray(cond.value) && cond.value.includes(actual);
    default: {
      // Like Cosmos: a range comparison between different types (or with undefined) is false.
      if (actual === undefined || typeof actual !== typeof cond.value) return false;
      const a = actual as string | number;
      const b = cond.value as string | number;
      return cond.op === '<' ? a < b : cond.op === '<=' ? a <= b : cond.op === '>' ? a > b : a >= b;
    }
  }
}

function compareBy(a: Doc, b: Doc, orderBy: NonNullable<Query['orderBy']>): number {
  for (const { field, direction } of orderBy) {
    const x = comparable(fieldValue(a, field));
    const y = comparable(fieldValue(b, field));
    if (x === y) continue;
    const sign = direction === 'desc' ? -1 : 1;
    if (x === null) return -sign;
    if (y === null) return sign;
    return (x < y ? -1 : 1) * sign;
  }
  return 0;
}
