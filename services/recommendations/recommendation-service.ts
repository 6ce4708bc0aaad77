import type { Clock } from '../clock';
import type { Directory } from '../directory/directory';
import { Actor, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { SYSTEM_ACTOR } from '../log/audit-log';
import type { References } from '../refs';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import type { ReminderSpec } from '../reminders/port';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, updateWithRetry, withoutEtag } from '../store/port';
import { CalendarTime, addDays, formatDate } from '../time';
import { DECISION_LABELS, OPTION_LABELS, decide, isVoteOption } from './decision-rule';
import { Announcement, RecommendationRecords } from './recommendation-records';
import type { RecommendationIntake, RecommendationSubmission, SubmittedRecommendation } from './intake';
import * as rules from './recommendation';
import { SUBMITTERS, checkVersion, closedError, entityOf, summary } from './recommendation';
import type { Recommendation, Vote, VoteResult, VoteView } from './recommendation';

/**
 * The events port: told after each change is stored (through the outbox, so a crash retries
 * them); the bot layer posts and refreshes the cards in Teams from them.
 */
export interface RecommendationEvents {
  opened(rec: Recommendation): Promise<void>;
  changed(rec: Recommendation): Promise<void>;
  /** `announce`: where the decision goes besides the Executive Board channel. */
  decided(rec: Recommendation, announce: Announcement): Promise<void>;
}

export interface VoteSettings {
  voteDays: number;
  voteQuorum: number;
  voteReminderDays: number[];
  /** Local hour the vote closes on its deadline date. */
  closeHour?: number;
  /** The same, as configured (VOTE_CLOSE_HOUR); wins over `closeHour`. */
  voteCloseHour?: number;
}

export type { Recommendation, RecommendationStatus, Vote, VoteResult, VoteView, Voter } from './recommendation';
export { entityOf } from './recommendation';

export const VOTE_CLOSE_HANDLER = 'vote.close';
export const VOTE_REMIND_HANDLER = 'vote.remind';

/**
 * Recommendations and the Executive Board's vote on them: submit, vote (one document per voter),
 * close once (at the deadline, when everyone has voted, or early by the chair), extend. Every
 * change is logged; the tally is always computed from the vote documents.
 */
