import type { Clock } from '../clock';
import type { DomainSettings } from '../config';
import type { Directory, Person } from '../directory/directory';
import { Actor, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { AuditLog, LogEntry, SYSTEM_ACTOR } from '../log/audit-log';
import type { References } from '../refs';
import { normaliseRef } from '../refs';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import { CONTAINERS } from '../store/containers';
import { Store, Stored, updateWithRetry, withoutEtag } from '../store/port';
import { CalendarTime, addDays, formatDate, isIsoDate } from '../time';
import * as rules from './dispute';
import { Dispute, Party, PartyPerson, PRE_MEETING, canView, clockOf, deadlineFor, isOpen, summary } from './dispute';
import { cleanText } from '../input';

const CONTAINER = CONTAINERS.disputes.name;
const RAISERS = ['chair', 'partner', 'business'] as const;
const FORM_ID = /^[A-Za-z0-9-]{8,64}$/;
const DISPUTE_ID = /^d-[A-Za-z0-9-]{8,64}$/;

/** Reminder handler names the bot registers (they build the message from the current state). */
export const DISPUTE_HANDLERS = {
  reminder: 'dispute.reminder',
  agendaReminder: 'dispute.agenda-reminder',
  breach: 'dispute.breach',
} as const;

/** Outbox handlers the bot registers: a new dispute's card to the Executive Board, the parties and the chair. */
export const DISPUTE_EFFECTS = {
  announce: 'dispute.announce',
} as const;

export interface RaiseInput {
  /** A nonce from the form: the dispute id is built from it, so a double submit raises one dispute. */
  formId: unknown;
  /** `p:<aadObjectId>` for a person, `o:<organisation>` for a partner organisation; a comma-separated string is accepted. */
  parties: unknown;
  subject: unknown;
  determinedOn: unknown;
  notes?: unknown;
  /** Raised from the raiser's personal chat: the form there becomes their copy, so none is sent to them. */
  raisedInChat?: boolean;
}

/** What the card's button carried: the dispute and the version the card showed. */
export interface CardRef {
  disputeId: unknown;
  version: unknown;
}

export interface PartyOptions {
  people: { key: string; name: string }[];
  organisations: { key: string; name: string }[];
}

/**
 * Disputes between Board members: raising, the 28-day clock, the lifecycle, and the reminders
 * that go with it. Every change is one write (create, or replace with ETag) of a versioned
 * document that carries all the change's effects (its log entry, reminders, announcement) in
 * its outbox; a refusal changes and logs nothing.
 */
export class DisputesService {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly directory: Directory,
    private readonly refs: References,
    /** Carries each change's effects (log entry, reminders, announcement) out of the changed document. */
    private readonly outbox: Outbox,
    private readonly settings: Pick<DomainSettings, 'disputeMeetingDays' | 'disputeReminderDays'>,
  ) {}

  today(): string {
    return this.time.today(this.clock);
  }

  /** Board members (the chair, the partners) and partner organisations a dispute may be raised between. */
  async partyOptions(tenantId: string): Promise<PartyOptions> {
    const people = await this.directory.list(tenantId);
    const orgs = [...new Set(people.filter((p) => p.roles.includes('partner') && p.organisation).map((p) => p.organisation!))].sort();
    return {
      people: people.filter((p) => p.roles.includes('chair') || p.roles.includes('partner')).map((p) => ({ key: `p:${p.aadObjectId}`, name: p.name })),
      organisations: orgs.map((o) => ({ key: `o:${o}`, name: o })),
    };
  }

  /** Throws unless the actor may raise a dispute (the chair, a partner, the Business Team). */
  checkCanRaise(actor: Actor): void {
    if (!hasRole(actor, ...RAISERS)) throw forbidden([...RAISERS], 'raise a dispute');
  }

  /**
   * Parties named in a sentence ("dispute raise Megan Bowen and Warwickshire Police disagree on
   * thresholds"): every directory person or partner organisation whose full name appears.
   */
  async partiesNamedIn(tenantId: string, sentence: string): Promise<string[]> {
    const text = sentence.toLowerCase();
    const { people, organisations } = await this.partyOptions(tenantId);
    return [...people, ...organisations].filter((o) => o.name.trim().length > 2 && text.includes(o.name.toLowerCase())).map((o) => o.key);
  }

  async raise(actor: Actor, input: RaiseInput): Promise<{ dispute: Dispute; created: boolean }> {
    this.checkCanRaise(actor);
    const tenantId = actor.tenantId;
    const formId = typeof input.formId === 'string' ? input.formId : '';
    if (!FORM_ID.test(formId)) throw invalid('This form is not valid: type "dispute raise" for a fresh one.');
    const id = `d-${formId}`;
    const existing = await this.store.read<Dispute>(CONTAINER, tenantId, id);
    if (existing) return { dispute: strip(existing), created: false };

    const subject = cleanText(input.subject, 300);
    if (!subject) throw invalid('Say in a sentence what the dispute is about.', 'subject');
    const today = this.today();
    const determinedOn = input.determinedOn;
    if (!isIsoDate(determinedOn)) throw invalid('Pick the date the dispute was determined.', 'determinedOn');
    if (determinedOn > today) throw invalid(`The date the dispute was determined (${formatDate(determinedOn)}) cannot be in the future.`, 'determinedOn');
    const parties = await this.resolveParties(tenantId, input.parties);
    const notes = cleanText(input.notes, 4000);

    const ref = await this.refs.next(tenantId, 'D');
    const now = this.clock.now().toISOString();
    const dispute: Dispute = {
      id,
      tenantId,
      ref,
      subject,
      notes,
      parties,
      determinedOn,
      deadline: deadlineFor(determinedOn, this.settings.disputeMeetingDays),
      status: 'determined',
      version: 1,
      agreements: {},
      breached: false,
      raisedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
      createdAt: now,
      updatedAt: now,
    };
    const effects: EffectSpec[] = [
      {
        kind: 'log',
        actor,
        input: {
          action: 'dispute.raised',
          entity: entityOf(dispute),
          after: `${subject}; parties ${parties.map((p) => p.name).join(', ')}; determined ${determinedOn}, deadline ${dispute.deadline}`,
        },
      },
      ...this.clockReminderEffects(actor, dispute, await this.recipients(dispute, true)),
      { kind: 'handler', handler: DISPUTE_EFFECTS.announce, tenantId, data: { disputeId: id, raisedBy: actor.aadObjectId, raisedInChat: input.raisedInChat === true } },
    ];
    let saved: Stored<Dispute>;
    try {
      saved = await this.store.create(CONTAINER, this.outbox.stage(undefined, dispute, `${id}.v1`, effects));
    } catch (err) {
      // The same form submitted twice at once: the first one won.
      const again = await this.store.read<Dispute>(CONTAINER, tenantId, id);
      if (again) return { dispute: strip(again), created: false };
      throw err;
    }
    await this.outbox.deliver(CONTAINER, saved);
    return { dispute, created: true };
  }

  private async resolveParties(tenantId: string, raw: unknown): Promise<Party[]> {
    const keys = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [])
      .filter((k): k is string => typeof k === 'string')
      .map((k) => k.trim())
      .filter(Boolean);
    const unique = [...new Set(keys)];
    if (unique.length < 2) throw invalid('Pick at least two parties: people or partner organisations.', 'parties');
    if (unique.length > 50) throw invalid('A dispute can have at most 50 parties.', 'parties');
    const people = await this.directory.list(tenantId);
    return unique.map((key) => {
      if (key.startsWith('p:')) {
        const person = people.find((p) => p.aadObjectId === key.slice(2));
        if (!person) throw invalid('One of the parties is not in the directory: pick from the list.', 'parties');
        // A dispute is between Board members: the chair and the partners (or their organisations).
        if (!person.roles.includes('chair') && !person.roles.includes('partner'))
          throw invalid(`${person.name.slice(0, 100)} is not a Board member (the chair or a partner), so cannot be a party to a dispute between Board members.`, 'parties');
        return { key, kind: 'person', name: person.name, people: [personOf(person)] };
      }
      if (key.startsWith('o:')) {
        const org = key.slice(2);
        const partners = people.filter((p) => p.roles.includes('partner') && p.organisation === org);
        if (!partners.length) throw invalid(`${org.slice(0, 100)} has no partner in the directory, so nobody could speak for it.`, 'parties');
        return { key, kind: 'organisation', name: org, people: partners.map(personOf) };
      }
      throw invalid('One of the parties is not in the directory: pick from the list.', 'parties');
    });
  }

  /** A dispute the actor may see; a tampered id or another tenant's dispute is "not found". */
  async get(actor: Actor, disputeId: unknown): Promise<Dispute> {
    const dispute = await this.read(actor.tenantId, disputeId);
    if (!dispute) throw notFound('That dispute does not exist (or is not yours to see).');
    if (!canView(dispute, actor)) throw forbidden(['business', 'chair'], `see ${dispute.ref} (or be a party to it)`);
    return dispute;
  }

  /** Reads without an actor: for the bot's own work (reminders, refreshing cards). */
  async read(tenantId: string, disputeId: unknown): Promise<Dispute | undefined> {
    if (typeof disputeId !== 'string' || !DISPUTE_ID.test(disputeId)) return undefined;
    const doc = await this.store.read<Dispute>(CONTAINER, tenantId, disputeId);
    return doc && doc.tenantId === tenantId ? strip(doc) : undefined;
  }

  async getByRef(actor: Actor, text: string): Promise<Dispute> {
    const ref = normaliseRef('D', text);
    if (!ref) throw invalid(`"${text.slice(0, 30)}" is not a dispute reference: they look like D-7.`);
    const [doc] = await this.store.query<Dispute>(CONTAINER, { partitionKey: actor.tenantId, where: [{ field: 'ref', op: '=', value: ref }], limit: 1 });
    if (!doc) throw notFound(`There is no dispute ${ref}.`);
    return this.get(actor, doc.id);
  }

  /** Open disputes the actor may see: breaches first, then the nearest deadline. */
  async listOpen(actor: Actor): Promise<Dispute[]> {
    const docs = await this.store.query<Dispute>(CONTAINER, { partitionKey: actor.tenantId });
    const today = this.today();
    return docs
      .map(strip)
      .filter((d) => isOpen(d) && canView(d, actor))
      .sort((a, b) => {
        const ba = a.breached || clockOf(a, today).overdue ? 0 : 1;
        const bb = b.breached || clockOf(b, today).overdue ? 0 : 1;
        return ba - bb || a.deadline.localeCompare(b.deadline) || a.ref.localeCompare(b.ref, undefined, { numeric: true });
      });
  }

  async history(actor: Actor, disputeId: unknown, limit = 20): Promise<{ dispute: Dispute; entries: LogEntry[] }> {
    const dispute = await this.get(actor, disputeId);
    // Reminder bookkeeping shares the entity id; the history shows the dispute's own changes.
    const entries = (await this.log.recent(actor.tenantId, 1000, { entityId: dispute.id })).filter((e) => e.action.startsWith('dispute.')).slice(0, limit);
    return { dispute, entries };
  }

  schedule(actor: Actor, card: CardRef, input: rules.ScheduleInput): Promise<Dispute> {
    return this.act(actor, card, 'dispute.meeting_scheduled', (d, today) => rules.schedule(d, actor, input, today));
  }

  proposeAgenda(actor: Actor, card: CardRef, text: unknown): Promise<Dispute> {
    return this.act(actor, card, 'dispute.agenda_proposed', (d) => rules.proposeAgenda(d, actor, text));
  }

  agreeAgenda(actor: Actor, card: CardRef, agendaVersion: unknown): Promise<Dispute> {
    return this.act(actor, card, 'dispute.agenda_agreed', (d) => rules.agreeAgenda(d, actor, agendaVersion));
  }

  recordMeeting(actor: Actor, card: CardRef, resolved: unknown, notes: unknown): Promise<Dispute> {
    return this.act(actor, card, 'dispute.meeting_recorded', (d, today) => rules.recordMeeting(d, actor, resolved, notes, today));
  }

  requestMediation(actor: Actor, card: CardRef): Promise<Dispute> {
    return this.act(actor, card, 'dispute.mediation_requested', (d) => rules.requestMediation(d, actor));
  }

  appointMediator(actor: Actor, card: CardRef, mediator: unknown): Promise<Dispute> {
    return this.act(actor, card, 'dispute.mediator_appointed', (d) => rules.appointMediator(d, actor, mediator));
  }

  close(actor: Actor, card: CardRef, outcome: unknown, note: unknown): Promise<Dispute> {
    return this.act(actor, card, 'dispute.closed', (d) => rules.close(d, actor, outcome, note));
  }

  /**
   * The day after the deadline: records a breach if no meeting has been held (logged as the
   * bot). Returns the dispute when this call recorded it, undefined otherwise.
   */
  async recordBreach(tenantId: string, disputeId: string): Promise<Dispute | undefined> {
    const today = this.today();
    const system: Actor = { ...SYSTEM_ACTOR, tenantId };
    let recorded = false;
    const saved = await updateWithRetry<Dispute>(this.store, CONTAINER, tenantId, disputeId, (current) => {
      recorded = false;
      if (!current) return undefined;
      const before = strip(current);
      const next = rules.breach(before, today);
      if (!next) return undefined;
      const after: Dispute = { ...next, version: current.version + 1, updatedAt: this.clock.now().toISOString() };
      recorded = true;
      return this.outbox.stage(current, after, `${after.id}.v${after.version}`, [
        {
          kind: 'log',
          actor: system,
          input: { action: 'dispute.breached', entity: entityOf(after), before: summary(before), after: `${summary(after)}: no meeting held by the deadline ${formatDate(after.deadline)}` },
        },
      ]);
    });
    if (!recorded || !saved) {
      // Already recorded (the job ran before): change nothing, but still yield the notice.
      const current = await this.store.read<Dispute>(CONTAINER, tenantId, disputeId);
      return current?.breached ? strip(current) : undefined;
    }
    await this.outbox.deliver(CONTAINER, saved);
    return strip(saved);
  }

  /**
   * Applies one transition: not found → closed → stale card → the rule itself. Replace with
   * ETag, so of two concurrent clicks on the same version one wins and the other is stale.
   */
  private async act(actor: Actor, card: CardRef, action: string, transition: (d: Dispute, today: string) => Dispute): Promise<Dispute> {
    const tenantId = actor.tenantId;
    const found = await this.get(actor, card.disputeId);
    if (typeof card.version !== 'number' || !Number.isInteger(card.version)) throw invalid('This card\'s data is not valid; nothing was changed.');
    const today = this.today();
    // Parties do not change after raising; the chair is looked up once, before the write.
    const people = { withChair: await this.recipients(found, true), parties: await this.recipients(found, false) };
    const saved = await updateWithRetry<Dispute>(this.store, CONTAINER, tenantId, found.id, (current) => {
      if (!current) throw notFound('That dispute does not exist.');
      const d = strip(current);
      if (!isOpen(d)) throw new DomainError('closed', `${d.ref} is closed (${rules.STATUS_LABELS[d.status]}); nothing more can be done on it.`);
      if (d.version !== card.version) throw new DomainError('stale', 'This card was out of date; it now shows the latest. Nothing was changed.');
      const after: Dispute = { ...transition(d, today), version: d.version + 1, updatedAt: this.clock.now().toISOString() };
      return this.outbox.stage(current, after, `${after.id}.v${after.version}`, [
        { kind: 'log', actor, input: { action, entity: entityOf(after), before: summary(d), after: summary(after) } },
        ...this.reminderEffects(actor, d, after, people),
      ]);
    });
    await this.outbox.deliver(CONTAINER, saved!);
    return strip(saved!);
  }

  private async recipients(d: Dispute, includeChair: boolean): Promise<PartyPerson[]> {
    const chairs = includeChair ? (await this.directory.withRole(d.tenantId, 'chair')).map(personOf) : [];
    const all = [...chairs, ...d.parties.flatMap((p) => p.people)];
    return all.filter((p, i) => all.findIndex((q) => q.aadObjectId === p.aadObjectId) === i);
  }

  /** Deadline reminders (21, 14, 7, 3, 1 days before) to the chair and the parties, and the breach check. */
  private clockReminderEffects(actor: Actor, d: Dispute, people: PartyPerson[]): EffectSpec[] {
    const today = this.today();
    const entity = entityOf(d);
    const effects: EffectSpec[] = [];
    for (const days of this.settings.disputeReminderDays) {
      const date = addDays(d.deadline, -days);
      if (date <= today) continue;
      effects.push(...personReminders(actor, d, people, `deadline-${days}d`, date, DISPUTE_HANDLERS.reminder, { about: 'deadline', days }));
    }
    const breachDay = addDays(d.deadline, 1);
    effects.push({
      kind: 'schedule',
      actor,
      spec: {
        tenantId: d.tenantId,
        entity,
        kind: 'breach',
        date: breachDay > today ? breachDay : today,
        target: { kind: 'purpose', purpose: 'executive-board' },
        content: { kind: 'handler', handler: DISPUTE_HANDLERS.breach, data: { disputeId: d.id } },
        // Recorded at the start of the day after the deadline, whatever the quiet hours; the notice waits for them.
        job: true,
        hour: 0,
      },
    });
    return effects;
  }

  /** Meeting reminders follow the meeting; once it is held (or the dispute closes) the clock's reminders stop. */
  private reminderEffects(actor: Actor, before: Dispute, after: Dispute, people: { withChair: PartyPerson[]; parties: PartyPerson[] }): EffectSpec[] {
    const wasRunning = PRE_MEETING.includes(before.status);
    const running = PRE_MEETING.includes(after.status);
    if (wasRunning && !running) return [{ kind: 'cancel', actor, tenantId: after.tenantId, entityId: after.id }];
    const moved = before.meeting?.date !== after.meeting?.date;
    if (!running || !moved || !after.meeting) return [];
    const effects: EffectSpec[] = [{ kind: 'cancel', actor, tenantId: after.tenantId, entityId: after.id, kindPrefix: 'meeting-' }];
    const today = this.today();
    const dayBefore = addDays(after.meeting.date, -1);
    if (dayBefore > today) effects.push(...personReminders(actor, after, people.withChair, 'meeting-1d', dayBefore, DISPUTE_HANDLERS.reminder, { about: 'meeting' }));
    const agendaDay = addDays(after.meeting.date, -3);
    if (agendaDay > today) effects.push(...personReminders(actor, after, people.parties, 'meeting-agenda-3d', agendaDay, DISPUTE_HANDLERS.agendaReminder, {}));
    return effects;
  }

  /**
   * Whether a reminder still has something to say when it falls due: deadline reminders only
   * while no meeting is held; agenda reminders only to a person whose party has not agreed.
   */
  async reminderStillDue(tenantId: string, disputeId: unknown, about: 'deadline' | 'meeting' | 'agenda', personId?: string): Promise<Dispute | undefined> {
    const d = await this.read(tenantId, disputeId);
    if (!d || !PRE_MEETING.includes(d.status)) return undefined;
    if (about !== 'agenda') return d;
    const person = personId ? await this.directory.get(tenantId, personId) : undefined;
    const actor: Actor = { tenantId, aadObjectId: personId ?? '', name: person?.name ?? '', roles: person?.roles ?? [], organisation: person?.organisation };
    const keys = rules.partyKeysOf(d, actor);
    const pending = rules.waitingForAgreement(d).map((p) => p.key);
    if (!d.agenda) return keys.length ? d : undefined;
    return keys.some((k) => pending.includes(k)) ? d : undefined;
  }
}

/** One reminder per person (their personal chat, or the Board channel with them named), each scheduled in the change's outbox. */
function personReminders(actor: Actor, d: Dispute, people: PartyPerson[], kind: string, date: string, handler: string, data: Record<string, unknown>): EffectSpec[] {
  return people.map((person) => ({
    kind: 'schedule' as const,
    actor,
    spec: {
      tenantId: d.tenantId,
      entity: entityOf(d),
      kind,
      date,
      // Every dispute reminder comes before something (the deadline, the meeting, the agenda).
      ahead: true,
      target: { kind: 'person' as const, aadObjectId: person.aadObjectId, name: person.name, fallbackPurpose: 'executive-board' as const },
      content: { kind: 'handler' as const, handler, data: { disputeId: d.id, ...data } },
    },
  }));
}

function personOf(p: Person | PartyPerson): PartyPerson {
  return { aadObjectId: p.aadObjectId, name: p.name };
}

function entityOf(d: Dispute): { type: string; id: string; ref: string } {
  return { type: 'dispute', id: d.id, ref: d.ref };
}

function strip(doc: Stored<Dispute> | Dispute): Dispute {
  return withoutOutbox(withoutEtag<Dispute>(doc));
}
