import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import cosmosServer from '@vercel/cosmosdb-server';
import { renderNamedCard } from '../../cards/registry';
import { Conversations } from '../../services/conversations';
import { AuditLog } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import { indexedTimer, Timer } from '../../services/reminders/port';
import { timerId } from '../../services/reminders/reminders-service';
import { Scheduler, TickResult } from '../../services/reminders/scheduler';
import { CONTAINERS } from '../../services/store/containers';
import { CosmosStore } from '../../services/store/cosmos-store';
import type { Store } from '../../services/store/port';
import { RecordingMessenger, RemindersWorld, TENANT } from '../support/reminders-world';

jest.setTimeout(240_000);

const TIMERS = 1000;
const CHANNELS = 25;

/** Three schedulers (each with its own log and conversations, like three processes) over one store. */
async function threeInstancesDeliverEachOnce(world: RemindersWorld): Promise<void> {
  const channels = [];
  for (let c = 0; c < CHANNELS; c++) channels.push(await world.channel(`19:c${c}@thread`));
  const now = world.clock.now().getTime();
  const docs: Timer[] = [];
  for (let i = 0; i < TIMERS; i++) {
    const spec = world.spec({
      entity: { type: 'action', id: `a-${i}`, ref: `A-${i}` },
      date: '2026-03-02',
      target: { kind: 'conversation', conversationKey: channels[i % CHANNELS].id },
      content: { kind: 'card', template: 'notice', data: { title: `timer #${i}#`, text: 'due' } },
    });
    // Due within the last ten minutes: on time, so each goes on its own rather than in a digest.
    docs.push(indexedTimer({ ...spec, id: timerId(spec), dueAt: new Date(now - (i % 600) * 1000).toISOString(), status: 'pending', createdAt: new Date(now).toISOString() }));
  }
  for (let i = 0; i < docs.length; i += 50) await Promise.all(docs.slice(i, i + 50).map((d) => world.store.create(CONTAINERS.timers.name, d)));

  const messenger = new RecordingMessenger();
  const instances = ['a', 'b', 'c'].map((name) => {
    const log = new AuditLog(world.store, world.clock);
    return new Scheduler(
      { store: world.store, clock: world.clock, time: world.time, log, conversations: new Conversations(world.store, log, world.clock), messenger, handlers: new Map(), renderCard: renderNamedCard, logger: silentLogger },
      { instanceId: name, settings: world.settings, batchSize: 100 },
    );
  });
  const totals = await Promise.all(
    instances.map(async (scheduler) => {
      const total: Partial<TickResult> = { claimed: 0, sent: 0 };
      for (let i = 0; i < 200; i++) {
        const result = await scheduler.tick();
        total.claimed! += result.claimed;
        total.sent! += result.sent;
        if (result.due === 0) break;
      }
      return total;
    }),
  );

  const counts = new Map<number, number>();
  for (const s of messenger.sent) {
    const n = Number(/timer #(\d+)#/.exec(JSON.stringify(s.message.card))![1]);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  expect(messenger.sent).toHaveLength(TIMERS);
  expect(counts.size).toBe(TIMERS);
  expect([...counts.values()].every((c) => c === 1)).toBe(true);
  expect(totals.reduce((sum, t) => sum + t.sent!, 0)).toBe(TIMERS);
  expect(totals.every((t) => t.claimed! > 0)).toBe(true); // the work was shared
  const pending = await world.store.query<Timer>(CONTAINERS.timers.name, { partitionKey: TENANT, where: [{ field: 'status', op: '!=', value: 'sent' }] });
  expect(pending).toHaveLength(0);
}

describe('three scheduler instances over one store, 1,000 due timers', () => {
  it('embedded store: each delivered exactly once', async () => {
    const world = await new RemindersWorld('2026-03-02T10:00:00Z').start();
    try {
      await threeInstancesDeliverEachOnce(world);
    } finally {
      await world.stop();
    }
  });

  it('Cosmos (over @vercel/cosmosdb-server): each delivered exactly once', async () => {
    const server = cosmosServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store: Store = new CosmosStore({
      endpoint: `https://127.0.0.1:${port}/`,
      database: `reminders-${randomBytes(4).toString('hex')}`,
      auth: { kind: 'key', key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==' },
      allowSelfSigned: true,
    });
    const world = await new RemindersWorld('2026-03-02T10:00:00Z', store).start();
    try {
      await threeInstancesDeliverEachOnce(world);
    } finally {
      await world.stop();
      await store.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
  });
});
