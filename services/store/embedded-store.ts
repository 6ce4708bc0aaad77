import { randomBytes } from 'node:crypto';
import { CONTAINER_LIST, ContainerDefinition, containerDefinition } from './containers';
import { SortedIndex, indexDocument, unindexDocument } from './embedded-index';
import { Journal, JournalOp } from './embedded-journal';
import { compareBy, indexRange, matches } from './embedded-query';
import { Condition, Doc, Query, Store, StoreConflict, Stored, checkFieldPath, fieldValue } from './port';

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
 * before it is acknowledged (embedded-journal.ts: snapshot, journal replay, the folder's lock).
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
  private readonly etagPrefix = randomBytes(4).toString('hex');
  private etagCounter = 0;
  private readonly compactAfter: number;

  constructor(options: EmbeddedStoreOptions) {
    this.journal = new Journal(options.dataDir);
    this.compactAfter = options.compactAfter ?? 100_000;
    for (const def of CONTAINER_LIST) this.containers.set(def.name, emptyState(def));
  }

  async init(): Promise<void> {
    if (this.journal.isOpen) return;
    try {
      this.journal.open((op) => this.apply(op));
    } catch (err) {
      // Nothing is open: forget what was read, so a repaired folder can be opened again.
      for (const def of CONTAINER_LIST) this.containers.set(def.name, emptyState(def));
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

  private apply(op: JournalOp): void {
    const state = this.state(op.c);
    if (op.op === 'put') {
      const pk = this.partitionKeyOf(state.def, op.doc);
      let partition = state.partitions.get(pk);
      if (!partition) state.partitions.set(pk, (partition = new Map()));
      const previous = partition.get(op.doc.id);
      if (previous) unindexDocument(state.indexes, pk, previous);
      partition.set(op.doc.id, op.doc);
      indexDocument(state.indexes, pk, op.doc);
    } else {
      const partition = state.partitions.get(op.pk);
      const previous = partition?.get(op.id);
      if (partition && previous) {
        unindexDocument(state.indexes, op.pk, previous);
        partition.delete(op.id);
      }
    }
  }

  private write(op: JournalOp): void {
    this.journal.append(op);
    this.apply(op);
    if (this.journal.entries >= this.compactAfter) this.compact();
  }

  /** Folds the journal into a new snapshot (temp file, fsync, rename), then empties the journal. */
  compact(): void {
    const containers: Record<string, Stored<Doc>[]> = {};
    for (const [name, state] of this.containers) {
      containers[name] = [...state.partitions.values()].flatMap((p) => [...p.values()]);
    }
    this.journal.compact(containers);
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
    const sortIndex = !indexed && ordered.length === 1 ? state.indexes.get(ordered[0]) : undefined;
    if (sortIndex && sortIndex.unordered === 0) return this.queryInIndexOrder<T>(state, query, sortIndex);
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

  /**
   * ORDER BY one indexed field, read from its index in order, so a query with a limit stops at the
   * limit (the log's head, newest first, is one entry read rather than the tenant's whole log).
   */
  private queryInIndexOrder<T extends Doc>(state: ContainerState, query: Query, index: SortedIndex): Stored<T>[] {
    const where = query.where ?? [];
    const pk = query.partitionKey;
    const entries = query.orderBy![0].direction === 'desc' ? index.descending() : index.range();
    const results: Stored<Doc>[] = [];
    for (const e of entries) {
      if (query.limit !== undefined && results.length >= query.limit) break;
      if (pk !== undefined && e.pk !== pk) continue;
      const doc = state.partitions.get(e.pk)?.get(e.id);
      if (!doc) continue;
      this.stats.documentsScanned += 1;
      if (where.every((c) => matches(doc, c))) results.push(doc);
    }
    this.stats.documentsRead += results.length;
    return results.map((d) => structuredClone(d) as Stored<T>);
  }

  private *indexCandidates(state: ContainerState, cond: Condition, pk: string | undefined): Iterable<Stored<Doc>> {
    const { from, to } = indexRange(cond);
    for (const e of state.indexes.get(cond.field)!.range(from, to)) {
      if (pk !== undefined && e.pk !== pk) continue;
      const doc = state.partitions.get(e.pk)?.get(e.id);
      if (doc) yield doc;
    }
  }

  async ping(): Promise<boolean> {
    return this.journal.isOpen;
  }

  async close(): Promise<void> {
    this.journal.close();
  }
}

function emptyState(def: ContainerDefinition): ContainerState {
  return { def, partitions: new Map(), indexes: new Map((def.orderedFields ?? []).map((f) => [f, new SortedIndex()])) };
}
