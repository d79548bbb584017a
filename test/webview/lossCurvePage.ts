/**
 * The loss-curve webview in a real browser page, set up the way VS Code sets it up (like `resultsPage.ts` for the
 * results view): the host's own HTML (`lossCurveHtml`, same CSP and a fresh nonce) served over loopback HTTP with
 * the real bundle (`media/dist/lossCurve.js`) and stylesheet, `acquireVsCodeApi` injected before any page script,
 * theme variables on the root element, and a stand-in host that answers `ready` with the curve it was given.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { lossCurveHtml } from '../../client/src/train/lossCurveHtml';
import type { LossCurveHostMessage, LossCurveWebviewMessage } from '../../client/src/train/lossCurveProtocol';
import { ROOT, type Browser, type BrowserContext, type CdpSession, type Page } from './browser';
import type { CspViolation, Theme } from './resultsPage';

/** The loss-curve bundle the extension ships. */
export const LOSS_CURVE_BUNDLE = join(ROOT, 'media/dist/lossCurve.js');

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

/** Builds the bundles when the loss-curve bundle is missing or older than its sources. */
export function ensureLossCurveBundle(): void {
  const sources = Math.max(newestSource(join(ROOT, 'client/webview')), newestSource(join(ROOT, 'client/src/train')));
  if (existsSync(LOSS_CURVE_BUNDLE) && statSync(LOSS_CURVE_BUNDLE).mtimeMs >= sources) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(LOSS_CURVE_BUNDLE)) throw new Error(`node esbuild.mjs did not produce ${LOSS_CURVE_BUNDLE}`);
}

const SHIM = `(() => {
  let state;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { window.inoculateTestHost(JSON.parse(JSON.stringify(message))); },
      getState: () => state,
      setState: (value) => { state = value; return value; },
    });
  };
  window.inoculateTestViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    const violation = { directive: event.violatedDirective, blockedURI: event.blockedURI, sample: event.sample };
    window.inoculateTestViolations.push(violation);
    window.inoculateTestViolation(violation);
  });
})();`;

/** An open loss-curve page and what it did. */
export interface LossCurvePage {
  page: Page;
  cdp: CdpSession;
  posted: LossCurveWebviewMessage[];
  violations: CspViolation[];
  consoleErrors: string[];
  pageErrors: string[];
  requested: string[];
  /** The first message `match` accepts from index `since` of `posted` on (default: from now on). */
  waitForMessage(what: string, match: (message: LossCurveWebviewMessage) => boolean, since?: number): Promise<LossCurveWebviewMessage>;
  send(message: LossCurveHostMessage): Promise<void>;
  setTheme(kind: 'vscode-light' | 'vscode-dark', theme: Theme): Promise<void>;
  close(): Promise<void>;
}

function startServer(requested: string[]): Promise<{ server: Server; origin: string }> {
  const files: Record<string, { path: string; type: string }> = {
    '/media/dist/lossCurve.js': { path: LOSS_CURVE_BUNDLE, type: 'text/javascript' },
    '/media/lossCurve.css': { path: join(ROOT, 'media/lossCurve.css'), type: 'text/css' },
  };
  let origin = '';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    requested.push(path);
    if (path === '/') {
      const html = lossCurveHtml({ cspSource: origin, scriptUri: `${origin}/media/dist/lossCurve.js`, styleUri: `${origin}/media/lossCurve.css`, nonce: randomBytes(16).toString('base64') });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = files[path];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': `${file.type}; charset=utf-8` }).end(readFileSync(file.path));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ server, origin });
    });
  });
}

/** Opens the page answering `ready` with `first`, and waits until it has drawn. */
export async function openLossCurvePage(browser: Browser, first: LossCurveHostMessage, theme?: { kind: 'vscode-light' | 'vscode-dark'; variables: Theme }): Promise<LossCurvePage> {
  const requested: string[] = [];
  const { server, origin } = await startServer(requested);
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Accessibility.enable');
    const posted: LossCurveWebviewMessage[] = [];
    const violations: CspViolation[] = [];
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const waiters: Array<{ match: (m: LossCurveWebviewMessage) => boolean; resolve: (m: LossCurveWebviewMessage) => void }> = [];
    const pending = new Set<Promise<void>>();
    const send = async (message: LossCurveHostMessage) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    };
    await page.exposeBinding('inoculateTestHost', (_source, message: LossCurveWebviewMessage) => {
      posted.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
      if (message.type === 'ready') {
        const sent = send(first).catch(() => undefined);
        pending.add(sent);
        void sent.finally(() => pending.delete(sent));
      }
    });
    await page.exposeBinding('inoculateTestViolation', (_source, violation: CspViolation) => {
      violations.push(violation);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript({ content: SHIM });
    const waitForMessage = (what: string, match: (message: LossCurveWebviewMessage) => boolean, since = posted.length, timeoutMs = 15_000) =>
      new Promise<LossCurveWebviewMessage>((resolve, reject) => {
        const already = posted.slice(since).find(match);
        if (already) return resolve(already);
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for the page to post ${what}; it posted: ${JSON.stringify(posted.slice(-5))}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (message: LossCurveWebviewMessage) => {
            clearTimeout(timer);
            resolve(message);
          },
        };
        waiters.push(waiter);
      });
    const setTheme = async (kind: 'vscode-light' | 'vscode-dark', variables: Theme) => {
      await page.evaluate(
        ({ kind, variables }) => {
          for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
          document.body.classList.remove('vscode-light', 'vscode-dark');
          document.body.classList.add(kind);
        },
        { kind, variables },
      );
    };
    const drawn = waitForMessage('its first "rendered"', (m) => m.type === 'rendered');
    await page.goto(`${origin}/`);
    if (theme) await setTheme(theme.kind, theme.variables);
    await drawn;
    const opened = context;
    return {
      page,
      cdp,
      posted,
      violations,
      consoleErrors,
      pageErrors,
      requested,
      waitForMessage,
      send,
      setTheme,
      close: async () => {
        await Promise.all(pending);
        await opened.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } catch (error) {
    await context?.close().catch(() => undefined);
    server.close();
    throw error;
  }
}
