import * as fs from 'node:fs';
import * as path from 'node:path';
import { featureCommands } from '../../bot/feature-commands';
import type { Command } from '../../bot/feature';
import { PLACEHOLDERS } from '../../scripts/package';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Every variable services/config.ts reads, found the way it reads them: get/int/intList/bool('NAME'). */
function configVariables(): string[] {
  const source = read('services/config.ts');
  return [...new Set([...source.matchAll(/\b(?:get|int|intList|bool|oneOf)\('([A-Za-z_][A-Za-z0-9_]*)'/g)].map((m) => m[1]))].sort();
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('.env.example and the README configuration table', () => {
  const variables = configVariables();
  const example = read('.env.example');
  const exampleNames = [...example.matchAll(/^#?\s*([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]);

  it('find the variables the config reads', () => {
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'MicrosoftAppId', 'COSMOS_ENDPOINT', 'COSMOS_AUTH', 'EXPORT_SIGNING_KEY', 'VOTE_QUORUM']));
  });

  it('.env.example lists every variable the config reads, and nothing it does not (besides the packaging ones)', () => {
    expect(variables.filter((v) => !exampleNames.includes(v))).toEqual([]);
    expect(exampleNames.filter((v) => !variables.includes(v) && !(v in PLACEHOLDERS))).toEqual([]);
    expect(new Set(exampleNames).size).toBe(exampleNames.length);
  });

  it('the README configuration table has a row for every variable', () => {
    const table = section(read('README.md'), 'Configuration');
    const rows = [...table.matchAll(/^\| `([A-Za-z_][A-Za-z0-9_]*)` \|/gm)].map((m) => m[1]);
    expect(variables.filter((v) => !rows.includes(v))).toEqual([]);
    expect(rows.filter((v) => !variables.includes(v))).toEqual([]);
  });
});

describe('the README command table', () => {
  let commands: Command[];
  beforeAll(async () => {
    commands = await featureCommands();
  });

  const rows = [...section(read('README.md'), 'Commands').matchAll(/^\| `([^`]+)`( ★)? \|/gm)].map((m) => ({
    usage: m[1],
    name: m[1].split(/\s+[<[]/)[0].trim(),
    starred: Boolean(m[2]),
  }));

  it('has rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
  });

  it('names only commands the bot has', () => {
    const names = commands.map((c) => c.name);
    expect(rows.map((r) => r.name).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('stars only commands that are in the Teams command menu, and lists every command of the core', () => {
    const featured = commands.filter((c) => c.featured).map((c) => c.name);
    expect(rows.filter((r) => r.starred).map((r) => r.name).filter((n) => !featured.includes(n))).toEqual([]);
    expect(rows.filter((r) => !r.starred).map((r) => r.name).filter((n) => featured.includes(n))).toEqual([]);
    const core = ['help', 'whoami', 'members', 'grant', 'revoke', 'channels', 'channel set', 'channel unset', 'log', 'log verify', 'log export'];
    expect(core.filter((n) => !rows.some((r) => r.name === n))).toEqual([]);
  });
});
