/**
 * The loss-curve webview (the real bundle `media/dist/lossCurve.js`, the real stylesheet, the host's own HTML with its
 * CSP and nonce) in headless Chromium, used with the keyboard only and read through Chromium's accessibility tree:
 * the same standards as the results view, checked for real.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LossCurveHostMessage, LossCurveWebviewMessage } from '../../client/src/train/lossCurveProtocol';
import type { MetricPoint } from '../../core/src/train/types';
import { ensureBrowserTools, launchChromium, ROOT, type Browser } from './browser';
import { ensureLossCurveBundle, openLossCurvePage, type LossCurvePage } from './lossCurvePage';
import { DARK_THEME, LIGHT_THEME, computedColour, paletteOf, themeVariablesUsed } from './themes';

// The results view's themes plus the one chart colour only this view uses (each value distinct from all others).
const DARK: Record<string, string> = { ...DARK_THEME, '--vscode-charts-orange': '#d18616' };
const LIGHT: Record<string, string> = { ...LIGHT_THEME, '--vscode-charts-orange': '#c45508' };

const POINTS: MetricPoint[] = [
  { step: 1, epoch: 0.33, trainLoss: 1.25, tokenAccuracy: 0.5 },
  { step: 2, epoch: 0.67, trainLoss: 0.8, validLoss: 0.9, tokenAccuracy: 0.6 },
  { step: 3, epoch: 1, trainLoss: 0.42, validLoss: 0.61, tokenAccuracy: 0.71 },
];
const curve = (points: MetricPoint[], title = 'very-mean, seed 0'): LossCurveHostMessage => ({
  type: 'curve',
  runId: '8c0f3e1a2b3c4d5e',
  workspaceUri: 'file:///w',
  title,
  subtitle: 'examples/toxicity.inoc · openai gpt-4.1-mini · job ftjob-1 · running (2m 10s)',
  points,
});

interface Focused {
  role: string;
  name: string;
  tag: string;
  outline: { style: string; width: number; color: string };
  focusVisible: boolean;
}

async function focused(view: LossCurvePage): Promise<Focused> {
  const { result } = await view.cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  const { nodes } = await view.cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
  const node = nodes[0] as { role?: { value?: string }; name?: { value?: string } };
  const seen = await view.page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    return { tag: element.tagName.toLowerCase(), outline: { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor }, focusVisible: element.matches(':focus-visible') };
  });
  return { role: node.role?.value ?? '', name: node.name?.value ?? '', ...seen };
}

async function press(view: LossCurvePage, key: string): Promise<Focused> {
  await view.page.keyboard.press(key);
  return focused(view);
}

const rendered = (m: LossCurveWebviewMessage) => m.type === 'rendered';

async function pressAndWait(view: LossCurvePage, key: string, what: string): Promise<LossCurveWebviewMessage> {
  const since = view.posted.length;
  await view.page.keyboard.press(key);
  return view.waitForMessage(what, rendered, since);
}

const liveRegion = (view: LossCurvePage) => view.page.evaluate(() => document.getElementById('status')!.textContent);

const tableText = (view: LossCurvePage) =>
  view.page.evaluate(() => ({
    headers: Array.from(document.querySelectorAll('#data thead th')).map((th) => [th.textContent, th.getAttribute('scope')]),
    rows: Array.from(document.querySelectorAll('#data tbody tr')).map((tr) => Array.from(tr.children).map((c) => `${c.tagName.toLowerCase()}:${c.textContent}`)),
    caption: document.querySelector('#data caption')?.textContent,
  }));

function assertClean(view: LossCurvePage): void {
  assert.deepEqual(view.violations, [], 'CSP violations');
  assert.deepEqual(view.consoleErrors, [], 'console errors');
  assert.deepEqual(view.pageErrors, [], 'uncaught page errors');
}

describe('the loss-curve webview in Chromium, by keyboard', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let view: LossCurvePage | undefined;
  const open = async (first: LossCurveHostMessage = curve(POINTS)) => (view = await openLossCurvePage(browser!, first, { kind: 'vscode-dark', variables: DARK }));

  before(async function () {
    this.timeout(900_000);
    ensureBrowserTools();
    ensureLossCurveBundle();
    browser = await launchChromium();
  });

  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  after(async () => {
    await browser?.close();
  });

  it('reaches the series toggles and the data table by Tab, each with a role, a name and a visible focus', async () => {
    const page = await open();
    const stops: Focused[] = [];
    for (let i = 0; i < 10; i++) {
      const now = await press(page, 'Tab');
      if (now.tag === 'body') break;
      stops.push(now);
    }
    assert.deepEqual(
      stops.map((s) => `${s.role} "${s.name}"`),
      ['button "train loss"', 'region "Data"'],
      'the toolbar is one Tab stop, and the scrollable table is reachable',
    );
    for (const stop of stops) {
      assert.ok(stop.focusVisible && stop.outline.style !== 'none' && stop.outline.width >= 1, `${stop.name}: no visible focus`);
      assert.equal(stop.outline.color, computedColour(DARK['--vscode-focusBorder']!));
    }
    assertClean(page);
  });

  it('toggles the series from the toolbar with the arrow keys, Enter and Space, saying what is shown', async () => {
    const page = await open();
    await press(page, 'Tab');
    const second = await press(page, 'ArrowRight');
    assert.equal(second.name, 'validation loss');
    assert.equal(await page.page.evaluate(() => document.activeElement!.getAttribute('aria-pressed')), 'true');
    let drawn = await pressAndWait(page, 'Enter', 'the chart without the validation loss');
    assert.deepEqual(drawn.type === 'rendered' && drawn.series, ['train loss']);
    assert.equal(await page.page.evaluate(() => document.activeElement!.getAttribute('aria-pressed')), 'false');
    assert.equal(await page.page.evaluate(() => document.querySelectorAll('svg .series.validLoss').length), 0);
    assert.equal(await liveRegion(page), 'validation loss hidden.');
    assert.equal((await focused(page)).name, 'validation loss', 'the focus stays on the toggle');
    drawn = await pressAndWait(page, ' ', 'the chart with it again');
    assert.deepEqual(drawn.type === 'rendered' && drawn.series, ['train loss', 'validation loss']);
    assert.equal((await press(page, 'ArrowRight')).name, 'train loss', 'the arrows wrap around');
    assert.equal((await press(page, 'End')).name, 'validation loss');
    assertClean(page);
  });

  it('describes the chart in words and offers every figure in a data table', async () => {
    const page = await open();
    const chart = await page.page.evaluate(() => {
      const svg = document.querySelector('svg.loss-chart')!;
      return {
        role: svg.getAttribute('role'),
        labelledBy: document.getElementById(svg.getAttribute('aria-labelledby')!)?.textContent,
        description: document.getElementById(svg.getAttribute('aria-describedby')!)?.textContent,
        validDashed: getComputedStyle(svg.querySelector('.validLoss .line')!).strokeDasharray,
        trainDashed: getComputedStyle(svg.querySelector('.trainLoss .line')!).strokeDasharray,
      };
    });
    assert.equal(chart.role, 'img');
    assert.equal(chart.labelledBy, 'Loss per training step');
    assert.equal(chart.description, 'train loss: 3 points, from 1.25 at step 1 to 0.42 at step 3, lowest 0.42 at step 3. validation loss: 2 points, from 0.9 at step 2 to 0.61 at step 3, lowest 0.61 at step 3.');
    assert.notEqual(chart.validDashed, 'none', 'the validation loss differs from the train loss without colour');
    assert.equal(chart.trainDashed, 'none');
    // The accessibility tree exposes the chart as one image with its name and description.
    const { nodes } = await page.cdp.send('Accessibility.getFullAXTree');
    const image = (nodes as Array<{ role?: { value?: string }; name?: { value?: string }; description?: { value?: string } }>).find((n) => n.role?.value === 'image');
    assert.equal(image?.name?.value, 'Loss per training step');
    assert.match(image?.description?.value ?? '', /^train loss: 3 points/);
    const table = await tableText(page);
    assert.deepEqual(table.headers, [['Step', 'col'], ['Epoch', 'col'], ['Train loss', 'col'], ['Validation loss', 'col'], ['Token accuracy', 'col']]);
    assert.deepEqual(table.rows, [
      ['th:1', 'td:0.33', 'td:1.25', 'td:—', 'td:0.5'],
      ['th:2', 'td:0.67', 'td:0.8', 'td:0.9', 'td:0.6'],
      ['th:3', 'td:1', 'td:0.42', 'td:0.61', 'td:0.71'],
    ]);
    assert.match(table.caption!, /one row per reported step/);
    assertClean(page);
  });

  it('follows the job: a new curve redraws, is announced, and keeps the focus where it was', async () => {
    const page = await open();
    await press(page, 'Tab');
    await press(page, 'ArrowRight');
    const since = page.posted.length;
    await page.send(curve([...POINTS, { step: 4, trainLoss: 0.3, validLoss: 0.5 }]));
    const drawn = await page.waitForMessage('the update', rendered, since);
    assert.deepEqual(drawn.type === 'rendered' && [drawn.points, drawn.tableRows], [4, 4]);
    assert.equal(await liveRegion(page), 'Loss curve updated: 4 points, latest step 4, train loss 0.3.');
    assert.equal((await focused(page)).name, 'validation loss');
    assertClean(page);
  });

  it('says when nothing was reported yet, and when the run is gone', async () => {
    const page = await open(curve([]));
    const note = await page.page.evaluate(() => document.querySelector('#toolbar .empty')?.textContent);
    assert.match(note!, /^No loss has been reported yet/);
    assert.equal(await page.page.evaluate(() => document.querySelector('svg desc')?.textContent), 'No loss has been reported yet.');
    const since = page.posted.length;
    await page.send({ type: 'missing', runId: '8c0f3e1a2b3c4d5e', reason: 'No run 8c0f3e1a2b3c4d5e is recorded in this workspace any more.' });
    await page.waitForMessage('the missing state', rendered, since);
    assert.equal(await liveRegion(page), 'No run 8c0f3e1a2b3c4d5e is recorded in this workspace any more.');
    assertClean(page);
  });

  it('shows a variant name from the file as text, never as markup', async () => {
    const page = await open(curve(POINTS, '<img src=x onerror="window.pwned=1">, seed 0'));
    const result = await page.page.evaluate(() => ({ heading: document.querySelector('h1')!.textContent, images: document.querySelectorAll('img').length, pwned: (window as unknown as { pwned?: number }).pwned }));
    assert.deepEqual(result, { heading: 'Loss curve: <img src=x onerror="window.pwned=1">, seed 0', images: 0, pwned: undefined });
    assertClean(page);
  });

  it('lists an even sample of a long curve in the table, saying so', async () => {
    const long = Array.from({ length: 2001 }, (_, i) => ({ step: i + 1, trainLoss: 2 / (i + 1) }));
    const page = await open(curve(long));
    const drawn = page.posted.find(rendered)!;
    assert.deepEqual(drawn.type === 'rendered' && [drawn.points, drawn.tableRows <= 501], [2001, true]);
    assert.match((await page.page.evaluate(() => document.querySelector('#data .note')?.textContent))!, /^Showing \d+ of 2001 points/);
    assertClean(page);
  });

  it('keeps to its CSP: only its own files load, nothing inline, and the policy really blocks inline code', async () => {
    const page = await open();
    await press(page, 'Tab');
    await pressAndWait(page, 'Enter', 'a redraw');
    assertClean(page);
    assert.deepEqual(page.requested.sort(), ['/', '/media/dist/lossCurve.js', '/media/lossCurve.css']);
    const inline = await page.page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('*'));
      return {
        styled: all.filter((e) => e !== document.documentElement && e.hasAttribute('style')).map((e) => e.outerHTML.slice(0, 80)),
        handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}.${a.name}`)),
        scripts: Array.from(document.scripts).map((s) => ({ src: new URL(s.src).pathname, nonce: (s.nonce ?? '').length > 0, inline: s.textContent!.trim().length > 0 })),
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
      };
    });
    assert.deepEqual(inline.styled, []);
    assert.deepEqual(inline.handlers, []);
    assert.deepEqual(inline.scripts, [{ src: '/media/dist/lossCurve.js', nonce: true, inline: false }]);
    assert.match(inline.csp!, /^default-src 'none'; style-src http:\/\/127\.0\.0\.1:\d+; script-src 'nonce-[A-Za-z0-9+/=]{24}'; img-src http:\/\/127\.0\.0\.1:\d+ data:$/);
    const ran = await page.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true;';
      document.body.append(script);
      return (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan === true;
    });
    assert.equal(ran, false, 'an inline script ran');
    await page.page.waitForFunction(() => (window as unknown as { inoculateTestViolations: unknown[] }).inoculateTestViolations.length >= 1);
    assert.ok(page.violations.some((v) => v.directive.startsWith('script-src')) || (await page.page.evaluate(() => (window as unknown as { inoculateTestViolations: Array<{ directive: string }> }).inoculateTestViolations.some((v) => v.directive.startsWith('script-src')))));
  });

  it("takes every colour from the theme's --vscode-* variables, in a dark and a light theme", async () => {
    const css = readFileSync(join(ROOT, 'media/lossCurve.css'), 'utf8');
    for (const variable of themeVariablesUsed(css)) {
      assert.ok(variable in DARK && variable in LIGHT, `the test themes must define ${variable}`);
    }
    const page = await open();
    await press(page, 'Tab');
    const paintedColours = () =>
      page.page.evaluate(() => {
        const shapes = new Set(['circle', 'line', 'text', 'rect', 'path', 'polyline', 'polygon', 'ellipse']);
        const found: Array<{ where: string; property: string; value: string }> = [];
        for (const element of [document.body, ...Array.from(document.body.querySelectorAll('*'))]) {
          const style = getComputedStyle(element);
          if (style.display === 'none') continue;
          const where = `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''}`;
          const properties = ['color', 'background-color'];
          for (const side of ['top', 'right', 'bottom', 'left']) {
            if (style.getPropertyValue(`border-${side}-style`) !== 'none' && parseFloat(style.getPropertyValue(`border-${side}-width`)) > 0) properties.push(`border-${side}-color`);
          }
          if (style.outlineStyle !== 'none') properties.push('outline-color');
          const tag = element.tagName.toLowerCase();
          if (element instanceof SVGElement && shapes.has(tag)) {
            if (tag !== 'line' && style.fill !== 'none') properties.push('fill');
            if (style.stroke !== 'none') properties.push('stroke');
          }
          for (const property of properties) found.push({ where, property, value: style.getPropertyValue(property) });
        }
        return found;
      });
    const transparent = 'rgba(0, 0, 0, 0)';
    for (const [kind, theme] of [['vscode-dark', DARK], ['vscode-light', LIGHT]] as const) {
      await page.setTheme(kind, theme);
      const palette = paletteOf(theme);
      const foreign = (await paintedColours()).filter((c) => c.value !== transparent && !palette.has(c.value));
      assert.deepEqual(foreign, [], `${kind}: colours that come from no theme variable`);
      const colour = (name: string) => computedColour(theme[name as keyof typeof theme]!);
      const style = (selector: string, property: string) => page.page.evaluate(({ selector, property }) => getComputedStyle(document.querySelector(selector)!).getPropertyValue(property), { selector, property });
      assert.equal(await style('body', 'color'), colour('--vscode-foreground'), kind);
      assert.equal(await style('body', 'background-color'), colour('--vscode-editor-background'), kind);
      assert.equal(await style('svg .trainLoss .line', 'stroke'), colour('--vscode-charts-blue'), kind);
      assert.equal(await style('svg .validLoss .line', 'stroke'), colour('--vscode-charts-orange'), kind);
      assert.equal(await style('svg .tick-label', 'fill'), colour('--vscode-foreground'), kind);
      assert.equal((await focused(page)).outline.color, colour('--vscode-focusBorder'), `${kind}: focus outline`);
    }
    assertClean(page);
  });
});
