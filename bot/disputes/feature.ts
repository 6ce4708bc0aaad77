import { randomUUID } from 'node:crypto';
import { renderDispute } from '../../cards/disputes/dispute';
import { renderDisputeList } from '../../cards/disputes/dispute-list';
import { renderDisputeRaise } from '../../cards/disputes/dispute-raise';
import { DISPUTE_VERBS } from '../../cards/disputes/verbs';
import type { AdaptiveCard } from '../../cards/render';
import type { Actor } from '../../services/directory/roles';
import { Dispute, STATUS_LABELS, clockOf } from '../../services/disputes/dispute';
import { DISPUTE_EFFECTS, DISPUTE_HANDLERS } from '../../services/disputes/disputes-service';
import { DomainError } from '../../services/errors';
import type { OutboundMessage } from '../../services/messaging';
import type { Timer } from '../../services/reminders/port';
import { formatDate } from '../../services/time';
import type { AppServices } from '../app-services';
import type { CardAction, CommandTurn, Feature, Turn } from '../feature';
import { refusalText, refusedForm, replyCard, replyRefusal } from '../replies';
import { ViewExtras, daysLeftText, disputeCardData, disputeListItem } from './view';

const entityKey = (disputeId: string): string => `dispute:${disputeId}`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Disputes between Board members (issue 4): `dispute raise`, `disputes`, `dispute <ref>`, the
 * card's buttons, and the reminder handlers that keep the 28-day clock.
 */
