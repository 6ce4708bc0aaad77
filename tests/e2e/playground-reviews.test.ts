import { STAGES } from '../../services/reviews/dates';
import type { Review } from '../../services/reviews/review';
import { CONTAINERS } from '../../services/store/containers';
import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

describe('hub reviews in the Agents Playground (headless Chromium)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    pg = await startPlaygroundSession();
  });
  afterAll(() => pg?.stop());

  it('starts a review from the form and signs off stage 1 from the timeline card', async () => {
    // Alex Wilber holds the Business Team role in the playground directory.
    await pg.sendText('review start');
    const form = await pg.waitForCardText('Start a hub focused review');
    await pg.fillCardInput('Theme', 'Transitions to adult services', form);
    await pg.selectCardChoice('Strand', 'Combined (children and adults)', form);
    await pg.selectCardChoice('Lead sponsor (an Executive Board partner)', 'Megan Bowen (NHS South Warwickshire CCG)', form);
    await pg.clickCardButton('Start the review', form);
    await pg.waitForCardText('R-1 started: Transitions to adult services');

    const timeline = await pg.waitForCardText('R-1: Transitions to adult services');
    expect(await timeline.innerText()).toContain(`Stage 1 of 4, ${STAGES[0].name}`);
    await pg.screenshot('playground-review-started');

    await pg.clickCardButton('Sign off stage 1', timeline);
    await pg.fillCardInput('Sign-off note', 'Scope agreed with the hub leads', timeline);
    await pg.clickCardButton('Confirm sign-off', timeline);
    const updated = await pg.waitForCardText('Signed off by Alex Wilber');
    expect(await updated.innerText()).toContain('Scope agreed with the hub leads');
    await pg.screenshot('playground-review-stage-1-signed-off');

    const tenantId = pg.bot.services.config.tenantId;
    const [review] = await pg.bot.services.store.query<Review>(CONTAINERS.reviews.name, { partitionKey: tenantId });
    expect(review.ref).toBe('R-1');
    expect(review.version).toBe(2);
    expect(review.stages[0].signedOff?.note).toBe('Scope agreed with the hub leads');
  });
});
