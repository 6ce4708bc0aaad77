/**
 * `npm start`: the bot on the embedded store at http://localhost:3978/api/messages, then the
 * Microsoft 365 Agents Playground at http://localhost:56150 talking to it. Ctrl+C stops both.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const port = process.env.PORT ?? '3978';
const children: ChildProcess[] = [];

function run(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
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
  run(process.execPath, [path.join(root, 'dist', 'bot', 'main.js')], { ...process.env, PORT: port });
  await waitForHealth();
  const playground = path.join(root, 'node_modules', '.bin', 'agentsplayground');
  run(playground, ['start', '-e', `http://127.0.0.1:${port}/api/messages`, '-c', 'msteams', '--dt'], process.env);
  process.stdout.write(`\nBot: http://localhost:${port}/api/messages\nPlayground: http://localhost:56150 (open it in a browser and type "help")\n\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  stop(1);
});