export function disputesFeature(services: AppServices): Feature {
  const { disputes, time, directory, reminders, config, conversations, publisher, outbox } = services;

  /** The viewer's roles, for a copy rendered for someone other than the person acting. */
  const viewerActor = async (tenantId: string, aadObjectId: string | undefined): Promise<Actor | undefined> => {
    if (!aadObjectId) return undefined;
    const p = await directory.get(tenantId, aadObjectId);
    return p ? { tenantId, aadObjectId, name: p.name, roles: p.roles, organisation: p.organisation } : undefined;
  };

  /**
   * Teams user ids (not Entra ids) of the chair and the parties, for the card's refresh: known
   * from each person's personal chat with the bot.
   */
  const refreshUserIds = async (d: Dispute): Promise<string[]> => {
    const chairs = await directory.withRole(d.tenantId, 'chair');
    const people = [...chairs.map((c) => c.aadObjectId), ...d.parties.flatMap((p) => p.people.map((x) => x.aadObjectId))];
    const ids = new Set<string>();
    for (const aad of new Set(people)) {
      const chat = await conversations.personalChat(d.tenantId, aad);
      const user = chat?.reference.user as { id?: string } | undefined;
      if (user?.id) ids.add(user.id);
    }
    return [...ids];
  };

  /**
   * A card as posted or updated in a chat carries the refresh (each listed person then sees their
   * own buttons). A card returned from an invoke does not: Teams AI would otherwise replace the
   * message for everyone with the clicker's own view.
   */
  const card = async (d: Dispute, viewer: Actor | undefined, extras: ViewExtras = {}): Promise<AdaptiveCard> =>
    renderDispute(disputeCardData(d, viewer, disputes.today(), time, extras));
  const postedCard = async (d: Dispute, viewer: Actor | undefined, userIds?: Promise<string[]>): Promise<AdaptiveCard> =>
    renderDispute(disputeCardData(d, viewer, disputes.today(), time), await (userIds ?? refreshUserIds(d)));

  /** Renders a recorded copy for its viewer (personal copies) or the base view (channels). */
  const renderCopy = (d: Dispute) => {
    let userIds: Promise<string[]> | undefined; // looked up once for all the copies
    return async (viewer: string | undefined) => postedCard(d, await viewerActor(d.tenantId, viewer), (userIds ??= refreshUserIds(d)));
  };

  /** After a change: every other copy of the card, in every chat, updates in place. */
  const refreshOthers = async (turn: Turn, d: Dispute): Promise<void> => {
    // In a channel the clicked message is updated too, so everyone there sees the change.
    const except = turn.inChannel ? undefined : turn.context.activity.replyToId;
    publisher.refreshSoon(d.tenantId, entityKey(d.id), async () => {
      const current = await disputes.read(d.tenantId, d.id);
      return current && renderCopy(current);
    }, except);
  };

  const clickedCopy = async (turn: Turn, d: Dispute): Promise<void> => {
    const activityId = turn.context.activity.replyToId;
    if (activityId) await publisher.recordReply(d.tenantId, entityKey(d.id), turn.conversation.id, activityId, turn.inChannel ? undefined : turn.actor.aadObjectId);
  };

  /**
   * One card button: call the service, update every copy, return the clicker's own card. A stale
   * click shows the latest; a refused form comes back as typed, the problem beside its field
   * (`fields` maps the service's field names to the form's input ids; `within` is the button that opens the form).
   */
  const action = (verb: string, run: (actor: Actor, data: Record<string, unknown>) => Promise<Dispute>, fields: Record<string, string> = {}, within?: string): CardAction => ({
    verb,
    run: async (turn, data) => {
      try {
        const d = await run(turn.actor, data);
        await refreshOthers(turn, d);
        return await card(d, turn.actor);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'stale') {
          const latest = await disputes.read(turn.actor.tenantId, data.disputeId);
          if (latest) return card(latest, turn.actor, { notice: err.message });
        }
        return refusedForm(err, data, async () => {
          const current = await disputes.read(turn.actor.tenantId, data.disputeId);
          return current ? card(current, turn.actor) : undefined;
        }, fields, within);
      }
    },
  });

  /** The raise form, with the subject and parties named in `text`; a refused raise renders it again with the same form id. */
  const raiseForm = async (turn: Turn, formId: string, text: string): Promise<AdaptiveCard> => {
    const options = await disputes.partyOptions(turn.actor.tenantId);
    return renderDisputeRaise({
      formId,
      subject: text.slice(0, 300),
      selected: text ? (await disputes.partiesNamedIn(turn.actor.tenantId, text)).join(',') : '',
      today: disputes.today(),
      meetingDays: config.domain.disputeMeetingDays,
      choices: [
        ...options.people.map((p) => ({ title: p.name, value: p.key })),
        ...options.organisations.map((o) => ({ title: `${o.name} (organisation)`, value: o.key })),
      ],
    });
  };

  const cardRef = (data: Record<string, unknown>) => ({ disputeId: data.disputeId, version: data.version });

  const raise: CardAction = {
    verb: DISPUTE_VERBS.raise,
    run: async (turn, data) => {
      try {
        const { dispute: d, created } = await disputes.raise(turn.actor, {
          formId: data.formId,
          parties: data.parties,
          subject: data.subject,
          determinedOn: data.determinedOn,
          notes: data.notes,
          raisedInChat: !turn.inChannel,
        });
        if (!created) return await card(d, turn.actor, { notice: `This dispute was already raised as ${d.ref}; nothing was changed.` });
        await clickedCopy(turn, d);
        return await card(d, turn.actor, { good: true, notice: `Raised as ${d.ref}: posted to the Executive Board channel and sent to each party and the chair.` });
      } catch (err) {
        return refusedForm(err, data, () => raiseForm(turn, typeof data.formId === 'string' ? data.formId : randomUUID(), ''));
      }
    },
  };

  /**
   * A new dispute's card (an outbox effect of raising it): to the Executive Board channel, and
   * personally to each party and the chair. Each copy sent is remembered in the effect, so a
   * retry after a crash sends only the copies still missing.
   */
  outbox.registerHandler(DISPUTE_EFFECTS.announce, async (tenantId, data, progress) => {
    const d = await disputes.read(tenantId, data.disputeId);
    if (!d) return;
    const key = entityKey(d.id);
    // A copy recorded but not yet marked (the process died between the two) is not sent again.
    const recorded = new Set((await services.cardPosts.list(d.tenantId, key)).map((p) => p.conversationKey));
    for (const channel of await conversations.forPurpose(d.tenantId, 'executive-board')) {
      if (progress.has(`c:${channel.id}`)) continue;
      if (!recorded.has(channel.id))
        await publisher.postTo(d.tenantId, key, channel, { card: await postedCard(d, undefined), text: `New dispute ${d.ref}: ${d.subject}` });
      await progress.mark(`c:${channel.id}`);
    }
    const chairs = await directory.withRole(d.tenantId, 'chair');
    const people = [...chairs.map((c) => ({ aadObjectId: c.aadObjectId, name: c.name })), ...d.parties.flatMap((p) => p.people)];
    const seen = new Set<string>();
    for (const person of people) {
      if (seen.has(person.aadObjectId) || progress.has(`p:${person.aadObjectId}`)) continue;
      seen.add(person.aadObjectId);
      // The raiser's own form, in their personal chat, has just become their copy.
      if (person.aadObjectId === data.raisedBy && data.raisedInChat === true) continue;
      await publisher.postToPerson(d.tenantId, key, person, renderCopy(d), 'executive-board', `Dispute ${d.ref}: ${d.subject}`);
      await progress.mark(`p:${person.aadObjectId}`);
    }
  });


  const reminderMessage = async (timer: Timer, about: 'deadline' | 'meeting' | 'agenda'): Promise<OutboundMessage | undefined> => {
    const personId = timer.target.kind === 'person' ? timer.target.aadObjectId : undefined;
    const d = await disputes.reminderStillDue(timer.tenantId, timer.content.data.disputeId, about, personId);
    if (!d) return undefined;
    const today = disputes.today();
    const text =
      about === 'deadline'
        ? `Reminder: ${d.ref} (${d.subject}): ${daysLeftText(clockOf(d, today).daysLeft)} to hold the joint meeting (deadline ${formatDate(d.deadline)}).`
        : about === 'meeting'
          ? `Reminder: the joint meeting on ${d.ref} is tomorrow, ${d.meeting ? `${d.meeting.time} at ${d.meeting.place}` : ''}.`
          : `Reminder: the ${d.ref} meeting is in 3 days and your agreement to the agenda is still needed.`;
    return { text, card: await postedCard(d, await viewerActor(d.tenantId, personId)) };
  };

  reminders.registerHandler(DISPUTE_HANDLERS.reminder, (timer) => reminderMessage(timer, timer.content.data.about === 'meeting' ? 'meeting' : 'deadline'));
  reminders.registerHandler(DISPUTE_HANDLERS.agendaReminder, (timer) => reminderMessage(timer, 'agenda'));
  reminders.registerHandler(DISPUTE_HANDLERS.breach, async (timer) => {
    const d = await disputes.recordBreach(timer.tenantId, str(timer.content.data.disputeId));
    if (!d) return undefined;
    await publisher.refreshAll(d.tenantId, entityKey(d.id), renderCopy(d));
    return {
      text: `BREACH: dispute ${d.ref} (${d.subject}) had no joint meeting by its deadline, ${formatDate(d.deadline)}. Status: ${STATUS_LABELS[d.status]}.`,
      card: await postedCard(d, undefined),
    };
  });

  const listCommand = async (turn: CommandTurn): Promise<void> => {
    const open = await disputes.listOpen(turn.actor);
    const today = disputes.today();
    await replyCard(
      turn.context,
      renderDisputeList({
        title: `Open disputes (${open.length})`,
        items: open.map((d) => disputeListItem(d, today)),
      }),
    );
  };

  return {
    title: 'Disputes between Board members',
    commands: [
      {
        name: 'dispute raise',
        usage: 'dispute raise [what it is about]',
        description: `Raise a dispute: the chair convenes a joint meeting within ${config.domain.disputeMeetingDays} days`,
        featured: true,
        run: async (turn) => {
          try {
            disputes.checkCanRaise(turn.actor);
            await replyCard(turn.context, await raiseForm(turn, randomUUID(), turn.args));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'disputes',
        description: 'Open disputes with days left, breaches first',
        featured: true,
        run: listCommand,
      },
      {
        name: 'dispute',
        usage: 'dispute <ref>',
        description: 'One dispute\'s card, e.g. dispute D-7',
        run: async (turn) => {
          if (!turn.args.trim()) return listCommand(turn);
          try {
            const d = await disputes.getByRef(turn.actor, turn.args);
            const viewer = turn.inChannel ? undefined : turn.actor;
            const activityId = await replyCard(turn.context, await postedCard(d, viewer));
            if (activityId) await publisher.recordReply(d.tenantId, entityKey(d.id), turn.conversation.id, activityId, viewer?.aadObjectId);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [
      raise,
      {
        verb: DISPUTE_VERBS.refresh,
        run: async (turn, data) => {
          try {
            return await card(await disputes.get(turn.actor, data.disputeId), turn.actor);
          } catch (err) {
            return refusalText(err);
          }
        },
      },
      {
        verb: DISPUTE_VERBS.history,
        run: async (turn, data) => {
          try {
            const { dispute: d, entries } = await disputes.history(turn.actor, data.disputeId);
            return await card(d, turn.actor, { history: entries });
          } catch (err) {
            return refusalText(err);
          }
        },
      },
      action(
        DISPUTE_VERBS.schedule,
        (actor, data) => disputes.schedule(actor, cardRef(data), { date: data.meetingDate, time: data.meetingTime, place: data.meetingPlace, lateReason: data.lateReason }),
        { date: 'meetingDate', time: 'meetingTime', place: 'meetingPlace' },
        'Schedule meeting',
      ),
      action(DISPUTE_VERBS.propose, (actor, data) => disputes.proposeAgenda(actor, cardRef(data), data.agendaText), { agenda: 'agendaText' }, 'Propose agenda'),
      action(DISPUTE_VERBS.agree, (actor, data) => disputes.agreeAgenda(actor, cardRef(data), data.agendaVersion)),
      action(DISPUTE_VERBS.record, (actor, data) =>
        disputes.recordMeeting(actor, cardRef(data), data.recordOutcome === 'resolved' ? true : data.recordOutcome === 'unresolved' ? false : undefined, data.recordNotes),
        { outcome: 'recordOutcome' },
        'Record meeting',
      ),
      action(DISPUTE_VERBS.mediation, (actor, data) => disputes.requestMediation(actor, cardRef(data))),
      action(DISPUTE_VERBS.appoint, (actor, data) => disputes.appointMediator(actor, cardRef(data), data.mediatorName), { mediator: 'mediatorName' }, 'Appoint mediator'),
      action(DISPUTE_VERBS.close, (actor, data) => disputes.close(actor, cardRef(data), data.closeOutcome, data.closeNote), { outcome: 'closeOutcome' }, 'Close'),
    ],
  };
}
