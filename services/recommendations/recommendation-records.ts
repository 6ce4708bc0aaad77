import type { ChannelPurpose } from '../conversations';
import type { Actor } from '../directory/roles';
import { notFound } from '../errors';
import { normaliseRef } from '../refs';
import { CONTAINERS } from '../store/containers';
import type { Store, Stored } from '../store/port';
import type { Tally } from './decision-rule';
import type { RecommendationSource } from './intake';
import { seesEveryChoice } from './vote-privacy';
import type { Recommendation, Vote, VoteView } from './recommendation';

/** Whether this person sees how each partner voted, not only the tally (the rule in vote-privacy.ts). */
export function canSeeVotesOf(actor: Pick<Actor, 'roles'> | undefined): boolean {
  return !!actor && seesEveryChoice(actor.roles);
}

/** Where a decision is announced besides the Executive Board channel. */
export interface Announcement {
  /** Partnership channels, by purpose. */
  purposes: ChannelPurpose[];
  /** Particular conversations (a review's reminder channels), by key. */
  conversations: string[];
}

/** What routing reads of a review: its strand and the channels its reminders go to. */
export interface ReviewRouting {
  strand?: string;
  reminderConversations?: string[];
}

/**
 * Where an outcome goes besides the Executive Board: for a review, the channels its reminders go
 * to if it names any, else the partnership channel(s) of its strand; for a subgroup or
 * partnership group, the partnership channel its name points to, if any.
 */
export function outcomeChannels(source: RecommendationSource, review?: ReviewRouting): Announcement {
  if (source.kind === 'review' && review?.reminderConversations?.length) return { purposes: [], conversations: review.reminderConversations };
  const purposes: ChannelPurpose[] = [];
  const hint = source.kind === 'review' && review?.strand ? review.strand : source.name;
  if (/child|combined/i.test(hint)) purposes.push('children-partnership');
  if (/adult|combined/i.test(hint)) purposes.push('adults-partnership');
  if (purposes.length === 0 && source.kind === 'review') purposes.push('children-partnership', 'adults-partnership');
  return { purposes, conversations: [] };
}

/** The tally and who has or has not voted, from the vote documents of eligible voters. */
export function voteViewOf(rec: Recommendation, allVotes: Vote[]): VoteView {
  const eligibleIds = new Set(rec.eligible.map((v) => v.aadObjectId));
  const votes = allVotes.filter((v) => eligibleIds.has(v.voter.aadObjectId));
  let tally: Tally = { approve: 0, reject: 0, abstain: 0 };
  for (const v of votes) tally[v.option] += 1;
  // A closed vote shows the tally it was decided on, so the card always agrees with the decision.
  if (rec.closed) tally = { ...rec.closed.tally };
  const votedIds = new Set(votes.map((v) => v.voter.aadObjectId));
  return {
    rec,
    votes,
    tally,
    voted: rec.eligible.filter((v) => votedIds.has(v.aadObjectId)),
    notVoted: rec.eligible.filter((v) => !votedIds.has(v.aadObjectId)),
  };
}

/** By the number in the id (`rec-4` before `rec-10`). */
const oldestFirst = (a: Recommendation, b: Recommendation): number => Number(a.id.slice(4)) - Number(b.id.slice(4));

/**
 * Reading recommendations and their votes: what the service, the actions and the cards in Teams
 * all read, with no way to change anything. Built once in the composition root.
 */
export class RecommendationRecords {
  constructor(private readonly store: Store) {}

  async get(tenantId: string, id: unknown): Promise<Stored<Recommendation> | undefined> {
    if (typeof id !== 'string' || !/^rec-\d{1,9}$/.test(id)) return undefined;
    return this.store.read<Recommendation>(CONTAINERS.recommendations.name, tenantId, id);
  }

  /** The recommendation a card or a timer names, or a refusal that says it is not here. */
  async require(tenantId: string, id: unknown): Promise<Stored<Recommendation>> {
    const rec = await this.get(tenantId, id);
    if (!rec) throw notFound('That recommendation does not exist here (the card may be from somewhere else). Type **recommendations** to see them.');
    return rec;
  }

  /** By id (`rec-4`) or the reference people type (`REC-4`, `rec4`, `4`). */
  async find(tenantId: string, text: string): Promise<Stored<Recommendation>> {
    const ref = normaliseRef('REC', text, { bareNumber: true });
    const rec = ref ? await this.get(tenantId, ref.toLowerCase()) : undefined;
    if (!rec) throw notFound(`There is no recommendation "${(text ?? '').trim().slice(0, 40)}" here. Type **recommendations** to see them.`);
    return rec;
  }

  /** Every recommendation here, oldest first. */
  async list(tenantId: string): Promise<Recommendation[]> {
    const all = await this.store.query<Recommendation>(CONTAINERS.recommendations.name, { partitionKey: tenantId });
    return all.sort(oldestFirst);
  }

  /** The recommendations that came from one source (e.g. a review), oldest first. */
  async bySource(tenantId: string, sourceId: string): Promise<Recommendation[]> {
    const found = await this.store.query<Recommendation>(CONTAINERS.recommendations.name, { partitionKey: tenantId, where: [{ field: 'source.id', op: '=', value: sourceId }] });
    return found.sort(oldestFirst);
  }

  async votes(rec: Recommendation): Promise<Vote[]> {
    return this.store.query<Vote>(CONTAINERS.votes.name, {
      partitionKey: rec.tenantId,
      where: [{ field: 'recommendationId', op: '=', value: rec.id }],
    });
  }

  async view(rec: Recommendation): Promise<VoteView> {
    return voteViewOf(rec, await this.votes(rec));
  }

  /** Where this recommendation's decision is announced besides the Executive Board (a review's own channels, or its strand's). */
  async announcement(rec: Recommendation): Promise<Announcement> {
    const review = rec.source.kind === 'review' ? await this.store.read<ReviewRouting & { id: string }>(CONTAINERS.reviews.name, rec.tenantId, rec.source.id) : undefined;
    return outcomeChannels(rec.source, review);
  }

  /**
   * A vote reminder is still due to this person: the vote is open, they are an eligible partner
   * and they have not voted. Otherwise undefined (the reminder is dropped).
   */
  async voteReminderDue(tenantId: string, recommendationId: unknown, voterId: string): Promise<Recommendation | undefined> {
    const rec = await this.get(tenantId, recommendationId);
    if (!rec || rec.status !== 'open') return undefined;
    const view = await this.view(rec);
    return view.notVoted.some((v) => v.aadObjectId === voterId) ? rec : undefined;
  }
}
