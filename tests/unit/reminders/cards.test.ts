import digestSamples from '../../../cards/reminders/digest.sample.json';
import upcomingTemplate from '../../../cards/reminders/upcoming.json';
import upcomingSamples from '../../../cards/reminders/upcoming.sample.json';
import { DigestCardData, renderDigest } from '../../../cards/reminders/digest';
import { UPCOMING_VERB, UpcomingCardData, renderUpcoming } from '../../../cards/reminders/upcoming';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

function parseErrors(card: unknown): string[] {
  const context = new AC.SerializationContext();
  new AC.AdaptiveCard().parse(card, context);
  return Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
}

describe('reminder cards', () => {
  it.each((digestSamples as DigestCardData[]).map((d) => [d.count, d]))('the digest of %i renders and parses', (_n, data) => {
    const card = renderDigest(data);
    expect(card.version).toBe('1.5');
    expect(parseErrors(card)).toEqual([]);
    for (const item of data.items) expect(JSON.stringify(card)).toContain(item.summary);
  });

  it.each((upcomingSamples as UpcomingCardData[]).map((d) => [d.title, d]))('"%s" renders and parses', (_t, data) => {
    const card = renderUpcoming(data);
    expect(parseErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    if (data.items.length === 0) expect(text).toContain(data.emptyText);
    expect(text.includes('Pause reminders here')).toBe(data.canPause && !data.paused);
    expect(text.includes('Resume reminders here')).toBe(data.canPause && data.paused);
  });

  it('uses the shared command verb for its buttons', () => {
    const verbs = (upcomingTemplate.actions as { verb: string }[]).map((a) => a.verb);
    expect(new Set(verbs)).toEqual(new Set([UPCOMING_VERB]));
  });
});
