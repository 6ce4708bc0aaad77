import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { ReminderSettings } from '../config';
import { CHANNEL_PURPOSES } from '../conversations';
import type { Actor } from '../directory/roles';
import { AuditLog } from '../log/audit-log';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, updateWithRetry } from '../store/port';
import { CalendarTime, addDays } from '../time';
import { WorkingCalendar } from '../working-days';
import { indexedTimer, ReminderHandler, ReminderSpec, ReminderTarget, Reminders, Timer } from './port';

export function targetKey(target: ReminderTarget): string {
  switch (target.kind) {
    case 'conversation':
      return `c:${target.conversationKey}`;
    case 'purpose':
      return `p:${target.purpose}`;
    case 'person':
      return `u:${target.aadObjectId}`;
  }
}

/** Deterministic: the same entity, kind, target and date always make the same timer id. */
export function timerId(spec: Pick<ReminderSpec, 'tenantId' | 'entity' | 'kind' | 'date' | 'target'>): string {
  const key = [spec.tenantId, spec.entity.type, spec.entity.id, spec.kind, targetKey(spec.target), spec.date].join('|');
  return `t-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/**
 * Durable timers in the store: create (idempotent), cancel, list. Every change is logged.
 * Delivery is the scheduler's job (services/reminders/scheduler.ts).
 */
export class RemindersService implements Reminders {
  readonly handlers = new Map<string, ReminderHandler>();

  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly settings: ReminderSettings,
  ) {}

  /**
   * The UTC instant a reminder for a local date is due: the send hour, kept inside the allowed
   * hours, on the next working day when the date is a weekend or bank holiday and
   * REMINDER_NON_WORKING_DAYS is next-working-day (the scheduler holds a catch-up send the same way).
   */
  dueAt(date: string, hour?: number, ahead = false): Date {
    const h = Math.min(Math.max(hour ?? this.settings.sendHour, this.settings.earliestHour), this.settings.latestHour - 1);
    let day = date;
    if (this.settings.nonWorkingDays === 'next-working-day' && !this.calendar.isWorkingDay(day)) {
      let before = day;
      while (!this.calendar.isWorkingDay(before)) before = addDays(before, -1);
      if (ahead && before >= this.time.today(this.clock)) day = before;
      else while (!this.calendar.isWorkingDay(day)) day = addDays(day, 1);
    }
    return this.time.instantAt(day, h);
  }

  private readonly calendar = new WorkingCalendar();

  async schedule(actor: Actor, spec: ReminderSpec): Promise<Timer> {
    const id = timerId(spec);
    const existing = await this.store.read<Timer>(CONTAINERS.timers.name, spec.tenantId, id);
    if (existing && existing.status === 'pending') return existing;
    const timer: Timer = indexedTimer({
      ...spec,
      id,
      // A job runs at its own hour; only reminders are kept inside the allowed hours.
      dueAt: (spec.job ? this.time.instantAt(spec.date, spec.hour ?? this.settings.sendHour) : this.dueAt(spec.date, spec.hour, spec.ahead === true)).toISOString(),
      status: 'pending',
      createdAt: this.clock.now().toISOString(),
    });
    if (existing && existing.status !== 'cancelled') return existing;
    // The engine's own bookkeeping, logged before the timer is written under a key of the timer
    // and the version it replaces: a retry after a crash in between (an outbox effect is retried
    // until done) finds the same key and logs nothing twice, and a timer that exists was logged.
    await this.log.append(
      actor,
      spec.tenantId,
      { action: 'reminder.scheduled', entity: { type: spec.entity.type, id: spec.entity.id, ref: spec.entity.ref }, after: `${spec.kind} for ${spec.date} → ${describeTarget(spec.target)}` },
      `timer.${id}.${existing?._etag ?? 'new'}`,
    );
    let saved: Stored<Timer>;
    if (existing) {
      // A cancelled timer brought back (e.g. a meeting moved back to an earlier date).
      saved = await this.store.replace(CONTAINERS.timers.name, timer, existing._etag);
    } else {
      try {
        saved = await this.store.create(CONTAINERS.timers.name, timer);
      } catch (err) {
        if (err instanceof StoreConflict && err.reason === 'exists') return (await this.store.read<Timer>(CONTAINERS.timers.name, spec.tenantId, id))!;
        throw err;
      }
    }
    return saved;
  }

  async cancel(actor: Actor, tenantId: string, entityId: string, kindPrefix?: string): Promise<number> {
    const pending = (await this.pendingFor(tenantId, entityId)).filter((t) => !kindPrefix || t.kind.startsWith(kindPrefix));
    if (!pending.length) return 0;
    // Logged before the timers it counts, under a key of exactly those timer versions: a retry
    // after a crash in between (an outbox effect is retried until done) logs nothing twice; one
    // after some were cancelled logs the rest. Nothing cancelled goes unlogged.
    const key = createHash('sha256')
      .update(pending.map((t) => `${t.id}@${(t as Stored<Timer>)._etag}`).sort().join('|'))
      .digest('hex')
      .slice(0, 32);
    const first = pending[0];
    await this.log.append(
      actor,
      tenantId,
      { action: 'reminder.cancelled', entity: { type: first.entity.type, id: entityId, ref: first.entity.ref }, before: `${pending.length} pending${kindPrefix ? ` (${kindPrefix}*)` : ''}`, after: 'cancelled' },
      `timers.cancel.${key}`,
    );
    let cancelled = 0;
    for (const timer of pending) {
      let changed = false;
      await updateWithRetry<Timer>(this.store, CONTAINERS.timers.name, tenantId, timer.id, (current) => {
        if (!current || current.status !== 'pending') return undefined;
        changed = true;
        return indexedTimer({ ...current, status: 'cancelled' });
      });
      if (changed) cancelled += 1;
    }
    return cancelled;
  }

  async pendingFor(tenantId: string, entityId: string): Promise<Timer[]> {
    return this.store.query<Timer>(CONTAINERS.timers.name, {
      partitionKey: tenantId,
      where: [
        { field: 'entity.id', op: '=', value: entityId },
        { field: 'status', op: '=', value: 'pending' },
      ],
      orderBy: [{ field: 'dueAt', direction: 'asc' }],
    });
  }

  registerHandler(name: string, handler: ReminderHandler): void {
    if (this.handlers.has(name)) throw new Error(`Reminder handler "${name}" is registered twice`);
    this.handlers.set(name, handler);
  }
}

export function describeTarget(target: ReminderTarget): string {
  switch (target.kind) {
    case 'conversation':
      return `the chat or channel ${target.conversationKey}`;
    case 'purpose':
      return `the ${CHANNEL_PURPOSES[target.purpose]} channel`;
    case 'person':
      return `${target.name}'s chat`;
  }
}
