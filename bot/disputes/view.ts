import type { DisputeCardData } from '../../cards/disputes/dispute';
import type { DisputeListCardData } from '../../cards/disputes/dispute-list';
import { NEAR_DAYS, deadlineColour } from '../../cards/deadline-colour';
import { progressBar } from '../../cards/render';
import type { Actor } from '../../services/directory/roles';
import {
  Dispute,
  PRE_MEETING,
  STATUS_LABELS,
  availableActions,
  clockOf,
  isOpen,
  nextStep,
  waitingForAgreement,
} from '../../services/disputes/dispute';
import type { LogEntry } from '../../services/log/audit-log';
import { CalendarTime, formatDate } from '../../services/time';

export interface ViewExtras {
  /** A private line at the top, for the viewer only. */
  notice?: string;
  /** The notice reports a success (shown in the good colour), not a warning. */
  good?: boolean;
  /** When given, the history section is open with these entries (newest first). */
  history?: LogEntry[];
}

/** "19 days left", "due today", "2 days overdue". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft > 1) return `${daysLeft} days left`;
  if (daysLeft === 1) return '1 day left';
  if (daysLeft === 0) return 'due today';
  return `${-daysLeft} day${daysLeft === -1 ? '' : 's'} overdue`;
}

/** The card's data for one viewer (undefined: the base view everyone sees, with no buttons but History). */
export function disputeCardData(d: Dispute, viewer: Actor | undefined, today: string, time: CalendarTime, extras: ViewExtras = {}): Omit<DisputeCardData, 'verbs'> {
  const clock = clockOf(d, today);
  const can = new Set(availableActions(d, viewer, today));
  const breach = d.breached || clock.overdue;
  const waiting = waitingForAgreement(d);
  const agreed = d.agenda ? d.parties.filter((p) => !waiting.includes(p)) : [];
  const facts: { title: string; value: string }[] = [
    { title: 'Status', value: STATUS_LABELS[d.status] },
    { title: 'Parties', value: d.parties.map((p) => (p.kind === 'organisation' ? `${p.name} (${p.people.map((x) => x.name).join(', ')})` : p.name)).join('; ') },
    { title: 'Determined', value: formatDate(d.determinedOn) },
    { title: 'Deadline', value: `${formatDate(d.deadline)}${isOpen(d) && !['meeting_held', 'mediation_requested', 'mediator_appointed'].includes(d.status) ? ` (${daysLeftText(clock.daysLeft)})` : ''}` },
    {
      title: 'Meeting',
      value: d.meeting
        ? `${formatDate(d.meeting.date)}, ${d.meeting.time} at ${d.meeting.place}${d.meeting.lateReason ? ` (after the deadline: ${d.meeting.lateReason})` : ''}`
        : 'not yet scheduled',
    },
  ];
  if (isOpen(d) && waiting.length && ['determined', 'meeting_scheduled'].includes(d.status))
    facts.push({ title: 'Due from', value: waiting.map((p) => `${p.name}: agree agenda v${d.agenda!.version}`).join('; ') });
  if (d.heldWithoutAgreedAgenda) facts.push({ title: 'Agenda', value: 'the meeting was held before every party had agreed the agenda' });
  if (d.mediationRequestedBy) facts.push({ title: 'Mediation requested by', value: d.mediationRequestedBy });
  if (d.mediator) facts.push({ title: 'Mediator', value: d.mediator });
  if (d.outcome) facts.push({ title: 'Outcome', value: d.outcome });
  if (d.notes) facts.push({ title: 'Notes', value: d.notes });
  facts.push({ title: 'Raised by', value: d.raisedBy.name });

  const late = today > d.deadline;
  return {
    disputeId: d.id,
    version: d.version,
    ref: d.ref,
    subject: d.subject,
    headline: !isOpen(d)
      ? `Closed: ${STATUS_LABELS[d.status]}`
      : PRE_MEETING.includes(d.status)
        ? `${clock.text} — ${STATUS_LABELS[d.status]} — ${nextStep(d, today)}`
        : `${STATUS_LABELS[d.status].replace(/^./, (x) => x.toUpperCase())} — ${nextStep(d, today)}`,
    progress: isOpen(d) && PRE_MEETING.includes(d.status) ? progressBar(clock.fraction) : '',
    progressColor: deadlineColour({ daysLeft: breach ? Math.min(-1, clock.daysLeft) : clock.daysLeft, nearDays: NEAR_DAYS.weeks, finished: !isOpen(d) }, 'Accent', 'Default'),
    breach,
    breachText: d.breached
      ? `BREACH: no joint meeting was held by the deadline, ${formatDate(d.deadline)}${d.breachedOn ? ` (recorded ${formatDate(d.breachedOn)})` : ''}.`
      : breach
        ? `BREACH: the deadline (${formatDate(d.deadline)}) has passed with no meeting held.`
        : '',
    notice: extras.notice ?? '',
    noticeColor: extras.good ? 'Good' : 'Warning',
    facts,
    agendaText: d.agenda?.text ?? '',
    agendaVersion: d.agenda?.version ?? 0,
    agendaLine: d.agenda
      ? `Proposed by ${d.agenda.proposedBy}. Agreed: ${agreed.map((p) => p.name).join(', ') || 'nobody yet'}.${waiting.length ? ` Waiting for: ${waiting.map((p) => p.name).join(', ')}.` : ' Every party has agreed.'}`
      : '',
    can: {
      schedule: can.has('schedule'),
      record: can.has('record'),
      appoint: can.has('appoint'),
      close: can.has('close'),
      propose: can.has('propose'),
      agree: can.has('agree'),
      mediation: can.has('mediation'),
    },
    late,
    lateLabel: late ? 'Reason the meeting is after the deadline (required)' : 'Reason (only needed for a date after the deadline)',
    today,
    meetingDate: d.meeting && d.meeting.date >= today ? d.meeting.date : today,
    meetingTime: d.meeting?.time ?? '10:00',
    meetingPlace: d.meeting?.place ?? '',
    closeChoices:
      d.status === 'mediator_appointed'
        ? [
            { title: 'Resolved', value: 'resolved' },
            { title: 'Closed unresolved', value: 'unresolved' },
          ]
        : [{ title: 'Resolved', value: 'resolved' }],
    showHistory: extras.history !== undefined,
    history: (extras.history ?? []).map((e) => ({
      when: time.formatInstant(new Date(e.at)),
      who: e.actor.name,
      what: `${e.action.replace(/^dispute\./, '').replace(/_/g, ' ')}${e.after ? `: ${e.after}` : ''}`,
    })),
  };
}

/** One row of `disputes`: days left or the breach, coloured by the shared rule while the clock runs (it stops once the meeting is held). */
export function disputeListItem(d: Dispute, today: string): DisputeListCardData['items'][number] {
  const c = clockOf(d, today);
  const breach = d.breached || c.overdue;
  return {
    ref: d.ref,
    subject: d.subject,
    breach,
    color: breach ? 'Attention' : deadlineColour({ daysLeft: c.daysLeft, nearDays: NEAR_DAYS.weeks, finished: !PRE_MEETING.includes(d.status) }, 'Default', 'Default'),
    line: `${breach ? `BREACH: deadline was ${formatDate(d.deadline)}` : `${daysLeftText(c.daysLeft)} (deadline ${formatDate(d.deadline)})`} · ${STATUS_LABELS[d.status]}`,
  };
}
