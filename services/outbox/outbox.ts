import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Actor } from '../directory/roles';
import type { AuditLog, LogInput } from '../log/audit-log';
import type { Logger } from '../logger';
import type { ReminderSpec, Reminders } from '../reminders/port';
import { Doc, Store, StoreConflict, Stored } from '../store/port';

/** What a change must also do: log it, schedule or cancel reminders, or run a named handler (posts, card refreshes). */
export type EffectSpec =
  | { kind: 'log'; actor: Actor; input: LogInput }
  | { kind: 'schedule'; actor: Actor; spec: ReminderSpec }
  | { kind: 'cancel'; actor: Actor; tenantId: string; entityId: string; kindPrefix?: string }
  /** A handler the bot registers (announce a card, refresh copies): the services know nothing of Teams. */
  | { kind: 'handler'; handler: string; tenantId: string; data: Record<string, unknown> };

/** An effect as stored in the changed document: an id of its own (idempotent) and the progress of its fan-out. */
export type Effect = EffectSpec & { id: string; done?: string[] };

/** The fields the outbox adds to a document that carries pending effects. */
export interface OutboxFields {
  outbox?: Effect[];
  /** When the relay should next look at the document (absent when nothing is pending): the relay's index. */
  outboxDueAt?: string;
  /** The instance carrying the effects out, until `outboxLease.until`; an expired lease is claimed again. */
  outboxLease?: { owner: string; until: string };
  outboxAttempts?: number;
}

export type WithOutbox<T> = T & OutboxFields;

/** A fan-out handler's memory: which targets it has already reached, kept in the document so a retry skips them. */
export interface EffectProgress {
  has(key: string): boolean;
  mark(key: string): Promise<void>;
}

export type EffectHandler = (tenantId: string, data: Record<string, unknown>, progress: EffectProgress) => Promise<void>;

export interface OutboxSettings {
  instanceId: string;
  /** How long an instance holds a document's effects before another may carry them out. */
  leaseMs?: number;
  /** How often the relay looks for effects left behind (a crash, a refused write). */
  pollMs?: number;
}

/** Removes the outbox's own fields, for domain objects handed back to callers. */
export function withoutOutbox<T extends object>(doc: T): T {
  const { outbox, outboxDueAt, outboxLease, outboxAttempts, ...rest } = doc as T & OutboxFields;
  void outbox;
  void outboxDueAt;
  void outboxLease;
  void outboxAttempts;
  return rest as T;
}

/**
 * The transactional outbox: a change of state and all its effects are written together, in the
 * same single-document write (`stage` puts the effects into the new document), so either both
 * happen or neither does, on any store. The relay then carries the effects out (`deliver` right
 * after the write, the background pass for anything left behind), claimed by a lease on the
 * document so one instance at a time runs them, with idempotent effect ids: a log entry is
 * recorded under its effect id, reminders have deterministic ids, and fan-out handlers remember
 * each target reached. Each effect is removed once done; a failing one is retried with back-off.
 */
