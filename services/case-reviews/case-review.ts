import { DomainError, forbidden, invalid } from '../errors';
import { Actor, Role, hasRole } from '../directory/roles';
import { addMonths, formatDate, isIsoDate } from '../time';
import type { WorkingCalendar } from '../working-days';
import { caseReference, cleanCaseText } from './personal-data';

/**
 * A safeguarding case review (DOMAIN.md §5) and the pure rules of its lifecycle, in the shape of
 * the disputes rules: each step returns the next state or throws a DomainError, and touches
 * nothing else. Children: notification → rapid review → decision → local child safeguarding
 * practice review (commissioned, terms agreed, draft, final report to the Panel, published) or
 * no further review. Adults (Care Act 2014 s.44): referral → decision → commissioned → terms
 * agreed → report → published. Only an anonymised case reference is held.
 */
export type CaseKind = 'child' | 'adult';

export type CaseStage =
  | 'notification'
  | 'rapid_review'
  | 'awaiting_panel'
  | 'referral'
  | 'commissioning'
  | 'terms'
  | 'draft'
  | 'final_report'
  | 'report'
  | 'publication'
  | 'published'
  | 'closed';

export const STAGE_LABELS: Record<CaseStage, string> = {
  notification: 'Panel to be notified',
  rapid_review: 'rapid review under way',
  awaiting_panel: "awaiting the Panel's response",
  referral: 'referral received: decide whether to commission a review',
  commissioning: 'reviewer to be commissioned',
  terms: 'terms of reference to be agreed',
  draft: 'review under way: draft report awaited',
  final_report: 'final report to go to the Panel and the Secretary of State',
  report: 'review under way: report awaited',
  publication: 'report to be published',
  published: 'published',
  closed: 'closed',
};

export const TERMINAL_STAGES: CaseStage[] = ['published', 'closed'];

/** The rapid review's decision (children) or the decision whether to commission a SAR (adults). */
export type CaseDecision = 'local_review' | 'no_review' | 'national_review' | 'commission_sar' | 'no_sar';

export const DECISION_LABELS: Record<CaseDecision, string> = {
  local_review: 'a local child safeguarding practice review',
  no_review: 'no further review',
  national_review: 'recommend that the Panel consider a national review',
  commission_sar: 'commission a Safeguarding Adults Review',
  no_sar: 'no Safeguarding Adults Review',
};

/** What the national Panel answered to a rapid review. */
export type PanelResponse = 'agrees' | 'local_review' | 'national_review';

export const PANEL_LABELS: Record<PanelResponse, string> = {
  agrees: "the Panel agrees with the partnership's decision",
  local_review: 'the Panel asks for a local review',
  national_review: 'the Panel will carry out a national review',
};

/** Each step records the date it happened (handed-over cases are entered with their real dates). */
export interface CaseMilestones {
  /** Children: the local authority became aware of the serious incident. Adults: the referral. */
  started: string;
  notified?: string;
  decided?: string;
  panelResponded?: string;
  commissioned?: string;
  termsAgreed?: string;
  draftReceived?: string;
  finalSent?: string;
  reportReceived?: string;
  published?: string;
  closed?: string;
}

export interface CaseReview {
  id: string;
  tenantId: string;
  /** The anonymised case reference, e.g. `RR-2026-03`; the only identifier ever stored. */
  ref: string;
  kind: CaseKind;
  stage: CaseStage;
  /** Bumped on every change; card buttons carry it, so a stale click is refused. */
  version: number;
  milestones: CaseMilestones;
  decision?: CaseDecision;
  panelResponse?: PanelResponse;
  /** Who was commissioned to lead the review (a reviewer or organisation, never the subject). */
  reviewer?: string;
  /** Why no review, or other closing note. */
  reason?: string;
  /** Clock key → the date its breach was recorded. */
  breaches: Partial<Record<ClockKey, string>>;
  createdBy: { aadObjectId: string; name: string };
  createdAt: string;
  updatedAt: string;
}

/** The statutory clocks; each a setting (CASE_* in services/config.ts). */
export interface CaseClockSettings {
  notificationWorkingDays: number;
  rapidReviewWorkingDays: number;
  localReviewMonths: number;
  finalReportWorkingDays: number;
  sarMonths: number;
}

