import { PlaygroundSession, freePort, startPlaygroundSession } from '../support/playground';

jest.setTimeout(120_000);

/** Install, welcome, nearest-command suggestions and the log download, as a person sees them in the Agents Playground. */
describe('the app in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  let port: number;
  beforeAll(async () => {
    port = await freePort('127.0.0.1');
    pg = await startPlaygroundSession({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  });
  afterAll(() => pg?.stop());

  it('welcomes the person by name in the personal chat, and its button shows the commands', async () => {
    const welcome = await pg.waitForCardText('Hello Alex Wilber');
    expect(await welcome.innerText()).toContain('Type a command here.');
    await pg.clickCardButton('Show commands', welcome);
    const help = await pg.waitForCardText('What I can do');
    expect(await help.innerText()).toContain('log export');
  });

  it('suggests the nearest command for a typo', async () => {
    await pg.sendText('whomai');
    const reply = await pg.waitForText(/Did you mean/);
    expect(await reply.innerText()).toMatch(/Did you mean\s*(\*\*)?whoami(\*\*)?\s*\?/);
  });

  it('gives a log download link that serves the log as CSV from the browser', async () => {
    await pg.sendText('log export');
    const card = await pg.waitForCardText('Log export ready');
    // Action.OpenUrl renders as a button with role "link" whose title is the URL.
    const link = card.getByRole('link', { name: 'Download CSV' });
    const url = (await link.getAttribute('title')) ?? '';
    expect(url.startsWith(`http://127.0.0.1:${port}/exports/log.csv?token=`)).toBe(true);
    const requested = pg.page.context().waitForEvent('request', { predicate: (r) => r.url() === url, timeout: 30_000 });
    await link.click();
    await requested;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain('seq,when_utc,who_object_id');
    expect(csv).toContain('log.exported');
    await pg.screenshot('playground-log-export');
  });
});
