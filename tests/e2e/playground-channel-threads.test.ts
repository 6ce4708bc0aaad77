import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

/**
 * In a Teams channel a post is a thread of its own: its activities carry the channel's id plus
 * `;messageid=<root>`, while the install event names the channel itself. The Agents Playground
 * does the same (its install event says `team-id`, the messages `team-id;messageid=…`), so the
 * bot must fold what it hears from the thread into the one channel it was installed in. (The
 * playground's composer answers inside the open post, so both commands here share one thread;
 * two separate threads of one channel are covered over HTTP in tests/e2e/channel-threads.test.ts.)
 */
describe('a channel and a thread in it, in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('names the channel from inside a thread, lists it once by its team and name, and stores one record without the thread id', async () => {
    await pg.openConversation('My Team - General');
    await pg.sendText('channel set executive-board');
    await pg.waitForCardText(/now serves: .*Executive Board/);
    await pg.sendText('channel set business-team');
    await pg.waitForCardText(/now serves: .*Executive Board.*Business Team|now serves: .*Business Team.*Executive Board/);

    const { services } = pg.bot;
    const tenantId = services.config.tenantId;
    const channels = (await services.conversations.list(tenantId)).filter((c) => c.kind === 'channel');
    expect(channels).toHaveLength(1);
    expect(channels[0].conversationId).not.toContain(';messageid=');
    expect([...channels[0].purposes].sort()).toEqual(['business-team', 'executive-board']);

    await pg.sendText('channels');
    const listed = await pg.waitForCardText('Where the bot is installed');
    const text = await listed.innerText();
    const general = text.split('\n').filter((line) => /General/.test(line));
    expect(general).toHaveLength(1);
    expect(general[0]).toMatch(/My Team/);
    await pg.screenshot('playground-channel-thread');
  });
});
