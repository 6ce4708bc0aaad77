import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import AdmZip from 'adm-zip';
import { featuredManifestCommands, ManifestCommand } from '../../bot/feature-commands';
import { ACCENT, drawColorIcon, drawOutlineIcon } from '../../scripts/make-icons';
import { decodePng, pngSize } from '../../scripts/png';
import {
  COMMAND_SCOPES,
  MANIFEST_DIR,
  PackageError,
  buildAppPackage,
  fillManifest,
  manifestCommandLists,
  packagingEnv,
  readDotEnv,
  syncCommandLists,
  validateManifest,
} from '../../scripts/package';

const TEMPLATE = fs.readFileSync(path.join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const ENV = {
  TEAMS_APP_ID: '3f2d9a41-6b1c-4e0f-9d57-2a8c1e4b7f60',
  BOT_ID: '8c0e5b12-77a4-4d3e-b1f9-0f6a2d9c3e45',
  BOT_DOMAIN: 'safeguarding-bot.azurewebsites.net',
};

describe('the Teams manifest template', () => {
  const manifest = fillManifest(TEMPLATE, ENV);
  let featured: ManifestCommand[];
  beforeAll(async () => {
    featured = await featuredManifestCommands();
  });

  it('uses manifest schema v1.17 or later', () => {
    const [major, minor] = String(manifest.manifestVersion).split('.').map(Number);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(17);
    expect(String(manifest.$schema)).toContain(`/v${String(manifest.manifestVersion)}/`);
  });

  it('filled from the environment, validates offline against the bundled Teams schema', async () => {
    expect(await validateManifest(manifest)).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.id).toBe(ENV.TEAMS_APP_ID);
    expect(manifest.validDomains).toEqual([ENV.BOT_DOMAIN]);
  });

  it('is checked for real: a manifest that breaks the schema is reported', async () => {
    const broken = { ...manifest, accentColor: 'teal', description: { short: 'x'.repeat(81), full: 'ok' } };
    const failures = await validateManifest(broken);
    expect(failures.join('\n')).toMatch(/accentColor/);
    expect(failures.join('\n')).toMatch(/description\/short/);
  });

  it('declares one bot for personal, team and group chat scopes', () => {
    const bots = manifest.bots as { botId: string; scopes: string[] }[];
    expect(bots).toHaveLength(1);
    expect(bots[0].botId).toBe(ENV.BOT_ID);
    expect([...bots[0].scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it("lists the bot's featured commands, title and description, in every scope's command list", () => {
    expect(featured.map((c) => c.title)).toEqual(expect.arrayContaining(['help', 'whoami']));
    expect(featured.length).toBeLessThanOrEqual(10);
    const lists = manifestCommandLists(manifest);
    expect(lists.map((l) => l.scopes)).toEqual(COMMAND_SCOPES.map((s) => [s]));
    const stale = lists.filter((l) => JSON.stringify(l.commands) !== JSON.stringify(featured));
    if (stale.length)
      throw new Error(
        `manifest/manifest.json command lists (${stale.map((l) => l.scopes.join()).join(', ')}) differ from the bot's featured commands ` +
          `(${featured.map((c) => c.title).join(', ')}): run \`npm run package -- --sync-commands\`.`,
      );
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const icons = manifest.icons as { color: string; outline: string };
    const color = fs.readFileSync(path.join(MANIFEST_DIR, icons.color));
    const outline = fs.readFileSync(path.join(MANIFEST_DIR, icons.outline));
    expect(pngSize(color)).toEqual({ width: 192, height: 192 });
    expect(pngSize(outline)).toEqual({ width: 32, height: 32 });

    const pixels = decodePng(outline).data;
    let opaque = 0;
    let transparent = 0;
    const coloured: number[] = [];
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) transparent++;
      else {
        opaque++;
        if (pixels[i] !== 255 || pixels[i + 1] !== 255 || pixels[i + 2] !== 255) coloured.push(i / 4);
      }
    }
    expect(coloured).toEqual([]);
    expect(opaque).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(300);
  });

  it('icons are what scripts/make-icons.ts draws, and the accent colour is the icon background', () => {
    expect(Buffer.from(decodePng(fs.readFileSync(path.join(MANIFEST_DIR, 'color.png'))).data).equals(Buffer.from(drawColorIcon().data))).toBe(true);
    expect(Buffer.from(decodePng(fs.readFileSync(path.join(MANIFEST_DIR, 'outline.png'))).data).equals(Buffer.from(drawOutlineIcon().data))).toBe(true);
    const hex = `#${[ACCENT.r, ACCENT.g, ACCENT.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    expect(String(manifest.accentColor).toLowerCase()).toBe(hex);
  });
});

describe('npm run package', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-package-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses in one line naming the variable when a value is missing, and writes nothing', async () => {
    const outFile = path.join(dir, 'appPackage.zip');
    const withoutBot: Record<string, string> = { ...ENV };
    delete withoutBot.BOT_ID;
    const attempt = buildAppPackage({ env: withoutBot, outFile });
    await expect(attempt).rejects.toThrow(PackageError);
    await expect(attempt).rejects.toThrow(/BOT_ID \(or MicrosoftAppId\) is not set/);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/TEAMS_APP_ID|BOT_DOMAIN/);
    expect(fs.existsSync(outFile)).toBe(false);
  });

  it('refuses a bot id that is not a GUID', () => {
    expect(() => fillManifest(TEMPLATE, { ...ENV, BOT_ID: 'my-bot' })).toThrow(/BOT_ID must be a GUID \(got "my-bot"\)/);
  });

  it('takes the bot id from MicrosoftAppId and the domain from PUBLIC_URL when the specific ones are unset', () => {
    const manifest = fillManifest(TEMPLATE, { TEAMS_APP_ID: ENV.TEAMS_APP_ID, MicrosoftAppId: ENV.BOT_ID, PUBLIC_URL: 'https://bot.example.org/base' });
    expect((manifest.bots as { botId: string }[])[0].botId).toBe(ENV.BOT_ID);
    expect(manifest.validDomains).toEqual(['bot.example.org']);
  });

  it('refuses localhost as the domain', () => {
    expect(() => fillManifest(TEMPLATE, { ...ENV, BOT_DOMAIN: 'http://localhost:3978' })).toThrow(/BOT_DOMAIN must be a public host name/);
  });

  it('writes a zip holding the filled manifest and both icons when every value is given', async () => {
    const outFile = path.join(dir, 'build', 'appPackage.zip');
    const { file } = await buildAppPackage({ env: ENV, outFile });
    expect(file).toBe(outFile);
    const zip = new AdmZip(outFile);
    expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(zip.readAsText('manifest.json')) as Record<string, unknown>;
    expect(packed.id).toBe(ENV.TEAMS_APP_ID);
    expect((packed.bots as { botId: string }[])[0].botId).toBe(ENV.BOT_ID);
    expect(await validateManifest(packed)).toEqual([]);
    expect(zip.readFile('color.png')!.equals(fs.readFileSync(path.join(MANIFEST_DIR, 'color.png')))).toBe(true);
  });

  it('reads .env files: comments skipped, quotes removed', () => {
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# a comment\nBOT_ID="abc"\nexport BOT_DOMAIN = bot.example.org\n\nEMPTY=\n');
    expect(readDotEnv(file)).toEqual({ BOT_ID: 'abc', BOT_DOMAIN: 'bot.example.org', EMPTY: '' });
    expect(readDotEnv(path.join(dir, 'absent'))).toEqual({});
  });

  it('takes values from the environment first, then the Agents Toolkit env file named by --env, then .env', () => {
    fs.mkdirSync(path.join(dir, 'env'));
    fs.writeFileSync(path.join(dir, '.env'), 'BOT_ID=from-dotenv\nBOT_DOMAIN=dotenv.example.org\nTEAMS_APP_ID=from-dotenv\n');
    fs.writeFileSync(path.join(dir, 'env', '.env.dev'), 'BOT_ID=from-toolkit\nBOT_DOMAIN=toolkit.example.org\n');
    const env = packagingEnv(dir, { BOT_ID: 'from-process' }, 'dev');
    expect({ BOT_ID: env.BOT_ID, BOT_DOMAIN: env.BOT_DOMAIN, TEAMS_APP_ID: env.TEAMS_APP_ID }).toEqual({ BOT_ID: 'from-process', BOT_DOMAIN: 'toolkit.example.org', TEAMS_APP_ID: 'from-dotenv' });
    expect(packagingEnv(dir, {}).BOT_DOMAIN).toBe('dotenv.example.org');
    expect(() => packagingEnv(dir, {}, 'prod')).toThrow(/env\/.env.prod does not exist/);
    expect(() => packagingEnv(dir, {}, '../x')).toThrow(/--env must be an environment name/);
  });

  it('--sync-commands rewrites every scope\'s command list', () => {
    const copy = path.join(dir, 'manifest.json');
    fs.writeFileSync(copy, TEMPLATE);
    const commands = [{ title: 'help', description: 'Every command' }];
    expect(syncCommandLists(copy, commands)).toBe(true);
    const lists = manifestCommandLists(JSON.parse(fs.readFileSync(copy, 'utf8')) as Record<string, unknown>);
    expect(lists).toEqual(COMMAND_SCOPES.map((s) => ({ scopes: [s], commands })));
    expect(syncCommandLists(copy, commands)).toBe(false);
  });
});
