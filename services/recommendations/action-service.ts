import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Directory } from '../directory/directory';
import { Actor, Role, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import { References, normaliseRef } from '../refs';
import type { ReminderSpec, Reminders } from '../reminders/port';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, withoutEtag } from '../store/port';
import { CalendarTime, addDays, formatDate, isIsoDate } from '../time';
import type { RecommendationRecords } from './recommendation-records';
import { cleanText } from '../input';

/** A tracked action from an approved recommendation. */
export interface ActionItem {
  id: string;
  tenantId: string;
  ref: string;
  recommendationId: string;
  recommendationRef: string;
  recommendationTitle: string;
  description: string;
  owner: { aadObjectId: string; name: string };
  organisation: string;
  /** Europe/London date. */
  due: string;
  status: 'open' | 'done';
  createdAt: string;
  createdBy: string;
  version: number;
  done?: { at: string; by: string; evidence: string };
  dueChanges: { from: string; to: string; reason: string; by: string; at: string }[];
}

export interface AssignInput {
  owner: unknown;
  organisation?: unknown;
  due: unknown;
  description: unknown;
}

export const ACTION_REMIND_HANDLER = 'action.remind';
export const ACTION_OVERDUE_HANDLER = 'action.overdue';
const ASSIGNERS: Role[] = ['chair', 'business'];
const OVERDUE_EVERY_DAYS = 7;

/** Actions: assigned by the chair or Business Team on approved recommendations, reminded until done. */
export class ActionService {
  constructor(
    private readonly store: Store,
    /** Each change's log entry and reminders go out through the outbox of the action's document. */
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly directory: Directory,
    private readonly refs: References,
    private readonly reminders: Reminders,
    private readonly recommendations: Pick<RecommendationRecords, 'get'>,
    private readonly settings: { actionReminderDays: number[] },
  ) {}

  isOverdue(action: ActionItem): boolean {
    return action.status === 'open' && action.due < this.time.today(this.clock);
  }

