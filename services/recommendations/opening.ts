import type { Clock } from '../clock';
import type { Directory } from '../directory/directory';
import type { Actor } from '../directory/roles';
import { invalid } from '../errors';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import type { References } from '../refs';
import { CONTAINERS } from '../store/containers';
import type { Store } from '../store/port';
import { CalendarTime, formatDate } from '../time';
import type { RecommendationSubmission } from './intake';
import * as rules from './recommendation';
import { Recommendation, entityOf } from './recommendation';
import { eventEffect } from './recommendation-events';
import { VoteSettings, closeHourOf, voteTimers } from './vote-schedule';

/** Putting a recommendation to the Executive Board: the vote opens to the partners of the day, with its timers. */
export class Opening {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly directory: Directory,
    private readonly refs: References,
    private readonly outbox: Outbox,
    private readonly settings: VoteSettings,
  ) {}

  /**
   * The `recommend` form: only people who sit on a group that may recommend. `formKey` (unique per
   * rendered form) makes a double click on Submit open one vote, not two.
   */
  async recommend(actor: Actor, submission: RecommendationSubmission, formKey?: string): Promise<{ rec: Recommendation; created: boolean }> {
    rules.checkCanRecommend(actor);
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

  /** Opens the vote on a checked submission (whoever may submit it has been decided by the caller). */
  async open(actor: Actor, input: RecommendationSubmission, formKey?: string): Promise<Recommendation> {
    const tenantId = actor.tenantId;
    const closeHour = closeHourOf(this.settings);
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
      closesAt: this.time.instantAt(deadline, closeHour).toISOString(),
      eligible: partners.map((p) => ({ aadObjectId: p.aadObjectId, name: p.name, ...(p.organisation ? { organisation: p.organisation } : {}) })),
      quorum: this.settings.voteQuorum,
      submittedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
      createdAt: this.clock.now().toISOString(),
      version: 1,
      extensions: [],
      ...(formKey ? { formKey: formKey.slice(0, 64) } : {}),
    };
    const timers = voteTimers(rec, this.time.today(this.clock), closeHour, this.settings.voteReminderDays);
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
        ...timers.map((spec): EffectSpec => ({ kind: 'schedule', actor, spec })),
        eventEffect('opened', tenantId, rec.id),
      ]),
    );
    await this.outbox.deliver(CONTAINERS.recommendations.name, saved);
    return withoutOutbox(saved);
  }
}
