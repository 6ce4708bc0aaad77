// The first step of `npm test`: the browser tests drive the Agents Playground in Chromium, and no
// test tool can download a browser on these machines. Finds Chromium, or installs Debian's
// `chromium` when it can (as root with apt-get), or says exactly what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'].filter(Boolean);
const found = () => candidates.find((p) => existsSync(p));

if (!found()) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    process.stdout.write('Chromium not found: installing Debian\'s chromium for the browser tests (apt-get)...\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  }
  if (!found()) {
    process.stderr.write(
      'The browser tests need Chromium and none was found (looked for ' + candidates.join(', ') + ').\n' +
        "Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.\n",
    );
    process.exit(1);
  }
}
