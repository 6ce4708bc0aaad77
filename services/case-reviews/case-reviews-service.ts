import type { Clock } from '../clock';
import { Actor, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { AuditLog, LogEntry, SYSTEM_ACTOR } from '../log/audit-log';
import { EffectSpec, Outbox, OutboxFields, withoutOutbox } from '../outbox/outbox';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, updateWithRetry, withoutEtag } from '../store/port';
import type { CalendarTime } from '../time';
import type { WorkingCalendar } from '../working-days';
import * as rules from './case-review';
import { CaseAction, CaseClock, CaseClockSettings, CaseReview, ClockKey, StepInput, canView, clocksOf, isOpen, summary } from './case-review';
import { caseReference } from './personal-data';

const CONTAINER = CONTAINERS.caseReviews.name;
const FORM_ID = /^[A-Za-z0-9-]{8,64}$/;
const CASE_ID = /^cr-[A-Za-z0-9-]{8,64}$/;

/** Reminder handler names the bot registers (they build the message from the current state). */
export const CASE_REVIEW_HANDLERS = {
  reminder: 'case-review.reminder',
  breach: 'case-review.breach',
} as const;

export interface CaseReviewSettings extends CaseClockSettings {
  /** Working days before each deadline that the subgroup's channel is reminded. */
  reminderWorkingDays: number[];
}

export interface OpenInput {
  /** A nonce from the form: the id is built from it, so a double submit records one case. */
  formId: unknown;
  reference: unknown;
  kind: unknown;
  started: unknown;
}

/** What the card's button carried: the case and the version the card showed. */
export interface CaseCardRef {
  caseId: unknown;
  version: unknown;
}

/** The log action of each step. */
const STEP_ACTIONS: Record<CaseAction, string> = {
  notify: 'case_review.panel_notified',
  decide: 'case_review.decided',
  panel: 'case_review.panel_responded',
  commission: 'case_review.reviewer_commissioned',
  terms: 'case_review.terms_agreed',
  draft: 'case_review.draft_received',
  final: 'case_review.final_report_sent',
  report: 'case_review.report_received',
  publish: 'case_review.published',
  close: 'case_review.closed',
};

/**
 * Safeguarding case reviews (DOMAIN.md §5): recording a notified incident or a SAR referral,
 * each step of the lifecycle, the statutory clocks in working days, their reminders and
 * breaches. Every change is one write (a replace with ETag of a versioned document) that carries
 * its log entry and the reminders it schedules or cancels in its outbox; a refusal changes and
 * logs nothing. Only the anonymised reference and dates reach the log.
 */
