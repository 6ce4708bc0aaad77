import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

describe('safeguarding case reviews in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('records a notified incident from the form, refuses a name, and records the notification from the card', async () => {
    // Alex Wilber, the playground's user, holds the Business Team and chair roles in the demo directory.
    await pg.sendText('case review new');
    const form = await pg.waitForCardText('Record a safeguarding case review');
    expect(await form.innerText()).toContain("Never enter a child's or adult's name");
    await pg.fillCardInput('Case reference (e.g. RR-2026-03)', 'RR-2026-07', form);
    await pg.selectCardChoice('What kind of case', 'Serious child safeguarding incident (rapid review, then a possible local review)', form);
    await pg.clickCardButton('Record case review', form);
    const opened = await pg.waitForCardText('Case review RR-2026-07');
    const text = await opened.innerText();
    expect(text).toContain('Notify the national Panel');
    expect(text).toMatch(/5 working days left|4 working days left|working days left/);
    expect(text).toContain('next: the Business Team (notify the national Panel)');
    await pg.screenshot('playground-case-review-opened');

    const { services } = pg.bot;
    const [stored] = await services.store.query<{ id: string; tenantId: string; ref: string; stage: string; version: number }>('caseReviews', { partitionKey: services.config.tenantId });
    expect(stored).toMatchObject({ ref: 'RR-2026-07', stage: 'notification', version: 1 });

    // A reason that carries a date of birth is refused privately and changes nothing.
    await opened.getByRole('button', { name: 'Close', exact: true }).click();
    await pg.fillCardInput('Why the case review is closed', 'Child DOB 01/02/2019', opened);
    await pg.clickCardButton('Record', opened);
    await pg.waitForText(/seems to contain a date of birth/);
    expect((await services.store.read<{ id: string; tenantId: string; version: number }>('caseReviews', services.config.tenantId, stored.id))?.version).toBe(1);

    // "Panel notified" opens the step's form (the date defaults to today); "Record" sends it.
    const current = pg.card('Case review RR-2026-07');
    await current.getByRole('button', { name: 'Panel notified', exact: true }).click();
    await pg.clickCardButton('Record', current);
    const notified = await pg.waitForCardText(/Recorded: the Panel was notified/);
    expect(await notified.innerText()).toContain('Rapid review under way');
    await pg.screenshot('playground-case-review-notified');
    expect(await services.store.read<{ id: string; tenantId: string; stage: string; version: number }>('caseReviews', services.config.tenantId, stored.id)).toMatchObject({ stage: 'rapid_review', version: 2 });
  });
});
