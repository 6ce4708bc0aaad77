import type { CaseReviewCardData, CaseStepForm } from '../../cards/case-reviews/case-review';
import { CardColour, NEAR_DAYS, deadlineColour } from '../../cards/deadline-colour';
import { progressBar } from '../../cards/render';
import {
  ACTION_LABELS,
  CaseAction,
  CaseClock,
  CaseReview,
  DECISION_LABELS,
  PANEL_LABELS,
  STAGE_LABELS,
  availableActions,
  isOpen,
  nextStep,
} from '../../services/case-reviews/case-review';
import type { Actor } from '../../services/directory/roles';
import type { LogEntry } from '../../services/log/audit-log';
import { CalendarTime, formatDate } from '../../services/time';

export interface CaseViewExtras {
  notice?: string;
  noticeColor?: CaseReviewCardData['noticeColor'];
  history?: LogEntry[];
}

export const KIND_LABELS = { child: 'Serious child safeguarding incident', adult: 'Safeguarding Adults Review (Care Act 2014 s.44)' } as const;

/**
 * A clock's colour by the shared rule: done (late or not) is Good, a breach red, amber within
 * NEAR_DAYS.caseReviewWorkingDays working days; a running clock is Accent on the case card.
 */
export function caseClockColour(k: CaseClock, calm: 'Accent' | 'Default' = 'Accent'): CardColour {
  if (k.state === 'done' || k.state === 'done_late') return 'Good';
  return deadlineColour({ daysLeft: k.state === 'breached' ? Math.min(-1, k.workingDaysLeft) : k.workingDaysLeft, nearDays: NEAR_DAYS.caseReviewWorkingDays }, calm);
}

/** Each step's button, and what the confirmation says was recorded. */
export const STEP_BUTTONS: Record<CaseAction, { button: string; done: string }> = {
  notify: { button: 'Panel notified', done: 'the Panel was notified' },
  decide: { button: 'Record the decision', done: 'the decision' },
  panel: { button: "Panel's response", done: "the Panel's response" },
  commission: { button: 'Reviewer commissioned', done: 'the reviewer commissioned' },
  terms: { button: 'Terms of reference agreed', done: 'the terms of reference agreed' },
  draft: { button: 'Draft received', done: 'the draft report received' },
  final: { button: 'Final report sent', done: 'the final report sent to the Panel and the Secretary of State' },
  report: { button: 'Report received', done: 'the report received' },
  publish: { button: 'Published', done: 'the report published' },
  close: { button: 'Close', done: 'the case review closed' },
};

/** The form behind each step's button: which inputs it needs. */
function stepForm(c: CaseReview, action: CaseAction): CaseStepForm {
  const base: CaseStepForm = {
    action,
    title: STEP_BUTTONS[action].button,
    prompt: `${ACTION_LABELS[action].replace(/^./, (x) => x.toUpperCase())}.`,
    outcomeLabel: '',
    outcomes: [],
    reviewer: false,
    reason: false,
    reasonRequired: false,
    reasonLabel: '',
  };
  switch (action) {
    case 'decide': {
      const values = c.kind === 'child' ? (['local_review', 'no_review', 'national_review'] as const) : (['commission_sar', 'no_sar'] as const);
      return {
        ...base,
        prompt: c.kind === 'child' ? "The rapid review's outcome, as sent to the national Panel:" : 'Whether to commission a Safeguarding Adults Review:',
        outcomeLabel: 'Decision',
        outcomes: values.map((v) => ({ title: DECISION_LABELS[v].replace(/^./, (x) => x.toUpperCase()), value: v })),
        reason: true,
        reasonLabel: 'Reason (required when there is to be no review)',
      };
    }
    case 'panel':
      return {
        ...base,
        outcomeLabel: "The Panel's response",
        outcomes: (Object.keys(PANEL_LABELS) as (keyof typeof PANEL_LABELS)[]).map((v) => ({ title: PANEL_LABELS[v].replace(/^./, (x) => x.toUpperCase()), value: v })),
      };
    case 'commission':
      return { ...base, reviewer: true };
    case 'close':
      return { ...base, reason: true, reasonRequired: true, reasonLabel: 'Why the case review is closed' };
    default:
      return base;
  }
}

