import type { LogEntry } from '../../services/log/audit-log';
import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(120_000);

describe('the tamper-evident log in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('log verify reports an intact chain, then names the entry someone edited in the store', async () => {
    await pg.sendText('log verify');
    const intact = await pg.waitForCardText('The log is intact');
    expect(await intact.innerText()).toMatch(/All \d+ entries link up and none was altered/);

    // Edit an entry behind the bot's back, as someone with access to the database might.
    const { store, log, config } = pg.bot.services;
    const entries: LogEntry[] = [];
    for await (const e of log.all(config.tenantId)) entries.push(e);
    expect(entries.length).toBeGreaterThan(1);
    const target = entries[entries.length - 1];
    const stored = (await store.read<LogEntry>('log', config.tenantId, target.id))!;
    await store.replace('log', { ...stored, after: 'quietly edited' }, stored._etag);

    await pg.sendText('log verify');
    const broken = await pg.waitForCardText(`The log is broken at entry ${target.seq}`);
    expect(await broken.innerText()).toContain(`entry ${target.seq} was altered after it was written`);
    await pg.screenshot('playground-log-verify-broken');
  });
});
