import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Actor } from '../directory/roles';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, updateWithRetry, withoutEtag } from '../store/port';

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
  /** The recorded entry this one sealed (`p-<key>`), so a sealer that crashed after sealing never seals it twice. */
  source?: string;
}

/**
 * A change recorded with its own document, before it joins the chain: the click path writes only
 * this (a create with an id of its own, so nothing contends), and one sealer at a time joins
 * recorded entries to the chain off the click path. Its hash covers its content (with seq 0 and
 * the genesis link), so `verify` checks entries not yet sealed too.
 */
export interface RecordedEntry extends Omit<LogEntry, 'seq' | 'source'> {
  recorded: true;
  /** The instant it was recorded: with the id, the order the sealer joins entries in. */
  recordedAt: string;
  /** Order among the entries this process recorded in the same instant: the tie-break before the id. */
  recordedOrder: number;
}

export type LogInput = Pick<LogEntry, 'action' | 'entity' | 'before' | 'after'>;

/** The actor recorded for the bot's own actions (reminders, deadlines). */
export const SYSTEM_ACTOR: Actor = { tenantId: '', aadObjectId: 'system', name: 'Safeguarding bot', roles: [] };

export const GENESIS_HASH = '0'.repeat(64);

export type VerifyResult =
  | { ok: true; entries: number; /** Recorded entries not yet sealed into the chain, each checked against its own hash. */ pending?: number }
  | { ok: false; entries: number; brokenAt: number; reason: string };

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
const recordedId = (key: string): string => `p-${key}`;
const SEALER_ID = 'log-sealer';
/** How long a sealer holds a tenant's chain before another instance may take over (a crashed one). */
const SEALER_LEASE_MS = 15_000;
const SEAL_BATCH = 200;
/** How long a background seal round waits for more entries to join it (see sealSoon). */
export const SEAL_GATHER_MS = 50;

/** The sealer's lease on a tenant's chain: one sealer at a time joins recorded entries. */
interface SealerLease {
  id: string;
  tenantId: string;
  owner: string;
  until: string;
}

/** The content hash of a recorded entry: the entry as if it were the first, through hashEntry like every other hash. */
function recordedHash(entry: Omit<RecordedEntry, 'hash'>, sealKey: string): string {
  return hashEntry({
    id: entry.id,
    tenantId: entry.tenantId,
    seq: 0,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    ...(entry.before !== undefined ? { before: entry.before } : {}),
    ...(entry.after !== undefined ? { after: entry.after } : {}),
    prevHash: entry.prevHash,
  }, sealKey);
}

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
 * The tamper-evident audit log: one hash chain per tenant. A change is first recorded as a
 * document of its own (`record`: one create, no shared head), then joined into the chain by one
 * sealer at a time (a lease per tenant), in a deterministic order (recorded instant, then id).
 * Sealed entries take the next sequence number by creating the entry with a deterministic id, so
 * even two sealers at once collide (409) and the chain never forks.
 */
