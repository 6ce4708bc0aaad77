import { renderVoteCard } from '../../cards/recommendations/vote';
import type { AdaptiveCard } from '../../cards/render';
import type { ConversationRecord, Conversations } from '../../services/conversations';
import type { Clock } from '../../services/clock';
import type { Directory, Person } from '../../services/directory/directory';
import type { Publisher } from '../../services/publisher';
import type { ActionItem, ActionService } from '../../services/recommendations/action-service';
import { DECISION_LABELS, Decision } from '../../services/recommendations/decision-rule';
import { Announcement, canSeeVotesOf, RecommendationRecords } from '../../services/recommendations/recommendation-records';
import type { Recommendation, RecommendationEvents, VoteView } from '../../services/recommendations/recommendation-service';
import type { CalendarTime } from '../../services/time';
import { voteCardData } from './card-data';

export const recommendationKey = (id: string): string => `recommendation:${id}`;

/**
 * Teams names users in `refresh.userIds` by their Teams user id (MRI, `29:…`), which the bot
 * learns from a person's personal chat with it; people without one are listed by Entra object id.
 */
export function teamsUserIds(people: Pick<Person, 'aadObjectId'>[], chats: ConversationRecord[]): string[] {
  const mri = new Map<string, string>();
  for (const c of chats) {
    const user = (c.reference as { user?: { id?: unknown } }).user;
    if (c.kind === 'personal' && c.userAadObjectId && typeof user?.id === 'string') mri.set(c.userAadObjectId, user.id);
  }
  return people.map((p) => mri.get(p.aadObjectId) ?? p.aadObjectId);
}

export interface VoteCardsDeps {
  records: RecommendationRecords;
  actionItems: ActionService;
  publisher: Publisher;
  directory: Directory;
  conversations: Conversations;
  time: CalendarTime;
  clock: Clock;
}

/**
 * The vote card in Teams: rendered for each kind of viewer, posted when a vote opens, refreshed
 * in every chat when it changes, announced where the service says when it is decided. Built in
 * the composition root and given to the recommendation service as its events port.
 */
export class VoteCards implements RecommendationEvents {
  constructor(private readonly deps: VoteCardsDeps) {}

  /**
   * Renders a recommendation's vote card for any viewer: the shared view (no viewer, or anyone
   * who may not see individual votes) or the privileged one, each with the viewer's own choice
   * when they have voted (services/recommendations/vote-privacy.ts decides who sees which
   * choice). What every view needs (the current recommendation, its tally, the directory, its
   * actions) is read once per renderer, and each kind of view without a choice of its own is
   * rendered once, so refreshing many copies costs one render per kind and one per voter.
   */
  renderer(rec: Recommendation, known?: VoteView): (viewer: string | undefined) => Promise<AdaptiveCard> {
    const { records, directory, conversations, actionItems, time, clock } = this.deps;
    let loaded: Promise<{ view: VoteView; people: Person[]; actions: ActionItem[]; refreshUserIds: string[] }> | undefined;
    const load = () =>
      (loaded ??= (async () => {
        const current = known ?? (await records.view((await records.get(rec.tenantId, rec.id)) ?? rec));
        const [people, actions] = await Promise.all([directory.list(rec.tenantId), actionItems.forRecommendation(rec.tenantId, rec.id)]);
        // Teams refreshes to their own view (at most 60): the chair and Business Team first, then each eligible voter.
        const privileged = people.filter((p) => canSeeVotesOf(p));
        const voters = current.rec.eligible.filter((v) => !privileged.some((p) => p.aadObjectId === v.aadObjectId));
        const refreshed = [...privileged, ...voters];
        const chats = await conversations.personalChats(rec.tenantId, refreshed.map((p) => p.aadObjectId));
        return { view: current, people, actions, refreshUserIds: teamsUserIds(refreshed, chats).slice(0, 60) };
      })());
    const rendered = new Map<string, AdaptiveCard>();
    return async (viewer) => {
      const { view, people, actions, refreshUserIds } = await load();
      const person = viewer ? people.find((p) => p.aadObjectId === viewer) : undefined;
      const isChair = !!person?.roles.includes('chair');
      const privileged = canSeeVotesOf(person);
      const mine = viewer ? view.votes.find((v) => v.voter.aadObjectId === viewer) : undefined;
      const kind = `${isChair ? 'chair' : privileged ? 'business' : 'shared'}${mine ? `:${viewer}` : ''}`;
      const cached = rendered.get(kind);
      if (cached) return cached;
      const canAssign = privileged && view.rec.status === 'approved';
      const card = renderVoteCard(
        voteCardData(view, {
          privileged,
          isChair,
          // Who Teams refreshes to their own view: the chair and Business Team (at most 60). The
          // privileged view itself has no refresh section, so Teams AI answers only the person who
          // asked instead of replacing the card for everyone (which would show every choice).
          refreshUserIds: privileged ? [] : refreshUserIds,
          ...(mine ? { myVote: { option: mine.option, at: mine.changedAt ?? mine.castAt } } : {}),
          people: canAssign ? people.map((p) => ({ title: p.organisation ? `${p.name} (${p.organisation})` : p.name, value: p.aadObjectId })) : [],
          actions,
          time,
          now: clock.now(),
        }),
      );
      rendered.set(kind, card);
      return card;
    };
  }

  /** The vote card, for everyone (no viewer) or for one viewer (their roles decide the view). */
  card(rec: Recommendation, viewer?: string, known?: VoteView): Promise<AdaptiveCard> {
    return this.renderer(rec, known)(viewer);
  }

  /** Every other copy is updated after the click is answered, from the state as it is then (publisher.refreshSoon). */
  async refresh(rec: Recommendation, except?: string): Promise<void> {
    const { publisher, records } = this.deps;
    publisher.refreshSoon(rec.tenantId, recommendationKey(rec.id), async () => this.renderer((await records.get(rec.tenantId, rec.id)) ?? rec), except);
  }

  async opened(rec: Recommendation): Promise<void> {
    await this.deps.publisher.postToPurpose(rec.tenantId, recommendationKey(rec.id), 'executive-board', {
      text: `A recommendation for the Executive Board to vote on: ${rec.ref}`,
      card: await this.card(rec),
    });
  }

  async changed(rec: Recommendation): Promise<void> {
    await this.refresh(rec);
  }

  async decided(rec: Recommendation, announce: Announcement): Promise<void> {
    const { publisher, conversations } = this.deps;
    await this.refresh(rec);
    // The source's own card (a review's timeline) shows this outcome: redraw its copies too.
    publisher.refreshEntity(rec.tenantId, rec.source.kind, rec.source.id);
    const message = { text: `Decision on ${rec.ref}: ${DECISION_LABELS[rec.status as Decision]}`, card: await this.card(rec) };
    for (const purpose of ['executive-board' as const, ...announce.purposes]) await publisher.postToPurpose(rec.tenantId, recommendationKey(rec.id), purpose, message);
    const board = new Set((await conversations.forPurpose(rec.tenantId, 'executive-board')).map((c) => c.id));
    for (const key of announce.conversations) {
      const conversation = board.has(key) ? undefined : await conversations.get(rec.tenantId, key);
      if (conversation) await publisher.postTo(rec.tenantId, recommendationKey(rec.id), conversation, message);
    }
  }
}