export const DEFAULT_CASE_CLOCKS: CaseClockSettings = {
  notificationWorkingDays: 5,
  rapidReviewWorkingDays: 15,
  localReviewMonths: 6,
  finalReportWorkingDays: 7,
  sarMonths: 6,
};

export type ClockKey = 'notification' | 'rapid_review' | 'final_report' | 'publication' | 'sar';

export interface CaseClock {
  key: ClockKey;
  label: string;
  /** The date by which it must be done. */
  due: string;
  /** The milestone that stops it. */
  doneOn?: string;
  /** Working days from today to the due date (negative once passed). */
  workingDaysLeft: number;
  /** How far through the clock today is, 0..1 (1 once due). */
  fraction: number;
  state: 'done' | 'done_late' | 'running' | 'due_soon' | 'breached';
  /** "3 working days left", "due today", "2 working days overdue", "done on Tue 3 Mar 2026". */
  text: string;
}

/** The clocks of a case, as far as its stage defines them (a local review's clocks start with the decision). */
export function clocksOf(c: CaseReview, today: string, cal: WorkingCalendar, s: CaseClockSettings, dueSoonDays = 3): CaseClock[] {
  const m = c.milestones;
  const defs: { key: ClockKey; label: string; from: string; due: string; doneOn?: string }[] = [];
  if (c.kind === 'child') {
    defs.push({ key: 'notification', label: 'Notify the national Panel', from: m.started, due: cal.addWorkingDays(m.started, s.notificationWorkingDays), doneOn: m.notified });
    defs.push({ key: 'rapid_review', label: 'Rapid review to the Panel', from: m.started, due: cal.addWorkingDays(m.started, s.rapidReviewWorkingDays), doneOn: m.decided });
    const localFrom = localReviewStart(c);
    if (localFrom) {
      const publicationDue = addMonths(localFrom, s.localReviewMonths);
      // The final report goes to the Panel and the Secretary of State at least N working days before publication.
      const finalDue = cal.addWorkingDays(publicationDue, -s.finalReportWorkingDays);
      defs.push({ key: 'final_report', label: 'Final report to the Panel and the Secretary of State', from: localFrom, due: finalDue, doneOn: m.finalSent });
      defs.push({ key: 'publication', label: 'Local review published', from: localFrom, due: publicationDue, doneOn: m.published });
    }
  } else if (c.decision === 'commission_sar' && m.decided) {
    defs.push({ key: 'sar', label: 'Safeguarding Adults Review published', from: m.decided, due: addMonths(m.decided, s.sarMonths), doneOn: m.published });
  }
  return defs.map((d) => clock(d, today, cal, dueSoonDays, c.stage === 'closed' ? (m.closed ?? today) : undefined));
}

function clock(
  d: { key: ClockKey; label: string; from: string; due: string; doneOn?: string },
  today: string,
  cal: WorkingCalendar,
  dueSoonDays: number,
  stoppedOn: string | undefined,
): CaseClock {
  const end = d.doneOn ?? stoppedOn;
  const at = end ?? today;
  const workingDaysLeft = cal.workingDaysBetween(at, d.due);
  const span = Math.max(1, cal.workingDaysBetween(d.from, d.due));
  const fraction = Math.min(1, Math.max(0, cal.workingDaysBetween(d.from, at) / span));
  const base = { key: d.key, label: d.label, due: d.due, workingDaysLeft, fraction };
  if (d.doneOn) {
    const late = d.doneOn > d.due;
    return { ...base, doneOn: d.doneOn, fraction: 1, state: late ? 'done_late' : 'done', text: `done on ${formatDate(d.doneOn)}${late ? ' (late)' : ''}` };
  }
  if (stoppedOn) return { ...base, state: 'done', text: 'not needed: the case is closed' };
  if (today > d.due) {
    const over = -workingDaysLeft;
    return { ...base, fraction: 1, state: 'breached', text: `${over <= 0 ? 'overdue' : `${over} working day${over === 1 ? '' : 's'} overdue`} (due ${formatDate(d.due)})` };
  }
  const text = today === d.due ? 'due today' : `${workingDaysLeft} working day${workingDaysLeft === 1 ? '' : 's'} left (due ${formatDate(d.due)})`;
  return { ...base, state: workingDaysLeft <= dueSoonDays ? 'due_soon' : 'running', text };
}

