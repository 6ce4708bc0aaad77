import { DomainError, forbidden, invalid } from '../errors';
import { Actor, hasRole } from '../directory/roles';
import { addDays, daysBetween, formatDate, isIsoDate } from '../time';
import { cleanText } from '../input';

/**
 * A dispute between Board members (DOMAIN.md §1) and the pure rules of its lifecycle: every
 * transition here either returns the next state or throws a DomainError, and touches nothing
 * else, so the whole state machine is testable without a store.
 */
export type DisputeStatus =
  | 'determined'
  | 'meeting_scheduled'
  | 'agenda_agreed'
  | 'meeting_held'
  | 'mediation_requested'
  | 'mediator_appointed'
  | 'resolved'
  | 'closed_unresolved';

export const STATUS_LABELS: Record<DisputeStatus, string> = {
  determined: 'meeting not yet scheduled',
  meeting_scheduled: 'meeting scheduled',
  agenda_agreed: 'agenda agreed',
  meeting_held: 'meeting held, not resolved',
  mediation_requested: 'mediation requested',
  mediator_appointed: 'mediator appointed',
  resolved: 'resolved',
  closed_unresolved: 'closed unresolved',
};

/** States before the joint meeting has been held: the 28-day clock is running. */
export const PRE_MEETING: DisputeStatus[] = ['determined', 'meeting_scheduled', 'agenda_agreed'];
export const TERMINAL: DisputeStatus[] = ['resolved', 'closed_unresolved'];

export interface PartyPerson {
  aadObjectId: string;
  name: string;
}

/** A party: one person, or a partner organisation acting through its directory `partner`s. */
export interface Party {
  /** `p:<aadObjectId>` or `o:<organisation>`; agreements are keyed by it. */
  key: string;
  kind: 'person' | 'organisation';
  name: string;
  /** Who speaks for the party (the person, or the organisation's partners when raised). */
  people: PartyPerson[];
}

export interface Meeting {
  date: string;
  /** Local time HH:mm. */
  time: string;
  /** A room or an online meeting link. */
  place: string;
  /** Why the meeting is after the deadline (required then). */
  lateReason?: string;
}

export interface Agenda {
  /** Starts at 1; every change makes a new version and resets every agreement. */
  version: number;
  text: string;
  proposedBy: string;
}

export interface Dispute {
  id: string;
  tenantId: string;
  ref: string;
  subject: string;
  notes: string;
  parties: Party[];
  determinedOn: string;
  deadline: string;
  status: DisputeStatus;
  /** Bumped on every change; every card button carries it, so a stale click is refused. */
  version: number;
  meeting?: Meeting;
  agenda?: Agenda;
  /** Party key → the agenda version that party agreed. */
  agreements: Record<string, number>;
  mediationRequestedBy?: string;
  mediator?: string;
  breached: boolean;
  breachedOn?: string;
  /** The chair recorded the meeting before every party had agreed the same agenda. */
  heldWithoutAgreedAgenda?: boolean;
  outcome?: string;
  raisedBy: PartyPerson;
  createdAt: string;
  updatedAt: string;
}

/** What a person may do on a dispute; the card shows exactly these buttons. */
export type DisputeAction = 'schedule' | 'record' | 'appoint' | 'close' | 'propose' | 'agree' | 'mediation';

export const ACTION_LABELS: Record<DisputeAction, string> = {
  schedule: 'schedule the meeting',
  record: 'record the meeting',
  appoint: 'appoint a mediator',
  close: 'close the dispute',
  propose: 'propose an agenda',
  agree: 'agree the agenda',
  mediation: 'request a mediator',
};

const CHAIR_ACTIONS: DisputeAction[] = ['schedule', 'record', 'appoint', 'close'];

/** The states in which each action is part of the lifecycle. */
const ALLOWED_IN: Record<DisputeAction, DisputeStatus[]> = {
  schedule: PRE_MEETING,
  record: ['meeting_scheduled', 'agenda_agreed'],
  appoint: ['mediation_requested'],
  close: ['meeting_held', 'mediation_requested', 'mediator_appointed'],
  propose: PRE_MEETING,
  agree: PRE_MEETING,
  mediation: ['meeting_held'],
};

