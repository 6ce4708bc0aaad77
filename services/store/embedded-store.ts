import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { cloneDocument } from './clone';
import { DiskBodies, DiskBody } from './embedded-bodies';
import { CONTAINER_LIST, ContainerDefinition, containerDefinition } from './containers';
import { SortedIndex, indexDocument, unindexDocument } from './embedded-index';
import { Journal, JournalOp } from './embedded-journal';
import { compareBy, indexRange, matches } from './embedded-query';
import { Condition, Doc, Query, Store, StoreConflict, Stored, checkFieldPath, fieldValue } from './port';

/** A document as the store holds it: in memory, or (containers marked `embeddedBodiesOnDisk`) its place in the bodies file. */
type Held = Stored<Doc> | DiskBody;

interface ContainerState {
  def: ContainerDefinition;
  /** partition key value -> id -> document */
  partitions: Map<string, Map<string, Held>>;
  /** field -> entries sorted by value, for range queries without a full scan */
  indexes: Map<string, SortedIndex>;
  /** Whether the documents' bodies are kept in the bodies file rather than in memory. */
  onDisk: boolean;
}

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Journal entries before the journal is folded into a new snapshot. */
  compactAfter?: number;
  /** Containers whose bodies are kept on disk (default: those marked `embeddedBodiesOnDisk`); the tests run the store contract with all of them. */
  bodiesOnDisk?: string[];
  /**
   * How many of the latest documents put into those containers stay in memory before their
   * bodies go to disk (default 256): the log's pending entries live for milliseconds, until the
   * sealer joins them to the chain and removes them, and the newest entries are the ones read.
   */
  recentBodiesInMemory?: number;
}

/** A document put into a container whose bodies go to disk, still held in memory. */
interface Recent {
  partition: Map<string, Held>;
  doc: Stored<Doc>;
  /** Its JSON text when the journal made it already. */
  text?: string;
}

