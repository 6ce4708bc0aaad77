import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandCard } from '../../cards/render';
import { VERB_DATA } from '../../cards/verb-schemas';

const CARDS_DIR = path.resolve(__dirname, '..', '..', 'cards');

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templates(full);
    return entry.name.endsWith('.json') && !entry.name.endsWith('.sample.json') ? [full] : [];
  });
}

/** Every Action.Execute anywhere in a rendered card (actions, show-cards, refresh). */
function executeActions(node: unknown, found: { verb: unknown; data: unknown }[] = []): { verb: unknown; data: unknown }[] {
  if (Array.isArray(node)) node.forEach((n) => executeActions(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') found.push({ verb: o.verb, data: o.data });
    Object.values(o).forEach((v) => executeActions(v, found));
  }
  return found;
}

describe('the data schema of each card verb', () => {
  const rendered = templates(CARDS_DIR).flatMap((file) => {
    const sampleFile = file.replace(/\.json$/, '.sample.json');
    if (!fs.existsSync(sampleFile)) return [];
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const samples = JSON.parse(fs.readFileSync(sampleFile, 'utf8')) as Record<string, unknown>[];
    return samples.flatMap((sample) => executeActions(expandCard(json, sample)).map((a) => ({ file: path.relative(CARDS_DIR, file), ...a })));
  });

  it('accepts the data of every button the real cards render', () => {
    expect(rendered.length).toBeGreaterThan(20);
    const misfits = rendered
      .map((a) => ({ file: a.file, verb: a.verb, ok: typeof a.verb === 'string' && !!VERB_DATA[a.verb] && VERB_DATA[a.verb].safeParse(a.data ?? {}).success }))
      .filter((a) => !a.ok);
    expect(misfits).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['rec.vote', { rec: { $ne: 1 }, option: 'approve' }],
    ['rec.vote', { rec: 'rec-1', option: 'maybe' }],
    ['rec.vote', { rec: 'rec-1' }],
    ['roles.grant', { person: ['x'], role: 'lay' }],
    ['roles.revoke', { person: 'x', role: 'lay', v: -1 }],
    ['dispute.schedule', { disputeId: 'd-1', version: 'one' }],
    ['reviews.signOff', { reviewId: 'rv-1', version: 1, stage: 2, note: { text: 'x' } }],
    ['command.run', { command: '' }],
    ['rec.view', { rec: 'rec-1', extra: { nested: true } }],
  ])('refuses %s with %j', (verb, data) => {
    expect(VERB_DATA[verb].safeParse(data).success).toBe(false);
  });
});
