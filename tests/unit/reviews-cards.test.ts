import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandCard } from '../../cards/render';
import { renderTimeline } from '../../cards/reviews/timeline';
import { REVIEW_VERBS } from '../../cards/reviews/verbs';
import { timelineView } from '../../bot/reviews/views';
import type { Review } from '../../services/reviews/review';
import { stageDates } from '../../services/reviews/dates';
import { CalendarTime } from '../../services/time';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

/** Parses with the official Adaptive Cards parser and returns its complaints. */
function parserErrors(card: unknown): string[] {
  const ctx = new AC.SerializationContext();
  new AC.AdaptiveCard().parse(card, ctx);
  return Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
}

const dir = path.join(__dirname, '../../cards/reviews');
const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'));

describe('hub review cards', () => {
  it.each(templates)('%s renders every sample into a card the official parser accepts', (file) => {
    const template = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as object;
    const samples = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.json$/, '.sample.json')), 'utf8')) as object[];
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      const card = expandCard(template, { verbs: REVIEW_VERBS, runCommandVerb: 'command.run', ...sample });
      expect(card.version).toBe('1.5');
      expect(parserErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('${');
    }
  });

  const review: Review = {
    id: 'rv-abc',
    tenantId: 't',
    ref: 'R-3',
    theme: 'Transitions',
    strand: 'combined',
    sponsor: { aadObjectId: 'm', name: 'Megan Bowen', organisation: 'NHS South Warwickshire CCG' },
    startDate: '2026-01-31',
    endDate: '2026-05-30',
    stages: stageDates('2026-01-31').map((s) => (s.number === 1 ? { ...s, signedOff: { by: { aadObjectId: 'm', name: 'Megan Bowen' }, at: '2026-02-27T10:00:00Z', note: 'Scoped' } } : s)),
    learningEventPlanned: '2026-05-30',
    recommendations: [],
    status: 'active',
    impactChecks: [],
    reminderConversations: ['c1'],
    formId: 'form-1',
    version: 4,
    createdBy: { aadObjectId: 'p', name: 'Patti Fernandez' },
    createdAt: '2026-01-20T10:00:00Z',
    updatedAt: '2026-02-27T10:00:00Z',
  };

  it('highlights the current stage, shows what is due and offers the next sign-off with the card version', () => {
    const { data, forms } = timelineView(review, { today: '2026-03-19', time: new CalendarTime('Europe/London'), channelNames: ['WS / Hub'], updatedAt: new Date(review.updatedAt) });
    expect(data.statusLabel).toBe('Stage 2 of 4, Audits: 11 days left');
    expect(data.stages.map((s) => s.current)).toEqual([false, true, false, false]);
    expect(data.stages[0].state).toBe('Signed off by Megan Bowen on Fri 27 Feb 2026: Scoped');
    expect(data.stages[1].dates).toBe('28 Feb to 30 Mar');
    const card = renderTimeline(data, forms);
    expect(parserErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Single and multi-agency audits');
    const actions = card.actions as { title: string; card: { actions: { verb: string; data: Record<string, unknown> }[] } }[];
    expect(actions.map((a) => a.title)).toEqual(['Sign off stage 2', 'Learning event', 'Move or cancel']);
    expect(actions[0].card.actions[0]).toMatchObject({ verb: REVIEW_VERBS.signOff, data: { reviewId: 'rv-abc', version: 4, stage: 2 } });
  });

  it('shows each recommendation with its vote\'s outcome as it is now', () => {
    const source = { kind: 'review' as const, id: 'rv-abc', ref: 'R-1', name: 'Hub review R-1' };
    const withRecs = {
      ...review,
      recommendations: [
        { id: 'rec-1', ref: 'REC-1', title: 'Shared protocol', status: 'open', source },
        { id: 'rec-2', ref: 'REC-2', title: 'Annual audit', status: 'open', source },
        { id: 'rec-3', ref: 'REC-3', title: 'New panel', status: 'open', source },
      ],
    };
    const outcomes = new Map([['rec-1', 'approved'], ['rec-2', 'no-quorum'], ['rec-3', 'open']]);
    const { data } = timelineView(withRecs, { today: '2026-03-19', time: new CalendarTime('Europe/London'), channelNames: [], updatedAt: new Date(review.updatedAt), outcomes });
    expect(data.recommendations).toBe('REC-1 Shared protocol (approved); REC-2 Annual audit (no quorum); REC-3 New panel (voting open)');
    // Without the current statuses (no recommendation service at hand) it still names them.
    expect(timelineView(withRecs, { today: '2026-03-19', time: new CalendarTime('Europe/London'), channelNames: [], updatedAt: new Date(review.updatedAt) }).data.recommendations).toBe(
      'REC-1 Shared protocol; REC-2 Annual audit; REC-3 New panel',
    );
  });

  it('says a stage is overdue and offers stage 4 the recommendation fields', () => {
    const late = { ...review, stages: review.stages.map((s) => (s.number < 4 ? { ...s, signedOff: s.signedOff ?? { by: { aadObjectId: 'm', name: 'Megan Bowen' }, at: '2026-04-20T10:00:00Z', note: 'ok' } } : s)) };
    const { data, forms } = timelineView(late, { today: '2026-06-03', time: new CalendarTime('Europe/London'), channelNames: [], updatedAt: new Date() });
    expect(data.statusLabel).toBe('Stage 4 of 4, Recommendations and learning: overdue by 4 days (ended Sat 30 May 2026), not signed off');
    expect(data.statusTone).toBe('warning');
    const card = renderTimeline(data, forms);
    expect(parserErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('"verb":"reviews.recommend"');
    expect(JSON.stringify(card)).toContain('noRecommendationsReason');
  });
});
