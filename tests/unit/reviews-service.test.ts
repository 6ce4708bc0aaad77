import type { Timer } from '../../services/reminders/port';
import { IDS, ReviewsWorld, TENANT, refused } from '../support/reviews-world';

const kinds = (timers: Timer[]) => timers.map((t) => `${t.kind}@${t.date}`).sort();

describe('ReviewsService', () => {
  let world: ReviewsWorld;
  beforeEach(async () => {
    world = await ReviewsWorld.embedded().init();
  });
  afterEach(() => world.close());

  it('starts a review: stages, log, reference and every reminder ahead', async () => {
    const review = await world.start();
    expect(review).toMatchObject({ ref: 'R-1', status: 'active', version: 1, endDate: '2026-07-01', learningEventPlanned: '2026-07-01' });
    expect(review.stages.map((s) => s.start)).toEqual(['2026-03-02', '2026-04-02', '2026-05-02', '2026-06-02']);
    const [entry] = await world.log.recent(TENANT, 20).then((all) => all.filter((e) => e.action === 'review.started'));
    expect(entry.entity).toEqual({ type: 'review', id: review.id, ref: 'R-1' });
    const pending = await world.reminders.pendingFor(TENANT, review.id);
    expect(kinds(pending)).toEqual(
      [
        'group-meeting@2026-07-01',
        'learning-event@2026-07-01',
        'stage-1-overdue@2026-04-02',
        'stage-1-warning@2026-03-25',
        'stage-2-overdue@2026-05-02',
        'stage-2-start@2026-04-02',
        'stage-2-warning@2026-04-24',
        'stage-3-overdue@2026-06-02',
        'stage-3-start@2026-05-02',
        'stage-3-warning@2026-05-25',
        'stage-4-overdue@2026-07-02',
        'stage-4-start@2026-06-02',
        'stage-4-warning@2026-06-24',
      ].sort(),
    );
    expect(pending.find((t) => t.kind === 'group-meeting')!.target).toEqual({ kind: 'purpose', purpose: 'children-partnership' });
    expect(pending.find((t) => t.kind === 'stage-2-start')!.target).toEqual({ kind: 'conversation', conversationKey: world.hub.id });
  });

  it('sends the combined strand\'s cycle-end reminder to both partnership groups', async () => {
    const review = await world.start({ strand: 'combined', theme: 'Transitions' });
    const groups = (await world.reminders.pendingFor(TENANT, review.id)).filter((t) => t.kind === 'group-meeting');
    expect(groups.map((t) => t.target).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { kind: 'purpose', purpose: 'adults-partnership' },
      { kind: 'purpose', purpose: 'children-partnership' },
    ]);
  });

  it('refuses bad starts and changes nothing', async () => {
    await world.start();
    await refused(world, () => world.start({ theme: 'Other' }, world.actors.megan), 'forbidden', /Only the Business Team can start a review/);
    await refused(world, () => world.start({ theme: 'Other', sponsorId: IDS.patti }), 'invalid', /Patti Fernandez is not an Executive Board partner/);
    await refused(world, () => world.start({ theme: 'Other', sponsorId: 'nobody' }), 'invalid', /not an Executive Board partner/);
    await refused(world, () => world.start({ theme: 'neglect!', startDate: '2026-06-15' }), 'invalid', /R-1 on the same theme/);
    await refused(world, () => world.start({ theme: 'Other', startDate: '2026-02-30' }), 'invalid', /start date/);
    await refused(world, () => world.start({ theme: 'Other', startDate: '2025-10-01' }), 'invalid', /would already have ended/);
    await refused(world, () => world.start({ theme: 'Other', strand: 'teenagers' }), 'invalid', /strand/);
    await refused(world, () => world.start({ theme: 'Other', conversationKeys: [] }), 'invalid', /at least one channel/);
    await refused(world, () => world.start({ theme: 'Other', conversationKeys: ['not-a-channel'] }), 'invalid', /not one the bot is in/);
    await refused(world, () => world.start({ theme: 'Other', formId: 'x"; drop' }), 'invalid', /not one the bot sent/);
    await refused(world, () => world.reviews.start(world.actors.patti, { formId: 'form-0000-1', theme: 'Other', strand: 'adults', sponsorId: IDS.adele, startDate: '2026-03-02', conversationKeys: world.hub.id }), 'stale', /already started R-1/);
    // The same theme after the first review ends is fine.
    await expect(world.start({ theme: 'Neglect', startDate: '2026-07-02' })).resolves.toMatchObject({ ref: 'R-2' });
  });

  it('runs the lifecycle: four sign-offs in order, recommendation, learning event, completion, impact checks', async () => {
    const { megan, patti, lynne, adele } = world.actors;
    let review = await world.start();
    const card = () => ({ reviewId: review.id, version: review.version });

    await refused(world, () => world.reviews.signOff(lynne, { ...card(), stage: 1, note: 'done' }), 'forbidden', /review sponsor or the Business Team/);
    await refused(world, () => world.reviews.signOff(adele, { ...card(), stage: 1, note: 'done' }), 'forbidden', /sign off a stage/);
    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 2, note: 'done' }), 'invalid', /Stage 1 \(Scoping\) must be signed off before stage 2/);
    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 1, note: '  ' }), 'invalid', /sign-off note/);
    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 7, note: 'x' }), 'invalid', /does not name a stage/);
    await refused(world, () => world.reviews.signOff(megan, { reviewId: 'rv-nope', version: 1, stage: 1, note: 'x' }), 'not_found', /does not exist/);
    await refused(world, () => world.reviews.signOff(megan, { reviewId: { $ne: 1 }, version: 1, stage: 1, note: 'x' }), 'invalid', /does not name a review/);

    world.setDay('2026-03-30');
    review = await world.reviews.signOff(megan, { ...card(), stage: 1, note: 'Scope agreed with the hub' });
    expect(review.version).toBe(2);
    expect(review.stages[0].signedOff).toMatchObject({ by: { aadObjectId: IDS.megan }, note: 'Scope agreed with the hub' });
    expect(kinds(await world.reminders.pendingFor(TENANT, review.id)).filter((k) => k.startsWith('stage-1-'))).toEqual([]);
    expect((await world.log.recent(TENANT, 30)).filter((e) => e.action === 'review.stage-signed-off')).toHaveLength(1);

    await refused(world, () => world.reviews.signOff(megan, { reviewId: review.id, version: 1, stage: 2, note: 'old card' }), 'stale', /out of date/);
    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 1, note: 'again' }), 'invalid', /already signed off by Megan Bowen/);
    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 2, note: 'early' }), 'invalid', /starts on Thu 2 Apr 2026; it can be signed off from then/);

    world.setDay('2026-04-20');
    review = await world.reviews.signOff(patti, { ...card(), stage: '2', note: 'Audits done' });
    world.setDay('2026-05-29');
    review = await world.reviews.signOff(megan, { ...card(), stage: 3, note: 'Feedback gathered' });

    await refused(world, () => world.reviews.submitRecommendation(megan, { ...card(), title: 'Too early', detail: '' }), 'invalid', /submitted in stage 4, which starts on Tue 2 Jun 2026/);
    world.setDay('2026-06-10');
    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 4, note: 'done' }), 'invalid', /at least one recommendation .* or a reason/);
    await refused(world, () => world.reviews.submitRecommendation(lynne, { ...card(), title: 'A joint neglect toolkit', detail: '' }), 'forbidden', /submit recommendations/);

    review = await world.reviews.submitRecommendation(megan, { ...card(), title: 'A joint neglect toolkit', detail: 'Every agency uses the graded care profile.' });
    expect(review.recommendations).toEqual([expect.objectContaining({ ref: 'REC-1', title: 'A joint neglect toolkit' })]);
    const putToVote = await world.intake.bySource(TENANT, review.id);
    expect(putToVote).toEqual([expect.objectContaining({ ref: 'REC-1', status: 'open', source: expect.objectContaining({ kind: 'review', ref: 'R-1' }) })]);
    await refused(world, () => world.reviews.submitRecommendation(megan, { ...card(), title: 'a joint neglect TOOLKIT', detail: '' }), 'invalid', /already submitted/);

    review = await world.reviews.signOff(megan, { ...card(), stage: 4, note: 'Key messages agreed' });
    expect(review.status).toBe('active');
    expect(review.impactChecks).toEqual([]);

    await refused(world, () => world.reviews.recordLearningEvent(megan, { ...card(), date: '2026-06-30', attendees: 40, scrutineer: 'true' }), 'invalid', /once it has taken place/);
    await refused(world, () => world.reviews.recordLearningEvent(megan, { ...card(), date: '2026-06-09', attendees: 'many', scrutineer: 'true' }), 'invalid', /number of attendees/);
    review = await world.reviews.recordLearningEvent(megan, { ...card(), date: '2026-06-09', attendees: '42', scrutineer: 'true' });
    expect(review.status).toBe('completed');
    expect(review.learningEvent).toMatchObject({ date: '2026-06-09', attendees: 42, scrutineerTookPart: true });
    expect(review.impactChecks).toEqual([
      { months: 6, date: '2027-01-01' },
      { months: 12, date: '2027-07-01' },
    ]);
    const actions = (await world.log.recent(TENANT, 50)).map((e) => e.action);
    expect(actions).toContain('review.completed');
    expect(actions).toContain('recommendation.submitted');
    const pending = kinds(await world.reminders.pendingFor(TENANT, review.id));
    expect(pending).toEqual(['group-meeting@2026-07-01', 'impact-12@2027-07-01', 'impact-6@2027-01-01']);

    await refused(world, () => world.reviews.signOff(megan, { ...card(), stage: 4, note: 'again' }), 'closed', /R-1 is completed/);
    await refused(world, () => world.reviews.recordImpactFindings(patti, { ...card(), months: 6, findings: 'Early' }), 'invalid', /due on Fri 1 Jan 2027/);
    world.setDay('2027-01-04');
    await refused(world, () => world.reviews.recordImpactFindings(megan, { ...card(), months: 6, findings: 'Good' }), 'forbidden', /Business Team/);
    await refused(world, () => world.reviews.recordImpactFindings(patti, { ...card(), months: 9, findings: 'Good' }), 'invalid', /does not name an impact check/);
    review = await world.reviews.recordImpactFindings(patti, { ...card(), months: '6', findings: 'Toolkit used in 9 of 10 audited cases' });
    expect(review.impactChecks[0].findings).toMatchObject({ text: 'Toolkit used in 9 of 10 audited cases', by: { aadObjectId: IDS.patti } });
    expect(kinds(await world.reminders.pendingFor(TENANT, review.id))).toEqual(['group-meeting@2026-07-01', 'impact-12@2027-07-01']);
    await refused(world, () => world.reviews.recordImpactFindings(patti, { ...card(), months: 6, findings: 'Twice' }), 'invalid', /already recorded/);
  });

  it('accepts a recorded reason instead of recommendations at stage 4', async () => {
    let review = await world.start();
    const card = () => ({ reviewId: review.id, version: review.version });
    for (const [day, stage] of [['2026-03-20', 1], ['2026-04-20', 2], ['2026-05-20', 3], ['2026-06-20', 4]] as const) {
      world.setDay(day);
      review = await world.reviews.signOff(world.actors.megan, { ...card(), stage, note: `stage ${stage}`, noRecommendationsReason: stage === 4 ? 'The existing neglect strategy already covers the findings' : undefined });
    }
    expect(review.noRecommendationsReason).toBe('The existing neglect strategy already covers the findings');
    expect(review.stages.every((s) => s.signedOff)).toBe(true);
  });

  it('moves every stage and reminder when the start is rescheduled, and not after a sign-off', async () => {
    let review = await world.start({ startDate: '2026-04-01' });
    await refused(world, () => world.reviews.reschedule(world.actors.megan, { reviewId: review.id, version: 1, startDate: '2026-05-01' }), 'forbidden', /Business Team/);
    review = await world.reviews.reschedule(world.actors.patti, { reviewId: review.id, version: 1, startDate: '2026-05-01' });
    expect(review.stages.map((s) => s.start)).toEqual(['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01']);
    expect(review.learningEventPlanned).toBe('2026-08-31');
    const pending = kinds(await world.reminders.pendingFor(TENANT, review.id));
    expect(pending).toContain('stage-1-start@2026-05-01');
    expect(pending).toContain('group-meeting@2026-08-31');
    expect(pending.some((k) => k.includes('2026-04-01') || k.endsWith('@2026-07-31'))).toBe(false);
    expect((await world.log.recent(TENANT, 40)).map((e) => e.action)).toContain('review.rescheduled');

    world.setDay('2026-05-05');
    review = await world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: review.version, stage: 1, note: 'scoped' });
    await refused(world, () => world.reviews.reschedule(world.actors.patti, { reviewId: review.id, version: review.version, startDate: '2026-06-01' }), 'invalid', /can no longer move/);
  });

  it('cancels a review with its reminders and refuses anything after', async () => {
    let review = await world.start();
    await refused(world, () => world.reviews.cancel(world.actors.megan, { reviewId: review.id, version: 1, reason: 'not needed' }), 'forbidden', /Business Team/);
    await refused(world, () => world.reviews.cancel(world.actors.patti, { reviewId: review.id, version: 1, reason: '' }), 'invalid', /reason/);
    review = await world.reviews.cancel(world.actors.patti, { reviewId: review.id, version: 1, reason: 'Merged into the exploitation review' });
    expect(review.status).toBe('cancelled');
    expect(await world.reminders.pendingFor(TENANT, review.id)).toEqual([]);
    world.setDay('2026-03-20');
    await refused(world, () => world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: 1, stage: 1, note: 'x' }), 'closed', /R-1 was cancelled on Mon 2 Mar 2026 \(Merged into the exploitation review\)/);
    await refused(world, () => world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: 2, stage: 1, note: 'x' }), 'closed', /cancelled/);
    // A cancelled review no longer blocks its theme.
    await expect(world.start({ startDate: '2026-03-20' })).resolves.toMatchObject({ ref: 'R-2' });
  });

  it('builds reminders from the current state and repeats the overdue one weekly', async () => {
    let review = await world.start();
    const [overdue] = (await world.reminders.pendingFor(TENANT, review.id)).filter((t) => t.kind === 'stage-1-overdue');
    world.setDay('2026-04-02');
    const message = await world.reviews.reminderMessage(overdue);
    expect(message?.title).toBe('R-1 Neglect: stage 1 (Scoping) is overdue');
    expect(message?.text).toContain('1 day ago');
    expect(kinds(await world.reminders.pendingFor(TENANT, review.id))).toContain('stage-1-overdue@2026-04-09');

    review = await world.reviews.signOff(world.actors.megan, { reviewId: review.id, version: 1, stage: 1, note: 'late but done' });
    const warning = (await world.reminders.pendingFor(TENANT, review.id)).find((t) => t.kind === 'stage-2-warning')!;
    world.setDay(warning.date);
    expect((await world.reviews.reminderMessage(warning))?.title).toBe('R-1 Neglect: 7 days left in stage 2 (Audits)');
    expect(await world.reviews.reminderMessage(overdue)).toBeUndefined();
  });

  it('after downtime, schedules the next weekly overdue reminder after today, not in the past', async () => {
    const review = await world.start();
    const [overdue] = (await world.reminders.pendingFor(TENANT, review.id)).filter((t) => t.kind === 'stage-1-overdue');
    world.setDay('2026-04-20');
    expect((await world.reviews.reminderMessage(overdue))?.text).toContain('19 days ago');
    const next = (await world.reminders.pendingFor(TENANT, review.id)).filter((t) => t.kind === 'stage-1-overdue').map((t) => t.date);
    expect(next).toEqual(['2026-04-02', '2026-04-23']);
  });

  it('shows the year against 2 + 2 + 1 and the partners, with warnings but no refusal', async () => {
    await world.start({ theme: 'Neglect', strand: 'children', sponsorId: IDS.megan });
    await world.start({ theme: 'Exploitation', strand: 'children', sponsorId: IDS.megan, startDate: '2026-04-01' });
    await world.start({ theme: 'Self-neglect', strand: 'adults', sponsorId: IDS.adele, startDate: '2026-08-01' });
    const view = await world.reviews.programme(world.actors.lynne, 2026);
    expect(view.counts).toEqual({ children: 2, adults: 1, combined: 0 });
    expect(view.reviews.map((r) => r.ref)).toEqual(['R-1', 'R-2', 'R-3']);
    expect(view.overlaps.map((o) => `${o.a}/${o.b}`)).toEqual(['R-1/R-2']);
    expect(view.warnings).toEqual(
      expect.arrayContaining([
        'Adults: 1 review where the arrangements plan 2.',
        'Combined (children and adults): 0 reviews where the arrangements plan 1.',
        'Warwickshire Police sponsors no review in 2026.',
        'Warwickshire County Council sponsors no review in 2026.',
        'NHS South Warwickshire CCG sponsors 2 reviews (R-1, R-2) where the arrangements plan one each.',
      ]),
    );
    expect(view.warnings.some((w) => w.includes('Megan Bowen sponsors R-1 and R-2'))).toBe(true);
    const empty = await world.reviews.programme(world.actors.lynne, 2027);
    expect(empty.reviews).toEqual([]);
    await expect(world.reviews.programme(world.actors.lynne, 99)).rejects.toThrow(/Give a year/);
  });
});
