import type { Clock } from '../clock';
import type { Directory } from '../directory/directory';
import type { Actor } from '../directory/roles';
import type { Outbox } from '../outbox/outbox';
import type { References } from '../refs';
import type { Store, Stored } from '../store/port';
import type { CalendarTime } from '../time';
import { Closing } from './closing';
import type { RecommendationIntake, RecommendationSubmission, SubmittedRecommendation } from './intake';
import { Opening } from './opening';
import { checkCanRecommend, summary } from './recommendation';
import type { CloseHow, Recommendation, Vote, VoteResult, VoteView } from './recommendation';
import { RecommendationEvents, registerEvents } from './recommendation-events';
import type { RecommendationRecords } from './recommendation-records';
import { VoteSettings, closeHourOf } from './vote-schedule';
import { Voting } from './voting';

export type { Recommendation, RecommendationStatus, Vote, VoteResult, VoteView, Voter } from './recommendation';
export { entityOf } from './recommendation';
export type { RecommendationEvents } from './recommendation-events';
export { VOTE_CLOSE_HANDLER, VOTE_REMIND_HANDLER } from './vote-schedule';
export type { VoteSettings } from './vote-schedule';
export { SYSTEM_FOR } from './closing';

/**
 * Recommendations and the Executive Board's vote on them: submit (opening.ts), vote, one document
 * per voter (voting.ts), close once, at the deadline, when everyone has voted or early by the
 * chair, and extend (closing.ts). Every change is logged; the tally is always computed from the
 * vote documents. The rules that need no store are in recommendation.ts and vote-schedule.ts.
 */
export class RecommendationService implements RecommendationIntake {
  private readonly opening: Opening;
  private readonly voting: Voting;
  private readonly closing: Closing;

  constructor(
    store: Store,
    clock: Clock,
    time: CalendarTime,
    directory: Directory,
    refs: References,
    /** Each change's effects (log entry, reminders, the cards in Teams) go out through the outbox of the changed document. */
    outbox: Outbox,
    settings: VoteSettings,
    /** The reads shared with the actions and the cards. */
    readonly records: RecommendationRecords,
    events: RecommendationEvents,
  ) {
    this.opening = new Opening(store, clock, time, directory, refs, outbox, settings);
    this.closing = new Closing(store, clock, time, outbox, records, { closeHour: closeHourOf(settings), voteReminderDays: settings.voteReminderDays });
    this.voting = new Voting(store, clock, outbox, records, this.closing);
    registerEvents(outbox, records, events);
  }

  /** The intake port: stage 4 of a review (authorised by the review feature) and the `recommend` form. */
  async submit(actor: Actor, submission: RecommendationSubmission): Promise<SubmittedRecommendation> {
    if (submission?.source?.kind !== 'review') checkCanRecommend(actor);
    return summary(await this.opening.open(actor, submission));
  }

  /** Refuses people who may not submit recommendations (before showing them the form). */
  assertCanRecommend(actor: Actor): void {
    checkCanRecommend(actor);
  }

  /**
   * The `recommend` form: only people who sit on a group that may recommend. `formKey` (unique per
   * rendered form) makes a double click on Submit open one vote, not two.
   */
  recommend(actor: Actor, submission: RecommendationSubmission, formKey?: string): Promise<{ rec: Recommendation; created: boolean }> {
    return this.opening.recommend(actor, submission, formKey);
  }

  get(tenantId: string, id: unknown): Promise<Stored<Recommendation> | undefined> {
    return this.records.get(tenantId, id);
  }

  /** By id (`rec-4`) or the reference people type (`REC-4`, `rec4`, `4`). */
  find(tenantId: string, text: string): Promise<Stored<Recommendation>> {
    return this.records.find(tenantId, text);
  }

  list(tenantId: string): Promise<Recommendation[]> {
    return this.records.list(tenantId);
  }

  async bySource(tenantId: string, sourceId: string): Promise<SubmittedRecommendation[]> {
    return (await this.records.bySource(tenantId, sourceId)).map(summary);
  }

  votes(rec: Recommendation): Promise<Vote[]> {
    return this.records.votes(rec);
  }

  /** The tally and who has or has not voted, from the vote documents of eligible voters. */
  view(rec: Recommendation): Promise<VoteView> {
    return this.records.view(rec);
  }

  /** Casts or changes the actor's vote (see {@link Voting.vote}). */
  vote(actor: Actor, recommendationId: unknown, option: unknown): Promise<VoteResult> {
    return this.voting.vote(actor, recommendationId, option);
  }

  /** Closes the vote exactly once (see {@link Closing.close}); undefined if it was not open. */
  close(actor: Actor, id: string, how: CloseHow, reason?: string): Promise<Recommendation | undefined> {
    return this.closing.close(actor, id, how, reason);
  }

  /** The deadline timer's work: closes if still open (a no-op if it already closed). */
  closeAtDeadline(tenantId: string, id: string): Promise<Recommendation | undefined> {
    return this.closing.closeAtDeadline(tenantId, id);
  }

  /** The chair closes the vote before its deadline, with a reason. */
  closeEarly(actor: Actor, id: unknown, reason: unknown, version?: unknown): Promise<Recommendation> {
    return this.closing.closeEarly(actor, id, reason, version);
  }

  /** The chair moves the deadline later, with a reason; reminders follow the new date. */
  extend(actor: Actor, id: unknown, deadline: unknown, reason: unknown, version?: unknown): Promise<Recommendation> {
    return this.closing.extend(actor, id, deadline, reason, version);
  }
}
