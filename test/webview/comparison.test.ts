/**
 * The comparison webview (the real bundle `media/dist/comparison.js`, the real stylesheet, the host's own HTML with
 * its CSP and nonce) in headless Chromium, fed an evaluation with hostile names (test/support/evalSummaryFixture.ts)
 * through the host's own message builder, used with the keyboard only and read through Chromium's accessibility
 * tree: the results view's standards, checked for real.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComparisonHostMessage, ComparisonWebviewMessage, EvalSamplePage } from '../../client/src/eval/comparisonProtocol';
import { agreementViews, comparisonMessage } from '../../client/src/eval/comparisonView';
import { HOSTILE_NAMES, hostileSummary } from '../support/evalSummaryFixture';
import { ensureBrowserTools, launchChromium, ROOT, type Browser } from './browser';
import { ensureComparisonBundle, openComparisonPage, type ComparisonPage } from './comparisonPage';
import { computedColour, DARK_THEME, themeVariablesUsed } from './themes';

const DARK: Record<string, string> = {
  ...DARK_THEME,
  '--vscode-charts-purple': '#b180d7',
  '--vscode-button-foreground': '#fffffe',
  '--vscode-button-background': '#0078d5',
};

const summary = hostileSummary();
const first = comparisonMessage(summary, 'file:///w/x.inoc', 'evil/<i>file</i>.inoc', [], 'today');
const RECORDS = ['0123456789abcdef', 'fedcba9876543210'];

/** The stand-in host: the summary on `ready`, two hostile samples per cell, labels kept and agreement recomputed (one label). */
function host(labels: Map<string, 'agree' | 'disagree'>) {
  return (message: ComparisonWebviewMessage): ComparisonHostMessage[] => {
    if (message.type === 'ready') return [first];
    if (message.type === 'samples') {
      const page: EvalSamplePage = {
        cell: message.cell,
        offset: 0,
        total: 2,
        samples: RECORDS.map((id, i) => ({
          id,
          item: i + 1,
          sample: 0,
          response: `${HOSTILE_NAMES[i]} <b>bold</b>`,
          behavior: i === 0,
          capability: true,
          error: null,
          labels: { behavior: labels.get(id) ?? null, capability: null },
        })),
      };
      return [{ type: 'samples', page }];
    }
    if (message.type === 'label') {
      labels.set(message.record, message.verdict);
      const agreement = agreementViews(summary.agreement).map((a) => (a.outcome === 'behavior' ? { ...a, used: labels.size, kappa: 0.2, level: 'warn' as const, message: 'judge agreement with hand labels is low' } : a));
      return [{ type: 'agreement', agreement }];
    }
    return [];
  };
}

interface Focused {
  role: string;
  name: string;
  tag: string;
  outline: { style: string; width: number; color: string };
  focusVisible: boolean;
}

