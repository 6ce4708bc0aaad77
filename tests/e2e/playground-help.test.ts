import { PlaygroundSession, startPlaygroundSession } from '../support/playground';
import * as fs from 'node:fs';

jest.setTimeout(120_000);

describe('the bot in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('renders the help card when the user types help', async () => {
    await pg.sendText('help');
    const card = await pg.waitForCardText('What I can do');
    const text = await card.innerText();
    expect(text).toContain('What I can do');
    expect(text).toContain('whoami');
    // The placeholders are shown, not swallowed as HTML.
    expect(text).toContain('Words in <angle brackets> are yours to fill in');
    expect(text).toContain('dispute <ref>');
    expect(text).toContain('grant <role> <person> [as <organisation>]');
    const file = await pg.screenshot('playground-help');
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });

  it('grants a role from the members card: the Action.Execute invoke updates the card in place', async () => {
    await pg.sendText('members');
    const card = await pg.waitForCardText('people. Roles:');
    expect(await card.innerText()).not.toContain('lay, member');
    await pg.selectCardChoice('Person', 'Lynne Robbins', card);
    await pg.selectCardChoice('Role', 'member', card);
    await pg.fillCardInput('Organisation (partners only)', '', card);
    await pg.clickCardButton('Grant', card);
    await pg.waitForCardText('lay, member');
    // The same card was refreshed, not a new one posted.
    expect(await pg.page.locator('.ac-adaptiveCard').filter({ hasText: 'people. Roles:' }).count()).toBe(1);
    const person = await pg.bot.services.directory.get(pg.bot.services.config.tenantId, '00000000-0000-0000-0000-0000000000025');
    expect(person?.roles).toEqual(expect.arrayContaining(['lay', 'member']));
    await pg.screenshot('playground-members-grant');
  });

  it('answers an @mention in a team channel', async () => {
    await pg.openConversation('My Team - General');
    await pg.waitForCardText('@mention me with a command');
    await pg.sendText('help'); // the harness adds the @mention in channels
    const card = await pg.waitForCardText(/@mention me, then type a command/);
    expect(await card.innerText()).toContain('channel set');
  });
});
