import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import { renderActionCard } from '../../cards/recommendations/action';
import { EntityRow, renderEntityList } from '../../cards/entity-list';
import { renderRecommendForm } from '../../cards/recommendations/recommend-form';
import { REC_VERBS } from '../../cards/recommendations/verbs';
import { renderVoteCard } from '../../cards/recommendations/vote';
import type { AdaptiveCard } from '../../cards/render';
import type { ChannelPurpose, ConversationRecord } from '../../services/conversations';
import { CONTAINERS } from '../../services/store/containers';
import type { Person } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import { notFound } from '../../services/errors';
import { seesEveryChoice } from '../../services/recommendations/vote-privacy';
import { DECISION_LABELS, Decision, OPTION_LABELS, explainDecision } from '../../services/recommendations/decision-rule';
import { ACTION_OVERDUE_HANDLER, ACTION_REMIND_HANDLER, ActionItem, ActionService } from '../../services/recommendations/action-service';
import type { RecommendationSource } from '../../services/recommendations/intake';
import {
  Recommendation,
  RecommendationService,
  Vote,
  VoteView,
  SYSTEM_FOR,
  VOTE_CLOSE_HANDLER,
  VOTE_REMIND_HANDLER,
} from '../../services/recommendations/recommendation-service';
import { addDays, formatDate } from '../../services/time';
import type { AppServices } from '../app-services';
import type { CardAction, Feature, Turn } from '../feature';
import { refusalText, refusedForm, replyCard, replyRefusal } from '../replies';
import { actionCardData, voteCardData } from './card-data';