export class AuditLog {
  private readonly sealing = new Map<string, Promise<void>>();
  private readonly sealAgain = new Set<string>();
  /** Tenants whose next background round is waiting for more entries (sealSoon). */
  private readonly gathering = new Map<string, NodeJS.Timeout>();
  private recordedCount = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sealKey: string = UNCONFIGURED_SEAL_KEY,
    private readonly instanceId = `log-${randomUUID()}`,
  ) {}

  /** The seal of an entry under this log's key (see hashEntry). */
  private sealOf(entry: Omit<LogEntry, 'hash'>): string {
    return hashEntry(entry, this.sealKey);
  }

  /**
   * Records a change and joins it to the chain before returning the sealed entry. For work off
   * the click path; a click records through the outbox (`record`) and never waits for the chain.
   */
  async append(actor: Actor, tenantId: string, input: LogInput, key?: string): Promise<LogEntry> {
    const recorded = await this.record(actor, tenantId, input, key ?? randomUUID());
    // Another instance may hold the sealer's lease: its round ends soon and releases it.
    for (let attempt = 0; attempt < 100; attempt++) {
      await this.seal(tenantId);
      const sealed = await this.sealedFrom(tenantId, recorded.id);
      if (sealed) return sealed;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('The log is too busy to seal the entry now; it is recorded and will be sealed');
  }

  /**
   * Records a change with an idempotent key: recording the same key twice (a retried effect, a
   * redelivered click) stores one entry. Costs one create of a document of this change alone.
   */
  async record(actor: Actor, tenantId: string, input: LogInput, key: string): Promise<RecordedEntry> {
    const at = this.clock.now().toISOString();
    const body: Omit<RecordedEntry, 'hash'> = {
      id: recordedId(key),
      tenantId,
      recorded: true,
      recordedAt: at,
      recordedOrder: ++this.recordedCount,
      at,
      actor: { aadObjectId: actor.aadObjectId, name: actor.name, roles: [...actor.roles] },
      action: input.action,
      entity: input.entity,
      ...(input.before !== undefined ? { before: input.before } : {}),
      ...(input.after !== undefined ? { after: input.after } : {}),
      prevHash: GENESIS_HASH,
    };
    const entry: RecordedEntry = { ...body, hash: recordedHash(body, this.sealKey) };
    try {
      await this.store.create(CONTAINERS.log.name, entry);
      return entry;
    } catch (err) {
      if (!(err instanceof StoreConflict) || err.reason !== 'exists') throw err;
      return entry;
    }
  }

  /**
   * Seals in the background, coalesced per tenant: the first entry recorded waits SEAL_GATHER_MS
   * for those recorded after it, so a burst of clicks costs one round (its lease, head and anchor
   * writes) rather than one each. Failures, and entries left by a stop before the round, are
   * sealed by the next round or the relay's periodic pass.
   */
  sealSoon(tenantId: string): void {
    if (this.gathering.has(tenantId)) return;
    const timer = setTimeout(() => {
      this.gathering.delete(tenantId);
      void this.seal(tenantId).catch(() => undefined);
    }, SEAL_GATHER_MS);
    timer.unref();
    this.gathering.set(tenantId, timer);
  }

  /** Seals at once what sealSoon was gathering (graceful shutdown), each tenant's failure left for the next round. */
  async sealGathered(): Promise<void> {
    const tenants = [...this.gathering.keys()];
    for (const timer of this.gathering.values()) clearTimeout(timer);
    this.gathering.clear();
    await Promise.all(tenants.map((tenantId) => this.seal(tenantId).catch(() => undefined)));
  }

  /**
   * Joins every recorded entry of the tenant to the chain, if this process gets the sealer's
   * lease (another instance holding it seals them instead). Coalesced: a call while a round runs
   * makes one more round.
   */
  seal(tenantId: string): Promise<void> {
    const running = this.sealing.get(tenantId);
    if (running) {
      this.sealAgain.add(tenantId);
      return running;
    }
    const round = (async () => {
      try {
        do {
          this.sealAgain.delete(tenantId);
          await this.sealRound(tenantId);
        } while (this.sealAgain.has(tenantId));
      } finally {
        this.sealing.delete(tenantId);
      }
    })();
    this.sealing.set(tenantId, round);
    return round;
  }

  /** Tenants with recorded entries waiting (after a crash), for the relay's periodic pass. */
  async tenantsWithRecorded(limit = 100): Promise<string[]> {
    const docs = await this.store.query<RecordedEntry>(CONTAINERS.log.name, { where: [{ field: 'recorded', op: '=', value: true }], orderBy: [{ field: 'recordedAt', direction: 'asc' }], limit });
    return [...new Set(docs.map((d) => d.tenantId))];
  }

  private async sealRound(tenantId: string): Promise<void> {
    if (!(await this.claimSealer(tenantId))) return;
    try {
      // Another instance may have sealed since this one last held the lease.
      let head = await this.readHead(tenantId);
      let last: LogEntry | undefined;
      for (;;) {
        const { page: batch, full } = await this.recordedEntries(tenantId, SEAL_BATCH);
        for (const recorded of batch) {
          if (head.source === recorded.id || (await this.sealedFrom(tenantId, recorded.id))) {
            // Sealed already: before a crash that left the recorded copy, or recorded again by a retried effect.
            await this.store.delete(CONTAINERS.log.name, tenantId, recorded.id);
            continue;
          }
          const body: Omit<LogEntry, 'hash'> = {
            id: entryId(head.seq + 1),
            tenantId,
            seq: head.seq + 1,
            at: recorded.at,
            actor: recorded.actor,
            action: recorded.action,
            entity: recorded.entity,
            ...(recorded.before !== undefined ? { before: recorded.before } : {}),
            ...(recorded.after !== undefined ? { after: recorded.after } : {}),
            prevHash: head.hash,
          };
          const entry: LogEntry = { ...body, hash: this.sealOf(body), source: recorded.id };
          try {
            await this.store.create(CONTAINERS.log.name, entry);
          } catch (err) {
            if (!(err instanceof StoreConflict) || err.reason !== 'exists') throw err;
            return; // another sealer took over (an expired lease): it seals the rest
          }
          head = { seq: entry.seq, hash: entry.hash, source: recorded.id };
          last = entry;
          await this.store.delete(CONTAINERS.log.name, tenantId, recorded.id);
        }
        // A full page may have been cut short at its last instant: only a page the store did not fill ends the round.
        if (!full) break;
        await this.claimSealer(tenantId);
      }
      if (last) await this.advanceAnchor(tenantId, last);
    } finally {
      await this.releaseSealer(tenantId);
    }
  }

  /** Recorded entries in the order they are sealed: recorded instant, then id. */
  private async recordedEntries(tenantId: string, limit: number): Promise<{ page: RecordedEntry[]; full: boolean }> {
    const docs = await this.store.query<RecordedEntry>(CONTAINERS.log.name, {
      partitionKey: tenantId,
      where: [{ field: 'recorded', op: '=', value: true }],
      orderBy: [{ field: 'recordedAt', direction: 'asc' }],
      limit,
    });
    const entries = docs.map((d) => withoutEtag<RecordedEntry>(d));
    // Entries sharing the last instant may continue past the page: seal up to the instant before it.
    const full = entries.length === limit;
    const lastAt = full ? entries[entries.length - 1].recordedAt : undefined;
    const page = lastAt && entries[0].recordedAt !== lastAt ? entries.filter((e) => e.recordedAt < lastAt) : entries;
    page.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.recordedOrder - b.recordedOrder || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    return { page, full };
  }

  private async claimSealer(tenantId: string): Promise<boolean> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + SEALER_LEASE_MS).toISOString();
    let mine = false;
    try {
      await updateWithRetry<SealerLease>(this.store, CONTAINERS.counters.name, tenantId, SEALER_ID, (current) => {
        mine = false;
        if (current && current.owner !== this.instanceId && current.until > now.toISOString()) return undefined;
        mine = true;
        return { id: SEALER_ID, tenantId, owner: this.instanceId, until };
      }, 5);
    } catch (err) {
      if (err instanceof StoreConflict) return false;
      throw err;
    }
    return mine;
  }

  private async releaseSealer(tenantId: string): Promise<void> {
    const lease = await this.store.read<SealerLease>(CONTAINERS.counters.name, tenantId, SEALER_ID);
    if (lease?.owner !== this.instanceId) return;
    await this.store.replace<SealerLease>(CONTAINERS.counters.name, { id: SEALER_ID, tenantId, owner: '', until: '' }, lease._etag).catch(() => undefined);
  }

  private async sealedFrom(tenantId: string, source: string): Promise<LogEntry | undefined> {
    const [entry] = await this.store.query<LogEntry>(CONTAINERS.log.name, { partitionKey: tenantId, where: [{ field: 'source', op: '=', value: source }], limit: 1 });
    return entry ? withoutEtag(entry) : undefined;
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

  private async readHead(tenantId: string): Promise<{ seq: number; hash: string; source?: string }> {
    const [last] = await this.store.query<LogEntry>(CONTAINERS.log.name, {
      partitionKey: tenantId,
      orderBy: [{ field: 'seq', direction: 'desc' }],
      limit: 1,
    });
    return last ? { seq: last.seq, hash: last.hash, ...(last.source ? { source: last.source } : {}) } : { seq: 0, hash: GENESIS_HASH };
  }

  /** The newest entries first. */
  async recent(tenantId: string, limit = 10, filter?: { entityId?: string }): Promise<LogEntry[]> {
    await this.seal(tenantId);
    return this.store.query<LogEntry>(CONTAINERS.log.name, {
      partitionKey: tenantId,
      where: filter?.entityId ? [{ field: 'entity.id', op: '=', value: filter.entityId }] : [],
      orderBy: [{ field: 'seq', direction: 'desc' }],
      limit,
    });
  }

  /** Every entry in chain order, read in pages, the entries recorded until now sealed first. */
  async *all(tenantId: string, pageSize = 500): AsyncGenerator<LogEntry> {
    await this.seal(tenantId).catch(() => undefined);
    yield* this.chain(tenantId, pageSize);
  }

  /** The sealed entries in chain order, read in pages. */
  private async *chain(tenantId: string, pageSize = 500): AsyncGenerator<LogEntry> {
    let after = 0;
    for (;;) {
      const page = await this.store.query<LogEntry>(CONTAINERS.log.name, {
        partitionKey: tenantId,
        where: [{ field: 'seq', op: '>', value: after }],
        orderBy: [{ field: 'seq', direction: 'asc' }],
        limit: pageSize,
      });
      for (const entry of page) yield withoutEtag(entry);
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
    }
  }

  /** Walks the chain and names the first entry whose hash, link or position is wrong. */
  async verify(tenantId: string): Promise<VerifyResult> {
    await this.seal(tenantId).catch(() => undefined);
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for await (const entry of this.chain(tenantId)) {
      count += 1;
      const { hash, ...body } = entry;
      if (entry.seq !== expectedSeq)
        return { ok: false, entries: count, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
      if (entry.prevHash !== prevHash)
        return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} does not link to entry ${entry.seq - 1}` };
      if (this.sealOf(body) !== hash)
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
    let pending = 0;
    for (const recorded of (await this.recordedEntries(tenantId, 100_000)).page) {
      const { hash, ...body } = recorded;
      if (recordedHash(body, this.sealKey) !== hash)
        return { ok: false, entries: count, brokenAt: lastSeq + 1, reason: `the recorded entry ${recorded.id} (not yet sealed) was altered after it was written` };
      pending += 1;
    }
    return { ok: true, entries: count, ...(pending ? { pending } : {}) };
  }

  /**
   * The whole log as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read it right); `view`
   * shows each entry as its reader may see it (a lay member's export hides vote choices).
   */
  async exportCsv(tenantId: string, view: (entry: LogEntry) => LogEntry = (e) => e): Promise<string> {
    const header = ['seq', 'when_utc', 'who_object_id', 'who_name', 'who_roles', 'action', 'entity_type', 'entity_id', 'entity_ref', 'before', 'after', 'prev_hash', 'hash'];
    const rows = [header.join(',')];
    await this.seal(tenantId);
    for await (const entry of this.all(tenantId)) {
      const e = view(entry);
      rows.push(
        [e.seq, e.at, e.actor.aadObjectId, e.actor.name, e.actor.roles.join(' '), e.action, e.entity.type, e.entity.id, e.entity.ref ?? '', e.before ?? '', e.after ?? '', e.prevHash, e.hash]
          .map(csvCell)
          .join(','),
      );
    }
    return '\uFEFF' + rows.join('\r\n') + '\r\n';
  }
}

/** Quotes a CSV cell, and defuses cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
