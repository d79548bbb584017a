/**
 * The comparison webview in a real browser page, set up the way VS Code sets it up (like `lossCurvePage.ts`): the
 * host's own HTML (`comparisonHtml`, same CSP and a fresh nonce) served over loopback HTTP with the real bundle
 * (`media/dist/comparison.js`) and stylesheet, `acquireVsCodeApi` injected before any page script, theme variables on
 * the root element, and a stand-in host that answers each message the page posts with what `answer` says.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { comparisonHtml } from '../../client/src/eval/comparisonHtml';
import type { ComparisonHostMessage, ComparisonWebviewMessage } from '../../client/src/eval/comparisonProtocol';
import { ROOT, type Browser, type BrowserContext, type CdpSession, type Page } from './browser';
import type { CspViolation, Theme } from './resultsPage';

/** The comparison bundle the extension ships. */
export const COMPARISON_BUNDLE = join(ROOT, 'media/dist/comparison.js');

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

/** Builds the bundles when the comparison bundle is missing or older than its sources. */
export function ensureComparisonBundle(): void {
  const sources = Math.max(newestSource(join(ROOT, 'client/webview')), newestSource(join(ROOT, 'client/src/eval')));
  if (existsSync(COMPARISON_BUNDLE) && statSync(COMPARISON_BUNDLE).mtimeMs >= sources) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(COMPARISON_BUNDLE)) throw new Error(`node esbuild.mjs did not produce ${COMPARISON_BUNDLE}`);
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

/** An open comparison page and what it did. */
export interface ComparisonPage {
  page: Page;
  cdp: CdpSession;
  posted: ComparisonWebviewMessage[];
  violations: CspViolation[];
  consoleErrors: string[];
  pageErrors: string[];
  requested: string[];
  /** The first message `match` accepts from index `since` of `posted` on (default: from now on). */
  waitForMessage(what: string, match: (message: ComparisonWebviewMessage) => boolean, since?: number): Promise<ComparisonWebviewMessage>;
  send(message: ComparisonHostMessage): Promise<void>;
  setTheme(kind: 'vscode-light' | 'vscode-dark', theme: Theme): Promise<void>;
  close(): Promise<void>;
}

function startServer(requested: string[]): Promise<{ server: Server; origin: string }> {
  const files: Record<string, { path: string; type: string }> = {
    '/media/dist/comparison.js': { path: COMPARISON_BUNDLE, type: 'text/javascript' },
    '/media/comparison.css': { path: join(ROOT, 'media/comparison.css'), type: 'text/css' },
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
      const html = comparisonHtml({ cspSource: origin, scriptUri: `${origin}/media/dist/comparison.js`, styleUri: `${origin}/media/comparison.css`, nonce: randomBytes(16).toString('base64') });
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

/** Opens the page, the stand-in host answering each message with `answer`'s replies, and waits until it has drawn. */
export async function openComparisonPage(browser: Browser, answer: (message: ComparisonWebviewMessage) => ComparisonHostMessage[], theme?: { kind: 'vscode-light' | 'vscode-dark'; variables: Theme }): Promise<ComparisonPage> {
  const requested: string[] = [];
  const { server, origin } = await startServer(requested);
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Accessibility.enable');
    const posted: ComparisonWebviewMessage[] = [];
    const violations: CspViolation[] = [];
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const waiters: Array<{ match: (m: ComparisonWebviewMessage) => boolean; resolve: (m: ComparisonWebviewMessage) => void }> = [];
    const pending = new Set<Promise<void>>();
    const send = async (message: ComparisonHostMessage) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    };
    await page.exposeBinding('inoculateTestHost', (_source, message: ComparisonWebviewMessage) => {
      posted.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
      for (const reply of answer(message)) {
        const sent = send(reply).catch(() => undefined);
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
    const waitForMessage = (what: string, match: (message: ComparisonWebviewMessage) => boolean, since = posted.length, timeoutMs = 15_000) =>
      new Promise<ComparisonWebviewMessage>((resolve, reject) => {
        const already = posted.slice(since).find(match);
        if (already) return resolve(already);
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for the page to post ${what}; it posted: ${JSON.stringify(posted.slice(-5))}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (message: ComparisonWebviewMessage) => {
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
    const drawn = waitForMessage('its first "rendered" with samples', (m) => m.type === 'rendered' && (m.samplesShown > 0 || m.rows === 0));
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