export class RecommendationService implements RecommendationIntake {
  private readonly closeHour: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly directory: Directory,
    private readonly refs: References,
    /** Each change's effects (log entry, reminders, the cards in Teams) go out through the outbox of the changed document. */
    private readonly outbox: Outbox,
    private readonly settings: VoteSettings,
    /** The reads shared with the actions and the cards. */
    readonly records: RecommendationRecords,
    private readonly events: RecommendationEvents,
  ) {
    this.closeHour = settings.voteCloseHour ?? settings.closeHour ?? 17;
    for (const name of ['opened', 'changed', 'decided'] as const)
      outbox.registerHandler(hookEffect(name), async (tenantId, data) => {
        const rec = await this.get(tenantId, data.recommendationId);
        if (rec) await this.tell(name, withoutOutbox(rec));
      });
  }

  /** The intake port: stage 4 of a review (authorised by the review feature) and the `recommend` form. */
  async submit(actor: Actor, submission: RecommendationSubmission): Promise<SubmittedRecommendation> {
    if (submission?.source?.kind !== 'review' && !hasRole(actor, ...SUBMITTERS)) throw forbidden(SUBMITTERS, 'submit a recommendation');
    const rec = await this.open(actor, submission);
    return summary(rec);
  }

  /** Refuses people who may not submit recommendations (before showing them the form). */
  assertCanRecommend(actor: Actor): void {
    if (!hasRole(actor, ...SUBMITTERS)) throw forbidden(SUBMITTERS, 'submit a recommendation');
  }

  /**
   * The `recommend` form: only people who sit on a group that may recommend. `formKey` (unique per
   * rendered form) makes a double click on Submit open one vote, not two.
   */
  async recommend(actor: Actor, submission: RecommendationSubmission, formKey?: string): Promise<{ rec: Recommendation; created: boolean }> {
    this.assertCanRecommend(actor);
    if (formKey) {
      const [existing] = await this.store.query<Recommendation>(CONTAINERS.recommendations.name, {
        partitionKey: actor.tenantId,
        where: [{ field: 'formKey', op: '=', value: formKey }],
        limit: 1,
      });
      if (existing) return { rec: existing, created: false };
    }
    return { rec: await this.open(actor, submission, formKey), created: true };
  }

  private async open(actor: Actor, input: RecommendationSubmission, formKey?: string): Promise<Recommendation> {
    const tenantId = actor.tenantId;
    const { title, detail, source, deadline } = rules.checkSubmission(input, this.time.today(this.clock), this.settings.voteDays);
    const partners = await this.directory.withRole(tenantId, 'partner');
    if (partners.length === 0) throw invalid('There are no Executive Board partners in the directory to vote; ask the Business Team to grant the partner role first.');

    const ref = await this.refs.next(tenantId, 'REC');
    const rec: Recommendation = {
      id: `rec-${ref.split('-')[1]}`,
      tenantId,
      ref,
      title,
      detail,
      source,
      status: 'open',
      deadline,
      closesAt: this.time.instantAt(deadline, this.closeHour).toISOString(),
      eligible: partners.map((p) => ({ aadObjectId: p.aadObjectId, name: p.name, ...(p.organisation ? { organisation: p.organisation } : {}) })),
      quorum: this.settings.voteQuorum,
      submittedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
      createdAt: this.clock.now().toISOString(),
      version: 1,
      extensions: [],
      ...(formKey ? { formKey: formKey.slice(0, 64) } : {}),
    };
    const saved = await this.store.create(
      CONTAINERS.recommendations.name,
      this.outbox.stage(undefined, rec, `${rec.id}.v1`, [
        {
          kind: 'log',
          actor,
          input: {
            action: 'recommendation.submitted',
            entity: entityOf(rec),
            after: `"${title}" from ${rec.source.name}; vote open to ${rec.eligible.length} partners until ${formatDate(deadline)}`,
          },
        },
        ...this.reminderEffects(actor, rec),
        { kind: 'handler', handler: hookEffect('opened'), tenantId, data: { recommendationId: rec.id } },
      ]),
    );
    await this.outbox.deliver(CONTAINERS.recommendations.name, saved);
    return withoutOutbox(saved);
  }

  private reminderEffects(actor: Actor, rec: Recommendation): EffectSpec[] {
    const specs: ReminderSpec[] = [];
    const entity = entityOf(rec);
    specs.push({
      tenantId: rec.tenantId,
      entity,
      kind: 'vote-close',
      date: rec.deadline,
      hour: this.closeHour,
      target: { kind: 'purpose', purpose: 'executive-board' },
      content: { kind: 'handler', handler: VOTE_CLOSE_HANDLER, data: { recommendationId: rec.id } },
      // Closes at the deadline itself, not at the nearest reminder hour.
      job: true,
    });
    const today = this.time.today(this.clock);
    for (const days of this.settings.voteReminderDays) {
      const date = addDays(rec.deadline, -days);
      if (date <= today) continue;
      for (const voter of rec.eligible) {
        specs.push({
          tenantId: rec.tenantId,
          entity,
          kind: `vote-remind-${days}d`,
          date,
          ahead: true,
          target: { kind: 'person', aadObjectId: voter.aadObjectId, name: voter.name, fallbackPurpose: 'executive-board' },
          content: { kind: 'handler', handler: VOTE_REMIND_HANDLER, data: { recommendationId: rec.id, daysLeft: days } },
        });
      }
    }
    return specs.map((spec) => ({ kind: 'schedule', actor, spec }));
  }

  async get(tenantId: string, id: unknown): Promise<Stored<Recommendation> | undefined> {
    return this.records.get(tenantId, id);
  }

  /** By id (`rec-4`) or the reference people type (`REC-4`, `rec4`, `4`). */
  async find(tenantId: string, text: string): Promise<Stored<Recommendation>> {
    return this.records.find(tenantId, text);
  }

  private async require(tenantId: string, id: unknown): Promise<Stored<Recommendation>> {
    const rec = await this.get(tenantId, id);
    if (!rec) throw notFound('That recommendation does not exist here (the card may be from somewhere else). Type **recommendations** to see them.');
    return rec;
  }

  async list(tenantId: string): Promise<Recommendation[]> {
    return this.records.list(tenantId);
  }

  async bySource(tenantId: string, sourceId: string): Promise<SubmittedRecommendation[]> {
    const found = await this.store.query<Recommendation>(CONTAINERS.recommendations.name, { partitionKey: tenantId, where: [{ field: 'source.id', op: '=', value: sourceId }] });
    return found.sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4))).map(summary);
  }

  async votes(rec: Recommendation): Promise<Vote[]> {
    return this.records.votes(rec);
  }

  /** The tally and who has or has not voted, from the vote documents of eligible voters. */
  async view(rec: Recommendation): Promise<VoteView> {
    return this.records.view(rec);
  }

  /**
   * Casts or changes the actor's vote. A repeat of the same choice (double click, redelivered
   * activity) changes and logs nothing and is answered as counted, also after the vote closed.
   * Closes the vote when every eligible partner has voted.
   */
  async vote(actor: Actor, recommendationId: unknown, option: unknown): Promise<VoteResult> {
    if (!isVoteOption(option)) throw invalid(`"${String(option).slice(0, 20)}" is not a vote: choose Approve, Reject or Abstain.`, 'option');
    let rec: Recommendation = await this.require(actor.tenantId, recommendationId);
    if (rec.status === 'open' && this.clock.now().toISOString() >= rec.closesAt) rec = (await this.close(SYSTEM_FOR(rec.tenantId), rec.id, 'deadline')) ?? (await this.require(actor.tenantId, rec.id));
    if (rec.status !== 'open') {
      const counted = await this.store.read<Vote>(CONTAINERS.votes.name, rec.tenantId, `${rec.id}:${actor.aadObjectId}`);
      if (counted && counted.option === option) return { outcome: 'unchanged', view: await this.view(rec), vote: withoutEtag(counted) };
      throw closedError(rec, counted);
    }
    const voter = rec.eligible.find((v) => v.aadObjectId === actor.aadObjectId);
    if (!voter)
      throw new DomainError('forbidden', `Only the Executive Board partners (the ${rec.eligible.length} listed when the vote on ${rec.ref} opened) vote on it. Your click was not counted.`, { neededRoles: ['partner'] });

    const id = `${rec.id}:${actor.aadObjectId}`;
    const now = this.clock.now().toISOString();
    let outcome: VoteResult['outcome'] = 'unchanged';
    let saved: Stored<Vote> | undefined;
    try {
      saved = await updateWithRetry<Vote>(this.store, CONTAINERS.votes.name, rec.tenantId, id, (existing) => {
        if (!existing) {
          outcome = 'cast';
          const vote: Vote = { id, tenantId: rec.tenantId, recommendationId: rec.id, voter, option, castAt: now };
          return this.outbox.stage(undefined, vote, `${id}.cast`, [{ kind: 'log', actor, input: { action: 'vote.cast', entity: entityOf(rec), after: OPTION_LABELS[option] } }]);
        }
        outcome = existing.option === option ? 'unchanged' : 'changed';
        if (outcome === 'unchanged') return undefined;
        const effect: EffectSpec = { kind: 'log', actor, input: { action: 'vote.changed', entity: entityOf(rec), before: OPTION_LABELS[existing.option], after: OPTION_LABELS[option] } };
        return this.outbox.stage(existing, { ...withoutEtag(existing), option, changedAt: now }, `${id}.after-${existing._etag.replace(/[^A-Za-z0-9-]/g, '')}`, [effect]);
      });
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'stale') throw new DomainError('conflict', 'Your vote clashed with another change; click again.');
      throw err;
    }
    const stored = withoutEtag(saved!);
    if (outcome !== 'unchanged') await this.outbox.deliver(CONTAINERS.votes.name, saved!);

    let view = await this.view(rec);
    if (outcome !== 'unchanged' && view.notVoted.length === 0) {
      const closed = await this.close(SYSTEM_FOR(rec.tenantId), rec.id, 'all-voted');
      if (closed) view = await this.view(closed);
    }
    return { outcome, view, vote: stored };
  }

  /**
   * Closes the vote exactly once: the status moves from open to the decision with an ETag
   * replace, so concurrent closers (deadline timer, last vote, chair) cannot all win. Returns the
   * closed recommendation, or undefined if it was not open. The decision is frozen from the votes
   * read just before that replace; a vote written in the milliseconds between that read and the
   * replace is stored but not counted (the card shows the frozen tally).
   */
  async close(actor: Actor, id: string, how: 'deadline' | 'all-voted' | 'chair', reason?: string): Promise<Recommendation | undefined> {
    const tenantId = actor.tenantId;
    let decided = false;
    let saved: Stored<Recommendation> | undefined;
    try {
      saved = await updateWithRetry<Recommendation>(this.store, CONTAINERS.recommendations.name, tenantId, id, async (current) => {
        decided = false;
        if (!current || current.status !== 'open') return undefined;
        const { tally } = await this.view(current);
        const decision = decide(current.eligible.length, tally, current.quorum);
        const next: Recommendation = {
          ...withoutEtag(current),
          status: decision,
          version: current.version + 1,
          closed: { at: this.clock.now().toISOString(), by: actor.name, how, ...(reason ? { reason } : {}), tally },
        };
        const why = how === 'deadline' ? 'closed at the deadline' : how === 'all-voted' ? 'every partner voted' : `closed early by the chair: ${reason}`;
        const effects: EffectSpec[] = [
          {
            kind: 'log',
            actor,
            input: {
              action: 'recommendation.decided',
              entity: entityOf(next),
              before: 'open',
              after: `${DECISION_LABELS[decision]}: ${tally.approve} approve, ${tally.reject} reject, ${tally.abstain} abstain of ${next.eligible.length} eligible (${why})`,
            },
          },
          { kind: 'cancel', actor, tenantId, entityId: next.id, kindPrefix: how === 'deadline' ? 'vote-remind' : 'vote-' },
          { kind: 'handler', handler: hookEffect('decided'), tenantId, data: { recommendationId: next.id } },
        ];
        decided = true;
        return this.outbox.stage(current, next, `${next.id}.v${next.version}`, effects);
      });
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'stale') throw new DomainError('conflict', 'The vote was changing while it closed; try again.');
      throw err;
    }
    if (!decided || !saved) return undefined;
    await this.outbox.deliver(CONTAINERS.recommendations.name, saved);
    return withoutOutbox(saved);
  }

  /** The deadline timer's work: closes if still open (a no-op if it already closed). */
  async closeAtDeadline(tenantId: string, id: string): Promise<Recommendation | undefined> {
    const rec = await this.get(tenantId, id);
    if (!rec || rec.status !== 'open') return undefined;
    if (this.clock.now().toISOString() < rec.closesAt) return undefined; // extended since the timer was set
    return this.close(SYSTEM_FOR(tenantId), id, 'deadline');
  }

  /** The chair closes the vote before its deadline, with a reason. */
  async closeEarly(actor: Actor, id: unknown, reason: unknown, version?: unknown): Promise<Recommendation> {
    if (!hasRole(actor, 'chair')) throw forbidden(['chair'], 'close a vote early');
    const rec = await this.require(actor.tenantId, id);
    if (rec.status !== 'open') throw closedError(rec);
    checkVersion(rec, version);
    const closed = await this.close(actor, rec.id, 'chair', rules.checkCloseReason(reason));
    if (!closed) throw closedError((await this.get(actor.tenantId, rec.id)) ?? rec);
    return closed;
  }

  /** The chair moves the deadline later, with a reason; reminders follow the new date. */
  async extend(actor: Actor, id: unknown, deadline: unknown, reason: unknown, version?: unknown): Promise<Recommendation> {
    if (!hasRole(actor, 'chair')) throw forbidden(['chair'], 'extend a vote');
    const rec = await this.require(actor.tenantId, id);
    if (rec.status !== 'open') throw closedError(rec);
    checkVersion(rec, version);
    const { to, why } = rules.checkExtension(rec, deadline, reason, this.time.today(this.clock));
    const next: Recommendation = {
      ...withoutEtag(rec),
      deadline: to,
      closesAt: this.time.instantAt(to, this.closeHour).toISOString(),
      version: rec.version + 1,
      extensions: [...rec.extensions, { from: rec.deadline, to, reason: why.slice(0, 500), by: actor.name, at: this.clock.now().toISOString() }],
    };
    const effects: EffectSpec[] = [
      { kind: 'log', actor, input: { action: 'recommendation.extended', entity: entityOf(next), before: rec.deadline, after: `${to} (${why.slice(0, 200)})` } },
      { kind: 'cancel', actor, tenantId: actor.tenantId, entityId: next.id, kindPrefix: 'vote-' },
      ...this.reminderEffects(actor, next),
      { kind: 'handler', handler: hookEffect('changed'), tenantId: actor.tenantId, data: { recommendationId: next.id } },
    ];
    let saved: Stored<Recommendation>;
    try {
      saved = await this.store.replace(CONTAINERS.recommendations.name, this.outbox.stage(rec, next, `${next.id}.v${next.version}`, effects), rec._etag);
    } catch (err) {
      if (err instanceof StoreConflict) throw new DomainError('conflict', 'The vote changed while you were extending it; look at the card again and retry.');
      throw err;
    }
    await this.outbox.deliver(CONTAINERS.recommendations.name, saved);
    return withoutOutbox(saved);
  }

  private async tell(name: keyof RecommendationEvents, rec: Recommendation): Promise<void> {
    if (name === 'decided') await this.events.decided(rec, await this.records.announcement(rec));
    else await this.events[name](rec);
  }
}

/** The outbox handler that runs a hook after the change is stored. */
const hookEffect = (name: keyof RecommendationEvents): string => `recommendation.${name}`;

export const SYSTEM_FOR = (tenantId: string): Actor => ({ ...SYSTEM_ACTOR, tenantId });