async function focused(view: ComparisonPage): Promise<Focused> {
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

async function tabTo(view: ComparisonPage, name: string | RegExp, limit = 60): Promise<Focused> {
  for (let i = 0; i < limit; i++) {
    await view.page.keyboard.press('Tab');
    const now = await focused(view);
    if (typeof name === 'string' ? now.name === name : name.test(now.name)) return now;
  }
  throw new Error(`no Tab stop named ${name}`);
}

function assertClean(view: ComparisonPage): void {
  assert.deepEqual(view.violations, [], 'CSP violations');
  assert.deepEqual(view.consoleErrors, [], 'console errors');
  assert.deepEqual(view.pageErrors, [], 'uncaught page errors');
}

const liveRegion = (view: ComparisonPage) => view.page.evaluate(() => document.getElementById('status')!.textContent);

describe('the comparison webview in Chromium, by keyboard', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let view: ComparisonPage | undefined;
  const open = async (labels = new Map<string, 'agree' | 'disagree'>()) => (view = await openComparisonPage(browser!, host(labels), { kind: 'vscode-dark', variables: DARK }));

  before(async function () {
    this.timeout(900_000);
    ensureBrowserTools();
    ensureComparisonBundle();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await view?.close();
    view = undefined;
  });
  after(async () => {
    await browser?.close();
  });

  it('takes every colour from the theme: the stylesheet names only --vscode-* variables, no colour of its own', () => {
    const css = readFileSync(join(ROOT, 'media/comparison.css'), 'utf8');
    for (const name of themeVariablesUsed(css)) assert.ok(name in DARK, `${name} is used but not in the test theme`);
    assert.doesNotMatch(css.replace(/\/\*[\s\S]*?\*\//g, ''), /#[0-9a-f]{3,8}\b|rgb\(/i, 'a hard-coded colour');
  });

  it('draws core\'s three charts as accessible images, and hostile names as text only, under the strict CSP', async () => {
    const page = await open();
    const seen = await page.page.evaluate(() => ({
      charts: Array.from(document.querySelectorAll('.chart svg')).map((svg) => ({ role: svg.getAttribute('role'), title: svg.querySelector('title')?.textContent })),
      scripts: document.querySelectorAll('script').length,
      images: document.querySelectorAll('img').length,
      bold: document.querySelectorAll('#root b').length,
      rowHeaders: Array.from(document.querySelectorAll('#table tbody th')).map((th) => th.textContent),
      responses: Array.from(document.querySelectorAll('.response')).map((pre) => pre.textContent),
      heading: document.querySelector('h1')?.textContent,
    }));
    assert.deepEqual(seen.charts.map((c) => c.role), ['img', 'img', 'img']);
    assert.match(seen.charts[0]!.title!, /^Rates of the behaviour and the capability/);
    assert.equal(seen.scripts, 1, 'only the page script');
    assert.equal(seen.images, 0);
    assert.equal(seen.bold, 0, 'model output is text, never markup');
    assert.ok(seen.rowHeaders.includes(HOSTILE_NAMES[0]!));
    assert.equal(seen.responses[0], `${HOSTILE_NAMES[0]} <b>bold</b>`);
    assert.equal(seen.heading, 'Comparison: evil/<i>file</i>.inoc');
    // The accessibility tree has the charts as named images.
    const { nodes } = await page.cdp.send('Accessibility.getFullAXTree');
    const images = (nodes as Array<{ role?: { value?: string }; name?: { value?: string } }>).filter((n) => n.role?.value === 'image').map((n) => n.name?.value);
    assert.equal(images.length, 3);
    assert.ok(images.every((name) => name && name.length > 10), JSON.stringify(images));
    // Theme colours, not the charts' own.
    const fill = await page.page.evaluate(() => getComputedStyle(document.querySelector('.chart svg text')!).fill);
    assert.equal(fill, computedColour(DARK['--vscode-foreground']!));
    assertClean(page);
  });

  it('reaches every control by Tab, each with a role, a name and a visible focus', async () => {
    const page = await open();
    const stops: Focused[] = [];
    for (let i = 0; i < 40; i++) {
      await page.page.keyboard.press('Tab');
      const now = await focused(page);
      if (now.tag === 'body') break;
      stops.push(now);
    }
    const names = stops.map((s) => `${s.role} "${s.name}"`);
    assert.deepEqual(names.slice(0, 5), ['button "Export CSV"', 'button "Export JSON"', 'button "Save report (HTML)"', 'button "Save report (Markdown + SVG)"', 'button "Open the file"']);
    assert.ok(names.includes('button "B [95% CI] (k/n)"'), names.join(', '));
    assert.ok(names.includes('combobox "Model and condition"'), names.join(', '));
    assert.ok(names.filter((n) => n === 'button "Disagree"').length >= 2, names.join(', '));
    for (const stop of stops) {
      assert.ok(stop.role && stop.name, `a stop without role or name: ${JSON.stringify(stop)}`);
      assert.ok(stop.focusVisible && stop.outline.style !== 'none' && stop.outline.width >= 1, `${stop.name}: no visible focus`);
    }
    assertClean(page);
  });

  it('sorts the table from its column headers by keyboard, says so, and keeps the focus', async () => {
    const page = await open();
    await tabTo(page, 'B [95% CI] (k/n)');
    await page.page.keyboard.press('Enter');
    const after = await page.page.evaluate(() => ({
      sort: document.querySelector('#table th[data-column="b"]')!.getAttribute('aria-sort'),
      rates: Array.from(document.querySelectorAll('#table tbody tr td:nth-child(4)')).map((td) => parseInt(td.textContent!, 10)),
    }));
    assert.equal(after.sort, 'ascending');
    assert.deepEqual(after.rates, [...after.rates].sort((a, b) => a - b));
    assert.equal(await liveRegion(page), 'Sorted by B [95% CI] (k/n), ascending.');
    assert.equal((await focused(page)).name, 'B [95% CI] (k/n)');
    await page.page.keyboard.press('Enter');
    assert.equal(await page.page.evaluate(() => document.querySelector('#table th[data-column="b"]')!.getAttribute('aria-sort')), 'descending');
    assertClean(page);
  });

  it('labels a sample by keyboard: the label is posted, shown pressed, the agreement warning shown, the focus kept', async () => {
    const page = await open();
    await tabTo(page, 'Disagree');
    const since = page.posted.length;
    await page.page.keyboard.press('Enter');
    const label = await page.waitForMessage('the label', (m) => m.type === 'label', since);
    assert.deepEqual(label, { type: 'label', record: RECORDS[0], outcome: 'behavior', verdict: 'disagree' });
    await page.waitForMessage('the page drawn again', (m) => m.type === 'rendered' && m.agreement.some((a) => /κ 0\.20 from 1 hand label — below 0\.6/.test(a)), since);
    const state = await page.page.evaluate(() => ({
      pressed: document.activeElement!.getAttribute('aria-pressed'),
      warn: document.querySelector('#agreement li.warn')?.textContent,
      mark: document.querySelector('#table tbody td:nth-child(4)')!.textContent,
    }));
    assert.equal(state.pressed, 'true');
    assert.match(state.warn!, /^B grader \(judge, a judge\): κ 0\.20/);
    assert.match(state.mark, /\(κ 0\.20 ⚠\)$/, 'the κ beside the rates the judge produced');
    assert.equal((await focused(page)).name, 'Disagree');
    assertClean(page);
  });
});
