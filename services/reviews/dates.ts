import { addDays, addMonths, daysBetween } from '../time';

/** The four stages of a hub focused review (DOMAIN.md §2), one calendar month each. */
export const STAGES = [
  { number: 1, name: 'Scoping', due: 'Agree the scope, the questions and who takes part' },
  { number: 2, name: 'Audits', due: 'Single and multi-agency audits' },
  { number: 3, name: 'Feedback', due: 'Feedback from service users, carers, families and practitioners' },
  { number: 4, name: 'Recommendations and learning', due: 'Recommendations and actions, learning, key messages and communications' },
] as const;

export type StageNumber = 1 | 2 | 3 | 4;

export interface StageDates {
  number: StageNumber;
  /** First day of the stage (ISO date, Europe/London calendar). */
  start: string;
  /** Last day of the stage: the day before the next stage starts. */
  end: string;
}

/**
 * Stage N starts N-1 calendar months after the start date, each computed from the start date
 * itself (never chained), so a start on the 31st clamps to each month's last day without
 * drifting: 2026-01-31 gives 01-31, 02-28, 03-31, 04-30.
 */
export function stageDates(startDate: string): StageDates[] {
  return STAGES.map((s) => ({
    number: s.number,
    start: addMonths(startDate, s.number - 1),
    end: addDays(addMonths(startDate, s.number), -1),
  }));
}

/** The review's last day: the day before start + 4 months. */
export function reviewEndDate(startDate: string): string {
  return addDays(addMonths(startDate, 4), -1);
}

/**
 * Impact checks are measured from the review's scheduled end date (the last day of stage 4),
 * not from the day it was completed, so the yearly programme stays predictable.
 */
export function impactCheckDates(endDate: string, months: number[]): { months: number; date: string }[] {
  return [...months].sort((a, b) => a - b).map((m) => ({ months: m, date: addMonths(endDate, m) }));
}

/** The day a stage-end warning goes out, or undefined when it would fall before the stage starts. */
export function stageWarningDate(stage: StageDates, warningDays: number): string | undefined {
  const date = addDays(stage.end, -warningDays);
  return date >= stage.start ? date : undefined;
}

/** Which stage the calendar is in on `today`: 0 before the start, 5 after the end. */
export function calendarStage(stages: StageDates[], today: string): number {
  if (today < stages[0].start) return 0;
  const stage = stages.find((s) => today >= s.start && today <= s.end);
  return stage ? stage.number : 5;
}

/** Fraction of a date range elapsed at the end of `today` (0..1). */
export function elapsedFraction(start: string, end: string, today: string): number {
  const total = daysBetween(start, end) + 1;
  const done = daysBetween(start, today) + 1;
  return Math.max(0, Math.min(1, done / total));
}

/** True when two inclusive date ranges share at least one day. */
export function overlaps(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return a.start <= b.end && b.start <= a.end;
}