/** The card's data for one viewer (undefined: the base view, with no step buttons). */
export function caseCardData(c: CaseReview, viewer: Actor | undefined, today: string, clocks: CaseClock[], time: CalendarTime, extras: CaseViewExtras = {}): Omit<CaseReviewCardData, 'verbs'> {
  const m = c.milestones;
  const facts: { title: string; value: string }[] = [
    { title: 'Stage', value: STAGE_LABELS[c.stage] },
    { title: c.kind === 'child' ? 'Became aware' : 'Referral', value: formatDate(m.started) },
  ];
  const dated: [keyof typeof m, string][] = [
    ['notified', 'Panel notified'],
    ['decided', 'Decision'],
    ['panelResponded', "Panel's response"],
    ['commissioned', 'Reviewer commissioned'],
    ['termsAgreed', 'Terms of reference agreed'],
    ['draftReceived', 'Draft received'],
    ['finalSent', 'Final report sent'],
    ['reportReceived', 'Report received'],
    ['published', 'Published'],
    ['closed', 'Closed'],
  ];
  for (const [key, title] of dated) {
    const date = m[key];
    if (!date) continue;
    let value = formatDate(date);
    if (key === 'decided' && c.decision) value += `: ${DECISION_LABELS[c.decision]}`;
    if (key === 'panelResponded' && c.panelResponse) value += `: ${PANEL_LABELS[c.panelResponse]}`;
    if (key === 'commissioned' && c.reviewer) value += ` (${c.reviewer})`;
    facts.push({ title, value });
  }
  if (c.reason) facts.push({ title: 'Reason', value: c.reason });
  const breached = clocks.filter((k) => k.state === 'breached');
  const recorded = Object.entries(c.breaches).map(([key, on]) => `${clocks.find((k) => k.key === key)?.label ?? key} (recorded ${formatDate(on)})`);
  const milestoneDates = Object.values(m).filter((d): d is string => !!d).sort();
  return {
    caseId: c.id,
    version: c.version,
    ref: c.ref,
    kindLabel: KIND_LABELS[c.kind],
    headline: isOpen(c) ? `${STAGE_LABELS[c.stage].replace(/^./, (x) => x.toUpperCase())} — ${nextStep(c)}` : `${STAGE_LABELS[c.stage].replace(/^./, (x) => x.toUpperCase())}: nothing more to do`,
    notice: extras.notice ?? '',
    noticeColor: extras.noticeColor ?? 'Warning',
    breachText: breached.length
      ? `BREACH: ${breached.map((k) => `${k.label} was due ${formatDate(k.due)}`).join('; ')}.`
      : recorded.length
        ? `Breach recorded: ${recorded.join('; ')}.`
        : '',
    clocks: clocks.map((k) => ({ label: k.label, text: k.text, bar: progressBar(k.fraction), color: caseClockColour(k) })),
    facts,
    steps: availableActions(c, viewer).map((a) => stepForm(c, a)),
    today,
    earliest: milestoneDates[milestoneDates.length - 1] ?? m.started,
    showHistory: extras.history !== undefined,
    history: (extras.history ?? []).map((e) => ({
      when: time.formatInstant(new Date(e.at)),
      who: e.actor.name,
      what: `${e.action.replace(/^case_review\./, '').replace(/_/g, ' ')}${e.after ? `: ${e.after}` : ''}`,
    })),
  };
}

/** One row of `case reviews`: the clock that matters most now. */
export function clockLine(k: CaseClock | undefined): { line: string; color: 'Attention' | 'Warning' | 'Default' } {
  if (!k) return { line: 'no clock running', color: 'Default' };
  if (k.state === 'breached') return { line: `BREACH: ${k.label} — ${k.text}`, color: 'Attention' };
  const color = caseClockColour(k, 'Default');
  return { line: `${k.label} — ${k.text}`, color: color === 'Attention' || color === 'Warning' ? color : 'Default' };
}
