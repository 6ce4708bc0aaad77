import { Actor, Role, hasRole } from '../directory/roles';
import { DomainError, forbidden } from '../errors';
import { logEntryFor } from '../recommendations/vote-privacy';
import type { Store } from '../store/port';
import type { AuditLog, LogEntry, VerifyResult } from './audit-log';
import { ReplayResult, replayAgainstState } from './replay';
import { LOG_READER_ROLES } from './export-links';

/** Who may read the log: the Business Team, the chair, and lay members (independent scrutiny); export links follow the same rule. */
export const LOG_READERS = LOG_READER_ROLES;

/** Who may check the log's chain and replay it against the store. */
const LOG_VERIFIERS: Role[] = ['business'];

export function assertLogReader(actor: Actor, what: string): void {
  if (!hasRole(actor, ...LOG_READERS)) throw forbidden([...LOG_READERS], what);
}

/** What `log` was asked to show. */
export interface LogFilter {
  /** An entity's short reference, e.g. D-1, REC-2, RR-2026-03. */
  ref?: string;
  /** Part of the acting person's name. */
  by?: string;
  /** What kind of change: matches the start of the action (`dispute`, `vote`, `role`...). */
  kind?: string;
  /** Reminder bookkeeping (scheduled, sent, cancelled) is hidden unless asked for. */
  all: boolean;
  page: number;
}

export const LOG_PAGE_SIZE = 10;
/** How far back a filtered view looks; `log export` has everything. */
const WINDOW = 5000;

const KEYWORDS = ['all', 'by', 'kind', 'page'];
const REF = /^[A-Za-z]{1,4}[-/][A-Za-z0-9/-]{1,20}$/;

export type ParsedLogFilter = { ok: true; filter: LogFilter } | { ok: false; unknown: string };

/**
 * Reads `log` arguments: `all`, `<ref>`, `by <person>`, `kind <kind>`, `page <n>`, in any order.
 * A word that is none of these is reported, so a typo never shows something else.
 */
export function parseLogFilter(args: string): ParsedLogFilter {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const filter: LogFilter = { all: false, page: 1 };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const lower = word.toLowerCase();
    if (lower === 'all') filter.all = true;
    else if (lower === 'page' && /^\d{1,4}$/.test(words[i + 1] ?? '')) filter.page = Math.max(1, Number(words[++i]));
    else if (lower === 'kind' && words[i + 1]) filter.kind = words[++i].toLowerCase().replace(/-/g, '_');
    else if (lower === 'by' && words[i + 1]) {
      const name: string[] = [];
      while (i + 1 < words.length && !KEYWORDS.includes(words[i + 1].toLowerCase())) name.push(words[++i]);
      filter.by = name.join(' ');
    } else if (REF.test(word) && /\d/.test(word)) filter.ref = word.toUpperCase();
    else return { ok: false, unknown: word };
  }
  return { ok: true, filter };
}

const matches = (e: LogEntry, f: LogFilter): boolean =>
  (f.all || !e.action.startsWith('reminder.')) &&
  (!f.ref || (e.entity.ref ?? '').toUpperCase() === f.ref) &&
  (!f.by || e.actor.name.toLowerCase().includes(f.by.toLowerCase())) &&
  (!f.kind || e.action.toLowerCase().startsWith(f.kind) || e.entity.type.toLowerCase().replace(/-/g, '_').startsWith(f.kind));

/** The log as people read it: filtered, newest first, a page at a time. */
export class LogView {
  constructor(
    private readonly log: AuditLog,
    /** For checking the stored documents against the log (`verify`). */
    private readonly store: Store,
  ) {}

  async page(actor: Actor, filter: LogFilter): Promise<{ entries: LogEntry[]; total: number; page: number; pages: number }> {
    assertLogReader(actor, 'read the log');
    const all = (await this.log.recent(actor.tenantId, WINDOW)).filter((e) => matches(e, filter));
    const pages = Math.max(1, Math.ceil(all.length / LOG_PAGE_SIZE));
    if (filter.page > pages && all.length) throw new DomainError('invalid', `There are only ${pages} page${pages === 1 ? '' : 's'} of entries for that.`);
    const start = (filter.page - 1) * LOG_PAGE_SIZE;
    // A vote's choice is shown only to those who see every choice (services/recommendations/vote-privacy.ts).
    return { entries: all.slice(start, start + LOG_PAGE_SIZE).map((e) => logEntryFor(actor.roles, e)), total: all.length, page: filter.page, pages };
  }

  /** How many entries the whole log holds (for the export card). */
  async count(actor: Actor): Promise<number> {
    assertLogReader(actor, 'export the log');
    let n = 0;
    for await (const entry of this.log.all(actor.tenantId)) if (entry) n += 1;
    return n;
  }

  /** The hash chain checked, then (if it is intact) the stored documents against it: the Business Team only. */
  async verify(actor: Actor): Promise<Extract<VerifyResult, { ok: false }> | (Extract<VerifyResult, { ok: true }> & { replay: ReplayResult })> {
    if (!hasRole(actor, ...LOG_VERIFIERS)) throw forbidden([...LOG_VERIFIERS], 'verify the log');
    const chain = await this.log.verify(actor.tenantId);
    return chain.ok ? { ...chain, replay: await replayAgainstState(this.log, this.store, actor.tenantId) } : chain;
  }
}
