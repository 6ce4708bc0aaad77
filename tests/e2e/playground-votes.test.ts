import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

/** A vote clicked in the Agents Playground (headless Chromium): the tally updates on the card. */
describe('voting in the Agents Playground', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('recommend form → vote card → Approve updates the tally on the same card', async () => {
    await pg.sendText('recommend');
    const form = await pg.waitForCardText('Recommend to the Executive Board');
    await pg.fillCardInput('Title', 'A shared transitions protocol', form);
    await pg.fillCardInput('What is recommended, and why', 'One protocol for young people moving to adult services.', form);
    await pg.fillCardInput('Which one', 'Exploitation subgroup', form);
    await pg.clickCardButton('Put to the vote', form);
    const card = await pg.waitForCardText('Voting open: 0 of 4 partners have voted');
    expect(await card.innerText()).toContain('REC-1: A shared transitions protocol');

    await pg.clickCardButton('Approve', card);
    const updated = await pg.waitForCardText('Voting open: 1 of 4 partners have voted');
    const text = await updated.innerText();
    expect(text).toContain('Alex Wilber');
    expect(text).toMatch(/▰/);
    // the card was updated in place, not posted again
    expect(await pg.page.locator('.ac-adaptiveCard').filter({ hasText: 'REC-1: A shared transitions protocol' }).count()).toBe(1);
    const tenantId = pg.bot.services.config.tenantId;
    const rec = await pg.bot.services.recommendations.get(tenantId, 'rec-1');
    expect((await pg.bot.services.recommendations.view(rec!)).tally).toEqual({ approve: 1, reject: 0, abstain: 0 });
    await pg.screenshot('playground-vote');
  });
});