  /** Assigns an action; the same action submitted twice (double click) is created once. */
  async assign(actor: Actor, recommendationId: unknown, input: AssignInput): Promise<{ action: ActionItem; created: boolean }> {
    if (!hasRole(actor, ...ASSIGNERS)) throw forbidden(ASSIGNERS, 'assign actions');
    const rec = await this.recommendations.get(actor.tenantId, recommendationId);
    if (!rec) throw notFound('That recommendation does not exist here. Type **recommendations** to see them.');
    if (rec.status !== 'approved') throw new DomainError(rec.status === 'open' ? 'not_yet' : 'closed', `Actions are assigned only to approved recommendations; ${rec.ref} is ${rec.status === 'open' ? 'still being voted on' : rec.status}.`);
    const description = cleanText(input.description);
    if (description.length < 3 || description.length > 1000) throw invalid('Describe the action (3 to 1000 characters).', 'description');
    const ownerId = cleanText(input.owner);
    const owner = ownerId ? await this.directory.get(actor.tenantId, ownerId) : undefined;
    if (!owner) throw notFound('The owner must be someone in the partnership directory: pick them from the list.');
    const due = input.due;
    if (!isIsoDate(due)) throw invalid('Pick a due date.', 'due');
    if (due < this.time.today(this.clock)) throw invalid(`The due date ${formatDate(due)} is in the past.`, 'due');
    const organisation = (typeof input.organisation === 'string' && input.organisation.trim()) || owner.organisation || '';
    if (!organisation) throw invalid(`Say which organisation ${owner.name} acts for.`, 'organisation');

    const id = `act-${createHash('sha256').update([rec.id, owner.aadObjectId, description, due].join('|')).digest('hex').slice(0, 20)}`;
    const existing = await this.store.read<ActionItem>(CONTAINERS.actions.name, actor.tenantId, id);
    if (existing) return { action: existing, created: false };
    const ref = await this.refs.next(actor.tenantId, 'A');
    const action: ActionItem = {
      id,
      tenantId: actor.tenantId,
      ref,
      recommendationId: rec.id,
      recommendationRef: rec.ref,
      recommendationTitle: rec.title,
      description,
      owner: { aadObjectId: owner.aadObjectId, name: owner.name },
      organisation: organisation.slice(0, 200),
      due,
      status: 'open',
      createdAt: this.clock.now().toISOString(),
      createdBy: actor.name,
      version: 1,
      dueChanges: [],
    };
    const effects: EffectSpec[] = [
      { kind: 'log', actor, input: { action: 'action.assigned', entity: entityOf(action), after: `${description.slice(0, 200)} → ${owner.name} (${organisation}), due ${due}; from ${rec.ref}` } },
      ...this.reminderEffects(actor, action),
    ];
    let saved: Stored<ActionItem>;
    try {
      saved = await this.store.create(CONTAINERS.actions.name, this.outbox.stage(undefined, action, `${id}.v1`, effects));
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'exists') return { action: withoutOutbox((await this.get(actor.tenantId, id))!), created: false };
      throw err;
    }
    await this.outbox.deliver(CONTAINERS.actions.name, saved);
    return { action: withoutOutbox(saved), created: true };
  }

  private reminderEffects(actor: Actor, action: ActionItem): EffectSpec[] {
    const today = this.time.today(this.clock);
    const specs: ReminderSpec[] = [];
    const target = { kind: 'person' as const, aadObjectId: action.owner.aadObjectId, name: action.owner.name, fallbackPurpose: 'executive-board' as const };
    for (const days of this.settings.actionReminderDays) {
      const date = addDays(action.due, -days);
      if (date <= today) continue;
      specs.push({
        tenantId: action.tenantId,
        entity: entityOf(action),
        kind: `action-due-${days}d`,
        date,
        ahead: true,
        target,
        content: { kind: 'handler', handler: ACTION_REMIND_HANDLER, data: { actionId: action.id, daysLeft: days } },
      });
    }
    specs.push(overdueSpec(action, addDays(action.due, 1)));
    return specs.map((spec) => ({ kind: 'schedule', actor, spec }));
  }

  private async scheduleOverdue(actor: Actor, action: ActionItem, date: string): Promise<void> {
    await this.reminders.schedule(actor, overdueSpec(action, date));
  }



  /** The overdue timer's work: the action if it is still open and overdue (the next weekly reminder is then scheduled). */
  async overdueReminder(actor: Actor, tenantId: string, id: string): Promise<ActionItem | undefined> {
    const action = await this.get(tenantId, id);
    if (!action || !this.isOverdue(action)) return undefined;
    await this.scheduleOverdue(actor, action, addDays(this.time.today(this.clock), OVERDUE_EVERY_DAYS));
    return action;
  }

  async get(tenantId: string, id: unknown): Promise<Stored<ActionItem> | undefined> {
    if (typeof id !== 'string' || !/^act-[0-9a-f]{20}$/.test(id)) return undefined;
    return this.store.read<ActionItem>(CONTAINERS.actions.name, tenantId, id);
  }

  /** By the reference people type (`A-3`, `a3`). */
  async find(tenantId: string, text: string): Promise<ActionItem> {
    const ref = normaliseRef('A', text, { bareNumber: true });
    const all = ref ? await this.store.query<ActionItem>(CONTAINERS.actions.name, { partitionKey: tenantId, where: [{ field: 'ref', op: '=', value: ref }] }) : [];
    if (!all[0]) throw notFound(`There is no action "${(text ?? '').trim().slice(0, 40)}". Type **actions** to see the open ones.`);
    return all[0];
  }

  /** Every open action, by owner then due date. */
  async open(tenantId: string): Promise<ActionItem[]> {
    const all = await this.store.query<ActionItem>(CONTAINERS.actions.name, { partitionKey: tenantId, where: [{ field: 'status', op: '=', value: 'open' }] });
    return all.sort((a, b) => a.owner.name.localeCompare(b.owner.name) || a.due.localeCompare(b.due));
  }

  async mine(tenantId: string, aadObjectId: string): Promise<ActionItem[]> {
    return (await this.open(tenantId)).filter((a) => a.owner.aadObjectId === aadObjectId);
  }

  async forRecommendation(tenantId: string, recommendationId: string): Promise<ActionItem[]> {
    const all = await this.store.query<ActionItem>(CONTAINERS.actions.name, { partitionKey: tenantId, where: [{ field: 'recommendationId', op: '=', value: recommendationId }] });
    return all.sort((a, b) => a.due.localeCompare(b.due) || a.ref.localeCompare(b.ref));
  }

  private async requireOpen(actor: Actor, id: unknown, what: string, version: unknown): Promise<Stored<ActionItem>> {
    const action = await this.get(actor.tenantId, id);
    if (!action) throw notFound('That action does not exist here. Type **actions** to see the open ones.');
    if (action.owner.aadObjectId !== actor.aadObjectId && !hasRole(actor, ...ASSIGNERS))
      throw new DomainError('forbidden', `Only ${action.owner.name} (the owner), the chair or the Business Team can ${what} ${action.ref}.`);
    if (action.status !== 'open') throw new DomainError('closed', `${action.ref} is already done; nothing was changed.`);
    if (version !== undefined && Number(version) !== action.version)
      throw new DomainError('stale', `This card for ${action.ref} is out of date. Type **action ${action.ref}** for the current one.`);
    return action;
  }

  /** One write: the new state and its effects; then the effects are carried out. */
  private async replace(action: Stored<ActionItem>, next: ActionItem, effects: EffectSpec[]): Promise<Stored<ActionItem>> {
    try {
      const saved = await this.store.replace(CONTAINERS.actions.name, this.outbox.stage(action, next, `${next.id}.v${next.version}`, effects), action._etag);
      await this.outbox.deliver(CONTAINERS.actions.name, saved);
      return saved;
    } catch (err) {
      if (err instanceof StoreConflict) throw new DomainError('conflict', `${action.ref} changed while you were updating it; look at the card again and retry.`);
      throw err;
    }
  }

  /** Marks an action done with a note of the evidence; its reminders stop. */
  async complete(actor: Actor, id: unknown, evidence: unknown, version?: unknown): Promise<ActionItem> {
    const action = await this.requireOpen(actor, id, 'mark done', version);
    const note = cleanText(evidence);
    if (note.length < 3) throw invalid('Say what shows the action is done (the evidence); it is kept in the log.', 'evidence');
    const saved = await this.replace(
      action,
      { ...withoutEtag(action), status: 'done', version: action.version + 1, done: { at: this.clock.now().toISOString(), by: actor.name, evidence: note.slice(0, 2000) } },
      [
        { kind: 'log', actor, input: { action: 'action.done', entity: entityOf(action), before: 'open', after: `done: ${note.slice(0, 300)}` } },
        { kind: 'cancel', actor, tenantId: actor.tenantId, entityId: action.id },
      ],
    );
    return withoutOutbox(saved);
  }

  /** Moves the due date, with a reason; reminders follow. */
  async changeDue(actor: Actor, id: unknown, due: unknown, reason: unknown, version?: unknown): Promise<ActionItem> {
    const action = await this.requireOpen(actor, id, 'change the due date of', version);
    if (!isIsoDate(due)) throw invalid('Pick the new due date.', 'due');
    if (due < this.time.today(this.clock)) throw invalid(`The due date ${formatDate(due)} is in the past.`, 'due');
    if (due === action.due) throw invalid(`${action.ref} is already due on ${formatDate(due)}.`, 'due');
    const why = cleanText(reason);
    if (why.length < 3) throw invalid('Give a reason for the new due date; it is kept in the log.', 'reason');
    const next: ActionItem = {
      ...withoutEtag(action),
      due,
      version: action.version + 1,
      dueChanges: [...action.dueChanges, { from: action.due, to: due, reason: why.slice(0, 500), by: actor.name, at: this.clock.now().toISOString() }],
    };
    const saved = await this.replace(action, next, [
      { kind: 'log', actor, input: { action: 'action.due-changed', entity: entityOf(action), before: action.due, after: `${due} (${why.slice(0, 200)})` } },
      { kind: 'cancel', actor, tenantId: actor.tenantId, entityId: action.id },
      ...this.reminderEffects(actor, next),
    ]);
    return withoutOutbox(saved);
  }
}

function entityOf(action: Pick<ActionItem, 'id' | 'ref'>): { type: string; id: string; ref: string } {
  return { type: 'action', id: action.id, ref: action.ref };
}

/** The weekly reminder to the owner of an overdue action. */
function overdueSpec(action: ActionItem, date: string): ReminderSpec {
  return {
    tenantId: action.tenantId,
    entity: entityOf(action),
    kind: 'action-overdue',
    date,
    target: { kind: 'person', aadObjectId: action.owner.aadObjectId, name: action.owner.name, fallbackPurpose: 'executive-board' },
    content: { kind: 'handler', handler: ACTION_OVERDUE_HANDLER, data: { actionId: action.id } },
  };
}
