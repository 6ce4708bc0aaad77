import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

describe('disputes in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('raises a dispute from the form and schedules its meeting from the card', async () => {
    // Alex Wilber, the playground's user, is the chair (and a partner) in the demo directory.
    await pg.sendText('dispute raise Threshold for joint strategy meetings');
    const form = await pg.waitForCardText('Raise a dispute between Board members');
    // A multi-select ChoiceSet renders as a Fluent combobox whose options are menu checkboxes.
    await form.locator('.fui-Combobox__expandIcon').first().click();
    await pg.page.getByRole('menuitemcheckbox', { name: 'Megan Bowen', exact: true }).click();
    await pg.page.getByRole('menuitemcheckbox', { name: 'Warwickshire Police (organisation)', exact: true }).click();
    await pg.page.keyboard.press('Escape');
    await pg.clickCardButton('Raise dispute', form);
    const raised = await pg.waitForCardText('D-1: Threshold for joint strategy meetings');
    expect(await raised.innerText()).toContain('Day 0 of 28');
    await pg.screenshot('playground-dispute-raised');

    const { services } = pg.bot;
    const [dispute] = await services.store.query<{ id: string; ref: string; status: string; parties: { name: string }[] }>('disputes', { partitionKey: services.config.tenantId });
    expect(dispute.parties.map((p) => p.name)).toEqual(['Megan Bowen', 'Warwickshire Police']);

    // "Schedule meeting" opens the form inside the card (Action.ShowCard); "Schedule" sends it.
    await raised.getByRole('button', { name: 'Schedule meeting', exact: true }).click();
    await pg.fillCardInput('Place or online meeting link', 'Shire Hall, Warwick', raised);
    await pg.clickCardButton('Schedule', raised);
    const scheduled = await pg.waitForCardText('at Shire Hall, Warwick');
    expect(await scheduled.innerText()).toContain('meeting scheduled');
    await pg.screenshot('playground-dispute-scheduled');
    const stored = await services.store.read<{ id: string; status: string; version: number }>('disputes', services.config.tenantId, dispute.id);
    expect(stored).toMatchObject({ status: 'meeting_scheduled', version: 2 });
  });
});
