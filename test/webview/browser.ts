/**
 * Headless Debian Chromium for the webview tests, driven by the playwright-core the end-to-end set-up installs into
 * `test/e2e/env/runner` (installed on demand by `test/e2e/setup.sh`), and the real results bundle
 * (`media/dist/results.js`, rebuilt with `node esbuild.mjs` when missing or older than its sources).
 *
 * playwright-core lives outside the project's dependencies, so only the few calls these tests make are typed here;
 * the type-check then works on a checkout where the test bed is not installed yet.
 */
import chromiumFlags from '../e2e/chromium-flags.json';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The project root. */
export const ROOT = resolve(__dirname, '../..');
/** The webview bundle the extension ships. */
export const RESULTS_BUNDLE = join(ROOT, 'media/dist/results.js');
const RUNNER = join(ROOT, 'test/e2e/env/runner');
const PLAYWRIGHT = join(RUNNER, 'node_modules/playwright-core/package.json');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags `test/e2e/run.mjs` launches Chromium with (no network beyond loopback, no sandbox in containers). */
const CHROMIUM_FLAGS: string[] = chromiumFlags;

/** A Chrome DevTools Protocol session (for the accessibility tree). */
export interface CdpSession {
  send(method: string, params?: Record<string, unknown>): Promise<any>;
}

/** The console message fields the tests read. */
export interface ConsoleMessage {
  type(): string;
  text(): string;
}

/** The part of Playwright's `Page` the tests use. */
export interface Page {
  goto(url: string): Promise<unknown>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg?: A, options?: { timeout?: number }): Promise<unknown>;
  addInitScript(script: { content: string }): Promise<void>;
  exposeBinding(name: string, callback: (source: unknown, ...args: any[]) => unknown): Promise<void>;
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  keyboard: { press(key: string): Promise<void> };
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
}

/** The part of Playwright's `BrowserContext` the tests use. */
export interface BrowserContext {
  newPage(): Promise<Page>;
  newCDPSession(page: Page): Promise<CdpSession>;
  close(): Promise<void>;
}

/** The part of Playwright's `Browser` the tests use. */
export interface Browser {
  newContext(options?: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Installs the test bed's runner (playwright-core) and Chromium when they are missing, as the e2e suite does. */
export function ensureBrowserTools(): void {
  if (existsSync(PLAYWRIGHT) && existsSync(CHROMIUM)) return;
  execFileSync('bash', [join(ROOT, 'test/e2e/setup.sh')], { stdio: 'inherit' });
  if (!existsSync(PLAYWRIGHT)) throw new Error(`playwright-core is still missing at ${PLAYWRIGHT} after test/e2e/setup.sh`);
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is still missing at ${CHROMIUM} after test/e2e/setup.sh`);
}

/** Newest modification time under `dir` (recursively) of files ending in `.ts`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/**
 * Builds the bundles when the webview bundle is missing or older than the webview's sources, so the test never
 * drives a stale page.
 */
export function ensureResultsBundle(): void {
  const sources = Math.max(newestSource(join(ROOT, 'client/webview')), newestSource(join(ROOT, 'client/src/results')));
  if (existsSync(RESULTS_BUNDLE) && statSync(RESULTS_BUNDLE).mtimeMs >= sources) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(RESULTS_BUNDLE)) throw new Error(`node esbuild.mjs did not produce ${RESULTS_BUNDLE}`);
}

/** Launches headless Chromium (call `ensureBrowserTools` first). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = createRequire(join(RUNNER, 'package.json'))('playwright-core') as {
    chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> };
  };
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}
