/**
 * `npm start`: the bot on the embedded store at http://localhost:3978/api/messages, then the
 * Microsoft 365 Agents Playground at http://localhost:56150 talking to it. Ctrl+C stops both.
 *
 *   npm start -- --as megan        sign the playground in as another demo user (no rebuild needed)
 *   npm start -- --playground-port 56200   another port for the playground (it prints the real one)
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLAYGROUND_USERS, findPlaygroundUser, playgroundConfigYaml } from './playground-users';

const root = path.resolve(__dirname, '..', '..');
const port = process.env.PORT ?? '3978';
const children: ChildProcess[] = [];

/** `--name value` or `--name=value` from the command line. */
function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root, pipeOut = false): ChildProcess {
  const child = spawn(command, args, { cwd, env, stdio: ['inherit', pipeOut ? 'pipe' : 'inherit', 'inherit'] });
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`${path.basename(command)} ${args[0] ?? ''} exited (${code ?? 'signal'}); stopping.\n`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
function stop(code = 0): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the bot did not become healthy within 20 s');
}

async function main(): Promise<void> {
  const who = option('as') ?? 'alex';
  const user = findPlaygroundUser(who);
  if (!user) throw new Error(`--as ${who}: not a demo user; use one of ${PLAYGROUND_USERS.map((u) => u.key).join(', ')}`);
  const playgroundPort = option('playground-port') ?? process.env.TEAMSAPPTESTER_PORT ?? '56150';
  if (!/^\d{2,5}$/.test(playgroundPort)) throw new Error(`--playground-port ${playgroundPort}: give a port number`);

  run(process.execPath, [path.join(root, 'dist', 'bot', 'main.js')], { ...process.env, PORT: port });
  await waitForHealth();
  // The playground reads its signed-in user from .m365agentsplayground.yml in its working folder.
  const workDir = path.join(root, '.playground', user.key);
  fs.mkdirSync(workDir, { recursive: true });
  fs.writeFileSync(path.join(workDir, '.m365agentsplayground.yml'), playgroundConfigYaml(user));
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [root] });
  const playground = run(
    process.execPath,
    [cli, 'start', '-e', `http://127.0.0.1:${port}/api/messages`, '-c', 'msteams', '--dt', '-p', playgroundPort],
    { ...process.env, TEAMSAPPTESTER_PORT: playgroundPort },
    workDir,
    true,
  );
  // It silently takes another port when the one asked for is busy: print the one it reports.
  let output = '';
  let announced = false;
  playground.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (announced) return;
    output += chunk.toString('utf8');
    const listening = /Listening on (\d+)/.exec(output);
    if (!listening) return;
    announced = true;
    process.stdout.write(
      `\nBot: http://localhost:${port}/api/messages\nPlayground: http://localhost:${listening[1]} signed in as ${user.name} (open it in a browser and type "help")\n` +
        `Act as someone else: stop (Ctrl+C) and run npm start -- --as <${PLAYGROUND_USERS.map((u) => u.key).join('|')}>; the bot's data is kept.\n\n`,
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  stop(1);
});
