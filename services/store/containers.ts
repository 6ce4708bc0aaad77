import containerList from './container-list.json';

/**
 * Every container the code uses, with its partition key and what the queries rely on, from ONE
 * list, container-list.json: the Cosmos adapter creates them from it, the embedded store indexes by
 * it, and infra/modules/cosmos.bicep deploys one container per entry (a loop over the same file).
 */
export interface ContainerDefinition {
  name: string;
  /** What the container holds, for a reader of container-list.json. */
  description?: string;
  /** Partition key path. Tenant-scoped data is partitioned by tenant so one deployment can serve several. */
  partitionKey: string;
  /** Fields used in range filters or ORDER BY; the embedded store keeps a sorted index for each. */
  orderedFields?: string[];
  /**
   * Embedded store only: keep the documents' bodies in a file rather than in memory (their index
   * entries stay in memory), for a container that grows all year and is read seldom: the log.
   */
  embeddedBodiesOnDisk?: boolean;
  /** Composite indexes Cosmos needs for multi-field ORDER BY. */
  compositeIndexes?: { path: string; order: 'ascending' | 'descending' }[][];
  uniqueKeys?: string[][];
  /** Seconds; -1 enables per-document TTL with no default expiry. */
  defaultTtl?: number;
}

/** The containers the code names, each as in container-list.json (whose `name` is the key). */
const NAMES = ['people', 'conversations', 'log', 'cardPosts', 'counters', 'timers', 'disputes', 'reviews', 'recommendations', 'votes', 'actions', 'caseReviews'] as const;

export type ContainerName = (typeof NAMES)[number];

// Read as JSON, a composite index's `order` is any string: the definitions are taken as declared.
const listed: unknown = containerList;
export const CONTAINER_LIST = listed as ContainerDefinition[];

export const CONTAINERS = Object.fromEntries(
  NAMES.map((name) => {
    const def = CONTAINER_LIST.find((c) => c.name === name);
    if (!def) throw new Error(`services/store/container-list.json has no container "${name}"`);
    return [name, def as ContainerDefinition & { name: typeof name }];
  }),
) as { [K in ContainerName]: ContainerDefinition & { name: K } };

if (CONTAINER_LIST.length !== NAMES.length)
  throw new Error(`services/store/container-list.json lists containers the code does not name: ${CONTAINER_LIST.map((c) => c.name).filter((n) => !(NAMES as readonly string[]).includes(n)).join(', ')}`);

/** Containers whose documents carry a transactional outbox (services/outbox): the relay looks in each by `outboxDueAt`. */
export const OUTBOX_CONTAINERS: string[] = [CONTAINERS.disputes.name, CONTAINERS.reviews.name, CONTAINERS.recommendations.name, CONTAINERS.votes.name, CONTAINERS.actions.name, CONTAINERS.people.name, CONTAINERS.conversations.name, CONTAINERS.caseReviews.name, CONTAINERS.counters.name];

export function containerDefinition(name: string): ContainerDefinition {
  const def = CONTAINER_LIST.find((c) => c.name === name);
  if (!def) throw new Error(`Unknown container "${name}"`);
  return def;
}
