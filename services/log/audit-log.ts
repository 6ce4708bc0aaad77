import { createHmac } from 'node:crypto';
import type { Clock } from '../clock';
import type { Actor } from '../directory/roles';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, updateWithRetry } from '../store/port';

/** One change of state. Entries are only ever created, never replaced or deleted. */
export interface LogEntry {
  id: string;
  tenantId: string;
  /** Position in the tenant's chain, from 1. */
  seq: number;
  at: string;
  actor: { aadObjectId: string; name: string; roles: string[] };
  /** What happened, e.g. `dispute.raised`, `vote.cast`, `role.granted`. */
  action: string;
  entity: { type: string; id: string; ref?: string };
  before?: string;
  after?: string;
  prevHash: string;
  hash: string;
}

export type LogInput = Pick<LogEntry, 'action' | 'entity' | 'before' | 'after'>;

/** The actor recorded for the bot's own actions (reminders, deadlines). */
export const SYSTEM_ACTOR: Actor = { tenantId: '', aadObjectId: 'system', name: 'Safeguarding bot', roles: [] };

export const GENESIS_HASH = '0'.repeat(64);

export type VerifyResult = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string };

/** The newest entry's position and hash, kept outside the chain (see AuditLog.advanceAnchor). */
interface LogAnchor {
  id: string;
  tenantId: string;
  seq: number;
  hash: string;
  at: string;
}
const ANCHOR_ID = 'log-anchor';

const entryId = (seq: number): string => `e-${String(seq).padStart(12, '0')}`;

/**
 * For tests and tools that build an AuditLog directly. The composition root always passes the
 * configured LOG_SEAL_KEY; a chain sealed with this key proves nothing.
 */
export const UNCONFIGURED_SEAL_KEY = 'unconfigured-log-seal-key-for-tests-only';

/**
 * The entry's seal: HMAC-SHA256, keyed with LOG_SEAL_KEY, over every field but the hash itself in
 * a fixed order. The key is never stored in the database, so write access to the database is not
 * enough to rewrite an entry, or the whole chain, and have it verify. Every writer and verifier
 * calls this one function.
 */
export function hashEntry(entry: Omit<LogEntry, 'hash'>, sealKey: string): string {
  const canonical = JSON.stringify([
    entry.tenantId,
    entry.seq,
    entry.at,
    entry.actor.aadObjectId,
    entry.actor.name,
    entry.actor.roles,
    entry.action,
    entry.entity.type,
    entry.entity.id,
    entry.entity.ref ?? null,
    entry.before ?? null,
    entry.after ?? null,
    entry.prevHash,
  ]);
  return createHmac('sha256', sealKey).update(canonical).digest('hex');
}

/**
 * The tamper-evident audit log: one hash chain per tenant. An append takes the next sequence
 * number by creating the entry with a deterministic id, so two instances appending at once
 * collide (409) and the loser retries on top of the winner; the chain never forks.
 */
export class AuditLog {
  /** Appends from this process queue per tenant, so they do not race each other. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly heads = new Map<string, { seq: number; hash: string }>();

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly sealKey: string = UNCONFIGURED_SEAL_KEY) {}

  /** The seal of an entry under this log's key (see hashEntry). */
  seal(entry: Omit<LogEntry, 'hash'>): string {
    return hashEntry(entry, this.sealKey);
  }

  append(actor: Actor, tenantId: string, input: LogInput): Promise<LogEntry> {
    const previous = this.tails.get(tenantId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.appendNow(actor, tenantId, input));
    this.tails.set(tenantId, next);
    void next.finally(() => {
      if (this.tails.get(tenantId) === next) this.tails.delete(tenantId);
    }).catch(() => undefined);
    return next;
  }

  private async appendNow(actor: Actor, tenantId: string, input: LogInput): Promise<LogEntry> {
    let head = this.heads.get(tenantId) ?? (await this.readHead(tenantId));
    for (let attempt = 0; attempt < 100; attempt++) {
      const body: Omit<LogEntry, 'hash'> = {
        id: entryId(head.seq + 1),
        tenantId,
        seq: head.seq + 1,
        at: this.clock.now().toISOString(),
        actor: { aadObjectId: actor.aadObjectId, name: actor.name, roles: [...actor.roles] },
        action: input.action,
        entity: input.entity,
        ...(input.before !== undefined ? { before: input.before } : {}),
        ...(input.after !== undefined ? { after: input.after } : {}),
        prevHash: head.hash,
      };
      const entry: LogEntry = { ...body, hash: this.seal(body) };
      try {
        await this.store.create(CONTAINERS.log.name, entry);
        this.heads.set(tenantId, { seq: entry.seq, hash: entry.hash });
        await this.advanceAnchor(tenantId, entry);
        return entry;
      } catch (err) {
        if (!(err instanceof StoreConflict) || err.reason !== 'exists') throw err;
        head = await this.readHead(tenantId);
      }
    }
    throw new Error('The log is too busy to append; try again');
  }

