import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderDispute } from '../../cards/disputes/dispute';
import { renderDisputeList } from '../../cards/disputes/dispute-list';
import { renderDisputeRaise } from '../../cards/disputes/dispute-raise';
import { DISPUTE_VERBS } from '../../cards/disputes/verbs';
import disputeSamples from '../../cards/disputes/dispute.sample.json';
import listSamples from '../../cards/disputes/dispute-list.sample.json';
import raiseSamples from '../../cards/disputes/dispute-raise.sample.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; toJSON(): unknown };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string; phase: number } };
};

function parseErrors(card: unknown): string[] {
  const context = new AC.SerializationContext();
  new AC.AdaptiveCard().parse(card, context);
  const errors: string[] = [];
  for (let i = 0; i < context.eventCount; i++) errors.push(context.getEventAt(i).message);
  return errors;
}

function actionsOf(node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => actionsOf(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') found.push(o);
    Object.values(o).forEach((v) => actionsOf(v, found));
  }
  return found;
}

describe('dispute cards', () => {
  it('renders every sample of every template into a card the official parser accepts', () => {
    const cards = [
      ...disputeSamples.map((s) => renderDispute(s as never, ['29:megan'])),
      ...raiseSamples.map((s) => renderDisputeRaise(s as never)),
      ...listSamples.map((s) => renderDisputeList(s as never)),
    ];
    expect(cards).toHaveLength(disputeSamples.length + raiseSamples.length + listSamples.length);
    for (const card of cards) {
      expect(card.version).toBe('1.5');
      expect(parseErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('${');
    }
  });

  it('keeps numbers numbers in button data, and uses only registered verbs', () => {
    const card = renderDispute(disputeSamples[0]);
    const actions = actionsOf(card);
    const verbs = Object.values(DISPUTE_VERBS) as string[];
    expect(actions.length).toBeGreaterThan(3);
    for (const a of actions) expect(verbs).toContain(a.verb);
    const agree = actions.find((a) => a.verb === DISPUTE_VERBS.agree)!;
    expect(agree.data).toEqual({ disputeId: disputeSamples[0].disputeId, version: 3, agendaVersion: 2 });
  });

  it('shows only the buttons the viewer may use', () => {
    const sample = { ...(disputeSamples[0] as never as Parameters<typeof renderDispute>[0]) };
    const none = renderDispute({ ...sample, can: { schedule: false, record: false, appoint: false, close: false, propose: false, agree: false, mediation: false } });
    expect(actionsOf(none).map((a) => a.verb)).toEqual([DISPUTE_VERBS.history]);
  });

  it('adds a refresh for at most 60 people, and none beyond', () => {
    const sample = disputeSamples[0] as never;
    const ids = Array.from({ length: 60 }, (_, i) => `29:user-${i}`);
    expect(renderDispute(sample, ids).refresh).toMatchObject({ action: { verb: DISPUTE_VERBS.refresh }, userIds: ids });
    expect(renderDispute(sample, [...ids, '29:one-too-many']).refresh).toBeUndefined();
  });

  it('has a sample file beside every dispute template', () => {
    const dir = path.join(__dirname, '../../cards/disputes');
    const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'));
    for (const t of templates) expect(fs.existsSync(path.join(dir, t.replace(/\.json$/, '.sample.json')))).toBe(true);
  });
});
