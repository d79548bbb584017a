/**
 * The results webview in a real browser page, set up the way VS Code sets it up: the host's own HTML
 * (`resultsHtml`, same CSP and a fresh nonce) served over loopback HTTP with the real bundle and stylesheet, an
 * `acquireVsCodeApi` injected before any page script (VS Code injects it from outside the page too, so the CSP does not
 * apply to it), theme variables set on the root element as VS Code sets them, and a stand-in for the extension host
 * that answers the page's messages with the message types `resultsPanel.ts` sends.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CheckSummary } from '../../core/src/check/types';
import { resultsHtml } from '../../client/src/results/html';
import type { CheckAvailability, HostMessage, SampleView, WebviewMessage } from '../../client/src/results/protocol';
import { ROOT, RESULTS_BUNDLE, type Browser, type BrowserContext, type CdpSession, type Page } from './browser';
import { pageOf } from './resultsFixture';

/** A `securitypolicyviolation` event as the page saw it. */
export interface CspViolation {
  directive: string;
  blockedURI: string;
  sample: string;
}

/** What the host shows: a check's results, or the empty state with its reason; checks can run unless `checks` says not. */
export type ResultsContent = ({ summary: CheckSummary; samples: SampleView[]; stale?: string[]; runNote?: string; originNote?: string } | { emptyReason: string }) & {
  checks?: CheckAvailability;
};

/** Options of the page: the viewport (default 1000 × 800; a side-by-side editor is about 560 wide). */
export interface PageOptions {
  viewport?: { width: number; height: number };
}

/** Theme variables (`--vscode-*` → value), as VS Code puts them on the webview's root element. */
export type Theme = Record<string, string>;

/** An open results page and what it did. */
export interface ResultsPage {
  page: Page;
  cdp: CdpSession;
  /** Every message the page posted to the host, in order. */
  posted: WebviewMessage[];
  violations: CspViolation[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Paths the page requested from the server. */
  requested: string[];
  /**
   * The first message `match` accepts among those the page posts from index `since` of `posted` on (default: from
   * now on); resolves as soon as it is posted, or at once if it already was.
   */
  waitForMessage(what: string, match: (message: WebviewMessage) => boolean, since?: number): Promise<WebviewMessage>;
  /** Sends a host message to the page (what `webview.postMessage` does). */
  send(message: HostMessage): Promise<void>;
  /** Sets the theme variables and the body class VS Code uses (`vscode-light`, `vscode-dark`). */
  setTheme(kind: 'vscode-light' | 'vscode-dark', theme: Theme): Promise<void>;
  close(): Promise<void>;
}

const FILE = 'examples/reward-hacking.inoc';
const URI = 'file:///work/examples/reward-hacking.inoc';

/** The API VS Code gives the page; every call goes to the test's stand-in host. */
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

/** Serves the page, the bundle and the stylesheet; anything else is a 404 (and recorded). */
function startServer(requested: string[]): Promise<{ server: Server; origin: string }> {
  const files: Record<string, { path: string; type: string }> = {
    '/media/dist/results.js': { path: RESULTS_BUNDLE, type: 'text/javascript' },
    '/media/results.css': { path: join(ROOT, 'media/results.css'), type: 'text/css' },
  };
  let origin = '';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    requested.push(path);
    if (path === '/favicon.ico') {
      // Chromium asks every page for one; VS Code's webviews never do, so it is neither served nor recorded.
      requested.pop();
      response.writeHead(204).end();
      return;
    }
    if (path === '/') {
      const html = resultsHtml({ cspSource: origin, scriptUri: `${origin}/media/dist/results.js`, styleUri: `${origin}/media/results.css`, nonce: randomBytes(16).toString('base64') });
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

/**
 * Opens the results page of `content` in a new browser context and waits until it has drawn (its `rendered`
 * message). The stand-in host answers like `resultsPanel.ts`: the summary (or empty state) on `ready`, a page of
 * samples per `samples` request, and a status line after an export.
 */
export async function openResultsPage(
  browser: Browser,
  content: ResultsContent,
  theme?: { kind: 'vscode-light' | 'vscode-dark'; variables: Theme },
  options: PageOptions = {},
): Promise<ResultsPage> {
  const requested: string[] = [];
  const { server, origin } = await startServer(requested);
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({ viewport: options.viewport ?? { width: 1000, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Accessibility.enable');
    const posted: WebviewMessage[] = [];
    const violations: CspViolation[] = [];
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const waiters: Array<{ match: (m: WebviewMessage) => boolean; resolve: (m: WebviewMessage) => void }> = [];
    const pending = new Set<Promise<void>>();

    const checks = content.checks ?? { canRun: true, reason: null };
    const send = async (message: HostMessage) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    };
    const answer = (message: WebviewMessage): HostMessage | undefined => {
      switch (message.type) {
        case 'ready':
          return 'emptyReason' in content
            ? { type: 'empty', uri: URI, file: FILE, reason: content.emptyReason, checks }
            : { type: 'summary', uri: URI, file: FILE, summary: content.summary, stale: content.stale ?? [], checks, runNote: content.runNote ?? null, originNote: content.originNote ?? null };
        case 'samples':
          return 'samples' in content ? { type: 'samples', page: pageOf(content.samples, message.filter, message.offset) } : undefined;
        case 'export':
          return { type: 'status', message: `Exported to ${message.format === 'json' ? 'reward-hacking-results.json' : `reward-hacking-${message.format.replace('-csv', '')}.csv`}.` };
        default:
          return undefined;
      }
    };
    await page.exposeBinding('inoculateTestHost', (_source, message: WebviewMessage) => {
      posted.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
      const reply = answer(message);
      if (reply) {
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

    const waitForMessage = (what: string, match: (message: WebviewMessage) => boolean, since = posted.length, timeoutMs = 15_000) =>
      new Promise<WebviewMessage>((resolve, reject) => {
        const already = posted.slice(since).find(match);
        if (already) return resolve(already);
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for the page to post ${what}; it posted: ${JSON.stringify(posted.slice(-5))}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (message: WebviewMessage) => {
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
