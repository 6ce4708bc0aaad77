import type { Clock } from '../clock';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict } from '../store/port';
import type { AuditLog } from './audit-log';

/** What a seal card names: how long the chain is and its newest entry's hash, as verified now. */
export interface LogSeal {
  tenantId: string;
  /** The UTC day this seal is for (YYYY-MM-DD). */
  day: string;
  entries: number;
  headHash: string;
  /** False when the chain did not verify: the card then says where it broke. */
  intact: boolean;
  problem?: string;
}

interface SealClaim extends LogSeal {
  id: string;
  claimedAt: string;
  posted: boolean;
}

/** An unposted claim older than this is taken over (its instance died or its post failed). */
const CLAIM_TIMEOUT_MS = 15 * 60_000;

/**
 * Witnesses the log's head outside the database once a day: the head (entry count and hash) is
 * posted where the database's administrators cannot edit it, the Business Team channel. Anyone
 * can later compare a seal card with `log verify` and the CSV export: a chain that was cut back or
 * rebuilt no longer contains the sealed entry with that hash. One instance posts per day (a claim
 * document with a deterministic id); a failed post is retried on a later tick.
 */
export class LogWitness {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly post: (seal: LogSeal) => Promise<number>,
  ) {}

  /** Posts today's seal unless it was posted already; returns it when this call posted it. */
  async witnessIfDue(tenantId: string): Promise<LogSeal | undefined> {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    const id = `log-seal-${day}`;
    const existing = await this.store.read<SealClaim>(CONTAINERS.counters.name, tenantId, id);
    if (existing && (existing.posted || now.getTime() - Date.parse(existing.claimedAt) < CLAIM_TIMEOUT_MS)) return undefined;
    const seal = await this.currentSeal(tenantId, day);
    const claim: SealClaim = { ...seal, id, claimedAt: now.toISOString(), posted: false };
    let stored;
    try {
      stored = existing ? await this.store.replace(CONTAINERS.counters.name, claim, existing._etag) : await this.store.create(CONTAINERS.counters.name, claim);
    } catch (err) {
      if (err instanceof StoreConflict) return undefined; // another instance took today's seal
      throw err;
    }
    if ((await this.post(seal)) === 0) return undefined; // no Business Team channel reached: retried after the timeout
    await this.store.replace(CONTAINERS.counters.name, { ...claim, posted: true }, stored._etag);
    return seal;
  }

  private async currentSeal(tenantId: string, day: string): Promise<LogSeal> {
    const verdict = await this.log.verify(tenantId);
    const [head] = await this.log.recent(tenantId, 1);
    return {
      tenantId,
      day,
      entries: head?.seq ?? 0,
      headHash: head?.hash ?? '',
      intact: verdict.ok,
      ...(verdict.ok ? {} : { problem: `broken at entry ${verdict.brokenAt}: ${verdict.reason}` }),
    };
  }
}
