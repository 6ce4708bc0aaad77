/**
 * Browser tests in Microsoft's Agents Playground: the REAL bot (bot/compose.ts, restify,
 * CloudAdapter, Teams AI) on a temporary embedded store, the playground's own server and mock
 * Teams connector, and its web UI driven in headless Debian Chromium through playwright-core.
 *
 * ```ts
 * import { startPlaygroundSession, PlaygroundSession } from '../support/playground';
 * jest.setTimeout(120_000);
 * let pg: PlaygroundSession;
 * beforeAll(async () => { pg = await startPlaygroundSession(); });
 * afterAll(() => pg?.stop());
 * it('shows help', async () => {
 *   await pg.sendText('help');
 *   const card = await pg.waitForCardText('What I can do');
 *   await pg.screenshot('my-test');                       // test-artifacts/my-test.png
 *   await pg.selectCardChoice('Person', 'Lynne Robbins'); // inputs: by their Adaptive Card `label`
 *   await pg.clickCardButton('Grant');                    // Action.Execute, waits for the invoke
 *   await pg.waitForCardText('lay, member');
 * });
 * ```
 *
 * The playground's current user is Alex Wilber (chair + business + partner in
 * config/directory.playground.json); pass `configYaml` to change its mock users. Everything the
 * playground writes (its log, devTools folder, HOME) goes to a temporary folder, shown as
 * `session.workDir`; the bot's own log lines go to `<workDir>/bot.log`. Both are kept when a
 * session fails to start, to help diagnosis, and removed by a successful `stop()`.
 *
 * Selectors follow the rendered DOM of @microsoft/m365agentsplayground 0.2.x: the composer is a
 * Lexical editor (`role=textbox`, `data-lexical-editor`), cards are `.ac-adaptiveCard` (the
 * Adaptive Cards renderer's own class), buttons and inputs are found by role and accessible name.
 * The renderer replaces Adaptive Card input ids with generated ones, so inputs are addressed by
 * their `label` (or placeholder), not by their id.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, Locator, Page, chromium } from 'playwright-core';
import { compose, Composed } from '../../bot/compose';
import type { Clock } from '../../services/clock';
import { parseConfig } from '../../services/config';
import { createLogger } from '../../services/logger';
import type { Store } from '../../services/store/port';
import { TEST_LOG_SEAL_KEY } from './seal-key';

/** Where screenshots go (gitignored); CI keeps this folder as a test artefact. */
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');
const REPO_ROOT = path.resolve(__dirname, '../..');
/** The same places `npm test`'s first step (scripts/ensure-browser.mjs) looks, or installs Debian's chromium to. */
const CHROMIUM_PATH =
  [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'].find(
    (p): p is string => !!p && fs.existsSync(p),
  ) ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PlaygroundOptions {
  /** The bot's clock (e.g. a TestClock from tests/support/clock.ts); the system clock by default. */
  clock?: Clock;
  /** Extra settings for parseConfig (PORT, HOST, DATA_DIR and DIRECTORY_SEED are set for you, and can be overridden). */
  env?: Record<string, string>;
  /** A store built elsewhere; by default an embedded store in a temporary DATA_DIR. */
  store?: Store;
  /** Contents for `.m365agentsplayground.yml` (the playground's mock users, team and chats). */
  configYaml?: string;
  /**
   * Text that proves the chat is ready: by default the welcome card the bot posts when the
   * playground installs it. Pass `null` to wait for the composer only.
   */
  readyText?: string | RegExp | null;
  /** Default wait for every helper, in ms (30 s). */
  timeoutMs?: number;
  /** Show the browser (needs a display); headless by default. */
  headed?: boolean;
}

/** Where to look for a card: the newest card containing this text, or a locator you already hold. */
export type CardRef = string | RegExp | Locator;

