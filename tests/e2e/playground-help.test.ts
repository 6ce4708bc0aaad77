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
    const file = await pg.screenshot('playground-help');
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });
});
