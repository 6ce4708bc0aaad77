import type { Clock } from '../clock';
import type { Actor } from '../directory/roles';
import { DomainError } from '../errors';
import { SYSTEM_ACTOR } from '../log/audit-log';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, updateWithRetry, withoutEtag } from '../store/port';
import type { CalendarTime } from '../time';
import * as rules from './recommendation';
import { CloseHow, Recommendation, closedError, entityOf } from './recommendation';
import { eventEffect } from './recommendation-events';
import type { RecommendationRecords } from './recommendation-records';
import { voteTimers } from './vote-schedule';

/** The actor the deadline timer and the last vote close a vote as. */
export const SYSTEM_FOR = (tenantId: string): Actor => ({ ...SYSTEM_ACTOR, tenantId });

/**
 * The end of a vote: closing it once with its decision (at the deadline, when everyone has voted,
 * or early by the chair) and what follows (the log entry, its reminders cancelled, the decision
 * told), and the chair moving its deadline later.
 */
export class Closing {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly outbox: Outbox,
    private readonly records: RecommendationRecords,
    private readonly settings: { closeHour: number; voteReminderDays: number[] },
  ) {}

  /**
   * Closes the vote exactly once: the status moves from open to the decision with an ETag
   * replace, so concurrent closers (deadline timer, last vote, chair) cannot all win. Returns the
   * closed recommendation, or undefined if it was not open. The decision is frozen from the votes
   * read just before that replace; a vote written in the milliseconds between that read and the
   * replace is stored but not counted (the card shows the frozen tally).
   */
  async close(actor: Actor, id: string, how: CloseHow, reason?: string): Promise<Recommendation | undefined> {
    const tenantId = actor.tenantId;
    let decided = false;
    let saved: Stored<Recommendation> | undefined;
    try {
      saved = await updateWithRetry<Recommendation>(this.store, CONTAINERS.recommendations.name, tenantId, id, async (current) => {
        decided = false;
        if (!current || current.status !== 'open') return undefined;
        const { tally } = await this.records.view(current);
        const next = rules.decided(withoutEtag(current), tally, { at: this.clock.now().toISOString(), by: actor.name, how, reason });
        const effects: EffectSpec[] = [
          {
            kind: 'log',
            actor,
            input: { action: 'recommendation.decided', entity: entityOf(next), before: 'open', after: rules.decisionText(next) },
          },
          { kind: 'cancel', actor, tenantId, entityId: next.id, kindPrefix: how === 'deadline' ? 'vote-remind' : 'vote-' },
          eventEffect('decided', tenantId, next.id),
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
    const rec = await this.records.get(tenantId, id);
    if (!rec || rec.status !== 'open') return undefined;
    if (!rules.closingTimePassed(rec, this.clock.now())) return undefined; // extended since the timer was set
    return this.close(SYSTEM_FOR(tenantId), id, 'deadline');
  }

  /** The chair closes the vote before its deadline, with a reason. */
  async closeEarly(actor: Actor, id: unknown, reason: unknown, version?: unknown): Promise<Recommendation> {
    rules.checkChair(actor, 'close a vote early');
    const rec = await this.records.require(actor.tenantId, id);
    rules.checkOpen(rec);
    rules.checkVersion(rec, version);
    const closed = await this.close(actor, rec.id, 'chair', rules.checkCloseReason(reason));
    if (!closed) throw closedError((await this.records.get(actor.tenantId, rec.id)) ?? rec);
    return closed;
  }

  /** The chair moves the deadline later, with a reason; reminders follow the new date. */
  async extend(actor: Actor, id: unknown, deadline: unknown, reason: unknown, version?: unknown): Promise<Recommendation> {
    rules.checkChair(actor, 'extend a vote');
    const rec = await this.records.require(actor.tenantId, id);
    rules.checkOpen(rec);
    rules.checkVersion(rec, version);
    const { to, why } = rules.checkExtension(rec, deadline, reason, this.time.today(this.clock));
    const { closeHour, voteReminderDays } = this.settings;
    const next = rules.extended(withoutEtag(rec), to, this.time.instantAt(to, closeHour).toISOString(), why, actor.name, this.clock.now().toISOString());
    const effects: EffectSpec[] = [
      { kind: 'log', actor, input: { action: 'recommendation.extended', entity: entityOf(next), before: rec.deadline, after: `${to} (${why.slice(0, 200)})` } },
      { kind: 'cancel', actor, tenantId: actor.tenantId, entityId: next.id, kindPrefix: 'vote-' },
      ...voteTimers(next, this.time.today(this.clock), closeHour, voteReminderDays).map((spec): EffectSpec => ({ kind: 'schedule', actor, spec })),
      eventEffect('changed', actor.tenantId, next.id),
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
}