export function deadlineFor(determinedOn: string, meetingDays: number): string {
  return addDays(determinedOn, meetingDays);
}

export interface DisputeClock {
  /** Days since determination: 0 on the day itself, `of` on the deadline. */
  day: number;
  of: number;
  /** Days to the deadline (negative once it has passed). */
  daysLeft: number;
  /** The deadline has passed with no meeting held. */
  overdue: boolean;
  fraction: number;
  /** "Day 9 of 28". */
  text: string;
}

export function clockOf(d: Pick<Dispute, 'determinedOn' | 'deadline' | 'status'>, today: string): DisputeClock {
  const of = daysBetween(d.determinedOn, d.deadline);
  const day = daysBetween(d.determinedOn, today);
  const daysLeft = daysBetween(today, d.deadline);
  const overdue = daysLeft < 0 && PRE_MEETING.includes(d.status);
  return { day, of, daysLeft, overdue, fraction: of > 0 ? day / of : 1, text: `Day ${day} of ${of}` };
}

export const isOpen = (d: Pick<Dispute, 'status'>): boolean => !TERMINAL.includes(d.status);

/** The party keys an actor speaks for: themselves, and their organisation if they are its partner. */
export function partyKeysOf(d: Pick<Dispute, 'parties'>, actor: Pick<Actor, 'aadObjectId' | 'roles' | 'organisation'>): string[] {
  return d.parties
    .filter((p) =>
      p.kind === 'person'
        ? p.people.some((x) => x.aadObjectId === actor.aadObjectId)
        : actor.roles.includes('partner') && !!actor.organisation && actor.organisation === p.name,
    )
    .map((p) => p.key);
}

export const isParty = (d: Pick<Dispute, 'parties'>, actor: Pick<Actor, 'aadObjectId' | 'roles' | 'organisation'>): boolean =>
  partyKeysOf(d, actor).length > 0;

/** Business sees all; the chair, partners, lay members and the parties see the Board's disputes. */
export function canView(d: Pick<Dispute, 'parties'>, actor: Actor): boolean {
  return hasRole(actor, 'business', 'chair', 'partner', 'lay') || isParty(d, actor);
}

export function everyoneAgreed(d: Pick<Dispute, 'agenda' | 'agreements' | 'parties'>): boolean {
  return !!d.agenda && d.parties.every((p) => d.agreements[p.key] === d.agenda!.version);
}

/** Before the meeting the state follows from the facts: is a meeting booked, has every party agreed the same agenda? */
function preMeetingStatus(d: Pick<Dispute, 'meeting' | 'agenda' | 'agreements' | 'parties'>): DisputeStatus {
  if (!d.meeting) return 'determined';
  return everyoneAgreed(d) ? 'agenda_agreed' : 'meeting_scheduled';
}

/** Why `actor` may not take `action` now (on London date `today`), or undefined if they may. */
export function refusal(d: Dispute, actor: Actor, action: DisputeAction, today?: string): DomainError | undefined {
  if (!isOpen(d)) return new DomainError('closed', `${d.ref} is closed (${STATUS_LABELS[d.status]}); nothing more can be done on it.`);
  if (CHAIR_ACTIONS.includes(action)) {
    if (!hasRole(actor, 'chair')) return forbidden(['chair'], ACTION_LABELS[action]);
  } else if (!isParty(d, actor)) {
    return new DomainError('forbidden', `Only a party to ${d.ref} can ${ACTION_LABELS[action]}.`);
  }
  if (!ALLOWED_IN[action].includes(d.status))
    return new DomainError('invalid', `You can't ${ACTION_LABELS[action]} while ${d.ref} is at "${STATUS_LABELS[d.status]}".`);
  if (action === 'record' && today !== undefined && d.meeting && d.meeting.date > today)
    return invalid(`The meeting is on ${formatDate(d.meeting.date)}: record it once it has been held.`, 'outcome');
  if (action === 'agree') {
    if (!d.agenda) return invalid('No agenda has been proposed yet: propose one first.');
    const keys = partyKeysOf(d, actor);
    if (keys.every((k) => d.agreements[k] === d.agenda!.version)) return invalid(`You have already agreed agenda version ${d.agenda.version}.`);
  }
  return undefined;
}