export class CaseReviewsService {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly calendar: WorkingCalendar,
    /** Carries each change's log entry and reminder moves out of the changed document. */
    private readonly outbox: Outbox,
    private readonly settings: CaseReviewSettings,
  ) {}

  today(): string {
    return this.time.today(this.clock);
  }

  clocks(c: CaseReview): CaseClock[] {
    return clocksOf(c, this.today(), this.calendar, this.settings);
  }

  /** Throws unless the actor may record a case review (the Business Team, the chair). */
  checkCanOpen(actor: Actor): void {
    if (!hasRole(actor, 'business', 'chair')) throw forbidden(['business', 'chair'], 'record a case review');
  }

  async open(actor: Actor, input: OpenInput): Promise<{ review: CaseReview; created: boolean }> {
    this.checkCanOpen(actor);
    const tenantId = actor.tenantId;
    const formId = typeof input.formId === 'string' ? input.formId : '';
    if (!FORM_ID.test(formId)) throw invalid('This form is not valid: type "case review new" for a fresh one.');
    const id = `cr-${formId}`;
    const existing = await this.store.read<CaseReview>(CONTAINER, tenantId, id);
    if (existing) return { review: strip(existing), created: false };

    const now = this.clock.now().toISOString();
    const review = rules.openCase(input, actor, this.today(), { id, tenantId, now });
    const [sameRef] = await this.store.query<CaseReview>(CONTAINER, { partitionKey: tenantId, where: [{ field: 'ref', op: '=', value: review.ref }], limit: 1 });
    if (sameRef) throw invalid(`There is already a case review ${review.ref}: open it with "case review ${review.ref}", or use another reference.`, 'reference');
    const effects: EffectSpec[] = [{ kind: 'log', actor, input: { action: 'case_review.opened', entity: entityOf(review), after: summary(review) } }, ...this.reminderEffects(actor, review)];
    let saved: Stored<CaseReview & OutboxFields>;
    try {
      saved = await this.store.create(CONTAINER, this.outbox.stage(undefined, review, `${id}.v${review.version}`, effects));
    } catch (err) {
      if (!(err instanceof StoreConflict)) throw err;
      const again = await this.store.read<CaseReview>(CONTAINER, tenantId, id);
      if (again) return { review: strip(again), created: false };
      throw err;
    }
    await this.outbox.deliver(CONTAINER, saved);
    return { review, created: true };
  }

  /** A case the actor may see; a tampered id or another tenant's case is "not found". */
  async get(actor: Actor, caseId: unknown): Promise<CaseReview> {
    if (!canView(actor)) throw forbidden(['business', 'chair', 'partner', 'lay'], 'see safeguarding case reviews');
    const c = await this.read(actor.tenantId, caseId);
    if (!c) throw notFound('That case review does not exist (or is not yours to see).');
    return c;
  }

  /** Reads without an actor: for the bot's own work (reminders, refreshing cards). */
  async read(tenantId: string, caseId: unknown): Promise<CaseReview | undefined> {
    if (typeof caseId !== 'string' || !CASE_ID.test(caseId)) return undefined;
    const doc = await this.store.read<CaseReview>(CONTAINER, tenantId, caseId);
    return doc && doc.tenantId === tenantId ? strip(doc) : undefined;
  }

  async getByRef(actor: Actor, text: string): Promise<CaseReview> {
    if (!canView(actor)) throw forbidden(['business', 'chair', 'partner', 'lay'], 'see safeguarding case reviews');
    let ref: string;
    try {
      ref = caseReference(text);
    } catch {
      throw invalid(`"${text.slice(0, 30)}" is not a case reference: they look like RR-2026-03.`);
    }
    const [doc] = await this.store.query<CaseReview>(CONTAINER, { partitionKey: actor.tenantId, where: [{ field: 'ref', op: '=', value: ref }], limit: 1 });
    if (!doc) throw notFound(`There is no case review ${ref}.`);
    return strip(doc);
  }

  /** Open case reviews, breaches first, then by nearest deadline. */
  async listOpen(actor: Actor): Promise<{ review: CaseReview; next?: CaseClock }[]> {
    if (!canView(actor)) throw forbidden(['business', 'chair', 'partner', 'lay'], 'see safeguarding case reviews');
    const docs = await this.store.query<CaseReview>(CONTAINER, { partitionKey: actor.tenantId });
    const rows = docs
      .map(strip)
      .filter(isOpen)
      .map((review) => ({ review, next: nearest(this.clocks(review)) }));
    const rank = (r: { next?: CaseClock }): number => (r.next?.state === 'breached' ? 0 : r.next ? 1 : 2);
    return rows.sort((a, b) => rank(a) - rank(b) || (a.next?.due ?? '9').localeCompare(b.next?.due ?? '9') || a.review.ref.localeCompare(b.review.ref));
  }

  async history(actor: Actor, caseId: unknown, limit = 20): Promise<{ review: CaseReview; entries: LogEntry[] }> {
    const review = await this.get(actor, caseId);
    const entries = (await this.log.recent(actor.tenantId, 1000, { entityId: review.id })).filter((e) => e.action.startsWith('case_review.')).slice(0, limit);
    return { review, entries };
  }

  /**
   * Takes one step: not found → closed → stale card → the rule itself. Replace with ETag, so of
   * two concurrent clicks on the same version one wins and the other is stale.
   */
  async step(actor: Actor, card: CaseCardRef, action: CaseAction, input: StepInput): Promise<CaseReview> {
    const found = await this.get(actor, card.caseId);
    if (typeof card.version !== 'number' || !Number.isInteger(card.version)) throw invalid("This card's data is not valid; nothing was changed.");
    const today = this.today();
    const saved = await updateWithRetry<CaseReview & OutboxFields>(this.store, CONTAINER, actor.tenantId, found.id, (current) => {
      if (!current) throw notFound('That case review does not exist.');
      const c = strip(current);
      if (!isOpen(c)) throw new DomainError('closed', `${c.ref} is ${rules.STAGE_LABELS[c.stage]}; nothing more can be done on it.`);
      if (c.version !== card.version) throw new DomainError('stale', 'This card was out of date; it now shows the latest. Nothing was changed.');
      const next: CaseReview = { ...rules.step(c, actor, action, input, today, { cal: this.calendar, settings: this.settings }), version: c.version + 1, updatedAt: this.clock.now().toISOString() };
      return this.outbox.stage(current, next, `${next.id}.v${next.version}`, [
        { kind: 'log', actor, input: { action: STEP_ACTIONS[action], entity: entityOf(next), before: summary(c), after: summary(next) } },
        ...this.reminderEffects(actor, next),
      ]);
    });
    await this.outbox.deliver(CONTAINER, saved!);
    return strip(saved!);
  }

  /**
   * The working day after a deadline: records the breach of `clockKey` if it is still unmet (as
   * the bot, once). Idempotent: returns the breached clock whether this call or an earlier one
   * recorded it, so a notice held or retried is never lost; undefined when there is no breach.
   */
  async recordBreach(tenantId: string, caseId: string, clockKey: ClockKey): Promise<{ review: CaseReview; clock: CaseClock; recorded: boolean } | undefined> {
    const today = this.today();
    let clock: CaseClock | undefined;
    let changed = false;
    const saved = await updateWithRetry<CaseReview & OutboxFields>(this.store, CONTAINER, tenantId, caseId, (current) => {
      changed = false;
      if (!current) return undefined;
      const c = strip(current);
      const k = rules.newBreaches(c, today, this.calendar, this.settings).find((x) => x.key === clockKey);
      clock = k;
      if (!k) return undefined;
      changed = true;
      const next: CaseReview = { ...c, breaches: { ...c.breaches, [clockKey]: today }, version: c.version + 1, updatedAt: this.clock.now().toISOString() };
      return this.outbox.stage(current, next, `${next.id}.v${next.version}`, [
        {
          kind: 'log',
          actor: { ...SYSTEM_ACTOR, tenantId },
          input: { action: 'case_review.breached', entity: entityOf(next), before: summary(c), after: `${summary(next)}: ${k.label} was due ${k.due}${k.doneOn ? ` and was done late, on ${k.doneOn}` : ''}` },
        },
      ]);
    });
    if (changed && saved && clock) {
      await this.outbox.deliver(CONTAINER, saved);
      return { review: strip(saved), clock, recorded: true };
    }
    const current = await this.read(tenantId, caseId);
    if (!current || !current.breaches[clockKey]) return undefined;
    const breached = this.clocks(current).find((k) => k.key === clockKey && (k.state === 'breached' || k.state === 'done_late'));
    return breached ? { review: current, clock: breached, recorded: false } : undefined;
  }

  /** Whether a deadline reminder still has something to say: the clock is still running. */
  async reminderStillDue(tenantId: string, caseId: unknown, clockKey: unknown): Promise<{ review: CaseReview; clock: CaseClock } | undefined> {
    const c = await this.read(tenantId, caseId);
    if (!c || !isOpen(c)) return undefined;
    const clock = this.clocks(c).find((k) => k.key === clockKey);
    return clock && (clock.state === 'running' || clock.state === 'due_soon') ? { review: c, clock } : undefined;
  }

  /**
   * Reminders follow the clocks: a clock that stopped (met, or the case closed) loses its pending
   * reminders; a running one has them at the configured working days before it is due, and a
   * breach check on the working day after. Scheduling is idempotent, so every change stages them
   * all again, in its own outbox.
   */
  private reminderEffects(actor: Actor, c: CaseReview): EffectSpec[] {
    const today = this.today();
    const entity = entityOf(c);
    const effects: EffectSpec[] = [];
    const cancel = (kindPrefix: string): EffectSpec => ({ kind: 'cancel', actor, tenantId: c.tenantId, entityId: c.id, kindPrefix });
    // Every case-review timer goes to the safeguarding-reviews channel, for this case.
    const schedule = (kind: string, date: string, handler: string, data: Record<string, unknown>, job = false): EffectSpec => ({
      kind: 'schedule',
      actor,
      spec: {
        tenantId: c.tenantId,
        entity,
        kind,
        date,
        target: { kind: 'purpose', purpose: 'safeguarding-reviews' },
        content: { kind: 'handler', handler, data: { caseId: c.id, ...data } },
        ...(job ? { job: true } : {}),
      },
    });
    for (const k of this.clocks(c)) {
      const running = isOpen(c) && !k.doneOn;
      if (!running) {
        // Its reminders stop; its breach check stays for a step done after the deadline, so the breach is still recorded and announced.
        const lateUnrecorded = k.state === 'done_late' && !c.breaches[k.key];
        for (const days of this.settings.reminderWorkingDays) effects.push(cancel(`${k.key}-${days}wd`));
        if (!lateUnrecorded) effects.push(cancel(`${k.key}-breach`));
        continue;
      }
      for (const days of this.settings.reminderWorkingDays) {
        const date = this.calendar.addWorkingDays(k.due, -days);
        if (date <= today) continue;
        effects.push(schedule(`${k.key}-${days}wd`, date, CASE_REVIEW_HANDLERS.reminder, { clock: k.key, days }));
      }
      // The breach check's date never moves (so re-syncing cannot make a second one). A clock
      // already breached when the case was entered (a case handed over from before) shows red on
      // its card but is history, not news: no announcement.
      const breachDay = this.calendar.nextWorkingDay(k.due);
      if (c.breaches[k.key] || breachDay < this.time.dateOf(new Date(c.createdAt))) continue;
      // A job: recorded at its instant whatever pauses and quiet hours; the announcement then waits for them.
      effects.push(schedule(`${k.key}-breach`, breachDay, CASE_REVIEW_HANDLERS.breach, { clock: k.key }, true));
    }
    return effects;
  }
}

/** The clock that matters most now: the first breached one, else the nearest running one. */
export function nearest(clocks: CaseClock[]): CaseClock | undefined {
  const live = clocks.filter((k) => k.state === 'breached' || k.state === 'running' || k.state === 'due_soon');
  return live.find((k) => k.state === 'breached') ?? [...live].sort((a, b) => a.due.localeCompare(b.due))[0];
}

function entityOf(c: CaseReview): { type: string; id: string; ref: string } {
  return { type: 'case-review', id: c.id, ref: c.ref };
}

/** The case as the domain sees it: no ETag, no pending effects. */
function strip(doc: Stored<CaseReview> | CaseReview): CaseReview {
  return withoutOutbox(withoutEtag<CaseReview>(doc));
}