/** The date a local child safeguarding practice review was decided on, if one is under way. */
function localReviewStart(c: CaseReview): string | undefined {
  if (c.decision === 'local_review') return c.milestones.decided;
  if (c.panelResponse === 'local_review') return c.milestones.panelResponded;
  return undefined;
}

export const isOpen = (c: Pick<CaseReview, 'stage'>): boolean => !TERMINAL_STAGES.includes(c.stage);

/** The steps a person can take; the card shows exactly the ones they may take now. */
export type CaseAction = 'notify' | 'decide' | 'panel' | 'commission' | 'terms' | 'draft' | 'final' | 'report' | 'publish' | 'close';

export const ACTION_LABELS: Record<CaseAction, string> = {
  notify: 'record that the Panel was notified',
  decide: 'record the decision',
  panel: "record the Panel's response",
  commission: 'record the reviewer commissioned',
  terms: 'record the terms of reference agreed',
  draft: 'record the draft report received',
  final: 'record the final report sent to the Panel and the Secretary of State',
  report: 'record the report received',
  publish: 'record the report published',
  close: 'close the case review with a reason',
};

/** Steps are for the Business Team and the chair; decisions are the Executive Board's (the chair and the partners). */
const ROLES_FOR: Record<CaseAction, Role[]> = {
  notify: ['business', 'chair'],
  decide: ['chair', 'partner'],
  panel: ['business', 'chair'],
  commission: ['business', 'chair'],
  terms: ['business', 'chair'],
  draft: ['business', 'chair'],
  final: ['business', 'chair'],
  report: ['business', 'chair'],
  publish: ['business', 'chair'],
  close: ['business', 'chair'],
};

/** The stages in which each step is part of the lifecycle. */
const ALLOWED_IN: Record<CaseAction, CaseStage[]> = {
  notify: ['notification'],
  decide: ['rapid_review', 'referral'],
  panel: ['awaiting_panel', 'commissioning', 'terms', 'draft', 'final_report', 'publication'],
  commission: ['commissioning'],
  terms: ['terms'],
  draft: ['draft'],
  final: ['final_report'],
  report: ['report'],
  publish: ['publication'],
  close: ['notification', 'rapid_review', 'awaiting_panel', 'referral', 'commissioning', 'terms', 'draft', 'final_report', 'report', 'publication'],
};

/** Only the reviews subgroup's business: who may see a case review at all. */
export function canView(actor: Actor): boolean {
  return hasRole(actor, 'business', 'chair', 'partner', 'lay');
}

/** Why `actor` may not take `action` now, or undefined if they may. */
export function refusal(c: CaseReview, actor: Actor, action: CaseAction): DomainError | undefined {
  if (!isOpen(c)) return new DomainError('closed', `${c.ref} is ${STAGE_LABELS[c.stage]}; nothing more can be done on it.`);
  if (!hasRole(actor, ...ROLES_FOR[action])) return forbidden(ROLES_FOR[action], ACTION_LABELS[action]);
  if (!ALLOWED_IN[action].includes(c.stage) || (action === 'panel' && (c.kind !== 'child' || c.panelResponse !== undefined)))
    return new DomainError('invalid', `You can't ${ACTION_LABELS[action]} while ${c.ref} is at "${STAGE_LABELS[c.stage]}".`);
  if (action === 'draft' && c.kind !== 'child') return new DomainError('invalid', `You can't ${ACTION_LABELS[action]} on a Safeguarding Adults Review.`);
  return undefined;
}

export function availableActions(c: CaseReview, actor: Actor | undefined): CaseAction[] {
  if (!actor) return [];
  return (Object.keys(ACTION_LABELS) as CaseAction[]).filter((a) => !refusal(c, actor, a));
}

function guard(c: CaseReview, actor: Actor, action: CaseAction): void {
  const err = refusal(c, actor, action);
  if (err) throw err;
}

