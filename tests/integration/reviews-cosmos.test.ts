import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CosmosStore } from '../../services/store/cosmos-store';
import { IDS, ReviewsWorld, TENANT, refused } from '../support/reviews-world';

jest.setTimeout(60_000);

/**
 * The reviews service on the production adapter: the real @azure/cosmos SDK against a
 * Cosmos-protocol server, so the queries it relies on (by ref, by status, by a nested
 * `source.id`, timers by `entity.id` ordered by `dueAt`) and IfMatch replaces behave there too.
 */
describe('hub reviews on Cosmos (@vercel/cosmosdb-server)', () => {
  let server: Server;
  let world: ReviewsWorld;

  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cosmosServer = require('@vercel/cosmosdb-server') as { default: () => Server };
    server = cosmosServer.default();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = new CosmosStore({
      endpoint: `https://127.0.0.1:${port}`,
      database: 'reviews-test',
      auth: { kind: 'key', key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==' },
      allowSelfSigned: true,
    });
    world = await new ReviewsWorld(store).init();
  });
  afterAll(async () => {
    await world?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('starts, refuses a clash, signs off, takes a recommendation and finds reviews by ref, status and source', async () => {
    let review = await world.start({ startDate: '2026-03-02' });
    expect(review.ref).toBe('R-1');
    const pending = await world.reminders.pendingFor(TENANT, review.id);
    expect(pending.length).toBe(13);
    expect(pending.map((t) => t.dueAt)).toEqual([...pending.map((t) => t.dueAt)].sort());

    await refused(world, () => world.start({ theme: 'NEGLECT', startDate: '2026-05-01' }), 'invalid', /R-1 on the same theme/);
    await refused(world, () => world.start({ theme: 'Other', sponsorId: IDS.lynne }), 'invalid', /not an Executive Board partner/);

    world.setDay('2026-03-20');
    review = await world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: 1, stage: 1, note: 'Scoped' });
    await refused(world, () => world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: 1, stage: 2, note: 'old card' }), 'stale', /out of date/);
    for (const [day, stage] of [['2026-04-20', 2], ['2026-05-20', 3]] as const) {
      world.setDay(day);
      review = await world.reviews.signOff(world.actors.patti, { reviewId: review.id, version: review.version, stage, note: `stage ${stage}` });
    }
    world.setDay('2026-06-05');
    review = await world.reviews.submitRecommendation(world.actors.megan, { reviewId: review.id, version: review.version, title: 'Neglect toolkit', detail: 'Every agency uses the graded care profile.' });
    expect(await world.intake.bySource(TENANT, review.id)).toEqual([expect.objectContaining({ ref: 'REC-1', status: 'open' })]);
    review = await world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: review.version, stage: 4, note: 'done' });

    expect((await world.reviews.byRef(TENANT, 'r1')).version).toBe(review.version);
    expect((await world.reviews.active(TENANT)).map((r) => r.ref)).toEqual(['R-1']);
    const year = await world.reviews.programme(world.actors.lynne, 2026);
    expect(year.counts).toEqual({ children: 1, adults: 0, combined: 0 });
  });
});
