import type { Actor } from '../directory/roles';
import { DomainError, invalid } from '../errors';
import { cleanText } from '../input';
import { formatDate, isIsoDate } from '../time';
import { STAGES, impactCheckDates, reviewEndDate, stageDates } from './dates';
import { ImpactCheck, PersonRef, Review } from './review';

/**
 * The pure rules of a hub focused review (DOMAIN.md §2): what each change may do and what it
 * makes of the review, given the facts the service has read. No store, no clock, no reminders:
 * each rule takes "today" and "now" and returns the next review and its log line, or refuses.
 */

/** A change's log line; the service adds the entity. */
export interface LogLine {
  action: string;
  before?: string;
  after?: string;
}

/** What a rule decides: the next review (version not yet bumped) and what the log says of it. */
export interface Decision {
  next: Review;
  log: LogLine;
}

/** What every rule is told about the moment. */
export interface RuleContext {
  /** The local calendar date (yyyy-mm-dd). */
  today: string;
  /** The instant, ISO. */
  now: string;
  /** How an instant is shown to people ("2 March 2026, 10:00"). */
  formatInstant: (iso: string) => string;
}

export const personRef = (p: Pick<Actor, 'aadObjectId' | 'name' | 'organisation'>): PersonRef => ({
  aadObjectId: p.aadObjectId,
  name: p.name,
  ...(p.organisation ? { organisation: p.organisation } : {}),
});

/** A trimmed text field between `min` and `max` characters, refused with a message naming it. */
export const text = (value: unknown, field: string, label: string, min: number, max: number): string => {
  const s = cleanText(value);
  if (s.length < min) throw invalid(min <= 1 ? `Please fill in ${label}.` : `${label[0].toUpperCase()}${label.slice(1)} needs at least ${min} characters.`, field);
  if (s.length > max) throw invalid(`${label[0].toUpperCase()}${label.slice(1)} is too long (at most ${max} characters).`, field);
  return s;
};

/** Themes compare without case and punctuation, so "Neglect" and "neglect!" collide. */
export const normaliseTheme = (theme: string): string => theme.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Parses a card toggle ("true"/"false") or boolean. */
const toggle = (value: unknown): boolean => value === true || value === 'true';

/** The planned learning event: the given date, or the review's last day when none is given. */
export function learningEventDate(value: unknown, startDate: string, endDate: string): string {
  if (value === undefined || value === null || value === '') return endDate;
  if (!isIsoDate(value)) throw invalid('Give the learning event date as a date (yyyy-mm-dd), or leave it empty.', 'learningEventDate');
  if (value < startDate) throw invalid('The learning event cannot be planned before the review starts.', 'learningEventDate');
  return value;
}

/** Signs off a stage. `submitted` counts the recommendations the intake holds for it (only stage 4 needs them). */
export function signOff(review: Review, actor: Actor, input: { stage: unknown; note: unknown; noRecommendationsReason?: unknown }, submitted: number, ctx: RuleContext): Decision {
  const n = signOffStage(review, input.stage, ctx);
  const name = `Stage ${n} (${STAGES[n - 1].name})`;
  const note = text(input.note, 'note', 'a sign-off note', 1, 2000);
  let reason = review.noRecommendationsReason;
  if (n === 4) {
    const given = typeof input.noRecommendationsReason === 'string' ? input.noRecommendationsReason.trim() : '';
    if (given) reason = text(given, 'noRecommendationsReason', 'the reason for no recommendations', 3, 2000);
    if (submitted === 0 && !reason)
      throw invalid('Stage 4 needs at least one recommendation submitted to the Executive Board, or a reason why there are none.', 'noRecommendationsReason');
  }
  const stages = review.stages.map((s) => (s.number === n ? { ...s, signedOff: { by: personRef(actor), at: ctx.now, note } } : s));
  return {
    next: { ...review, stages, ...(reason ? { noRecommendationsReason: reason } : {}) },
    log: { action: 'review.stage-signed-off', before: `${name}: open`, after: `${name}: signed off: ${note}` },
  };
}

/** The stage number a sign-off card names, refused unless that stage can be signed off today. */
export function signOffStage(review: Review, value: unknown, ctx: RuleContext): 1 | 2 | 3 | 4 {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw invalid('This card does not name a stage the review has.', 'stage');
  const stage = review.stages[n - 1];
  const name = `Stage ${n} (${STAGES[n - 1].name})`;
  if (stage.signedOff) throw invalid(`${name} was already signed off by ${stage.signedOff.by.name} on ${ctx.formatInstant(stage.signedOff.at)}.`, 'stage');
  const previous = review.stages[n - 2];
  if (previous && !previous.signedOff) throw invalid(`Stage ${n - 1} (${STAGES[n - 2].name}) must be signed off before ${name.toLowerCase()}.`, 'stage');
  if (ctx.today < stage.start) throw invalid(`${name} starts on ${formatDate(stage.start)}; it can be signed off from then.`, 'stage');
  return n as 1 | 2 | 3 | 4;
}

