import type { AppServices } from '../../bot/app-services';
import type { Timer } from '../../services/reminders/port';
import { CONTAINERS } from '../../services/store/containers';
import { updateWithRetry } from '../../services/store/port';

/**
 * Delivers the reminders due by the services' clock, the way the scheduler does: runs handler
 * reminders and posts what they return to the target. A stand-in until the scheduler
 * (services.scheduler.tick) is in main; returns the kinds that fell due.
 */
export async function deliverDueReminders(services: AppServices, tenantId: string): Promise<string[]> {
  const now = services.clock.now().toISOString();
  const due = await services.store.query<Timer>(CONTAINERS.timers.name, {
    partitionKey: tenantId,
    where: [
      { field: 'status', op: '=', value: 'pending' },
      { field: 'dueAt', op: '<=', value: now },
    ],
    orderBy: [{ field: 'dueAt', direction: 'asc' }],
  });
  const delivered: string[] = [];
  for (const timer of due) {
    await updateWithRetry<Timer>(services.store, CONTAINERS.timers.name, tenantId, timer.id, (t) => (t && t.status === 'pending' ? { ...t, status: 'sent' } : undefined));
    if (timer.content.kind !== 'handler') continue;
    const handler = services.reminders.handlers.get(timer.content.handler);
    if (!handler) throw new Error(`no handler ${timer.content.handler}`);
    const message = await handler(timer);
    delivered.push(timer.kind);
    if (!message) continue;
    const key = `${timer.entity.type}:${timer.entity.id}`;
    if (timer.target.kind === 'person') {
      await services.publisher.postToPerson(tenantId, key, timer.target, () => message.card ?? {}, timer.target.fallbackPurpose, message.text);
    } else if (timer.target.kind === 'purpose') {
      await services.publisher.postToPurpose(tenantId, key, timer.target.purpose, message);
    }
  }
  return delivered;
}
