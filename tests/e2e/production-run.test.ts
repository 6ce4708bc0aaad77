/**
 * The production run: the compiled JavaScript (no TypeScript at run time) started with `node`
 * from another working directory, a real turn through a slow connector, then SIGTERM during the
 * turn. The turn finishes, new turns are refused with 503, the process exits 0, and every log
 * line is JSON with no message text and no secret from the environment.
 */
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PLAYGROUND_TENANT_ID } from '../../services/config';
import { ConnectorStub } from '../support/connector-stub';

const root = path.resolve(__dirname, '..', '..');
const buildDir = path.join(root, 'test-artifacts', `prod-build-${process.pid}`);
const main = path.join(buildDir, 'bot', 'main.js');
const SIGNING_KEY = 'never-log-me-7c1d0e5a9b3f2468';
const CASE_TEXT = 'Zebra-7731 disclosure at Riverside school';

jest.setTimeout(120_000);

interface Running {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Running {
  // As App Service starts it (infra/azure.bicep appCommandLine).
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', main], {
    // A different working directory: config/ and cards must be found from the code's location.
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines.filter((l) => l.length > 0));
    };
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(() => {
  // `npm run build` is `tsc -p tsconfig.build.json`; here into a private folder under the project.
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', buildDir], {
    cwd: root,
    stdio: 'pipe',
  });
});

afterAll(() => {
  fs.rmSync(buildDir, { recursive: true, force: true });
});

describe('node dist/bot/main.js', () => {
  it('compiles the cards JSON next to the code', () => {
    expect(fs.existsSync(path.join(buildDir, 'cards', 'help.json'))).toBe(true);
    expect(fs.readdirSync(buildDir).some((f) => f.endsWith('.ts'))).toBe(false);
  });

  it('finishes the turn in flight on SIGTERM, refuses new turns, exits 0, and logs JSON without case text or secrets', async () => {
    const stub = new ConnectorStub();
    await stub.start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-prod-'));
    const bot = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, EXPORT_SIGNING_KEY: SIGNING_KEY, LOG_LEVEL: 'info' });
    try {
      const listening = await until('the listening line', () => parsed(bot.stdout).find((l) => l.msg === 'listening'));
      const base = `http://127.0.0.1:${listening.port as number}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // Without LOG_SEAL_KEY, the key is generated beside DATA_DIR, never inside it.
      expect(fs.readFileSync(`${dataDir}.log-seal-key`, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
      expect(fs.readdirSync(dataDir).some((f) => f.includes('seal'))).toBe(false);
      // The seed file was found from the code's location although cwd is elsewhere.
      expect(parsed(bot.stdout).some((l) => l.msg === 'directory seeded')).toBe(true);

      const activity = (text: string) => ({
        type: 'message',
        id: randomUUID(),
        text,
        channelId: 'msteams',
        serviceUrl: stub.url,
        from: { id: 'user-megan', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' },
        recipient: { id: 'bot-id', name: 'Safeguarding bot' },
        conversation: { id: 'personal-megan', conversationType: 'personal', tenantId: PLAYGROUND_TENANT_ID },
        channelData: { tenant: { id: PLAYGROUND_TENANT_ID } },
      });
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${base}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

      // A correlation id that is not an id (free text) is replaced, never written to the logs.
      expect((await post(activity('whoami'), { 'x-correlation-id': 'case Zebra-7731 notes' })).status).toBe(200);
      stub.clear();

      stub.delayMs = 3000;
      const turn = post(activity(CASE_TEXT), { 'x-correlation-id': 'corr-prod-run-1' });
      // The bot's reply has reached the (slow) connector: the turn is now in flight.
      await until('the reply at the connector', () => stub.messages().length > 0);
      bot.child.kill('SIGTERM');
      await until('draining', async () => {
        const res = await fetch(`${base}/healthz`);
        return res.status === 503 && ((await res.json()) as { status: string }).status === 'draining';
      });
      const refused = await post(activity('help'));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');

      expect((await turn).status).toBe(200);
      expect(await bot.exited).toBe(0);

      expect(stub.messages()).toHaveLength(1);
      expect(stub.messages()[0].activity.text).toContain('Zebra-7731');

      const lines = parsed(bot.stdout); // throws if any stdout line is not JSON
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'turn', 'stopping', 'stopped']));
      const turns = lines.filter((l) => l.msg === 'turn');
      expect(turns).toEqual([
        expect.objectContaining({ correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/), activityType: 'message', status: 200 }),
        expect.objectContaining({ correlationId: 'corr-prod-run-1', activityType: 'message', status: 200 }),
      ]);
      expect(lines.map((l) => l.msg).lastIndexOf('turn')).toBeLessThan(lines.findIndex((l) => l.msg === 'stopped'));
      for (const line of bot.stdout) {
        expect(line).not.toContain('Zebra-7731');
        expect(line).not.toContain(SIGNING_KEY);
      }
      // Nothing at all on stderr: every console line App Service collects is JSON.
      expect(bot.stderr).toEqual([]);
    } finally {
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
      await stub.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(`${dataDir}.log-seal-key`, { force: true });
    }
  });

  it('exits 1 on a bad setting with one line naming the variable', async () => {
    const bot = start({ PORT: 'eighty', DATA_DIR: path.join(os.tmpdir(), 'wsb-never-created') });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr).toEqual([expect.stringMatching(/^Configuration error: PORT: must be a whole number/)]);
    expect(bot.stdout).toEqual([]);
  });
});
