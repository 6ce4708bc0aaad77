import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderActionCard } from '../../cards/recommendations/action';
import { renderRecommendForm } from '../../cards/recommendations/recommend-form';
import { REC_VERBS } from '../../cards/recommendations/verbs';
import { renderVoteCard } from '../../cards/recommendations/vote';
import type { AdaptiveCard } from '../../cards/render';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

const DIR = path.join(__dirname, '../../cards/recommendations');
const RENDERERS: Record<string, (data: never) => AdaptiveCard> = {
  'vote.json': renderVoteCard,
  'action.json': renderActionCard,
  'recommend-form.json': renderRecommendForm,
};

function parseErrors(card: AdaptiveCard): string[] {
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const errors: string[] = [];
  for (let i = 0; i < context.eventCount; i++) errors.push(context.getEventAt(i).message);
  return errors;
}

function verbsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => verbsOf(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.verb === 'string') out.push(o.verb);
    Object.values(o).forEach((v) => verbsOf(v, out));
  }
  return out;
}

describe('the votes feature\'s cards', () => {
  const templates = fs.readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'));

  it('has a renderer and samples for every template', () => {
    expect(templates.sort()).toEqual(Object.keys(RENDERERS).sort());
    for (const t of templates) expect(fs.existsSync(path.join(DIR, t.replace('.json', '.sample.json')))).toBe(true);
  });

  for (const t of Object.keys(RENDERERS)) {
    it(`${t}: every sample renders to a card the official parser accepts, with no template expressions left`, () => {
      const samples = JSON.parse(fs.readFileSync(path.join(DIR, t.replace('.json', '.sample.json')), 'utf8')) as object[];
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) {
        const card = RENDERERS[t](sample as never);
        expect(card.version).toBe('1.5');
        expect(JSON.stringify(card)).not.toContain('${');
        expect(parseErrors(card)).toEqual([]);
      }
    });
  }

  it('uses only the verbs the handlers register', () => {
    const known = Object.values(REC_VERBS) as string[];
    for (const t of templates) {
      const verbs = verbsOf(JSON.parse(fs.readFileSync(path.join(DIR, t), 'utf8')));
      for (const v of verbs) expect(known).toContain(v);
    }
  });

  it('shows individual choices only in the view that has them, and never the choices in the shared view', () => {
    const [open] = JSON.parse(fs.readFileSync(path.join(DIR, 'vote.sample.json'), 'utf8')) as Record<string, unknown>[];
    const shared = JSON.stringify(renderVoteCard({ ...open, choices: [] } as never));
    const privileged = JSON.stringify(renderVoteCard({ ...open, choices: [{ name: 'Megan Bowen', choice: 'Reject' }] } as never));
    expect(shared).not.toContain('Reject"}');
    expect(privileged).toContain('"title":"Megan Bowen","value":"Reject"');
  });

  it('has a refresh section only when someone gets their own view (the privileged view has none)', () => {
    const [open] = JSON.parse(fs.readFileSync(path.join(DIR, 'vote.sample.json'), 'utf8')) as Record<string, unknown>[];
    expect(renderVoteCard({ ...open, refreshUserIds: ['00000000-0000-0000-0000-0000000000020'] } as never).refresh).toMatchObject({ userIds: ['00000000-0000-0000-0000-0000000000020'] });
    expect(renderVoteCard({ ...open, refreshUserIds: [] } as never).refresh).toBeUndefined();
  });
});
