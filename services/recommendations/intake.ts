import type { Actor } from '../directory/roles';

/** Where a recommendation comes from: hubs (via a review), subgroups and partnership groups. */
export interface RecommendationSource {
  kind: 'review' | 'subgroup' | 'partnership-group';
  /** The review's id for `review`; a stable slug for subgroups and groups. */
  id: string;
  /** Short human reference, e.g. `R-3`. */
  ref?: string;
  /** For people: "Hub review R-3: Transitions", "Exploitation subgroup". */
  name: string;
}

export interface RecommendationSubmission {
  title: string;
  detail: string;
  source: RecommendationSource;
  /** ISO date the vote closes; defaults to the configured number of days. */
  votingDeadline?: string;
}

export interface SubmittedRecommendation {
  id: string;
  /** Short human reference, e.g. `REC-4`. */
  ref: string;
  title: string;
  status: string;
  source: RecommendationSource;
}

/**
 * The interface between the places recommendations come from (hub reviews' stage 4, the
 * `recommend` form) and the Executive Board's decision. The votes feature implements it: a
 * submission is stored, logged, and put to the Executive Board as a vote.
 */
export interface RecommendationIntake {
  submit(actor: Actor, submission: RecommendationSubmission): Promise<SubmittedRecommendation>;
  /** Recommendations that came from one source (e.g. a review), oldest first. */
  bySource(tenantId: string, sourceId: string): Promise<SubmittedRecommendation[]>;
}
