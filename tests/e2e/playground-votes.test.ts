import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

/**
 * A vote in the Agents Playground (headless Chromium): a refused form keeps what was typed, the
 * tally updates on the card, the voter sees their own choice, and the list's Open button leads to it.
 */
describe('voting in the Agents Playground', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('a refused recommend form comes back with what was typed and the problem beside the deadline', async () => {
    await pg.sendText('recommend');
    const form = await pg.waitForCardText('Recommend to the Executive Board');
    await pg.fillCardInput('Title', 'A shared transitions protocol', form);
    await pg.fillCardInput('What is recommended, and why', 'One protocol for young people moving to adult services.', form);
    await pg.fillCardInput('Which one', 'Exploitation subgroup', form);
    await pg.fillCardInput('Voting deadline (default 7 days)', '2099-12-31', form);
    await pg.clickCardButton('Put to the vote', form);
    const refused = await pg.waitForCardText(/Nothing was changed: The voting deadline can be at most 90 days away/);
    expect(await refused.innerText()).toContain('⚠ The voting deadline can be at most 90 days away.');
    expect(await refused.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(
      expect.arrayContaining(['A shared transitions protocol', 'One protocol for young people moving to adult services.', 'Exploitation subgroup', 'December 31, 2099']), // the playground shows a date input's value in words
    );
    await pg.screenshot('playground-refused-form-kept');
    expect(await pg.bot.services.recommendations.list(pg.bot.services.config.tenantId)).toEqual([]);
  });

  it('the corrected form becomes a vote card; Approve updates the tally on the same card and tells the voter their choice', async () => {
    const refused = pg.card(/Nothing was changed: The voting deadline/);
    const inSevenDays = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await pg.fillCardInput('Voting deadline (default 7 days)', inSevenDays, refused);
    await pg.clickCardButton('Put to the vote', refused);
    const card = await pg.waitForCardText('Voting open: 0 of 4 partners have voted');
    expect(await card.innerText()).toContain('REC-1: A shared transitions protocol');

    await pg.clickCardButton('Approve', card);
    const updated = await pg.waitForCardText(/You voted Approve at \d\d:\d\d; you can change it until the vote closes/);
    const text = await updated.innerText();
    expect(text).toContain('Voting open: 1 of 4 partners have voted');
    expect(text).toContain('Alex Wilber');
    expect(text).toMatch(/▰/);
    // the card was updated in place, not posted again
    expect(await pg.page.locator('.ac-adaptiveCard').filter({ hasText: 'REC-1: A shared transitions protocol' }).count()).toBe(1);
    const tenantId = pg.bot.services.config.tenantId;
    const rec = await pg.bot.services.recommendations.get(tenantId, 'rec-1');
    expect((await pg.bot.services.recommendations.view(rec!)).tally).toEqual({ approve: 1, reject: 0, abstain: 0 });
    await pg.screenshot('playground-vote-seen-by-voter');
  });

  it('lists lead somewhere: the recommendations list says what the viewer did, and its Open button shows the vote card', async () => {
    await pg.sendText('recommendations');
    const list = await pg.waitForCardText('Recommendations (1)');
    expect(await list.innerText()).toContain('You voted Approve; you can change it until the vote closes');
    await pg.clickCardButton('Open REC-1', list);
    const opened = await pg.waitForText('Done: see the reply below.');
    expect(opened).toBeDefined();
    const cards = pg.page.locator('.ac-adaptiveCard').filter({ hasText: 'REC-1: A shared transitions protocol' });
    await cards.nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    expect(await cards.last().innerText()).toContain('You voted Approve');
    await pg.screenshot('playground-list-open');
  });
});
