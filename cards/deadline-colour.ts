/**
 * The one rule for every clock a person sees on a card (issue 14 point 8): red (`Attention`) once
 * the deadline has passed, amber (`Warning`) when it is near, otherwise the card's calm colour.
 * Finished things (signed off, decided, done, closed, cancelled) never turn amber or red.
 */
export type CardColour = 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';

/**
 * How many days before a deadline counts as "near", per kind of clock. "Near" includes the last day
 * (0 days left). Multi-week clocks (disputes, review stages, impact checks, actions) give a week;
 * a vote, which runs for days, gives two; case-review statutory clocks count working days.
 */
export const NEAR_DAYS = {
  /** Clocks measured in weeks or months: dispute deadlines, review stages, impact checks, action due dates. */
  weeks: 7,
  /** An Executive Board vote's closing date. */
  vote: 2,
  /** Case-review statutory clocks, in working days (notification, rapid review, reports, publication). */
  caseReviewWorkingDays: 3,
} as const;

export interface Clock {
  /** Whole days from today to the deadline: 0 on the day itself, negative once passed. */
  daysLeft: number;
  /** Days before the deadline that count as near (one of NEAR_DAYS). */
  nearDays: number;
  /** Signed off, decided, done, closed or cancelled: no longer counting down. */
  finished?: boolean;
}

/** The colour of a clock: `finished` (Good unless told) once finished, else Attention / Warning / `calm`. */
export function deadlineColour(clock: Clock, calm: CardColour = 'Default', finished: CardColour = 'Good'): CardColour {
  if (clock.finished) return finished;
  if (clock.daysLeft < 0) return 'Attention';
  if (clock.daysLeft <= clock.nearDays) return 'Warning';
  return calm;
}