export const recommendationKey = (id: string): string => `recommendation:${id}`;
export const actionKey = (id: string): string => `action:${id}`;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What the votes feature reads of a review (the reviews feature's document) to route an outcome. */
interface ReviewRouting {
  strand?: string;
  reminderConversations?: string[];
}

/**
 * Where an outcome goes besides the Executive Board: for a review, the channels its reminders go
 * to (`conversations`) if it names any, else the partnership channel(s) of its strand; for a
 * subgroup or partnership group, the partnership channel its name points to, if any.
 */
export function outcomeChannels(source: RecommendationSource, review?: ReviewRouting): { purposes: ChannelPurpose[]; conversations: string[] } {
  if (source.kind === 'review' && review?.reminderConversations?.length) return { purposes: [], conversations: review.reminderConversations };
  const purposes: ChannelPurpose[] = [];
  const hint = source.kind === 'review' && review?.strand ? review.strand : source.name;
  if (/child|combined/i.test(hint)) purposes.push('children-partnership');
  if (/adult|combined/i.test(hint)) purposes.push('adults-partnership');
  if (purposes.length === 0 && source.kind === 'review') purposes.push('children-partnership', 'adults-partnership');
  return { purposes, conversations: [] };
}

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

/** Recommend → Executive Board vote → decision → actions, with reminders until each is done. */
export function recommendationsFeature(services: AppServices): Feature {
  const recs: RecommendationService | undefined = services.recommendations;
  const actionItems: ActionService | undefined = services.actionItems;
  if (!recs || !actionItems) throw new Error('The recommendations feature needs services.recommendations and services.actionItems (built in bot/compose.ts)');
  const { publisher, directory, time, clock, reminders, config } = services;
  const today = () => time.dateOf(clock.now());

  /**
   * Renders a recommendation's vote card for any viewer: the shared view (no viewer, or anyone
   * but the chair and Business Team) or the privileged one, each with the viewer's own choice
   * when they have voted (services/recommendations/vote-privacy.ts decides who sees which
   * choice). What every view needs (the current recommendation, its tally, the directory, its
   * actions) is read once per renderer, and each kind of view without a choice of its own is
   * rendered once, so refreshing many copies costs one render per kind and one per voter.
   */
  const voteCards = (rec: Recommendation, known?: VoteView): ((viewer: string | undefined) => Promise<AdaptiveCard>) => {
    let loaded: Promise<{ view: VoteView; people: Person[]; actions: ActionItem[]; refreshUserIds: string[] }> | undefined;
    const load = () =>
      (loaded ??= (async () => {
        const current = known ?? (await recs.view((await recs.get(rec.tenantId, rec.id)) ?? rec));
        const [people, actions] = await Promise.all([directory.list(rec.tenantId), actionItems.forRecommendation(rec.tenantId, rec.id)]);
        // Teams refreshes to their own view (at most 60): the chair and Business Team first, then each eligible voter.
        const privileged = people.filter((p) => seesEveryChoice(p.roles));
        const voters = current.rec.eligible.filter((v) => !privileged.some((p) => p.aadObjectId === v.aadObjectId));
        const refreshed = [...privileged, ...voters];
        const chats = await services.conversations.personalChats(rec.tenantId, refreshed.map((p) => p.aadObjectId));
        return { view: current, people, actions, refreshUserIds: teamsUserIds(refreshed, chats).slice(0, 60) };
      })());
    const rendered = new Map<string, AdaptiveCard>();
    return async (viewer) => {
      const { view, people, actions, refreshUserIds } = await load();
      const person = viewer ? people.find((p) => p.aadObjectId === viewer) : undefined;
      const isChair = !!person?.roles.includes('chair');
      const privileged = !!person && seesEveryChoice(person.roles);
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
          today: today(),
        }),
      );
      rendered.set(kind, card);
      return card;
    };
  };
  /** The vote card, for everyone (no viewer) or for one viewer (their roles decide the view). */
  const voteCard = (rec: Recommendation, viewer?: string, known?: VoteView): Promise<AdaptiveCard> => voteCards(rec, known)(viewer);
  /**
   * One person's own view, as the answer to their click or refresh: no refresh section, or Teams
   * AI would replace the card for everyone (and every viewer would set off another round of refreshes).
   */
  const ownVoteCard = async (rec: Recommendation, viewer: string, known?: VoteView): Promise<AdaptiveCard> => {
    const { refresh, ...card } = await voteCard(rec, viewer, known);
    void refresh;
    return card;
  };
  const actionCard = (action: ActionItem): AdaptiveCard => renderActionCard(actionCardData(action, today()));

  /** Every other copy is updated after the click is answered, from the state as it is then (publisher.refreshSoon). */
  const refreshVote = async (rec: Recommendation, except?: string): Promise<void> =>
    publisher.refreshSoon(rec.tenantId, recommendationKey(rec.id), async () => voteCards((await recs.get(rec.tenantId, rec.id)) ?? rec), except);
  const refreshAction = async (action: ActionItem, except?: string): Promise<void> =>
    publisher.refreshSoon(action.tenantId, actionKey(action.id), async () => {
      const current = (await actionItems.get(action.tenantId, action.id)) ?? action;
      return () => actionCard(current);
    }, except);

  recs.hooks.opened = async (rec) => {
    await publisher.postToPurpose(rec.tenantId, recommendationKey(rec.id), 'executive-board', { text: `A recommendation for the Executive Board to vote on: ${rec.ref}`, card: await voteCard(rec) });
  };
  recs.hooks.changed = async (rec) => {
    await refreshVote(rec);
  };
  recs.hooks.decided = async (rec) => {
    await refreshVote(rec);
    const message = { text: `Decision on ${rec.ref}: ${DECISION_LABELS[rec.status as Decision]}`, card: await voteCard(rec) };
    const review = rec.source.kind === 'review' ? await services.store.read<ReviewRouting & { id: string }>(CONTAINERS.reviews.name, rec.tenantId, rec.source.id) : undefined;
    const route = outcomeChannels(rec.source, review);
    for (const purpose of ['executive-board' as const, ...route.purposes]) await publisher.postToPurpose(rec.tenantId, recommendationKey(rec.id), purpose, message);
    const board = new Set((await services.conversations.forPurpose(rec.tenantId, 'executive-board')).map((c) => c.id));
    for (const key of route.conversations) {
      const conversation = board.has(key) ? undefined : await services.conversations.get(rec.tenantId, key);
      if (conversation) await publisher.postTo(rec.tenantId, recommendationKey(rec.id), conversation, message);
    }
  };

  reminders.registerHandler(VOTE_CLOSE_HANDLER, async (timer) => {
    await recs.closeAtDeadline(timer.tenantId, str(timer.content.kind === 'handler' ? timer.content.data.recommendationId : ''));
    return undefined; // the decided hook posts the outcome
  });
  reminders.registerHandler(VOTE_REMIND_HANDLER, async (timer) => {
    if (timer.content.kind !== 'handler' || timer.target.kind !== 'person') return undefined;
    const rec = await recs.get(timer.tenantId, timer.content.data.recommendationId);
    if (!rec || rec.status !== 'open') return undefined;
    const voterId = timer.target.aadObjectId;
    const view = await recs.view(rec);
    if (!view.notVoted.some((v) => v.aadObjectId === voterId)) return undefined;
    return { text: `Reminder: you have not voted on ${rec.ref} yet; voting closes ${time.formatInstant(new Date(rec.closesAt))}.`, card: await voteCard(rec) };
  });
  reminders.registerHandler(ACTION_REMIND_HANDLER, async (timer) => {
    if (timer.content.kind !== 'handler') return undefined;
    const action = await actionItems.get(timer.tenantId, timer.content.data.actionId);
    if (!action || action.status !== 'open') return undefined;
    return { text: `Reminder: ${action.ref} is due on ${formatDate(action.due)}.`, card: actionCard(action) };
  });
  reminders.registerHandler(ACTION_OVERDUE_HANDLER, async (timer) => {
    if (timer.content.kind !== 'handler') return undefined;
    const action = await actionItems.overdueReminder(SYSTEM_FOR(timer.tenantId), timer.tenantId, str(timer.content.data.actionId));
    return action ? { text: `${action.ref} is overdue: it was due on ${formatDate(action.due)}. Mark it done or give it a new date.`, card: actionCard(action) } : undefined;
  });

  /**
   * A card action whose refusal is answered privately: a form's input refusal with the form again
   * as typed (`form`, the problem beside its field; `within` names the button that opens that form
   * where inputs share ids), any other refusal as a message, the card left as it was.
   */
  const guarded = (
    verb: string,
    run: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | string>,
    form?: (turn: Turn, data: Record<string, unknown>) => Promise<AdaptiveCard | undefined>,
    within?: string,
  ): CardAction => ({
    verb,
    run: async (turn, data) => {
      try {
        return await run(turn, data);
      } catch (err) {
        return form ? refusedForm(err, data, () => form(turn, data), {}, within) : refusalText(err);
      }
    },
  });
  const recommendForm = async (tenantId: string, formKey: string): Promise<AdaptiveCard> => {
    const partners = (await directory.withRole(tenantId, 'partner')).length;
    return renderRecommendForm({ partners, voteDays: config.domain.voteDays, defaultDeadline: addDays(today(), config.domain.voteDays), minDeadline: addDays(today(), 1), formKey });
  };
  /** The clicked vote card again, as its clicker sees it (for a refused close, extend or assign). */
  const voteForm = async (turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard | undefined> => {
    const rec = await recs.get(turn.actor.tenantId, data.rec);
    return rec ? voteCard(rec, turn.actor.aadObjectId) : undefined;
  };
  const actionForm = async (turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard | undefined> => {
    const action = await actionItems.get(turn.actor.tenantId, data.action);
    return action ? actionCard(action) : undefined;
  };
  const countedText = (vote: Vote, rec: Recommendation): string =>
    `Your ${OPTION_LABELS[vote.option]} on ${rec.ref} was counted at ${time.formatInstant(new Date(vote.changedAt ?? vote.castAt))}; clicking again changes nothing.${rec.status === 'open' ? '' : ` Voting has since closed: ${DECISION_LABELS[rec.status] ?? rec.status}.`}`;
  const clickedId = (turn: Turn): string | undefined => turn.context.activity.replyToId ?? undefined;

  /** Open votes first (with whether the viewer still has to vote), then the latest decisions; each row opens its card. */
  const listRecommendations = async (actor: Actor): Promise<AdaptiveCard> => {
    const all = await recs.list(actor.tenantId);
    const recent = all.filter((r) => r.status === 'open').concat(all.filter((r) => r.status !== 'open').slice(-10).reverse());
    const rows = await Promise.all(
      recent.map(async (r) => {
        const view = await recs.view(r);
        const eligible = r.eligible.some((v) => v.aadObjectId === actor.aadObjectId);
        const mine = view.votes.find((v) => v.voter.aadObjectId === actor.aadObjectId);
        const open = r.status === 'open';
        return {
          ref: r.ref,
          name: r.title,
          line: open
            ? `Voting until ${formatDate(r.deadline)}; ${view.voted.length} of ${r.eligible.length} partners have voted`
            : `${DECISION_LABELS[r.status as Decision] ?? r.status}: ${explainDecision(r.status as Decision, r.eligible.length, view.tally, r.quorum)}`,
          todo: open && eligible ? (mine ? `You voted ${OPTION_LABELS[mine.option]}; you can change it until the vote closes` : 'You have not voted yet') : '',
          color: (open && eligible && !mine ? 'Warning' : 'Default') as EntityRow['color'],
          command: `recommendation ${r.ref}`,
        };
      }),
    );
    return renderEntityList({
      title: all.length ? `Recommendations (${rows.length})` : 'Recommendations',
      intro: all.length ? 'Open votes first, then the latest decisions.' : '',
      emptyText: 'None yet. Type recommend to put one to the Executive Board.',
      rows,
    });
  };

  /** Open actions, soonest due first, overdue ones in red; each row opens the action's card. */
  const actionList = (title: string, emptyText: string, list: ActionItem[], viewer: Actor): AdaptiveCard => {
    const now = today();
    const rows: EntityRow[] = [...list]
      .sort((a, b) => a.due.localeCompare(b.due) || a.ref.localeCompare(b.ref, undefined, { numeric: true }))
      .map((a) => {
        const overdue = a.due < now;
        const mine = a.owner.aadObjectId === viewer.aadObjectId;
        return {
          ref: a.ref,
          name: a.description,
          line: `${a.owner.name} (${a.organisation}), due ${formatDate(a.due)}`,
          todo: overdue ? `Overdue since ${formatDate(a.due)}${mine ? ': yours to mark done or move' : ''}` : mine ? 'Yours: mark it done with evidence when it is' : '',
          color: overdue ? 'Attention' : 'Default',
          command: `action ${a.ref}`,
        };
      });
    return renderEntityList({ title: `${title} (${rows.length})`, intro: '', emptyText, rows });
  };

  return {
    title: 'Recommendations, votes and actions',
    commands: [
      {
        name: 'recommend',
        description: 'Put a recommendation to the Executive Board as a vote',
        featured: true,
        run: async (turn) => {
          try {
            recs.assertCanRecommend(turn.actor);
          } catch (err) {
            await replyRefusal(turn.context, err);
            return;
          }
          await replyCard(turn.context, await recommendForm(turn.actor.tenantId, randomUUID()));
        },
      },
      {
        name: 'recommendations',
        description: 'Open votes and recent decisions',
        run: async (turn) => {
          await replyCard(turn.context, await listRecommendations(turn.actor));
        },
      },
      {
        name: 'recommendation',
        usage: 'recommendation <ref>',
        description: 'One recommendation\'s vote card (kept up to date)',
        run: async (turn) => {
          if (!turn.args.trim()) {
            await replyCard(turn.context, await listRecommendations(turn.actor));
            return;
          }
          try {
            const rec = await recs.find(turn.actor.tenantId, turn.args);
            // In a personal chat the copy is the reader's own (their choice, and everyone's for the chair and Business Team).
            const viewer = turn.inChannel ? undefined : turn.actor.aadObjectId;
            const activityId = await replyCard(turn.context, await voteCard(rec, viewer));
            if (activityId) await publisher.recordReply(rec.tenantId, recommendationKey(rec.id), turn.conversation.id, activityId, viewer);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'actions',
        description: 'Every open action, by owner',
        run: async (turn) => {
          await replyCard(turn.context, actionList('Open actions', 'No open actions.', await actionItems.open(turn.actor.tenantId), turn.actor));
        },
      },
      {
        name: 'my actions',
        description: 'Your open actions',
        featured: true,
        run: async (turn) => {
          await replyCard(turn.context, actionList('Your open actions', 'You have no open actions.', await actionItems.mine(turn.actor.tenantId, turn.actor.aadObjectId), turn.actor));
        },
      },
      {
        name: 'action',
        usage: 'action <ref>',
        description: 'One action\'s card: mark it done or change its due date',
        run: async (turn) => {
          if (!turn.args.trim()) {
            await replyCard(turn.context, actionList('Your open actions', 'You have no open actions.', await actionItems.mine(turn.actor.tenantId, turn.actor.aadObjectId), turn.actor));
            return;
          }
          try {
            const action = await actionItems.find(turn.actor.tenantId, turn.args);
            const activityId = await replyCard(turn.context, actionCard(action));
            if (activityId) await publisher.recordReply(action.tenantId, actionKey(action.id), turn.conversation.id, activityId);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [
      guarded(REC_VERBS.submit, async (turn, data) => {
        const kind = str(data.sourceKind) as RecommendationSource['kind'];
        const name = str(data.sourceName).trim();
        const { rec, created } = await recs.recommend(
          turn.actor,
          {
            title: str(data.title),
            detail: str(data.detail),
            source: { kind, id: `${kind}:${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name },
            ...(str(data.deadline) ? { votingDeadline: str(data.deadline) } : {}),
          },
          str(data.form) || undefined,
        );
        const clicked = clickedId(turn);
        if (created && clicked) await publisher.recordReply(rec.tenantId, recommendationKey(rec.id), turn.conversation.id, clicked);
        return voteCard(rec);
      }, async (turn, data) => recommendForm(turn.actor.tenantId, str(data.form) || randomUUID())),
      guarded(REC_VERBS.vote, async (turn, data) => {
        const { outcome, view, vote } = await recs.vote(turn.actor, data.rec, data.option);
        // A repeat (double click, redelivery, also after the close) is answered with what was counted, and when.
        if (outcome === 'unchanged') return countedText(vote, view.rec);
        // A decision already refreshed every copy (the decided hook); a cast or change refreshes the others here.
        if (view.rec.status === 'open') {
          const clicked = clickedId(turn);
          // The clicked copy gets the new tally for everyone first (what Teams AI does for an answer
          // with a refresh section), then the clicker's answer replaces it for them alone with their
          // own view: "You voted Approve at 10:02; you can change it until the vote closes".
          if (clicked) {
            try {
              await turn.context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(await voteCard(view.rec, undefined, view))), id: clicked });
            } catch {
              await refreshVote(view.rec); // the publisher updates (or gives up on) every copy, the clicked one included
              return ownVoteCard(view.rec, turn.actor.aadObjectId, view);
            }
          }
          await refreshVote(view.rec, clicked);
        }
        return ownVoteCard(view.rec, turn.actor.aadObjectId, view);
      }),
      guarded(REC_VERBS.view, async (turn, data) => {
        const rec = await recs.get(turn.actor.tenantId, data.rec);
        if (!rec) throw notFound('That recommendation does not exist here.');
        // Teams refreshes for everyone in conversations under 60 people (and for refresh.userIds in
        // larger ones): each sees their own view, with their own choice if they voted.
        return ownVoteCard(rec, turn.actor.aadObjectId);
      }),
      guarded(REC_VERBS.close, async (turn, data) => {
        const rec = await recs.closeEarly(turn.actor, data.rec, data.reason, data.v);
        return voteCard(rec, turn.actor.aadObjectId);
      }, voteForm, 'Close early'),
      guarded(REC_VERBS.extend, async (turn, data) => {
        const rec = await recs.extend(turn.actor, data.rec, data.deadline, data.reason, data.v);
        return voteCard(rec, turn.actor.aadObjectId);
      }, voteForm, 'Extend'),
      guarded(REC_VERBS.assign, async (turn, data) => {
        const { action, created } = await actionItems.assign(turn.actor, data.rec, { owner: data.owner, organisation: data.organisation, due: data.due, description: data.description });
        const rec = (await recs.get(turn.actor.tenantId, action.recommendationId))!;
        if (created) {
          await publisher.postToPerson(action.tenantId, actionKey(action.id), action.owner, () => actionCard(action), 'executive-board', `${turn.actor.name} assigned you ${action.ref} from ${rec.ref}.`);
          await refreshVote(rec, clickedId(turn));
        }
        return voteCard(rec, turn.actor.aadObjectId);
      }, voteForm, 'Assign an action'),
      guarded(REC_VERBS.done, async (turn, data) => {
        const action = await actionItems.complete(turn.actor, data.action, data.evidence, data.v);
        await refreshAction(action, clickedId(turn));
        const rec = await recs.get(action.tenantId, action.recommendationId);
        if (rec) await refreshVote(rec);
        return actionCard(action);
      }, actionForm, 'Mark done'),
      guarded(REC_VERBS.changeDue, async (turn, data) => {
        const action = await actionItems.changeDue(turn.actor, data.action, data.due, data.reason, data.v);
        await refreshAction(action, clickedId(turn));
        const rec = await recs.get(action.tenantId, action.recommendationId);
        if (rec) await refreshVote(rec);
        return actionCard(action);
      }, actionForm, 'Update due date'),
    ],
  };
}