export interface PlaygroundSession {
  /** The playwright page showing the playground UI: use it for anything the helpers don't cover. */
  page: Page;
  /** The composed bot (services, http server) running in this process. */
  bot: Composed;
  /** http://127.0.0.1:<port> of the bot. */
  botUrl: string;
  /** http://127.0.0.1:<port> of the playground UI. */
  playgroundUrl: string;
  /** Temporary folder holding the playground's files, the bot's log and the data dir. */
  workDir: string;
  /**
   * Types text in the open conversation's composer and sends it; resolves once the playground
   * accepted it. In a channel the bot only hears @mentions, so the text is prefixed with an
   * @mention of the bot there (picked from the composer's typeahead), unless `mentionBot` says otherwise.
   */
  sendText(text: string, options?: { mentionBot?: boolean; inPost?: Locator }): Promise<void>;
  /**
   * In a channel: starts a new post (a thread of its own) with this text, @mentioning the bot,
   * through the "Start a new post" box and its Post button. Teams and the playground send it to
   * the channel itself; replies under it then carry `;messageid=<this post>`. Reply in it with
   * `sendText(text, { inPost: pg.post(text) })`.
   */
  newPost(text: string): Promise<void>;
  /** In a channel: the post (its first message and every reply under it) that contains `text`. */
  post(text: string | RegExp): Locator;
  /** Waits until a card containing `text` is visible; returns the newest such card. */
  waitForCardText(text: string | RegExp, timeoutMs?: number): Promise<Locator>;
  /** Waits until `text` is visible anywhere in the conversation (plain text replies, notices). */
  waitForText(text: string | RegExp, timeoutMs?: number): Promise<Locator>;
  /** The newest card containing `text` (not awaited: a locator). */
  card(text: string | RegExp): Locator;
  /**
   * Clicks a card button by its title and, for Action.Execute, resolves once the bot answered
   * the invoke (the refreshed card or refusal is then on its way to the screen). Without `card`,
   * the newest card that has a button with this title.
   */
  clickCardButton(title: string, card?: CardRef): Promise<void>;
  /** Fills an Input.Text / Input.Number / Input.Date / Input.Time, found by its label or placeholder. */
  fillCardInput(labelOrPlaceholder: string, value: string, card?: CardRef): Promise<void>;
  /**
   * Picks a choice (or several, for `isMultiSelect`) in an Input.ChoiceSet found by its label:
   * compact ones render as a drop-down (options, or menu checkboxes when multi-select), expanded
   * ones as radios or checkboxes.
   */
  selectCardChoice(label: string, choiceTitles: string | string[], card?: CardRef): Promise<void>;
  /**
   * Opens a conversation in the left rail: 'Personal Chat', 'Group Chat', 'My Team - General',
   * 'My Team - Announcements'. Opening a channel the first time installs the bot there (it posts its welcome).
   */
  openConversation(name: string): Promise<void>;
  /** Saves a full-page screenshot to test-artifacts/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser, kills the playground's process group, stops the bot, removes temp files. Safe to call twice. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the playground takes a port number, not 0). */
export async function freePort(host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The name the playground gives the bot under test (its mention typeahead and message author). */
const BOT_NAME = 'Test Bot';
/** The playground's message boxes (the chat composer, "Start a new post", each post's reply box) are Lexical editors. */
const EDITOR = '[data-lexical-editor="true"][role="textbox"]';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label as the renderer writes it: the text, then " *" when required. */
const labelPattern = (label: string) => new RegExp(`^\\s*${escapeRegExp(label)}\\s*\\*?\\s*$`);

function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

async function waitUntilExited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts the playground CLI in its own process group; resolves to the port it reports listening on. */
async function startPlaygroundProcess(workDir: string, botUrl: string, port: number, timeoutMs: number): Promise<{ child: ChildProcess; port: number }> {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [REPO_ROOT] });
  const out = fs.openSync(path.join(workDir, 'playground.out'), 'a');
  const child = spawn(process.execPath, [cli, 'start', '-e', `${botUrl}/api/messages`, '-c', 'msteams', '--dt', '-p', String(port)], {
    cwd: workDir,
    detached: true, // its own process group, so stop() can kill it and anything it spawned
    stdio: ['ignore', 'pipe', out],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(workDir, 'playground.log'),
      NODE_NO_WARNINGS: '1',
    },
  });
  fs.closeSync(out);
  let output = '';
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the playground did not start within ${timeoutMs} ms; output so far: ${output.slice(-500)}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      fs.appendFileSync(path.join(workDir, 'playground.out'), chunk);
      const match = /Listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the playground exited (${code ?? signal}) before listening; output: ${output.slice(-500)}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  }).catch((err: unknown) => {
    killGroup(child, 'SIGKILL');
    throw err;
  });
  child.stdout!.resume();
  return { child, port: listening };
}