/** The buttons a person sees: every action they may take now. */
export function availableActions(d: Dispute, actor: Actor | undefined, today: string): DisputeAction[] {
  if (!actor) return [];
  return (Object.keys(ACTION_LABELS) as DisputeAction[]).filter((a) => !refusal(d, actor, a, today));
}

function guard(d: Dispute, actor: Actor, action: DisputeAction, today?: string): void {
  const err = refusal(d, actor, action, today);
  if (err) throw err;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const clean = (value: unknown, max: number): string => cleanText(value, max);

export interface ScheduleInput {
  date: unknown;
  time: unknown;
  place: unknown;
  lateReason?: unknown;
}

export function schedule(d: Dispute, actor: Actor, input: ScheduleInput, today: string): Dispute {
  guard(d, actor, 'schedule', today);
  const date = input.date;
  if (!isIsoDate(date)) throw invalid('Pick the date of the meeting.', 'date');
  const time = clean(input.time, 5);
  if (!TIME.test(time)) throw invalid('Give the meeting time as HH:MM (24-hour).', 'time');
  const place = clean(input.place, 500);
  if (!place) throw invalid('Say where the meeting is: a room or an online meeting link.', 'place');
  if (date < today) throw invalid(`The meeting date ${formatDate(date)} is in the past.`, 'date');
  const lateReason = clean(input.lateReason, 1000);
  if (date > d.deadline && !lateReason)
    throw invalid(`${formatDate(date)} is after the deadline (${formatDate(d.deadline)}): record the reason to schedule it that late.`, 'lateReason');
  const meeting: Meeting = { date, time, place, ...(date > d.deadline ? { lateReason } : {}) };
  const next = { ...d, meeting };
  return { ...next, status: preMeetingStatus(next) };
}

export function proposeAgenda(d: Dispute, actor: Actor, text: unknown): Dispute {
  guard(d, actor, 'propose');
  const agendaText = clean(text, 4000);
  if (!agendaText) throw invalid('Write the agenda you propose.', 'agenda');
  if (d.agenda && d.agenda.text === agendaText) throw invalid(`That is already agenda version ${d.agenda.version}: agree it instead.`, 'agenda');
  const agenda: Agenda = { version: (d.agenda?.version ?? 0) + 1, text: agendaText, proposedBy: actor.name };
  // A new agenda resets every agreement; the proposer agrees their own version.
  const agreements: Record<string, number> = {};
  for (const key of partyKeysOf(d, actor)) agreements[key] = agenda.version;
  const next = { ...d, agenda, agreements };
  return { ...next, status: preMeetingStatus(next) };
}

export function agreeAgenda(d: Dispute, actor: Actor, agendaVersion: unknown): Dispute {
  guard(d, actor, 'agree');
  if (agendaVersion !== d.agenda!.version)
    throw new DomainError('stale', `That was agenda version ${String(agendaVersion)}; the agenda is now version ${d.agenda!.version}. Read it and agree again.`);
  const agreements = { ...d.agreements };
  for (const key of partyKeysOf(d, actor)) agreements[key] = d.agenda!.version;
  const next = { ...d, agreements };
  return { ...next, status: preMeetingStatus(next) };
}

export function recordMeeting(d: Dispute, actor: Actor, resolved: unknown, notes: unknown, today: string): Dispute {
  guard(d, actor, 'record', today);
  if (resolved !== true && resolved !== false) throw invalid('Say whether the meeting resolved the dispute.', 'outcome');
  const note = clean(notes, 2000);
  // Allowed (the chair convenes; the arrangements do not make the meeting wait for the agenda) but never hidden.
  const withoutAgenda = !everyoneAgreed(d);
  return { ...d, status: resolved ? 'resolved' : 'meeting_held', ...(note ? { outcome: note } : {}), ...(withoutAgenda ? { heldWithoutAgreedAgenda: true } : {}) };
}

export function requestMediation(d: Dispute, actor: Actor): Dispute {
  guard(d, actor, 'mediation');
  return { ...d, status: 'mediation_requested', mediationRequestedBy: actor.name };
}

export function appointMediator(d: Dispute, actor: Actor, mediator: unknown): Dispute {
  guard(d, actor, 'appoint');
  const name = clean(mediator, 200);
  if (!name) throw invalid('Name the independent mediator.', 'mediator');
  return { ...d, status: 'mediator_appointed', mediator: name };
}

export function close(d: Dispute, actor: Actor, outcome: unknown, note: unknown): Dispute {
  guard(d, actor, 'close');
  if (outcome !== 'resolved' && outcome !== 'unresolved') throw invalid('Say whether the dispute was resolved.', 'outcome');
  if (outcome === 'unresolved' && d.status !== 'mediator_appointed')
    throw invalid('A dispute is closed unresolved only after a mediator has tried: a party can request one.', 'outcome');
  const text = clean(note, 2000);
  return { ...d, status: outcome === 'resolved' ? 'resolved' : 'closed_unresolved', ...(text ? { outcome: text } : {}) };
}

/** The day after a missed deadline: a breach, if no meeting has been held. Undefined when there is none. */
export function breach(d: Dispute, today: string): Dispute | undefined {
  if (d.breached || !PRE_MEETING.includes(d.status) || today <= d.deadline) return undefined;
  return { ...d, breached: true, breachedOn: today };
}

/**
 * Who acts next, for the status line: "next: the chair". The chair records the meeting once it
 * has been held, so before the meeting day the line says when it is instead.
 */
export function nextStep(d: Dispute, today?: string): string {
  const meetingAhead = !!d.meeting && today !== undefined && d.meeting.date > today;
  switch (d.status) {
    case 'determined':
      return d.agenda && !everyoneAgreed(d) ? 'next: the chair (schedule the meeting); the parties (agree the agenda)' : 'next: the chair (schedule the meeting)';
    case 'meeting_scheduled':
      return d.agenda ? 'next: the parties (agree the agenda)' : 'next: the parties (propose an agenda)';
    case 'agenda_agreed':
      return meetingAhead ? `next: the joint meeting on ${formatDate(d.meeting!.date)}; then the chair (record the meeting)` : 'next: the chair (record the meeting)';
    case 'meeting_held':
      return 'next: the chair (close), or a party (request a mediator)';
    case 'mediation_requested':
      return 'next: the chair (appoint a mediator)';
    case 'mediator_appointed':
      return 'next: the chair (close with the outcome)';
    case 'resolved':
    case 'closed_unresolved':
      return 'nothing more to do';
  }
}

/** The parties who have not agreed the current agenda. */
export function waitingForAgreement(d: Dispute): Party[] {
  return d.agenda ? d.parties.filter((p) => d.agreements[p.key] !== d.agenda!.version) : [];
}

/** One line for the log's before/after. */
export function summary(d: Dispute): string {
  const parts = [STATUS_LABELS[d.status]];
  if (d.meeting) parts.push(`meeting ${d.meeting.date} ${d.meeting.time} at ${d.meeting.place}${d.meeting.lateReason ? ` (late: ${d.meeting.lateReason})` : ''}`);
  if (d.agenda) parts.push(`agenda v${d.agenda.version} agreed by ${d.parties.length - waitingForAgreement(d).length}/${d.parties.length}`);
  // The agreed agenda itself is part of the record (what the parties agreed to discuss).
  if (d.agenda && everyoneAgreed(d)) parts.push(`agreed agenda: "${d.agenda.text.slice(0, 500)}"`);
  if (d.heldWithoutAgreedAgenda) parts.push('meeting held without an agreed agenda');
  if (d.mediator) parts.push(`mediator ${d.mediator}`);
  if (d.breached) parts.push('BREACH');
  return parts.join('; ');
}