  /**
   * The anchor records the newest entry outside the chain, so removing entries from the end
   * (which leaves a shorter chain that still links up) is caught by `verify`. It only moves
   * forward; a crash before it moves leaves it one behind, which verify accepts.
   */
  private async advanceAnchor(tenantId: string, entry: LogEntry): Promise<void> {
    await updateWithRetry<LogAnchor>(this.store, CONTAINERS.counters.name, tenantId, ANCHOR_ID, (current) =>
      current && current.seq >= entry.seq ? undefined : { id: ANCHOR_ID, tenantId, seq: entry.seq, hash: entry.hash, at: entry.at },
    );
  }

  private async readHead(tenantId: string): Promise<{ seq: number; hash: string }> {
    const [last] = await this.store.query<LogEntry>(CONTAINERS.log.name, {
      partitionKey: tenantId,
      orderBy: [{ field: 'seq', direction: 'desc' }],
      limit: 1,
    });
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** The newest entries first. */
  async recent(tenantId: string, limit = 10, filter?: { entityId?: string }): Promise<LogEntry[]> {
    return this.store.query<LogEntry>(CONTAINERS.log.name, {
      partitionKey: tenantId,
      where: filter?.entityId ? [{ field: 'entity.id', op: '=', value: filter.entityId }] : [],
      orderBy: [{ field: 'seq', direction: 'desc' }],
      limit,
    });
  }

  /** Every entry in chain order, read in pages. */
  async *all(tenantId: string, pageSize = 500): AsyncGenerator<LogEntry> {
    let after = 0;
    for (;;) {
      const page = await this.store.query<LogEntry>(CONTAINERS.log.name, {
        partitionKey: tenantId,
        where: [{ field: 'seq', op: '>', value: after }],
        orderBy: [{ field: 'seq', direction: 'asc' }],
        limit: pageSize,
      });
      for (const entry of page) yield stripStore(entry);
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
    }
  }

  /** Walks the chain and names the first entry whose hash, link or position is wrong. */
  async verify(tenantId: string): Promise<VerifyResult> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for await (const entry of this.all(tenantId)) {
      count += 1;
      const { hash, ...body } = entry;
      if (entry.seq !== expectedSeq)
        return { ok: false, entries: count, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
      if (entry.prevHash !== prevHash)
        return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} does not link to entry ${entry.seq - 1}` };
      if (this.seal(body) !== hash)
        return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} was altered after it was written, or sealed with another key` };
      prevHash = hash;
      expectedSeq += 1;
    }
    const lastSeq = expectedSeq - 1;
    const anchor = await this.store.read<LogAnchor>(CONTAINERS.counters.name, tenantId, ANCHOR_ID);
    if (anchor && anchor.seq > lastSeq)
      return {
        ok: false,
        entries: count,
        brokenAt: lastSeq + 1,
        reason: `entries ${lastSeq + 1} to ${anchor.seq} are missing from the end (the log's head record says ${anchor.seq} were written)`,
      };
    if (anchor && anchor.seq === lastSeq && anchor.hash !== prevHash)
      return { ok: false, entries: count, brokenAt: lastSeq, reason: `entry ${lastSeq} does not match the log's head record` };
    return { ok: true, entries: count };
  }

  /** The whole log as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read it right). */
  async exportCsv(tenantId: string): Promise<string> {
    const header = ['seq', 'when_utc', 'who_object_id', 'who_name', 'who_roles', 'action', 'entity_type', 'entity_id', 'entity_ref', 'before', 'after', 'prev_hash', 'hash'];
    const rows = [header.join(',')];
    for await (const e of this.all(tenantId)) {
      rows.push(
        [e.seq, e.at, e.actor.aadObjectId, e.actor.name, e.actor.roles.join(' '), e.action, e.entity.type, e.entity.id, e.entity.ref ?? '', e.before ?? '', e.after ?? '', e.prevHash, e.hash]
          .map(csvCell)
          .join(','),
      );
    }
    return '\uFEFF' + rows.join('\r\n') + '\r\n';
  }
}

function stripStore(entry: LogEntry & { _etag?: string }): LogEntry {
  const { _etag, ...rest } = entry;
  void _etag;
  return rest;
}

/** Quotes a CSV cell, and defuses cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
