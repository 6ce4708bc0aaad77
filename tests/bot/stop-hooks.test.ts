import { BotHarness } from '../support/bot-harness';

describe('compose().stop() runs the registered stop hooks (the scheduler releases its leases there)', () => {
  it('runs each hook once, in order, after turns stop being accepted and before the store closes', async () => {
    const bot = await new BotHarness().start();
    const events: string[] = [];
    const store = bot.composed.services.store;
    const close = store.close.bind(store);
    store.close = async () => {
      events.push('store closed');
      await close();
    };
    bot.composed.onStop('scheduler', async (remainingMs) => {
      events.push(`scheduler stop with ${remainingMs > 0 ? 'time left' : 'no time'}`);
      const health = await fetch(`${bot.baseUrl}/healthz`);
      events.push(`health ${health.status}`);
    });
    bot.composed.onStop('second', () => {
      events.push('second');
    });
    await bot.stop();
    expect(events).toEqual(['scheduler stop with time left', 'health 503', 'second', 'store closed']);
  });

  it('stops the reminders scheduler (which releases its leases) before the store closes', async () => {
    const bot = await new BotHarness().start();
    const events: string[] = [];
    const scheduler = bot.composed.services.scheduler;
    const schedulerStop = scheduler.stop.bind(scheduler);
    scheduler.stop = async () => {
      events.push('scheduler stopping');
      await schedulerStop();
      events.push('scheduler stopped');
    };
    const store = bot.composed.services.store;
    const close = store.close.bind(store);
    store.close = async () => {
      events.push('store closed');
      await close();
    };
    await bot.stop();
    expect(events).toEqual(['scheduler stopping', 'scheduler stopped', 'store closed']);
  });

  it('a hook that fails or hangs does not stop the shutdown', async () => {
    const bot = await new BotHarness().start();
    let closed = false;
    const store = bot.composed.services.store;
    const close = store.close.bind(store);
    store.close = async () => {
      closed = true;
      await close();
    };
    bot.composed.onStop('broken', () => {
      throw new Error('lease release failed');
    });
    bot.composed.onStop('hanging', () => new Promise<void>(() => undefined));
    await bot.stop(); // the harness gives stop 2000 ms; the hanging hook gets at least 1000 of them
    expect(closed).toBe(true);
  });
});
