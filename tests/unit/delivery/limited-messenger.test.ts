import type { ConversationRecord } from '../../../services/conversations';
import { silentLogger } from '../../../services/logger';
import { DeliveryError, Messenger, OutboundMessage } from '../../../services/messaging';
import { LimitedMessenger } from '../../../services/delivery/limited-messenger';
import { RateLimiter } from '../../../services/delivery/rate-limiter';
import { FakeTime } from '../../support/fake-time';

const conversation: ConversationRecord = {
  id: 'k1',
  tenantId: 't1',
  conversationId: 'c1',
  kind: 'channel',
  reference: {},
  active: true,
  purposes: [],
  installedAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

/** Fails with the given errors in turn, then succeeds. */
class ScriptedMessenger implements Messenger {
  calls = 0;
  constructor(private readonly failures: Error[]) {}
  async send(_c: ConversationRecord, _m: OutboundMessage): Promise<{ activityId: string }> {
    const failure = this.failures[this.calls++];
    if (failure) throw failure;
    return { activityId: `a${this.calls}` };
  }
  async update(): Promise<void> {
    const failure = this.failures[this.calls++];
    if (failure) throw failure;
  }
}

function build(failures: Error[], maxAttempts = 5) {
  const time = new FakeTime();
  const inner = new ScriptedMessenger(failures);
  const limiter = new RateLimiter(time, { marginMs: 0 });
  const messenger = new LimitedMessenger(inner, limiter, time, silentLogger, { maxAttempts, baseDelayMs: 100, random: () => 0.5 });
  return { time, inner, messenger };
}

describe('LimitedMessenger', () => {
  it('retries 429 after Retry-After and then delivers', async () => {
    const { time, inner, messenger } = build([new DeliveryError('throttled', 429, 3000)]);
    await expect(messenger.send(conversation, { text: 'hi' })).resolves.toEqual({ activityId: 'a2' });
    expect(inner.calls).toBe(2);
    expect(time.now()).toBeGreaterThanOrEqual(3000);
    expect(messenger.stats).toMatchObject({ retries: 1, throttled: 1, sends: 1 });
  });

  it.each([412, 502, 503, 504, 0])('retries %i with growing back-off', async (status) => {
    const { time, inner, messenger } = build([new DeliveryError('x', status), new DeliveryError('x', status)]);
    await messenger.send(conversation, { text: 'hi' });
    expect(inner.calls).toBe(3);
    expect(time.sleeps).toEqual([100, 200]);
  });

  it('gives up after the bounded number of attempts and throws the last failure', async () => {
    const { inner, messenger } = build(Array.from({ length: 10 }, () => new DeliveryError('down', 503)), 3);
    await expect(messenger.send(conversation, { text: 'hi' })).rejects.toMatchObject({ status: 503 });
    expect(inner.calls).toBe(3);
    expect(messenger.stats.gaveUp).toBe(1);
  });

  it('hands a Retry-After longer than its longest back-off back to the caller instead of sleeping through it', async () => {
    const { time, inner, messenger } = build([new DeliveryError('throttled', 429, 120_000)]);
    await expect(messenger.send(conversation, { text: 'hi' })).rejects.toMatchObject({ status: 429, retryAfterMs: 120_000 });
    expect(inner.calls).toBe(1);
    expect(time.now()).toBe(0);
  });

  it.each([403, 400, 404])('does not retry %i', async (status) => {
    const { inner, messenger } = build([new DeliveryError('no', status)]);
    await expect(messenger.send(conversation, { text: 'hi' })).rejects.toMatchObject({ status });
    expect(inner.calls).toBe(1);
  });

  it('limits updates as well as sends', async () => {
    const { time, messenger } = build([]);
    for (let i = 0; i < 8; i++) await messenger.update(conversation, 'a1', { text: 'hi' });
    expect(time.now()).toBeGreaterThanOrEqual(1000);
    expect(messenger.stats.updates).toBe(8);
  });
});