export class Outbox {
  private readonly handlers = new Map<string, EffectHandler>();
  /** Effects this process is carrying out now: a second run over the same document (the next change) skips them. */
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    /** `reminders` may be left out by an outbox that only ever carries log entries and handlers. */
    private readonly deps: { store: Store; clock: Clock; log: AuditLog; reminders?: Reminders; logger: Logger },
    /** Containers whose documents may carry effects; the background pass looks in each. */
    private readonly containers: string[],
    private readonly settings: OutboxSettings,
  ) {
    this.leaseMs = settings.leaseMs ?? 30_000;
    this.pollMs = settings.pollMs ?? 5_000;
  }

  registerHandler(name: string, handler: EffectHandler): void {
    this.handlers.set(name, handler);
  }

  /**
   * The new document with its effects added to any still pending, each with an id made from
   * `changeKey` (the document id and version, say) so a retried write stages the same ids. The
   * writer takes the lease unless another live instance holds it (then that one runs them all).
   */
  stage<T extends Doc>(current: (Doc & OutboxFields) | undefined, next: T, changeKey: string, effects: EffectSpec[]): WithOutbox<T> {
    const now = this.deps.clock.now();
    const kept = current?.outbox ?? [];
    const added: Effect[] = effects.map((e, i) => ({ ...e, id: `${changeKey}.${i}` }));
    const outbox = [...kept, ...added.filter((e) => !kept.some((k) => k.id === e.id))];
    const base = withoutOutbox(next);
    if (!outbox.length) return base;
    const held = current?.outboxLease && current.outboxLease.owner !== this.settings.instanceId && current.outboxLease.until > now.toISOString();
    const lease = held ? current.outboxLease! : { owner: this.settings.instanceId, until: new Date(now.getTime() + this.leaseMs).toISOString() };
    return { ...base, outbox, outboxLease: lease, outboxDueAt: lease.until, ...(current?.outboxAttempts ? { outboxAttempts: current.outboxAttempts } : {}) };
  }

  /**
   * Carries out the document's effects now if this instance holds their lease (the write that
   * staged them took it). Never throws: whatever fails stays in the document for the relay.
   */
  async deliver(container: string, saved: Stored<WithOutbox<Doc & { tenantId: string }>>): Promise<void> {
    if (!saved.outbox?.length || saved.outboxLease?.owner !== this.settings.instanceId) return;
    await this.carryOut(container, saved).catch((err: unknown) => {
      this.deps.logger.warn('outbox effects left for the relay', { container, id: saved.id, error: err instanceof Error ? err.message : String(err) });
    });
  }

  /** Starts the background pass. */
  start(): void {
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn('outbox pass failed', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass: claims every document whose effects are due (left by a crash, a refused write or
   * an expired lease) and carries them out; then seals recorded log entries left behind.
   * Returns how many documents it claimed.
   */
  async tick(): Promise<number> {
    let claimed = 0;
    const now = this.deps.clock.now().toISOString();
    for (const container of this.containers) {
      const due = await this.deps.store.query<WithOutbox<Doc & { tenantId: string }>>(container, {
        where: [{ field: 'outboxDueAt', op: '<=', value: now }],
        orderBy: [{ field: 'outboxDueAt', direction: 'asc' }],
        limit: 50,
      });
      for (const doc of due) {
        const mine = await this.claim(container, doc);
        if (!mine) continue;
        claimed += 1;
        await this.carryOut(container, mine).catch((err: unknown) => {
          this.deps.logger.warn('outbox effect failed; will retry', { container, id: doc.id, error: err instanceof Error ? err.message : String(err) });
        });
      }
    }
    for (const tenantId of await this.deps.log.tenantsWithRecorded()) await this.deps.log.seal(tenantId);
    return claimed;
  }

  private async claim(container: string, doc: Stored<WithOutbox<Doc & { tenantId: string }>>): Promise<Stored<WithOutbox<Doc & { tenantId: string }>> | undefined> {
    const now = this.deps.clock.now();
    if (!doc.outbox?.length) {
      // Nothing left but the index field: clear it.
      await this.deps.store.replace(container, withoutOutbox(doc), doc._etag).catch(ignoreConflict);
      return undefined;
    }
    if (doc.outboxLease && doc.outboxLease.owner !== this.settings.instanceId && doc.outboxLease.until > now.toISOString()) return undefined;
    const until = new Date(now.getTime() + this.leaseMs).toISOString();
    const { _etag, ...body } = doc;
    try {
      return await this.deps.store.replace(container, { ...body, outboxLease: { owner: this.settings.instanceId, until }, outboxDueAt: until }, _etag);
    } catch (err) {
      if (err instanceof StoreConflict) return undefined;
      throw err;
    }
  }

  /**
   * Runs the effects in order, then removes the done ones in one write. Log and reminder effects
   * keep their order (a cancel must not overtake the schedule before it): the first of them that
   * fails stops the rest. A handler's failure (Teams slow, no channel) holds back only itself.
   */
  private async carryOut(container: string, doc: Stored<WithOutbox<Doc & { tenantId: string }>>): Promise<void> {
    const done: string[] = [];
    let failure: Error | undefined;
    let ordered = true;
    for (const effect of doc.outbox ?? []) {
      if (!ordered && effect.kind !== 'handler') continue;
      const key = `${container}/${doc.id}/${effect.id}`;
      if (this.inFlight.has(key)) continue;
      this.inFlight.add(key);
      try {
        await this.run(container, doc, effect);
        done.push(effect.id);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
        if (effect.kind !== 'handler') ordered = false;
      } finally {
        this.inFlight.delete(key);
      }
    }
    await this.settle(container, doc, done, failure !== undefined);
    if (failure !== undefined) throw failure;
  }

  private async run(container: string, doc: WithOutbox<Doc & { tenantId: string }>, effect: Effect): Promise<void> {
    switch (effect.kind) {
      case 'log':
        await this.deps.log.record(effect.actor, effect.actor.tenantId, effect.input, effect.id);
        this.deps.log.sealSoon(effect.actor.tenantId);
        return;
      case 'schedule':
        await this.reminders().schedule(effect.actor, effect.spec);
        return;
      case 'cancel':
        await this.reminders().cancel(effect.actor, effect.tenantId, effect.entityId, effect.kindPrefix);
        return;
      case 'handler': {
        const handler = this.handlers.get(effect.handler);
        if (!handler) throw new Error(`No outbox handler "${effect.handler}" is registered`);
        const reached = new Set(effect.done ?? []);
        await handler(effect.tenantId, effect.data, {
          has: (key) => reached.has(key),
          mark: async (key) => {
            reached.add(key);
            await this.update(container, doc.tenantId, doc.id, (d) => ({
              ...d,
              outbox: (d.outbox ?? []).map((e) => (e.id === effect.id ? { ...e, done: [...new Set([...(e.done ?? []), key])] } : e)),
            }));
          },
        });
        return;
      }
    }
  }

  private reminders(): Reminders {
    if (!this.deps.reminders) throw new Error('This outbox carries no reminders: build it with the reminders engine');
    return this.deps.reminders;
  }

  /**
   * Removes the done effects; releases the lease, or sets the retry time if some remain. Tries
   * the document as this instance last wrote it first (one write, no read, on the click path),
   * and reads it again only if it changed since.
   */
  private async settle(container: string, doc: Stored<WithOutbox<Doc & { tenantId: string }>>, done: string[], failed: boolean): Promise<void> {
    await this.update(container, doc.tenantId, doc.id, (d) => {
      const remaining = (d.outbox ?? []).filter((e) => !done.includes(e.id));
      const base = withoutOutbox(d);
      if (!remaining.length) return base;
      const attempts = (d.outboxAttempts ?? 0) + (failed ? 1 : 0);
      const delayMs = failed ? Math.min(300_000, 1000 * 2 ** Math.min(attempts, 8)) : 0;
      return { ...base, outbox: remaining, outboxDueAt: new Date(this.deps.clock.now().getTime() + delayMs).toISOString(), ...(attempts ? { outboxAttempts: attempts } : {}) };
    }, doc);
  }

  private async update(
    container: string,
    tenantId: string,
    id: string,
    change: (d: WithOutbox<Doc & { tenantId: string }>) => WithOutbox<Doc & { tenantId: string }>,
    /** The document as last read or written, tried before reading it again. */
    known?: Stored<WithOutbox<Doc & { tenantId: string }>>,
  ): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = attempt === 0 && known ? known : await this.deps.store.read<WithOutbox<Doc & { tenantId: string }>>(container, tenantId, id);
      if (!current) return;
      const { _etag, ...body } = current;
      try {
        await this.deps.store.replace(container, change(body), _etag);
        return;
      } catch (err) {
        if (!(err instanceof StoreConflict)) throw err;
        if (err.reason === 'gone') {
          // Removed since: nothing left to settle (a read would have found nothing either).
          if (attempt === 0 && known) return;
          throw err;
        }
      }
    }
    throw new StoreConflict('stale', container, id);
  }
}

/**
 * For a service built without the app's outbox (tools, tests that need no relay): one of its own
 * that carries log entries right after each write. Whatever it leaves behind is in the documents,
 * where the app's relay finds it.
 */
export function localLogOutbox(store: Store, clock: Clock, log: AuditLog, logger: Logger): Outbox {
  return new Outbox({ store, clock, log, logger }, [], { instanceId: `local-${randomUUID()}` });
}

function ignoreConflict(err: unknown): void {
  if (!(err instanceof StoreConflict)) throw err;
}
