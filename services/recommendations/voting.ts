import type { Clock } from '../clock';
import type { Actor } from '../directory/roles';
import { DomainError } from '../errors';
import { EffectSpec, Outbox } from '../outbox/outbox';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, updateWithRetry, withoutEtag } from '../store/port';
import { OPTION_LABELS } from './decision-rule';
import * as rules from './recommendation';
import { Recommendation, Vote, VoteResult, closedError, entityOf } from './recommendation';
import type { RecommendationRecords } from './recommendation-records';
import { Closing, SYSTEM_FOR } from './closing';

/** Casting and changing a partner's vote: one document per voter, each change logged. */
export class Voting {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly records: RecommendationRecords,
    private readonly closing: Closing,
  ) {}

  /**
   * Casts or changes the actor's vote. A repeat of the same choice (double click, redelivered
   * activity) changes and logs nothing and is answered as counted, also after the vote closed.
   * Closes the vote when every eligible partner has voted.
   */
  async vote(actor: Actor, recommendationId: unknown, choice: unknown): Promise<VoteResult> {
    const option = rules.checkVoteOption(choice);
    let rec: Recommendation = await this.records.require(actor.tenantId, recommendationId);
    if (rec.status === 'open' && rules.closingTimePassed(rec, this.clock.now()))
      rec = (await this.closing.close(SYSTEM_FOR(rec.tenantId), rec.id, 'deadline')) ?? (await this.records.require(actor.tenantId, rec.id));
    if (rec.status !== 'open') {
      const counted = await this.store.read<Vote>(CONTAINERS.votes.name, rec.tenantId, `${rec.id}:${actor.aadObjectId}`);
      if (counted && counted.option === option) return { outcome: 'unchanged', view: await this.records.view(rec), vote: withoutEtag(counted) };
      throw closedError(rec, counted);
    }
    const voter = rules.voterOf(rec, actor);

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

    let view = await this.records.view(rec);
    if (outcome !== 'unchanged' && view.notVoted.length === 0) {
      const closed = await this.closing.close(SYSTEM_FOR(rec.tenantId), rec.id, 'all-voted');
      if (closed) view = await this.records.view(closed);
    }
    return { outcome, view, vote: stored };
  }
}