/**
 * Starts the bot, the Agents Playground pointed at it and headless Chromium on the playground's
 * UI, and waits until the chat is ready. Always pair with `stop()` (in afterAll); if start-up
 * fails, everything already started is stopped before the error is thrown.
 */
export async function startPlaygroundSession(options: PlaygroundOptions = {}): Promise<PlaygroundSession> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-playground-'));
  const dataDir = path.join(workDir, 'data');
  fs.mkdirSync(dataDir);
  if (options.configYaml !== undefined) fs.writeFileSync(path.join(workDir, '.m365agentsplayground.yml'), options.configYaml);
  const botLog = path.join(workDir, 'bot.log');

  let bot: Composed | undefined;
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let stopped = false;
  const onExit = () => killGroup(child, 'SIGKILL'); // last resort if the test process dies without stop()
  process.once('exit', onExit);

  const stop = async (keepFiles = false): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    await browser?.close().catch((err: unknown) => errors.push(err));
    if (child) {
      killGroup(child, 'SIGTERM');
      if (!(await waitUntilExited(child, 3000))) {
        killGroup(child, 'SIGKILL');
        await waitUntilExited(child, 2000);
      }
    }
    process.removeListener('exit', onExit);
    await bot?.stop(2000).catch((err: unknown) => errors.push(err));
    if (!keepFiles) fs.rmSync(workDir, { recursive: true, force: true });
    if (errors.length) throw errors[0];
  };

  try {
    const config = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DIRECTORY_SEED: path.join(REPO_ROOT, 'config/directory.playground.json'),
      LOG_SEAL_KEY: TEST_LOG_SEAL_KEY,
      ...options.env,
    });
    bot = await compose(config, {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.store ? { store: options.store } : {}),
      logger: createLogger('info', (line) => fs.appendFileSync(botLog, line + '\n')),
    });
    const botPort = await bot.start();
    const botUrl = `http://127.0.0.1:${botPort}`;

    const started = await startPlaygroundProcess(workDir, botUrl, await freePort(), timeoutMs);
    child = started.child;
    const playgroundUrl = `http://127.0.0.1:${started.port}`;

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: !options.headed, timeout: timeoutMs });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(timeoutMs);
    await page.goto(playgroundUrl);
    const composer = () => page.locator(EDITOR).last();
    await composer().waitFor({ state: 'visible' });
    const readyText = options.readyText === undefined ? 'Warwickshire Safeguarding' : options.readyText;
    const cards = () => page.locator('.ac-adaptiveCard');
    if (readyText !== null) await cards().filter({ hasText: readyText }).last().waitFor({ state: 'visible' });

    let inChannel = false;
    const card = (text: string | RegExp) => cards().filter({ hasText: text }).last();
    const resolveCard = (ref: CardRef | undefined, fallback: () => Locator): Locator =>
      ref === undefined ? fallback() : typeof ref === 'string' || ref instanceof RegExp ? card(ref) : ref;
    /** The `.ac-input-container` that follows a label with this text. */
    const inputContainer = (scope: Locator, label: string) =>
      scope.locator('label').filter({ hasText: labelPattern(label) }).last().locator('xpath=following-sibling::div[contains(@class,"ac-input-container")][1]');
    const isPlaygroundPost = (url: string, method: string) => method === 'POST' && new URL(url).pathname.startsWith('/_conversation/');
    const postButton = () => page.getByRole('button', { name: 'Post', exact: true });
    /** A channel's posts are Fluent cards (role group); the "Start a new post" box is one too, without messages. */
    const post = (text: string | RegExp) => page.locator('.fui-Card[role="group"]').filter({ hasNot: postButton() }).filter({ hasText: text }).last();
    /** Types into a composer box (after an @mention of the bot when asked) and submits; resolves once the playground accepted the message. */
    const typeAndSend = async (box: Locator, text: string, mention: boolean, submit: () => Promise<void>): Promise<void> => {
      await box.click();
      if (mention) {
        await page.keyboard.type('@');
        await page.getByRole('listbox', { name: 'Typeahead menu' }).getByRole('menuitem', { name: BOT_NAME }).click();
        await page.keyboard.type(' ');
      }
      await page.keyboard.type(text);
      const accepted = page.waitForResponse((r) => isPlaygroundPost(r.url(), r.request().method()) && /\/messages$/.test(new URL(r.url()).pathname));
      await submit();
      const response = await accepted;
      if (!response.ok()) throw new Error(`the playground refused the message "${text}": HTTP ${response.status()}`);
    };

    const session: PlaygroundSession = {
      page,
      bot,
      botUrl,
      playgroundUrl,
      workDir,
      async sendText(text, sendOptions = {}) {
        const box = sendOptions.inPost ? sendOptions.inPost.locator(EDITOR).last() : composer();
        await typeAndSend(box, text, sendOptions.mentionBot ?? inChannel, () => page.keyboard.press('Enter'));
      },
      async newPost(text) {
        const newPostCard = page.locator('.fui-Card').filter({ has: postButton() });
        await typeAndSend(newPostCard.locator(EDITOR).first(), text, true, () => postButton().click());
      },
      post,
      async waitForCardText(text, ms = timeoutMs) {
        const found = card(text);
        await found.waitFor({ state: 'visible', timeout: ms });
        return found;
      },
      async waitForText(text, ms = timeoutMs) {
        const found = page.getByText(text).last();
        await found.waitFor({ state: 'visible', timeout: ms });
        return found;
      },
      card,
      async clickCardButton(title, ref) {
        const button = (scope: Locator | Page) => scope.getByRole('button', { name: title, exact: true });
        const target = resolveCard(ref, () => cards().filter({ has: button(page) }).last());
        const answered = page.waitForResponse((r) => isPlaygroundPost(r.url(), r.request().method()), { timeout: timeoutMs }).catch(() => undefined);
        await button(target).last().click();
        const response = await answered;
        if (response && !response.ok()) throw new Error(`the playground answered the click on "${title}" with HTTP ${response.status()}`);
      },
      async fillCardInput(labelOrPlaceholder, value, ref) {
        const target = resolveCard(ref, () => cards().filter({ has: page.locator('label').filter({ hasText: labelPattern(labelOrPlaceholder) }) }).last());
        const byLabel = inputContainer(target, labelOrPlaceholder).locator('input, textarea').first();
        const input = (await byLabel.count()) ? byLabel : target.getByPlaceholder(labelOrPlaceholder, { exact: true }).first();
        await input.fill(value);
      },
      async selectCardChoice(label, choiceTitles, ref) {
        const titles = Array.isArray(choiceTitles) ? choiceTitles : [choiceTitles];
        const target = resolveCard(ref, () => cards().filter({ has: page.locator('label').filter({ hasText: labelPattern(label) }) }).last());
        const container = inputContainer(target, label);
        const combo = container.getByRole('combobox');
        if (await combo.count()) {
          const popupItem = (name: string) =>
            page.getByRole('option', { name, exact: true }).or(page.getByRole('menuitemcheckbox', { name, exact: true })).first();
          for (const title of titles) {
            if (!(await popupItem(title).isVisible())) await container.locator('.fui-Combobox__expandIcon').first().click();
            await popupItem(title).click();
          }
          // A multi-select list stays open after a pick; close it so it does not cover the card.
          if (await page.getByRole('menuitemcheckbox').first().isVisible()) await page.keyboard.press('Escape');
          return;
        }
        for (const title of titles) {
          const choice = container.getByRole('radio', { name: title, exact: true }).or(container.getByRole('checkbox', { name: title, exact: true }));
          await choice.first().check();
        }
      },
      async openConversation(name) {
        await page.getByRole('treeitem', { name, exact: true }).click();
        inChannel = name.includes(' - '); // channels are listed as "<team> - <channel>
        await composer().waitFor({ state: 'visible' });
      },
      async screenshot(name) {
        fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      stop: () => stop(false),
    };
    return session;
  } catch (err) {
    await stop(true).catch(() => undefined);
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`could not start the playground session (logs kept in ${workDir}): ${detail}`);
  }
}
