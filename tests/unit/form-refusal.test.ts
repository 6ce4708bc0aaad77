import { keepTyped } from '../../cards/form-refusal';
import type { AdaptiveCard } from '../../cards/render';
import { renderTimeline } from '../../cards/reviews/timeline';
import { renderVoteCard } from '../../cards/recommendations/vote';
import sampleVote from '../../cards/recommendations/vote.sample.json';
import sampleTimeline from '../../cards/reviews/timeline.sample.json';
import sampleSignOff from '../../cards/reviews/sign-off-form.sample.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

type Node = Record<string, unknown>;
/** Every element of a card in document order, show-card bodies included. */
function elements(node: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as Node);
    for (const v of Object.values(node)) if (typeof v === 'object') elements(v, out);
  }
  return out;
}
const inputs = (card: unknown, id: string): Node[] => elements(card).filter((e) => typeof e.type === 'string' && e.type.startsWith('Input.') && e.id === id);

const stage4 = (): AdaptiveCard => renderTimeline(sampleTimeline[0] as never, { signOff: { ...(sampleSignOff as object), stage: 4, isStage4: true } as never });

describe('a refused form keeps what was typed', () => {
  it('fills every input with what was sent and marks the problem right after its field', () => {
    const card = keepTyped(stage4(), { recTitle: 'Share MASH referrals within 24 hours', recDetail: 'Evidence: three late referrals', note: 'Done' }, { message: 'Submit it first.', field: 'recTitle' });
    expect(inputs(card, 'recTitle')[0].value).toBe('Share MASH referrals within 24 hours');
    expect(inputs(card, 'recDetail')[0].value).toBe('Evidence: three late referrals');
    expect(inputs(card, 'note')[0].value).toBe('Done');
    const all = elements(card);
    const at = all.indexOf(inputs(card, 'recTitle')[0]);
    const next = all.slice(at + 1).find((e) => e.type === 'TextBlock' || (typeof e.type === 'string' && e.type.startsWith('Input.')))!;
    expect(next).toMatchObject({ type: 'TextBlock', color: 'Attention', text: '⚠ Submit it first.' });
  });

  it('says at the top that nothing changed and which button opens the form', () => {
    const card = keepTyped(stage4(), { recTitle: 'x' }, { message: 'Submit it first.', field: 'recTitle' });
    const top = JSON.stringify((card.body as unknown[])[0]);
    expect(top).toContain('Nothing was changed: Submit it first.');
    expect(top).toContain('Open \\"Sign off stage 4\\"');
  });

  it('with no field, or a field the card lacks, still keeps the text and says what was wrong at the top', () => {
    const card = keepTyped(stage4(), { note: 'typed' }, { message: 'Not allowed.', field: 'nothing-like-this' });
    expect(inputs(card, 'note')[0].value).toBe('typed');
    expect(JSON.stringify((card.body as unknown[])[0])).toContain('Nothing was changed: Not allowed. What you typed is kept below.');
    expect(JSON.stringify(card)).not.toContain('⚠');
  });

  it('where two forms share an input id, fills and marks only the one that was sent', () => {
    const vote = renderVoteCard({ ...(sampleVote as object), open: true, chairControls: true } as never);
    const card = keepTyped(vote, { reason: 'The partners asked for more time', deadline: '2026-09-30' }, { message: 'At most 90 days.', field: 'deadline', within: 'Extend' });
    const reasons = inputs(card, 'reason');
    expect(reasons).toHaveLength(2);
    expect(reasons.map((r) => r.value)).toEqual([undefined, 'The partners asked for more time']);
    expect(inputs(card, 'deadline')[0].value).toBe('2026-09-30');
    expect(JSON.stringify(card).match(/⚠ At most 90 days\./g)).toHaveLength(1);
  });

  it('never changes the card it was given, and what it returns is a card Adaptive Cards parses without complaint', () => {
    const original = stage4();
    const before = JSON.stringify(original);
    const card = keepTyped(original, { recTitle: 'x' }, { message: 'Submit it first.', field: 'recTitle' });
    expect(JSON.stringify(original)).toBe(before);
    const context = new AC.SerializationContext();
    new AC.AdaptiveCard().parse(card, context);
    const errors: string[] = [];
    for (let i = 0; i < context.eventCount; i++) errors.push(context.getEventAt(i).message);
    expect(errors).toEqual([]);
  });
});
