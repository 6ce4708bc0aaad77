import type { StageDates } from './dates';

export const STRANDS = ['children', 'adults', 'combined'] as const;
export type Strand = (typeof STRANDS)[number];

export const STRAND_LABELS: Record<Strand, string> = {
  children: 'Children',
  adults: 'Adults',
  combined: 'Combined (children and adults)',
};

export function isStrand(value: unknown): value is Strand {
  return typeof value === 'string' && (STRANDS as readonly string[]).includes(value);
}

/** A person as recorded on a review (by Entra object id; the name is kept for display). */
export interface PersonRef {
  aadObjectId: string;
  name: string;
  organisation?: string;
}

export interface StageRecord extends StageDates {
  signedOff?: { by: PersonRef; at: string; note: string };
}

export interface LearningEvent {
  date: string;
  attendees: number;
  scrutineerTookPart: boolean;
  recordedBy: PersonRef;
  at: string;
}

export interface ImpactCheck {
  months: number;
  /** Months after the review's end date (see dates.ts impactCheckDates). */
  date: string;
  findings?: { text: string; by: PersonRef; at: string };
}

export type ReviewStatus = 'active' | 'completed' | 'cancelled';

/** A hub focused review as stored in the `reviews` container (partition: tenantId). */
export interface Review {
  id: string;
  tenantId: string;
  /** Short reference, e.g. `R-3`. */
  ref: string;
  theme: string;
  strand: Strand;
  sponsor: PersonRef;
  startDate: string;
  /** Last day of stage 4. */
  endDate: string;
  stages: StageRecord[];
  /** When the learning event is expected (a reminder goes out that day). */
  learningEventPlanned: string;
  learningEvent?: LearningEvent;
  /** Why stage 4 was signed off with no recommendation. */
  noRecommendationsReason?: string;
  /** Recommendations submitted from stage 4 (the intake holds them; these are for the card). */
  recommendations: { id: string; ref: string; title: string }[];
  status: ReviewStatus;
  cancelled?: { by: PersonRef; at: string; reason: string };
  completedAt?: string;
  /** Scheduled when the review completes. */
  impactChecks: ImpactCheck[];
  /** Conversation record keys (services/conversations.ts) that get the timeline and reminders. */
  reminderConversations: string[];
  /** The start form that created it: a second submit of the same form is refused. */
  formId: string;
  /** Bumped on every change; card buttons carry it so an old card's button changes nothing. */
  version: number;
  createdBy: PersonRef;
  createdAt: string;
  updatedAt: string;
}
