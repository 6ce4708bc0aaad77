/**
 * The storage port: the only way services touch persistence. Two adapters implement it
 * (embedded on disk, Azure Cosmos DB) and one contract suite (tests/integration) holds them
 * to the same semantics: a missing document reads as `undefined`; `create` of an existing id
 * and `replace` with a stale ETag throw `StoreConflict`.
 */
export interface Doc {
  id: string;
}

/** A document as stored: the adapter adds its ETag. */
export type Stored<T> = T & { _etag: string };

/** The one ETag stripper: the document as the domain holds it, without the store's concurrency token. */
export function withoutEtag<T extends object>(doc: T & { _etag?: string }): T {
  const { _etag, ...rest } = doc;
  void _etag;
  return rest as T;
}

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** A condition on a top-level or dotted field. `in` takes an array value. */
export interface Condition {
  field: string;
  op: Operator;
  value: unknown;
}

export interface Query {
  /** Restricts the query to one logical partition (cheap); omit for a cross-partition query. */
  partitionKey?: string;
  where?: Condition[];
  /**
   * Documents without an orderBy field are left out, on every adapter: Cosmos-protocol servers
   * differ on whether they return them, so the port makes it explicit. Order by a field every
   * document has (or filter on it) when all documents are wanted.
   */
  orderBy?: { field: string; direction?: 'asc' | 'desc' }[];
  limit?: number;
}

/** Why a write lost: the id exists (409) or the ETag is stale (412) or the document is gone (404). */
export class StoreConflict extends Error {
  constructor(readonly reason: 'exists' | 'stale' | 'gone', readonly container: string, readonly id: string) {
    super(`${container}/${id}: ${reason}`);
    this.name = 'StoreConflict';
  }
}

export interface Store {
  readonly kind: 'embedded' | 'cosmos';
  /** Creates what is missing (database, containers) and loads what is there. */
  init(): Promise<void>;
  read<T extends Doc>(container: string, partitionKey: string, id: string): Promise<Stored<T> | undefined>;
  create<T extends Doc>(container: string, doc: T): Promise<Stored<T>>;
  /** Replaces only if the stored ETag still equals `etag`. */
  replace<T extends Doc>(container: string, doc: T, etag: string): Promise<Stored<T>>;
  upsert<T extends Doc>(container: string, doc: T): Promise<Stored<T>>;
  /** Deletes; with an ETag only if it still matches. Returns false when there was nothing to delete. */
  delete(container: string, partitionKey: string, id: string, etag?: string): Promise<boolean>;
  query<T extends Doc>(container: string, query: Query): Promise<Stored<T>[]>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** Documents read so far (point reads and query results), for benchmarks. */
  readonly stats: { documentsRead: number };
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Refuses a field path that is not plain dotted identifiers. Both adapters check it, so a query
 * that runs on the embedded store can never become SQL injection on Cosmos.
 */
export function checkFieldPath(field: string): string {
  if (!FIELD_PATH.test(field)) throw new Error(`Field name "${field}" is not allowed in a query`);
  return field;
}

/** Reads a dotted field path from a document. */
export function fieldValue(doc: object, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Optimistic update: reads, applies `change`, replaces with IfMatch, and retries on a lost race.
 * `change` returns the new document, or `undefined` to leave it as it is.
 */
export async function updateWithRetry<T extends Doc>(
  store: Store,
  container: string,
  partitionKey: string,
  id: string,
  change: (current: Stored<T> | undefined) => T | undefined | Promise<T | undefined>,
  attempts = 20,
): Promise<Stored<T> | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.read<T>(container, partitionKey, id);
    const next = await change(current);
    if (next === undefined) return current;
    try {
      return current ? await store.replace(container, next, current._etag) : await store.create(container, next);
    } catch (err) {
      if (!(err instanceof StoreConflict)) throw err;
    }
  }
  throw new StoreConflict('stale', container, id);
}
