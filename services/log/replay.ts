import type { Doc, Store } from '../store/port';
import { CONTAINERS } from '../store/containers';
import { DECISION_LABELS, OPTION_LABELS } from '../recommendations/decision-rule';
import type { AuditLog, LogEntry } from './audit-log';

/** A stored document the log does not account for, or a logged fact the store no longer shows. */
export interface ReplayFinding {
  container: string;
  id: string;
  problem: string;
}

export interface ReplayResult {
  ok: boolean;
  /** Documents checked against the log. */
  documents: number;
  findings: ReplayFinding[];
}

interface StateDoc extends Doc {
  tenantId: string;
  ref?: string;
  status?: string;
}
interface VoteDoc extends StateDoc {
  recommendationId: string;
  voter: { aadObjectId: string; name: string };
  option: keyof typeof OPTION_LABELS;
}

/** The state containers whose every document must have come from a logged change, and the entity type the log names them by. */
const ENTITY_CONTAINERS: { container: string; type: string }[] = [
  { container: CONTAINERS.recommendations.name, type: 'recommendation' },
  { container: CONTAINERS.disputes.name, type: 'dispute' },
  { container: CONTAINERS.reviews.name, type: 'review' },
  { container: CONTAINERS.actions.name, type: 'action' },
];

/**
 * Replays the log against the current state: every recommendation, dispute, review, action and
 * vote must be accounted for by a logged change, and each vote must hold the option its last
 * logged vote entry gave (a vote document edited or created in the database directly, or a
 * recommendation's decision changed, is named). It reads only the entries' entity, actor and
 * after-summary, so it does not depend on how entries are appended or sealed.
 */
export async function replayAgainstState(log: AuditLog, store: Store, tenantId: string): Promise<ReplayResult> {
  const logged = new Set<string>();
  const votes = new Map<string, { voter: string; option: string; seq: number }>();
  const decisions = new Map<string, string>();
  for await (const entry of log.all(tenantId)) note(entry, logged, votes, decisions);

  const findings: ReplayFinding[] = [];
  let documents = 0;
  for (const { container, type } of ENTITY_CONTAINERS) {
    for (const doc of await store.query<StateDoc>(container, { partitionKey: tenantId })) {
      documents += 1;
      const name = doc.ref ? `${doc.ref} (${doc.id})` : doc.id;
      if (!logged.has(`${type}:${doc.id}`)) findings.push({ container, id: doc.id, problem: `${type} ${name} is in the store but no log entry records it` });
      if (type === 'recommendation' && doc.status !== undefined) {
        const decided = decisions.get(doc.id);
        const label = doc.status === 'open' ? undefined : (DECISION_LABELS as Record<string, string>)[doc.status] ?? doc.status;
        if (label === undefined && decided !== undefined)
          findings.push({ container, id: doc.id, problem: `recommendation ${name} is open in the store but the log records it decided (${decided})` });
        if (label !== undefined && (decided === undefined || !decided.startsWith(`${label}:`)))
          findings.push({ container, id: doc.id, problem: `recommendation ${name} shows "${label}" but the log ${decided ? `records "${decided}"` : 'records no decision'}` });
      }
    }
  }

  const seen = new Set<string>();
  for (const vote of await store.query<VoteDoc>(CONTAINERS.votes.name, { partitionKey: tenantId })) {
    documents += 1;
    const key = voteKey(vote.recommendationId, vote.voter.aadObjectId);
    seen.add(key);
    const last = votes.get(key);
    const shown = OPTION_LABELS[vote.option] ?? String(vote.option);
    if (!last)
      findings.push({ container: CONTAINERS.votes.name, id: vote.id, problem: `a vote by ${vote.voter.name} (${shown}) is in the store but no log entry records it` });
    else if (last.option !== shown)
      findings.push({ container: CONTAINERS.votes.name, id: vote.id, problem: `the vote by ${vote.voter.name} shows ${shown} but log entry ${last.seq} records ${last.option}` });
  }
  for (const [key, last] of votes)
    if (!seen.has(key))
      findings.push({ container: CONTAINERS.votes.name, id: key, problem: `log entry ${last.seq} records a vote (${last.option}) that is missing from the store` });

  return { ok: findings.length === 0, documents, findings };
}

function note(entry: LogEntry, logged: Set<string>, votes: Map<string, { voter: string; option: string; seq: number }>, decisions: Map<string, string>): void {
  logged.add(`${entry.entity.type}:${entry.entity.id}`);
  if ((entry.action === 'vote.cast' || entry.action === 'vote.changed') && entry.after !== undefined)
    votes.set(voteKey(entry.entity.id, entry.actor.aadObjectId), { voter: entry.actor.aadObjectId, option: entry.after, seq: entry.seq });
  if (entry.action === 'recommendation.decided' && entry.after !== undefined) decisions.set(entry.entity.id, entry.after);
}

const voteKey = (recommendationId: string, voter: string): string => `${recommendationId}/${voter}`;