/**
 * The default store: every document in memory, every write appended to a journal on disk
 * before it is acknowledged (embedded-journal.ts: snapshot, journal replay, the folder's lock).
 * The bodies of containers marked `embeddedBodiesOnDisk` (the audit log) are kept in a file
 * rebuilt at each open instead (embedded-bodies.ts), so the log does not grow the heap.
 * Ordered fields keep a sorted index (embedded-index.ts) so range queries, and ORDER BY one such
 * field with a limit, skip the full scan;
 * conditions and ORDER BY follow Cosmos DB's rules (embedded-query.ts).
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  /** documentsRead: documents returned by reads and queries; documentsScanned: documents a query examined to find them. */
  readonly stats = { documentsRead: 0, documentsScanned: 0 };
  private readonly containers = new Map<string, ContainerState>();
  private readonly journal: Journal;
  private readonly bodies: DiskBodies;
  private readonly dataDir: string;
  private readonly onDisk: Set<string>;
  private readonly recentLimit: number;
  /** Oldest first. */
  private recent: Recent[] = [];
  private readonly etagPrefix = randomBytes(4).toString('hex');
  private etagCounter = 0;
  private readonly compactAfter: number;

  constructor(options: EmbeddedStoreOptions) {
    this.journal = new Journal(options.dataDir);
    this.dataDir = path.resolve(options.dataDir);
    this.bodies = new DiskBodies(this.dataDir);
    this.compactAfter = options.compactAfter ?? 100_000;
    this.onDisk = new Set(options.bodiesOnDisk ?? CONTAINER_LIST.filter((d) => d.embeddedBodiesOnDisk).map((d) => d.name));
    for (const name of this.onDisk) containerDefinition(name);
    this.recentLimit = options.recentBodiesInMemory ?? 256;
    this.reset();
  }

  /** Forgets every document (before an open, or after one failed). */
  private reset(): void {
    for (const def of CONTAINER_LIST) this.containers.set(def.name, emptyState(def, this.onDisk.has(def.name)));
    this.recent = [];
  }

  async init(): Promise<void> {
    if (this.journal.isOpen) return;
    this.reset();
    try {
      this.journal.open((op) => this.apply(op));
    } catch (err) {
      // Nothing is open: forget what was read, so a repaired folder can be opened again.
      this.reset();
      this.bodies.close();
      throw err;
    }
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

  /** `docText`, when given, is the put document's JSON text (as the journal wrote it). */
  private apply(op: JournalOp, docText?: string): void {
    const state = this.state(op.c);
    if (op.op === 'put') {
      const pk = this.partitionKeyOf(state.def, op.doc);
      let partition = state.partitions.get(pk);
      if (!partition) state.partitions.set(pk, (partition = new Map()));
      const previous = partition.get(op.doc.id);
      if (previous) unindexDocument(state.indexes, pk, this.body(previous));
      partition.set(op.doc.id, op.doc);
      indexDocument(state.indexes, pk, op.doc);
      if (state.onDisk) {
        this.recent.push({ partition, doc: op.doc, ...(docText !== undefined ? { text: docText } : {}) });
        while (this.recent.length > this.recentLimit) this.retire(this.recent.shift()!);
      }
    } else {
      const partition = state.partitions.get(op.pk);
      const previous = partition?.get(op.id);
      if (partition && previous) {
        unindexDocument(state.indexes, op.pk, this.body(previous));
        partition.delete(op.id);
      }
    }
  }

  /** Moves a recent document's body to disk, unless it has been replaced or removed since. */
  private retire({ partition, doc, text }: Recent): void {
    if (partition.get(doc.id) === doc) partition.set(doc.id, this.bodies.put(text ?? JSON.stringify(doc), doc._etag));
  }

  /**
   * The document held: the stored object itself when in memory (callers clone what they hand
   * out), else parsed afresh from disk (and added to `parsed`, as needing no copy).
   */
  private body(held: Held, parsed?: Set<Stored<Doc>>): Stored<Doc> {
    if (!(held instanceof DiskBody)) return held;
    const doc = this.bodies.read(held);
    parsed?.add(doc);
    return doc;
  }

  /** A copy of the document held, the caller's to keep. */
  private copy<T extends Doc>(held: Held): Stored<T> {
    return (held instanceof DiskBody ? this.bodies.read(held) : cloneDocument(held)) as Stored<T>;
  }

  private write(op: JournalOp): void {
    const docText = this.journal.append(op);
    this.apply(op, docText);
    if (this.journal.entries >= this.compactAfter) this.compact();
  }

  /**
   * Folds the journal into a new snapshot (temp file, fsync, rename), then empties the journal.
   * Bodies kept on disk are copied into a fresh bodies file on the way, leaving behind those of
   * documents since replaced or removed; it takes the old one's place once the snapshot is in place.
   */
  compact(): void {
    const fresh = new DiskBodies(this.dataDir);
    const moved: [Map<string, Held>, string, DiskBody][] = [];
    const containers: Record<string, Iterable<string>> = {};
    for (const [name, state] of this.containers) containers[name] = { [Symbol.iterator]: () => this.texts(state, fresh, moved) };
    try {
      this.journal.compact(containers);
    } catch (err) {
      fresh.close();
      throw err;
    }
    this.bodies.adopt(fresh);
    for (const [partition, id, body] of moved) partition.set(id, body);
  }

  /** Each document's JSON text, for the snapshot; bodies on disk are copied into `fresh` on the way (their new places in `moved`). */
  private *texts(state: ContainerState, fresh: DiskBodies, moved: [Map<string, Held>, string, DiskBody][]): Generator<string> {
    for (const partition of state.partitions.values()) {
      for (const [id, held] of partition) {
        if (!(held instanceof DiskBody)) {
          yield JSON.stringify(held);
          continue;
        }
        const text = this.bodies.text(held);
        moved.push([partition, id, fresh.put(text, held.etag)]);
        yield text;
      }
    }
  }

  private stamp<T extends Doc>(doc: T): Stored<T> {
    this.etagCounter += 1;
    const copy = cloneDocument(doc) as Stored<T> & { _ts?: number };
    copy._etag = `"${this.etagPrefix}-${this.etagCounter.toString(16)}"`;
    return copy;
  }

  private find(container: string, pk: string, id: string): Held | undefined {
    return this.state(container).partitions.get(pk)?.get(id);
  }

  async read<T extends Doc>(container: string, partitionKey: string, id: string): Promise<Stored<T> | undefined> {
    const held = this.find(container, partitionKey, id);
    if (!held) return undefined;
    this.stats.documentsRead += 1;
    return this.copy<T>(held);
  }

  async create<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
    const state = this.state(container);
    const pk = this.partitionKeyOf(state.def, doc);
    if (this.find(container, pk, doc.id)) throw new StoreConflict('exists', container, doc.id);
    const stored = this.stamp(doc);
    this.write({ c: container, op: 'put', doc: stored });
    return cloneDocument(stored);
  }

  async replace<T extends Doc>(container: string, doc: T, etag: string): Promise<Stored<T>> {
    const state = this.state(container);
    const pk = this.partitionKeyOf(state.def, doc);
    const current = this.find(container, pk, doc.id);
    if (!current) throw new StoreConflict('gone', container, doc.id);
    if (etagOf(current) !== etag) throw new StoreConflict('stale', container, doc.id);
    const stored = this.stamp(doc);
    this.write({ c: container, op: 'put', doc: stored });
    return cloneDocument(stored);
  }

  async upsert<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
    const state = this.state(container);
    this.partitionKeyOf(state.def, doc);
    const stored = this.stamp(doc);
    this.write({ c: container, op: 'put', doc: stored });
    return cloneDocument(stored);
  }

  async delete(container: string, partitionKey: string, id: string, etag?: string): Promise<boolean> {
    const current = this.find(container, partitionKey, id);
    if (!current) return false;
    if (etag !== undefined && etagOf(current) !== etag) throw new StoreConflict('stale', container, id);
    this.write({ c: container, op: 'del', pk: partitionKey, id });
    return true;
  }

  async query<T extends Doc>(container: string, query: Query): Promise<Stored<T>[]> {
    const state = this.state(container);
    const where = query.where ?? [];
    for (const c of where) checkFieldPath(c.field);
    const ordered = (query.orderBy ?? []).map((o) => checkFieldPath(o.field));
    let candidates: Iterable<Held>;
    const indexed = where.find((c) => state.indexes.has(c.field) && c.op !== '!=' && c.op !== 'in');
    const sortIndex = !indexed && ordered.length === 1 ? state.indexes.get(ordered[0]) : undefined;
    if (sortIndex && sortIndex.unordered === 0) return this.queryInIndexOrder<T>(state, query, sortIndex);
    if (indexed) {
      candidates = this.indexCandidates(state, indexed, query.partitionKey);
    } else if (query.partitionKey !== undefined) {
      candidates = state.partitions.get(query.partitionKey)?.values() ?? [];
    } else {
      candidates = [...state.partitions.values()].flatMap((p) => [...p.values()]);
    }
    const parsed = new Set<Stored<Doc>>();
    let results: Stored<Doc>[] = [];
    for (const held of candidates) {
      this.stats.documentsScanned += 1;
      const doc = this.body(held, parsed);
      if (query.partitionKey !== undefined && this.partitionKeyOf(state.def, doc) !== query.partitionKey) continue;
      if (where.every((c) => matches(doc, c)) && ordered.every((field) => fieldValue(doc, field) !== undefined)) results.push(doc);
    }
    if (query.orderBy?.length) results.sort((a, b) => compareBy(a, b, query.orderBy!));
    if (query.limit !== undefined) results = results.slice(0, query.limit);
    this.stats.documentsRead += results.length;
    return handOut<T>(results, parsed);
  }

  /**
   * ORDER BY one indexed field, read from its index in order, so a query with a limit stops at the
   * limit (the log's head, newest first, is one entry read rather than the tenant's whole log).
   */
  private queryInIndexOrder<T extends Doc>(state: ContainerState, query: Query, index: SortedIndex): Stored<T>[] {
    const where = query.where ?? [];
    const pk = query.partitionKey;
    const entries = query.orderBy![0].direction === 'desc' ? index.descending() : index.range();
    const results: Stored<Doc>[] = [];
    const parsed = new Set<Stored<Doc>>();
    for (const e of entries) {
      if (query.limit !== undefined && results.length >= query.limit) break;
      if (pk !== undefined && e.pk !== pk) continue;
      const held = state.partitions.get(e.pk)?.get(e.id);
      if (!held) continue;
      this.stats.documentsScanned += 1;
      const doc = this.body(held, parsed);
      if (where.every((c) => matches(doc, c))) results.push(doc);
    }
    this.stats.documentsRead += results.length;
    return handOut<T>(results, parsed);
  }

  private *indexCandidates(state: ContainerState, cond: Condition, pk: string | undefined): Iterable<Held> {
    const { from, to } = indexRange(cond);
    for (const e of state.indexes.get(cond.field)!.range(from, to)) {
      if (pk !== undefined && e.pk !== pk) continue;
      const doc = state.partitions.get(e.pk)?.get(e.id);
      if (doc) yield doc;
    }
  }

  /** How many documents of a container are held in memory and how many in the bodies file. */
  documentsHeld(container: string): { inMemory: number; onDisk: number } {
    const held = { inMemory: 0, onDisk: 0 };
    for (const partition of this.state(container).partitions.values())
      for (const doc of partition.values()) held[doc instanceof DiskBody ? 'onDisk' : 'inMemory'] += 1;
    return held;
  }

  async ping(): Promise<boolean> {
    return this.journal.isOpen;
  }

  async close(): Promise<void> {
    this.bodies.close();
    this.journal.close();
  }
}

/** Query results for the caller: documents parsed from disk as they are, the ones held in memory copied. */
function handOut<T extends Doc>(results: Stored<Doc>[], parsed: Set<Stored<Doc>>): Stored<T>[] {
  return results.map((d) => (parsed.has(d) ? d : cloneDocument(d)) as Stored<T>);
}

function etagOf(held: Held): string {
  return held instanceof DiskBody ? held.etag : held._etag;
}

function emptyState(def: ContainerDefinition, onDisk: boolean): ContainerState {
  return { def, partitions: new Map(), indexes: new Map((def.orderedFields ?? []).map((f) => [f, new SortedIndex()])), onDisk };
}
