/**
 * Every container the code uses, with its partition key and what the queries rely on. The
 * Cosmos adapter creates them from this list and infra/azure.bicep must declare the same
 * (tests/unit/infra-containers.test.ts compares the two).
 */
export interface ContainerDefinition {
  name: string;
  /** Partition key path. Tenant-scoped data is partitioned by tenant so one deployment can serve several. */
  partitionKey: string;
  /** Fields used in range filters or ORDER BY; the embedded store keeps a sorted index for each. */
  orderedFields?: string[];
  /** Composite indexes Cosmos needs for multi-field ORDER BY. */
  compositeIndexes?: { path: string; order: 'ascending' | 'descending' }[][];
  uniqueKeys?: string[][];
  /** Seconds; -1 enables per-document TTL with no default expiry. */
  defaultTtl?: number;
}

export const CONTAINERS = {
  /** People and their roles, keyed by Entra object id. */
  people: { name: 'people', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  /** Conversation references of every install, for proactive messages. */
  conversations: { name: 'conversations', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  /** Append-only, hash-chained audit log; `seq` orders each tenant's chain. */
  log: { name: 'log', partitionKey: '/tenantId', orderedFields: ['seq', 'recordedAt', 'source'] },
  /** Where each entity's cards were posted, so every copy can be updated in place. */
  cardPosts: { name: 'cardPosts', partitionKey: '/tenantId' },
  /** Counters for short human references (D-7, R-3) and other small shared state. */
  counters: { name: 'counters', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  /** Durable reminders; the scheduler reads due ones across tenants by `dueAt`. */
  timers: { name: 'timers', partitionKey: '/tenantId', orderedFields: ['dueAt', 'pendingDueAt'] },
  disputes: { name: 'disputes', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  reviews: { name: 'reviews', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  recommendations: { name: 'recommendations', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  /** One document per vote: id = recommendation + voter, so a double click is a 409, not a second vote. */
  votes: { name: 'votes', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  actions: { name: 'actions', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
  /** Safeguarding case reviews: an anonymised reference and dates only, never personal data. */
  caseReviews: { name: 'caseReviews', partitionKey: '/tenantId', orderedFields: ['outboxDueAt'] },
} as const satisfies Record<string, ContainerDefinition>;

/** Containers whose documents carry a transactional outbox (services/outbox): the relay looks in each by `outboxDueAt`. */
export const OUTBOX_CONTAINERS: string[] = [CONTAINERS.disputes.name, CONTAINERS.reviews.name, CONTAINERS.recommendations.name, CONTAINERS.votes.name, CONTAINERS.actions.name, CONTAINERS.people.name, CONTAINERS.conversations.name, CONTAINERS.caseReviews.name, CONTAINERS.counters.name];

export type ContainerName = (typeof CONTAINERS)[keyof typeof CONTAINERS]['name'];

export const CONTAINER_LIST: ContainerDefinition[] = Object.values(CONTAINERS);

export function containerDefinition(name: string): ContainerDefinition {
  const def = CONTAINER_LIST.find((c) => c.name === name);
  if (!def) throw new Error(`Unknown container "${name}"`);
  return def;
}
