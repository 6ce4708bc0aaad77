import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEAMS_CARD_VERSION, expandCard } from '../../cards/render';

/** The slice of the official Adaptive Cards SDK these tests use (its Node entry has no usable typings). */
interface ParseEvent {
  phase: number;
  event: number;
  message: string;
}
interface AdaptiveCardsSdk {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    version: { toString(): string };
    validateProperties(): { validationEvents: ParseEvent[] };
  };
  SerializationContext: new (targetVersion?: unknown) => { eventCount: number; getEventAt(i: number): ParseEvent };
  Versions: Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsSdk;

const CARDS_DIR = path.resolve(__dirname, '..', '..', 'cards');

function findTemplates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTemplates(full);
    return entry.name.endsWith('.json') && !entry.name.endsWith('.sample.json') ? [full] : [];
  });
}

const templates = findTemplates(CARDS_DIR).map((file) => path.relative(CARDS_DIR, file));

function versionNumber(version: string): number {
  const [major, minor] = version.split('.').map(Number);
  return major * 1000 + (minor || 0);
}

/** Every parse and validation complaint the official SDK has about a card, as readable lines. */
function sdkComplaints(card: unknown): string[] {
  const sdkCard = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  sdkCard.parse(card, context);
  const events: ParseEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...sdkCard.validateProperties().validationEvents);
  return events.map((e) => e.message);
}

describe('card templates', () => {
  it('are found', () => {
    expect(templates.length).toBeGreaterThanOrEqual(6);
  });

  it('each have a sibling .sample.json holding a non-empty array of data objects', () => {
    const problems = templates.flatMap((template) => {
      const sample = path.join(CARDS_DIR, template.replace(/\.json$/, '.sample.json'));
      if (!fs.existsSync(sample)) return [`cards/${template} has no sample file: add cards/${path.relative(CARDS_DIR, sample)}`];
      const data: unknown = JSON.parse(fs.readFileSync(sample, 'utf8'));
      if (!Array.isArray(data) || data.length === 0 || data.some((d) => !d || typeof d !== 'object' || Array.isArray(d)))
        return [`cards/${path.relative(CARDS_DIR, sample)} must be a non-empty JSON array of data objects`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  describe.each(templates)('cards/%s', (template) => {
    const file = path.join(CARDS_DIR, template);
    const sampleFile = file.replace(/\.json$/, '.sample.json');
    const raw = fs.readFileSync(file, 'utf8');
    const json = JSON.parse(raw) as Record<string, unknown>;
    const samples: Record<string, unknown>[] = fs.existsSync(sampleFile) ? (JSON.parse(fs.readFileSync(sampleFile, 'utf8')) as Record<string, unknown>[]) : [];

    it(`is an AdaptiveCard template no newer than ${TEAMS_CARD_VERSION}`, () => {
      expect(json.type).toBe('AdaptiveCard');
      expect(typeof json.version).toBe('string');
      expect(versionNumber(json.version as string)).toBeLessThanOrEqual(versionNumber(TEAMS_CARD_VERSION));
    });

    it('renders every sample to a card the official parser accepts without complaint', () => {
      expect(samples.length).toBeGreaterThan(0);
      for (const [i, sample] of samples.entries()) {
        const card = expandCard(json, sample);
        const text = JSON.stringify(card);
        expect({ sample: i, unexpanded: text.includes('${') }).toEqual({ sample: i, unexpanded: false });
        expect({ sample: i, complaints: sdkComplaints(card) }).toEqual({ sample: i, complaints: [] });
        expect(versionNumber(String(card.version))).toBeLessThanOrEqual(versionNumber(TEAMS_CARD_VERSION));
      }
    });

    it('is left unchanged by rendering', () => {
      for (const sample of samples) expandCard(json, sample);
      expect(JSON.stringify(json)).toBe(JSON.stringify(JSON.parse(raw)));
    });
  });
});

describe('the card check itself', () => {
  it('catches unknown elements and actions', () => {
    const complaints = sdkComplaints({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'ok' }, { type: 'Carousel.Page' }],
      actions: [{ type: 'Action.Teleport', title: 'go' }],
    });
    expect(complaints.join('\n')).toMatch(/Unknown element type "Carousel.Page"/);
    expect(complaints.join('\n')).toMatch(/Unknown action type "Action.Teleport"/);
  });

  it('catches inputs without a unique id and choice sets without choices', () => {
    const complaints = sdkComplaints({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'Input.Text', id: 'a' }, { type: 'Input.Text', id: 'a' }, { type: 'Input.ChoiceSet', id: 'b', choices: [] }],
    });
    expect(complaints.join('\n')).toMatch(/Duplicate Id "a"/);
    expect(complaints.join('\n')).toMatch(/at least one choice/);
  });

  it('accepts Action.Execute, which Teams needs for card buttons', () => {
    expect(sdkComplaints({ type: 'AdaptiveCard', version: '1.5', body: [], actions: [{ type: 'Action.Execute', title: 'Vote', verb: 'vote.cast', data: {} }] })).toEqual([]);
  });
});
