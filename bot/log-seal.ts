import { renderNotice } from '../cards/notice';
import type { Clock } from '../services/clock';
import type { AuditLog } from '../services/log/audit-log';
import { LogSeal, LogWitness } from '../services/log/witness';
import type { Logger } from '../services/logger';
import type { Publisher } from '../services/publisher';
import type { Store } from '../services/store/port';

/** How often each instance asks whether today's seal is due (one instance posts it per day). */
const SEAL_CHECK_MS = 60 * 60_000;
/** The first check waits until start-up traffic has settled. */
const FIRST_CHECK_MS = 5 * 60_000;

/** The seal card: what the Business Team keeps to compare with `log verify` later. */
export function sealMessage(seal: LogSeal): { card: Record<string, unknown> } {
  return {
    card: renderNotice(
      seal.intact
        ? {
            title: `Log seal for ${seal.day}: ${seal.entries} entries`,
            text: `The audit log verified intact with ${seal.entries} entries; the newest entry's seal is ${seal.headHash}. Keep this message: a later log whose entry ${seal.entries} has another seal, or that has fewer entries, was changed.`,
            tone: 'good',
          }
        : { title: `Log seal for ${seal.day}: the log does not verify`, text: `${seal.problem ?? 'The chain is broken'}. Report this to the Business Manager.`, tone: 'warning' },
    ),
  };
}

/** Starts the daily seal on this instance; returns the stop function. */
export function startLogSeal(store: Store, log: AuditLog, clock: Clock, publisher: Publisher, tenantId: string, logger: Logger): () => void {
  const witness = new LogWitness(store, log, clock, (seal) => publisher.postToPurpose(seal.tenantId, `log-seal:${seal.day}`, 'business-team', sealMessage(seal)));
  const tick = (): void => {
    witness.witnessIfDue(tenantId).then(
      (seal) => seal && logger.info('log seal posted', { day: seal.day, entries: seal.entries }),
      (err: unknown) => logger.warn('log seal failed; retried within the hour', { error: String(err) }),
    );
  };
  let timer = setTimeout(function next() {
    tick();
    timer = setTimeout(next, SEAL_CHECK_MS);
    timer.unref();
  }, FIRST_CHECK_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