export function recordLearningEvent(review: Review, actor: Actor, input: { date: unknown; attendees: unknown; scrutineer: unknown }, ctx: RuleContext): Decision {
  if (review.learningEvent) throw invalid(`The learning event was already recorded (${formatDate(review.learningEvent.date)}).`, 'date');
  if (!isIsoDate(input.date)) throw invalid('Give the date of the learning event (yyyy-mm-dd).', 'date');
  if (input.date > ctx.today) throw invalid('Record the learning event once it has taken place (the date is in the future).', 'date');
  if (input.date < review.startDate) throw invalid(`The learning event cannot be before the review started (${formatDate(review.startDate)}).`, 'date');
  // A blank string is Number('') = 0, refused below like any count under 1.
  const attendees = typeof input.attendees === 'number' || typeof input.attendees === 'string' ? Number(input.attendees) : NaN;
  if (!Number.isInteger(attendees) || attendees < 1 || attendees > 10000) throw invalid('Give the number of attendees as a whole number.', 'attendees');
  const scrutineerTookPart = toggle(input.scrutineer);
  return {
    next: { ...review, learningEvent: { date: input.date, attendees, scrutineerTookPart, recordedBy: personRef(actor), at: ctx.now } },
    log: {
      action: 'review.learning-event',
      after: `held ${formatDate(input.date)}; ${attendees} attended; independent scrutineer ${scrutineerTookPart ? 'took part' : 'did not take part'}`,
    },
  };
}

/** Refuses a recommendation that cannot be submitted from the review now (before stage 4, after its sign-off, a repeat). */
export function checkRecommendation(review: Review, title: string, ctx: RuleContext): void {
  if (ctx.today < review.stages[3].start) throw invalid(`Recommendations are submitted in stage 4, which starts on ${formatDate(review.stages[3].start)}.`, 'title');
  if (review.stages[3].signedOff) throw invalid('Stage 4 is already signed off.', 'title');
  if (review.recommendations.some((r) => r.title.toLowerCase() === title.toLowerCase())) throw invalid(`"${title}" was already submitted from this review.`, 'title');
}

export function recordImpactFindings(review: Review, actor: Actor, input: { months: unknown; findings: unknown }, ctx: RuleContext): Decision & { months: number } {
  if (review.status !== 'completed') throw new DomainError('not_yet', `${review.ref} is not complete yet: impact checks follow its completion.`);
  const months = Number(input.months);
  const check = review.impactChecks.find((c) => c.months === months);
  if (!check) throw invalid('This card does not name an impact check of this review.', 'months');
  if (check.findings) throw invalid(`The ${months}-month impact check was already recorded by ${check.findings.by.name}.`, 'months');
  if (ctx.today < check.date) throw invalid(`The ${months}-month impact check is due on ${formatDate(check.date)}.`, 'months');
  const findings = text(input.findings, 'findings', 'the findings', 3, 4000);
  const impactChecks: ImpactCheck[] = review.impactChecks.map((c) => (c.months === months ? { ...c, findings: { text: findings, by: personRef(actor), at: ctx.now } } : c));
  return {
    months,
    next: { ...review, impactChecks },
    log: { action: 'review.impact-check', before: `${months}-month impact check: due`, after: `${months}-month impact check: ${findings}` },
  };
}

/** The new dates of a review moved to start on `value`, while no stage is signed off. The caller checks theme collisions. */
export function reschedule(review: Review, value: unknown, ctx: RuleContext): Decision {
  if (review.stages.some((s) => s.signedOff)) throw invalid('Stage 1 is already signed off, so the dates can no longer move.', 'startDate');
  if (!isIsoDate(value)) throw invalid('Give the new start date (yyyy-mm-dd).', 'startDate');
  const startDate = value;
  if (startDate === review.startDate) throw invalid(`${review.ref} already starts on ${formatDate(startDate)}.`, 'startDate');
  const endDate = reviewEndDate(startDate);
  if (endDate < ctx.today) throw invalid(`A review starting ${formatDate(startDate)} would already have ended.`, 'startDate');
  const learningEventPlanned = review.learningEventPlanned === review.endDate || review.learningEventPlanned < startDate ? endDate : review.learningEventPlanned;
  return {
    next: { ...review, startDate, endDate, stages: stageDates(startDate), learningEventPlanned },
    log: { action: 'review.rescheduled', before: `starts ${formatDate(review.startDate)}`, after: `starts ${formatDate(startDate)}, ends ${formatDate(endDate)}` },
  };
}

export function cancel(review: Review, actor: Actor, reasonInput: unknown, ctx: RuleContext): Decision {
  const reason = text(reasonInput, 'reason', 'the reason for cancelling', 3, 1000);
  return {
    next: { ...review, status: 'cancelled', cancelled: { by: personRef(actor), at: ctx.now, reason } },
    log: { action: 'review.cancelled', before: 'active', after: `cancelled: ${reason}` },
  };
}

/**
 * A review completes with the change that leaves it with a recorded learning event and stage 4
 * signed off: its impact checks are then dated. Returns the completed review and its log line,
 * or undefined when this change does not complete it.
 */
export function completion(next: Review, impactCheckMonths: number[]): Decision | undefined {
  if (next.status !== 'active' || !next.learningEvent || !next.stages[3].signedOff) return undefined;
  const completed: Review = { ...next, status: 'completed', completedAt: next.updatedAt, impactChecks: impactCheckDates(next.endDate, impactCheckMonths) };
  return {
    next: completed,
    log: { action: 'review.completed', before: 'active', after: `completed; impact checks ${completed.impactChecks.map((c) => `${c.months} months: ${formatDate(c.date)}`).join(', ')}` },
  };
}

/** Refuses a change to a review that is no longer open to it (cancelled, or not in one of `allowed`). */
export function checkStatus(review: Review, allowed: Review['status'][], formatDay: (iso: string) => string): void {
  if (allowed.includes(review.status)) return;
  if (review.status === 'cancelled')
    throw new DomainError('closed', `${review.ref} was cancelled on ${formatDate(formatDay(review.cancelled!.at))} (${review.cancelled!.reason}), so nothing more can be recorded on it.`);
  throw new DomainError('closed', `${review.ref} is ${review.status}, so this can no longer be done.`);
}
