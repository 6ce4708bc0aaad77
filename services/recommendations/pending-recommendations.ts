import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Actor } from '../directory/roles';
import { invalid } from '../errors';
import type { AuditLog } from '../log/audit-log';
import type { References } from '../refs';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict } from '../store/port';
import type { RecommendationIntake, RecommendationSubmission, SubmittedRecommendation } from './intake';

/** A recommendation waiting for the Executive Board, as stored in the `recommendations` container. */
export interface PendingRecommendationDoc {
  id: string;
  tenantId: string;
  ref: string;
  title: string;
  detail: string;
  source: RecommendationSubmission['source'];
  status: 'pending';
  submittedBy: { aadObjectId: string; name: string };
  submittedAt: string;
  votingDeadline?: string;
}

/**
 * The RecommendationIntake used until the votes feature provides its own (compose wires this
 * one only when `recommendationIntake` is unset). It stores each submission as a `pending`
 * document in the `recommendations` container with a `REC-n` reference and logs it; the voting
 * work reads these documents (status `pending`, `source.id` = the review's id) and puts them
 * to the Executive Board. The same source and title make the same id, so a repeated
 * submission returns the first one instead of a duplicate.
 */
export class PendingRecommendations implements RecommendationIntake {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly refs: References,
  ) {}

  async submit(actor: Actor, submission: RecommendationSubmission): Promise<SubmittedRecommendation> {
    const title = submission.title.trim();
    if (!title) throw invalid('A recommendation needs a title.', 'title');
    const tenantId = actor.tenantId;
    const id = `rec-${createHash('sha256').update([tenantId, submission.source.kind, submission.source.id, title.toLowerCase()].join('|')).digest('hex').slice(0, 32)}`;
    const existing = await this.store.read<PendingRecommendationDoc>(CONTAINERS.recommendations.name, tenantId, id);
    if (existing) return toSubmitted(existing);
    const doc: PendingRecommendationDoc = {
      id,
      tenantId,
      ref: await this.refs.next(tenantId, 'REC'),
      title,
      detail: submission.detail.trim(),
      source: submission.source,
      status: 'pending',
      submittedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
      submittedAt: this.clock.now().toISOString(),
      ...(submission.votingDeadline ? { votingDeadline: submission.votingDeadline } : {}),
    };
    try {
      await this.store.create(CONTAINERS.recommendations.name, doc);
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'exists')
        return toSubmitted((await this.store.read<PendingRecommendationDoc>(CONTAINERS.recommendations.name, tenantId, id))!);
      throw err;
    }
    await this.log.append(actor, tenantId, {
      action: 'recommendation.submitted',
      entity: { type: 'recommendation', id, ref: doc.ref },
      after: `pending for the Executive Board: ${title} (from ${submission.source.name})`,
    });
    return toSubmitted(doc);
  }

  async bySource(tenantId: string, sourceId: string): Promise<SubmittedRecommendation[]> {
    const docs = await this.store.query<PendingRecommendationDoc>(CONTAINERS.recommendations.name, {
      partitionKey: tenantId,
      where: [{ field: 'source.id', op: '=', value: sourceId }],
    });
    return docs.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt)).map(toSubmitted);
  }
}

function toSubmitted(doc: PendingRecommendationDoc): SubmittedRecommendation {
  return { id: doc.id, ref: doc.ref, title: doc.title, status: doc.status, source: doc.source };
}
