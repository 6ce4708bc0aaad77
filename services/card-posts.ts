import type { Clock } from './clock';
import { CONTAINERS } from './store/containers';
import { Store, updateWithRetry } from './store/port';

/** Where one entity's card was posted: conversation record id and the activity to update. */
export interface CardPost {
  conversationKey: string;
  activityId: string;
  /** The person a personal copy was rendered for, if any. */
  viewerAadObjectId?: string;
  postedAt: string;
}

interface CardPostsDoc {
  id: string;
  tenantId: string;
  entity: string;
  posts: CardPost[];
}

const MAX_POSTS = 500;

/** Remembers every copy of an entity's card, so an action can update them all in place. */
export class CardPosts {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async record(tenantId: string, entity: string, post: Omit<CardPost, 'postedAt'>): Promise<void> {
    await updateWithRetry<CardPostsDoc>(this.store, CONTAINERS.cardPosts.name, tenantId, entity, (current) => {
      const posts = (current?.posts ?? []).filter((p) => p.activityId !== post.activityId);
      posts.push({ ...post, postedAt: this.clock.now().toISOString() });
      return { id: entity, tenantId, entity, posts: posts.slice(-MAX_POSTS) };
    });
  }

  async list(tenantId: string, entity: string): Promise<CardPost[]> {
    return (await this.store.read<CardPostsDoc>(CONTAINERS.cardPosts.name, tenantId, entity))?.posts ?? [];
  }

  async forget(tenantId: string, entity: string, activityId: string): Promise<void> {
    await updateWithRetry<CardPostsDoc>(this.store, CONTAINERS.cardPosts.name, tenantId, entity, (current) =>
      current ? { ...current, posts: current.posts.filter((p) => p.activityId !== activityId) } : undefined,
    );
  }
}