/** The newest milestone date so far: a step cannot be dated before it. */
function latestMilestone(c: CaseReview): string {
  return Object.values(c.milestones).reduce((a: string, b) => (b && b > a ? b : a), c.milestones.started);
}

/** A step's date: a real date, not in the future, not before the case's previous step. */
function stepDate(c: CaseReview | undefined, value: unknown, today: string, field = 'date'): string {
  if (!isIsoDate(value)) throw invalid('Pick the date it happened.', field);
  if (value > today) throw invalid(`${formatDate(value)} is in the future: record a step once it has happened.`, field);
  if (c && value < latestMilestone(c))
    throw invalid(`${formatDate(value)} is before the case's previous step (${formatDate(latestMilestone(c))}).`, field);
  return value;
}

export interface NewCaseInput {
  reference: unknown;
  kind: unknown;
  /** Children: the date the local authority became aware; adults: the referral date. */
  started: unknown;
}

/** A new case review; the first stage follows from its kind. */
export function openCase(
  input: NewCaseInput,
  actor: Actor,
  today: string,
  meta: { id: string; tenantId: string; now: string },
): CaseReview {
  if (!hasRole(actor, 'business', 'chair')) throw forbidden(['business', 'chair'], 'record a case review');
  const ref = caseReference(input.reference);
  if (input.kind !== 'child' && input.kind !== 'adult') throw invalid('Say whether this is a child safeguarding incident or a Safeguarding Adults Review referral.', 'kind');
  const started = stepDate(undefined, input.started, today, 'started');
  return {
    id: meta.id,
    tenantId: meta.tenantId,
    ref,
    kind: input.kind,
    stage: input.kind === 'child' ? 'notification' : 'referral',
    version: 1,
    milestones: { started },
    breaches: {},
    createdBy: { aadObjectId: actor.aadObjectId, name: actor.name },
    createdAt: meta.now,
    updatedAt: meta.now,
  };
}

export interface StepInput {
  date: unknown;
  /** For `decide`: the decision. For `panel`: the Panel's response. */
  outcome?: unknown;
  /** For `commission`: who leads the review. */
  reviewer?: unknown;
  /** For a decision of no review, and for `close`. */
  reason?: unknown;
}

/** Takes one step of the lifecycle. */
export function step(
  c: CaseReview,
  actor: Actor,
  action: CaseAction,
  input: StepInput,
  today: string,
  rules: { cal: WorkingCalendar; settings: CaseClockSettings },
): CaseReview {
  guard(c, actor, action);
  const date = stepDate(c, input.date, today);
  const m = { ...c.milestones };
  const next = (stage: CaseStage, extra: Partial<CaseReview> = {}): CaseReview => ({ ...c, ...extra, stage, milestones: m });
  switch (action) {
    case 'notify':
      m.notified = date;
      return next('rapid_review');
    case 'decide':
      return decide(c, input, date, m);
    case 'panel': {
      const response = input.outcome;
      if (response !== 'agrees' && response !== 'local_review' && response !== 'national_review') throw invalid("Choose the Panel's response.", 'outcome');
      m.panelResponded = date;
      if (c.stage !== 'awaiting_panel') return next(c.stage, { panelResponse: response });
      if (response === 'local_review') return next('commissioning', { panelResponse: response });
      m.closed = date;
      return next('closed', { panelResponse: response, reason: response === 'national_review' ? 'The national Panel is carrying out a national review.' : c.reason });
    }
    case 'commission': {
      const reviewer = cleanCaseText(input.reviewer, 'reviewer', 'reviewer', 200);
      if (!reviewer) throw invalid('Name the reviewer or organisation commissioned to lead the review.', 'reviewer');
      m.commissioned = date;
      return next('terms', { reviewer });
    }
    case 'terms':
      m.termsAgreed = date;
      return next(c.kind === 'child' ? 'draft' : 'report');
    case 'draft':
      m.draftReceived = date;
      return next('final_report');
    case 'final':
      m.finalSent = date;
      return next('publication');
    case 'report':
      m.reportReceived = date;
      return next('publication');
    case 'publish':
      if (c.kind === 'child' && m.finalSent && rules.cal.workingDaysBetween(m.finalSent, date) < rules.settings.finalReportWorkingDays) {
        const earliest = rules.cal.addWorkingDays(m.finalSent, rules.settings.finalReportWorkingDays);
        throw invalid(
          `The final report went to the Panel and the Secretary of State on ${formatDate(m.finalSent)}: it must be with them at least ${rules.settings.finalReportWorkingDays} working days before publication, so publish on or after ${formatDate(earliest)}.`,
          'date',
        );
      }
      m.published = date;
      return next('published');
    case 'close': {
      const reason = cleanCaseText(input.reason, 'reason', 'reason');
      if (!reason) throw invalid('Say why the case review is closed.', 'reason');
      m.closed = date;
      return next('closed', { reason });
    }
  }
}

