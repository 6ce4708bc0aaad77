import { CardPosts } from '../../services/card-posts';
import { Conversations } from '../../services/conversations';
import type { Actor } from '../../services/directory/roles';
import { AuditLog } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import type { Messenger, OutboundMessage } from '../../services/messaging';
import { Publisher } from '../../services/publisher';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const TENANT = 'tenant-publisher';
const ACTOR: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] };

/**
 * A connector that holds every update until released, standing in for Teams' rate limits (the
 * Messenger port is the Teams boundary).
 */
class SlowConnector implements Messenger {
  readonly updates: { activityId: string; text: string }[] = [];
  private releases: (() => void)[] = [];
  async send(): Promise<{ activityId: string }> {
    return { activityId: 'unused' };
  }
  async update(_c: unknown, activityId: string, message: OutboundMessage): Promise<void> {
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.updates.push({ activityId, text: String((message.card as { body?: { text?: string }[] }).body?.[0]?.text) });
  }
  release(): void {
    const all = this.releases;
    this.releases = [];
    all.forEach((r) => r());
  }
  get waiting(): number {
    return this.releases.length;
  }
}

const card = (text: string) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });
const tick = () => new Promise((r) => setImmediate(r));

describe('Publisher.refreshSoon: card copies are updated after the click, coalesced, from fresh state', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let connector: SlowConnector;
  let publisher: Publisher;
  let state: string;

  beforeEach(async () => {
    env = await tempStore();
    const clock = new TestClock('2026-03-02T10:00:00Z');
    const log = new AuditLog(env.store, clock);
    const conversations = new Conversations(env.store, log, clock);
    const cardPosts = new CardPosts(env.store, clock);
    connector = new SlowConnector();
    publisher = new Publisher(connector, conversations, cardPosts, silentLogger);
    for (const n of [1, 2, 3]) {
      const c = await conversations.remember(ACTOR, { conversationId: `conv-${n}`, kind: 'channel', name: `c${n}`, reference: { n } });
      await publisher.recordReply(TENANT, 'vote:1', c.id, `act-${n}`);
    }
    state = 'v1';
  });
  afterEach(() => env.dispose());

  const load = async () => {
    const seen = state;
    return () => card(seen);
  };

  it('returns at once: the caller does not wait for the updates', async () => {
    publisher.refreshSoon(TENANT, 'vote:1', load, 'act-1');
    await tick();
    await tick();
    expect(connector.updates).toHaveLength(0);
    expect(connector.waiting).toBe(1);
    while (connector.waiting || connector.updates.length < 2) {
      connector.release();
      await tick();
    }
    await publisher.idle();
    expect(connector.updates.map((u) => u.activityId)).toEqual(['act-2', 'act-3']);
  });

  it('folds clicks made during a round into one more round that shows the latest state on every copy', async () => {
    publisher.refreshSoon(TENANT, 'vote:1', load, 'act-1');
    await tick();
    await tick();
    state = 'v2';
    publisher.refreshSoon(TENANT, 'vote:1', load, 'act-2');
    state = 'v3';
    publisher.refreshSoon(TENANT, 'vote:1', load, 'act-3');
    const done = publisher.idle();
    for (let i = 0; i < 50 && (connector.waiting || connector.updates.length < 5); i++) {
      connector.release();
      await tick();
    }
    await done;
    // Round 1 (v1) skipped the clicked act-1; one more round (v3, loaded afresh) covers all three.
    expect(connector.updates).toEqual([
      { activityId: 'act-2', text: 'v1' },
      { activityId: 'act-3', text: 'v1' },
      { activityId: 'act-1', text: 'v3' },
      { activityId: 'act-2', text: 'v3' },
      { activityId: 'act-3', text: 'v3' },
    ]);
  });

  it('keeps going after a failed load, and idle() resolves', async () => {
    publisher.refreshSoon(TENANT, 'vote:1', async () => {
      throw new Error('store unavailable');
    });
    await publisher.idle();
    expect(connector.updates).toHaveLength(0);
    publisher.refreshSoon(TENANT, 'vote:1', load);
    const done = publisher.idle();
    for (let i = 0; i < 50 && connector.updates.length < 3; i++) {
      connector.release();
      await tick();
    }
    await done;
    expect(connector.updates).toHaveLength(3);
  });
});
