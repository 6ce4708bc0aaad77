import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(240_000);

/**
 * In a Teams channel a post is a thread of its own: its replies carry the channel's id plus
 * `;messageid=<root>`, while the install event and a new post name the channel itself. The Agents
 * Playground does the same (its install event and "Start a new post" say `team-id`, the replies
 * under a post `team-id;messageid=…`), so the bot must fold every thread it hears from into the
 * one channel it was installed in, answer inside the thread it was asked in, and post its own
 * announcements to the channel as new posts.
 */
describe('a channel with two threads, in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('hears two separate threads as one channel, answers in each thread, lists it once and posts announcements as new posts', async () => {
    /** The conversation id of every message the playground's user sent, in order. */
    const sentTo: string[] = [];
    pg.page.on('request', (r) => {
      const m = /\/_conversation\/v1\/conversations\/([^/]+)\/messages$/.exec(new URL(r.url()).pathname);
      if (r.method() === 'POST' && m) sentTo.push(decodeURIComponent(m[1]));
    });

    await pg.openConversation('My Team - General');
    // Thread 1: a reply under the bot's welcome post.
    await pg.sendText('channel set executive-board');
    await pg.waitForCardText(/now serves: .*Executive Board/);
    // A new post of its own, then thread 2: a reply under it.
    await pg.newPost('channel set business-team');
    const secondThread = pg.post('channel set business-team');
    await secondThread.locator('.ac-adaptiveCard').filter({ hasText: /now serves: .*Business Team/ }).waitFor({ state: 'visible' });
    await pg.sendText('channels', { inPost: secondThread });
    const listed = secondThread.locator('.ac-adaptiveCard').filter({ hasText: 'Where the bot is installed' });
    await listed.waitFor({ state: 'visible' });

    // What the playground sent: a reply in one thread, a new post to the channel, a reply in another thread.
    expect(sentTo).toHaveLength(3);
    const [firstReply, newPost, secondReply] = sentTo;
    const channelId = newPost;
    expect(channelId).not.toContain(';');
    expect(firstReply).toMatch(new RegExp(`^${channelId};messageid=\\d+$`));
    expect(secondReply).toMatch(new RegExp(`^${channelId};messageid=\\d+$`));
    expect(secondReply).not.toBe(firstReply);

    // Each answer stayed in the thread it was asked in.
    const firstThread = pg.post('channel set executive-board');
    expect(await firstThread.innerText()).not.toContain('channel set business-team');
    expect(await firstThread.locator('.ac-adaptiveCard').filter({ hasText: 'Where the bot is installed' }).count()).toBe(0);

    // One channel, stored by the channel's own id, serving both purposes.
    const { services } = pg.bot;
    const tenantId = services.config.tenantId;
    const channels = (await services.conversations.list(tenantId)).filter((c) => c.kind === 'channel');
    expect(channels).toHaveLength(1);
    expect(channels[0].conversationId).toBe(channelId);
    expect([...channels[0].purposes].sort()).toEqual(['business-team', 'executive-board']);
    const general = (await listed.innerText()).split('\n').filter((line) => /General/.test(line));
    expect(general).toHaveLength(1);
    expect(general[0]).toMatch(/My Team/);
    await pg.screenshot('playground-channel-two-threads');

    // An announcement for the Executive Board goes to the channel as a post of its own, in neither thread.
    await pg.openConversation('Personal Chat');
    await pg.sendText('dispute raise Threshold for joint strategy meetings');
    const form = await pg.waitForCardText('Raise a dispute between Board members');
    await pg.selectCardChoice('Parties (two or more people or partner organisations)', ['Megan Bowen', 'Warwickshire Police (organisation)'], form);
    await pg.clickCardButton('Raise dispute', form);
    await pg.waitForCardText('D-1: Threshold for joint strategy meetings');
    await pg.openConversation('My Team - General');
    const announced = pg.post('D-1: Threshold for joint strategy meetings');
    await announced.waitFor({ state: 'visible' });
    expect(await announced.innerText()).not.toMatch(/channel set/);
    expect(await firstThread.innerText()).not.toContain('D-1');
    expect(await secondThread.innerText()).not.toContain('D-1');
    await pg.screenshot('playground-channel-announcement-post');
  });
});
