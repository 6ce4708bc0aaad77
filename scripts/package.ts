/**
 * `npm run package`: fills manifest/manifest.json from the environment (and `.env` if present),
 * validates it offline against the bundled Teams schema, and writes
 * appPackage/build/appPackage.zip (manifest.json + color.png + outline.png) to upload to Teams.
 * `npm run package -- --env dev` also reads the Agents Toolkit's env/.env.dev (TEAMS_APP_ID, BOT_ID
 * and BOT_DOMAIN land there after `atk provision`). `npm run package -- --sync-commands` rewrites the manifest's command lists from the bot's
 * featured commands instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { ManifestCommand } from '../bot/feature-commands';
import { ROOT } from './root';

export { ROOT };
export const MANIFEST_DIR = path.join(ROOT, 'manifest');
export const DEFAULT_OUT_FILE = path.join(ROOT, 'appPackage', 'build', 'appPackage.zip');
export const ICON_FILES = ['color.png', 'outline.png'] as const;
export const COMMAND_SCOPES = ['personal', 'team', 'groupChat'] as const;

/** Packaging cannot go on; the message is one line for the person running it. */
export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

type Env = Record<string, string | undefined>;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

interface Placeholder {
  /** Where the value comes from, in order. */
  sources: string[];
  hint: string;
  check?: (value: string) => string | undefined;
  normalise?: (value: string) => string;
}

/** The placeholders manifest.json may use (M365 Agents Toolkit style `${{NAME}}`). */
export const PLACEHOLDERS: Record<string, Placeholder> = {
  TEAMS_APP_ID: {
    sources: ['TEAMS_APP_ID'],
    hint: 'the Teams app id, a GUID you choose once and keep (e.g. from `node -e "console.log(crypto.randomUUID())"`)',
    check: (v) => (GUID.test(v) ? undefined : 'must be a GUID'),
  },
  BOT_ID: {
    sources: ['BOT_ID', 'MicrosoftAppId'],
    hint: "the bot's Microsoft App ID (the Entra app registration's client id)",
    check: (v) => (GUID.test(v) ? undefined : 'must be a GUID'),
  },
  BOT_DOMAIN: {
    sources: ['BOT_DOMAIN', 'PUBLIC_URL'],
    hint: 'the host name the bot is reached at, e.g. safeguarding-bot.azurewebsites.net',
    normalise: (v) => (v.includes('://') ? new URL(v).host : v.replace(/\/.*$/, '')),
    check: (v) =>
      /^(localhost|127\.0\.0\.1)(:\d+)?$/i.test(v)
        ? 'must be a public host name, not localhost'
        : /^[a-z0-9.-]+(:\d+)?$/i.test(v)
          ? undefined
          : 'must be a host name like bot.example.org',
  },
};

/** Reads KEY=VALUE lines (comments and blanks ignored, optional quotes); the file may be absent. */
export function readDotEnv(file: string): Env {
  if (!fs.existsSync(file)) return {};
  const env: Env = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/**
 * The values packaging sees: the process environment first, then the Agents Toolkit's
 * env/.env.<name> when an environment name is given, then `.env`.
 */
export function packagingEnv(root: string, processEnv: Env, toolkitEnv?: string): Env {
  if (toolkitEnv !== undefined && !/^[A-Za-z0-9_-]+$/.test(toolkitEnv)) throw new PackageError(`--env must be an environment name like dev (got "${toolkitEnv}").`);
  const toolkitFile = toolkitEnv ? path.join(root, 'env', `.env.${toolkitEnv}`) : undefined;
  if (toolkitFile && !fs.existsSync(toolkitFile)) throw new PackageError(`env/.env.${toolkitEnv} does not exist.`);
  return { ...readDotEnv(path.join(root, '.env')), ...(toolkitFile ? readDotEnv(toolkitFile) : {}), ...processEnv };
}

/** Replaces every `${{NAME}}` in the manifest template; refuses in one line naming each missing or bad value. */
export function fillManifest(template: string, env: Env): Record<string, unknown> {
  const names = [...new Set([...template.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]))];
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of names) {
    const spec: Placeholder = PLACEHOLDERS[name] ?? { sources: [name], hint: 'used by manifest/manifest.json' };
    const source = spec.sources.find((s) => env[s]?.trim());
    if (!source) {
      problems.push(`${spec.sources.join(' (or ')}${spec.sources.length > 1 ? ')' : ''} is not set: ${spec.hint}`);
      continue;
    }
    let value = env[source]!.trim();
    try {
      value = spec.normalise ? spec.normalise(value) : value;
    } catch {
      problems.push(`${source} is not usable (got "${value}"): ${spec.hint}`);
      continue;
    }
    const wrong = spec.check?.(value);
    if (wrong) problems.push(`${source} ${wrong} (got "${value}")`);
    else values[name] = value;
  }
  if (problems.length) throw new PackageError(`Cannot build the Teams app package: ${problems.join('; ')}.`);
  const filled = template.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => JSON.stringify(values[name]).slice(1, -1));
  return JSON.parse(filled) as Record<string, unknown>;
}