function decide(c: CaseReview, input: StepInput, date: string, m: CaseMilestones): CaseReview {
  const decision = input.outcome;
  const allowed: CaseDecision[] = c.kind === 'child' ? ['local_review', 'no_review', 'national_review'] : ['commission_sar', 'no_sar'];
  if (typeof decision !== 'string' || !(allowed as string[]).includes(decision)) throw invalid('Choose the decision.', 'outcome');
  const d = decision as CaseDecision;
  const reason = cleanCaseText(input.reason, 'reason', 'reason');
  if ((d === 'no_review' || d === 'no_sar') && !reason) throw invalid('Record why no review is needed.', 'reason');
  m.decided = date;
  const base = { ...c, milestones: m, decision: d, ...(reason ? { reason } : {}) };
  switch (d) {
    case 'local_review':
      return { ...base, stage: 'commissioning' };
    case 'no_review':
    case 'national_review':
      // The Panel's response is awaited before the case closes (or a local review starts).
      return { ...base, stage: 'awaiting_panel' };
    case 'commission_sar':
      return { ...base, stage: 'commissioning' };
    case 'no_sar':
      m.closed = date;
      return { ...base, stage: 'closed' };
  }
}

/**
 * The clocks breached with no breach recorded yet, each recorded once: passed unmet while the case
 * is open, or met only after their deadline (a late step is a breach too, even if it came before
 * the check did).
 */
export function newBreaches(c: CaseReview, today: string, cal: WorkingCalendar, s: CaseClockSettings): CaseClock[] {
  return clocksOf(c, today, cal, s).filter((k) => !c.breaches[k.key] && (k.state === 'done_late' || (k.state === 'breached' && isOpen(c))));
}

/** Who acts next, for the status line. */
export function nextStep(c: CaseReview): string {
  switch (c.stage) {
    case 'notification':
      return 'next: the Business Team (notify the national Panel)';
    case 'rapid_review':
      return 'next: the Executive Board (decide on the rapid review and send it to the Panel)';
    case 'referral':
      return 'next: the Executive Board (decide whether to commission a review)';
    case 'awaiting_panel':
      return "next: the Business Team (record the Panel's response)";
    case 'commissioning':
      return 'next: the Business Team (commission a reviewer)';
    case 'terms':
      return 'next: the Business Team (agree the terms of reference)';
    case 'draft':
      return 'next: the reviewer (draft report)';
    case 'report':
      return 'next: the reviewer (report)';
    case 'final_report':
      return 'next: the Business Team (send the final report to the Panel and the Secretary of State)';
    case 'publication':
      return 'next: the Business Team (publish the report)';
    case 'published':
    case 'closed':
      return 'nothing more to do';
  }
}

/** One line for the log's before/after: the stage and the dates, never case details beyond the reference. */
export function summary(c: CaseReview): string {
  const parts = [`${c.kind === 'child' ? 'child' : 'adult'}: ${STAGE_LABELS[c.stage]}`];
  const m = c.milestones;
  for (const [key, value] of Object.entries(m)) if (value) parts.push(`${key} ${value}`);
  if (c.decision) parts.push(`decision ${c.decision}`);
  if (c.panelResponse) parts.push(`panel ${c.panelResponse}`);
  const breached = Object.keys(c.breaches);
  if (breached.length) parts.push(`BREACH ${breached.join(', ')}`);
  return parts.join('; ');
}