/** The Teams JSON schema for a manifest's version, from the copy bundled with @microsoft/app-manifest (no network). */
export function bundledSchema(manifestVersion: string): Record<string, unknown> {
  const base = path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(base)) throw new PackageError(`No bundled Teams schema for manifestVersion ${manifestVersion}.`);
  const raw = fs.readFileSync(base, 'utf8').replace(/^\uFEFF/, '');
  return JSON.parse(raw.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as Record<string, unknown>;
}

/** Schema violations of a filled manifest, as readable lines; empty when valid. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const version = typeof manifest.manifestVersion === 'string' ? manifest.manifestVersion : '';
  return AppManifestUtils.validateAgainstSchema(manifest as never, bundledSchema(version) as never);
}

/** The command lists a manifest declares, one per scope. */
export function manifestCommandLists(manifest: Record<string, unknown>): { scopes: string[]; commands: ManifestCommand[] }[] {
  const bots = (manifest.bots ?? []) as { commandLists?: { scopes: string[]; commands: ManifestCommand[] }[] }[];
  return bots[0]?.commandLists ?? [];
}

export interface PackageOptions {
  env: Env;
  manifestDir?: string;
  outFile?: string;
}

/** Fills, validates and zips the app package; returns where it went and the manifest inside. */
export async function buildAppPackage(options: PackageOptions): Promise<{ file: string; manifest: Record<string, unknown> }> {
  const manifestDir = options.manifestDir ?? MANIFEST_DIR;
  const outFile = options.outFile ?? DEFAULT_OUT_FILE;
  const manifest = fillManifest(fs.readFileSync(path.join(manifestDir, 'manifest.json'), 'utf8'), options.env);
  const failures = await validateManifest(manifest);
  if (failures.length) throw new PackageError(`manifest/manifest.json does not match the Teams schema: ${failures.join('; ')}`);
  for (const icon of ICON_FILES)
    if (!fs.existsSync(path.join(manifestDir, icon))) throw new PackageError(`manifest/${icon} is missing (run: npm run build && node dist/scripts/make-icons.js).`);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'));
  for (const icon of ICON_FILES) zip.addFile(icon, fs.readFileSync(path.join(manifestDir, icon)));
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  zip.writeZip(outFile);
  return { file: outFile, manifest };
}

/** Rewrites the manifest template's command lists (one per scope) to the given commands. */
export function syncCommandLists(manifestFile: string, commands: ManifestCommand[]): boolean {
  const raw = fs.readFileSync(manifestFile, 'utf8');
  const manifest = JSON.parse(raw) as { bots: { commandLists?: unknown }[] };
  manifest.bots[0].commandLists = COMMAND_SCOPES.map((scope) => ({ scopes: [scope], commands }));
  const next = JSON.stringify(manifest, null, 2) + '\n';
  if (next === raw) return false;
  fs.writeFileSync(manifestFile, next);
  return true;
}

function sameCommands(a: ManifestCommand[], b: ManifestCommand[]): boolean {
  return JSON.stringify(a.map((c) => [c.title, c.description])) === JSON.stringify(b.map((c) => [c.title, c.description]));
}

async function main(args: string[]): Promise<void> {
  const manifestFile = path.join(MANIFEST_DIR, 'manifest.json');
  const envAt = args.indexOf('--env');
  const env = packagingEnv(ROOT, process.env, envAt >= 0 ? (args[envAt + 1] ?? '') : undefined);
  if (!args.includes('--sync-commands')) fillManifest(fs.readFileSync(manifestFile, 'utf8'), env);
  // Loaded only now: composing the bot pulls in restify, which is slow and noisy to import.
  const { featuredManifestCommands } = await import('../bot/feature-commands');
  const featured = await featuredManifestCommands();
  if (featured.length > 10) throw new PackageError(`Teams lists at most 10 commands per scope; the bot marks ${featured.length} as featured (bot/feature.ts \`featured\`).`);
  if (args.includes('--sync-commands')) {
    const changed = syncCommandLists(manifestFile, featured);
    process.stdout.write(changed ? `manifest/manifest.json: command lists now hold ${featured.map((c) => c.title).join(', ')}\n` : 'manifest/manifest.json: command lists already match\n');
    return;
  }
  const lists = manifestCommandLists(JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>);
  if (lists.length !== COMMAND_SCOPES.length || lists.some((l) => !sameCommands(l.commands, featured)))
    throw new PackageError('manifest/manifest.json command lists differ from the bot\'s featured commands: run `npm run package -- --sync-commands`.');
  const { file } = await buildAppPackage({ env });
  process.stdout.write(`Teams app package written to ${path.relative(process.cwd(), file)}: upload it in Teams (Apps, Manage your apps, Upload an app).\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof PackageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
