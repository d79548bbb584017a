/**
 * The results webview (the real bundle `media/dist/results.js`, the real stylesheet, the host's own HTML with its CSP
 * and nonce) in headless Chromium, used with the keyboard only, and read through Chromium's accessibility tree: what
 * the issue promises ("usable with the keyboard and a screen reader", a strict CSP, theme colours) checked for real.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebviewMessage } from '../../client/src/results/protocol';
import { originNote } from '../../client/src/results/runNote';
import { ensureBrowserTools, ensureResultsBundle, launchChromium, ROOT, type Browser } from './browser';
import { fixtureSamples, fixtureSummary } from './resultsFixture';
import { openResultsPage, type ResultsPage } from './resultsPage';
import { DARK_THEME, LIGHT_THEME, computedColour, paletteOf, themeVariablesUsed } from './themes';

const summary = fixtureSummary();
const samples = fixtureSamples();
const dark = { kind: 'vscode-dark' as const, variables: DARK_THEME };

/** The focused element as a screen reader gets it (Chromium's accessibility node) and as a sighted user sees it. */
interface Focused {
  role: string;
  name: string;
  tag: string;
  outline: { style: string; width: number; color: string };
  focusVisible: boolean;
}

async function focused(view: ResultsPage): Promise<Focused> {
  const { result } = await view.cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  const { nodes } = await view.cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
  const node = nodes[0] as { role?: { value?: string }; name?: { value?: string } };
  const seen = await view.page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      outline: { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor },
      focusVisible: element.matches(':focus-visible'),
    };
  });
  return { role: node.role?.value ?? '', name: node.name?.value ?? '', ...seen };
}

const label = (f: Focused) => `${f.role} "${f.name}"`;

/** Presses `key` and returns what has the focus afterwards. */
async function press(view: ResultsPage, key: string): Promise<Focused> {
  await view.page.keyboard.press(key);
  return focused(view);
}

/** The live region's text (what a screen reader announces). */
const liveRegion = (view: ResultsPage) => view.page.evaluate(() => document.getElementById('status')!.textContent);

/** Presses `key` and waits for the page to post the message `match` accepts (e.g. its request, or `rendered`). */
async function pressAndWait(view: ResultsPage, key: string, what: string, match: (message: WebviewMessage) => boolean): Promise<WebviewMessage> {
  const since = view.posted.length;
  await view.page.keyboard.press(key);
  return view.waitForMessage(what, match, since);
}

const renderedPage = (m: WebviewMessage) => m.type === 'rendered';

/** Presses `key`, waits until the page has asked for samples and drawn the answer, and returns its request. */
async function pressForSamples(view: ResultsPage, key: string, what: string): Promise<WebviewMessage> {
  const since = view.posted.length;
  await view.page.keyboard.press(key);
  const request = await view.waitForMessage(`a request for ${what}`, (m) => m.type === 'samples', since);
  await view.waitForMessage(`${what} drawn`, renderedPage, since + view.posted.slice(since).indexOf(request));
  return request;
}

/** The arms table as text: the sort state of each header and each row's cells. */
const table = (view: ResultsPage) =>
  view.page.evaluate(() => ({
    sort: Object.fromEntries(Array.from(document.querySelectorAll('#arms thead th')).map((th) => [th.textContent!.trim(), th.getAttribute('aria-sort')])),
    rows: Array.from(document.querySelectorAll('#arms tbody tr')).map((tr) => Array.from(tr.children).map((cell) => cell.textContent!)),
  }));

/** The page broke no rule of its CSP, logged no error and threw nothing. */
function assertClean(view: ResultsPage): void {
  assert.deepEqual(view.violations, [], 'CSP violations');
  assert.deepEqual(view.consoleErrors, [], 'console errors');
  assert.deepEqual(view.pageErrors, [], 'uncaught page errors');
}

describe('the results webview in Chromium, by keyboard', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let view: ResultsPage | undefined;
  const open = async (content: Parameters<typeof openResultsPage>[1] = { summary, samples }) => (view = await openResultsPage(browser!, content, dark));

  before(async function () {
    // The first run on a machine installs the test bed's Chromium and playwright-core (minutes), like the e2e suite.
    this.timeout(900_000);
    ensureBrowserTools();
    ensureResultsBundle();
    browser = await launchChromium();
  });

  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  after(async () => {
    await browser?.close();
  });

  it('reaches every control by Tab in reading order, each with a role, an accessible name and a visible focus', async () => {
    const page = await open();
    const stops: Focused[] = [];
    for (let i = 0; i < 60; i++) {
      const now = await press(page, 'Tab');
      if (now.tag === 'body') break;
      // Mark the element, to find afterwards the controls Tab never reached.
      await page.page.evaluate((n) => document.activeElement!.setAttribute('data-test-tab-stop', String(n)), i);
      stops.push(now);
    }
    const expected = [
      'button "Export arms (CSV)"', // the toolbar: one stop (its other buttons are on the arrow keys)
      'button "Arm"',
      'button "Rate"',
      'button "Lift vs control"',
      'button "Predicted"',
      'button "n"',
      'combobox "Arm"',
      'combobox "Grade"',
      'button "Next"', // "Previous" is disabled on the first page
      ...Array.from({ length: 25 }, () => 'DisclosureTriangle "Prompt"'),
    ];
    assert.deepEqual(stops.map(label), expected);
    const focusBorder = computedColour(DARK_THEME['--vscode-focusBorder']!);
    for (const stop of stops) {
      assert.ok(stop.name.trim(), `${stop.tag} has no accessible name`);
      assert.ok(stop.focusVisible, `${label(stop)} does not match :focus-visible`);
      assert.notEqual(stop.outline.style, 'none', `${label(stop)} shows no focus outline`);
      assert.ok(stop.outline.width >= 1, `${label(stop)}: outline ${stop.outline.width}px`);
      assert.equal(stop.outline.color, focusBorder, `${label(stop)}: the focus outline is not the theme's focusBorder`);
    }
    const unreached = await page.page.evaluate(() =>
      Array.from(document.querySelectorAll('button:not(:disabled), select, summary, a[href], input, textarea, [tabindex]:not([tabindex="-1"])'))
        .filter((e) => !e.hasAttribute('data-test-tab-stop'))
        .map((e) => ({ text: e.textContent, inToolbar: !!e.closest('[role="toolbar"]'), tabIndex: (e as HTMLElement).tabIndex })),
    );
    // Only the toolbar's other buttons are off the Tab sequence (the next test moves to them with the arrows).
    assert.deepEqual(unreached, ['Export samples (CSV)', 'Export all (JSON)', 'Open the file', 'Run again'].map((text) => ({ text, inToolbar: true, tabIndex: -1 })));
    assertClean(page);
  });

  it('moves through the toolbar with the arrow keys, and each export button posts its format to the host', async () => {
    const page = await open();
    assert.equal(label(await press(page, 'Tab')), 'button "Export arms (CSV)"');
    const exports = () => page.posted.filter((m) => m.type === 'export');
    await pressAndWait(page, 'Enter', 'the arms CSV export', (m) => m.type === 'export');
    await page.page.waitForFunction(() => document.getElementById('status')!.textContent === 'Exported to reward-hacking-arms.csv.');
    assert.equal(label(await press(page, 'ArrowRight')), 'button "Export samples (CSV)"');
    await pressAndWait(page, ' ', 'the samples CSV export', (m) => m.type === 'export');
    assert.equal(label(await press(page, 'ArrowRight')), 'button "Export all (JSON)"');
    await pressAndWait(page, 'Enter', 'the JSON export', (m) => m.type === 'export');
    assert.deepEqual(exports(), [
      { type: 'export', format: 'arms-csv' },
      { type: 'export', format: 'samples-csv' },
      { type: 'export', format: 'json' },
    ]);
    await page.page.waitForFunction(() => document.getElementById('status')!.textContent === 'Exported to reward-hacking-results.json.');

    assert.equal(label(await press(page, 'End')), 'button "Run again"');
    assert.equal(label(await press(page, 'ArrowRight')), 'button "Export arms (CSV)"', 'wraps to the first');
    assert.equal(label(await press(page, 'ArrowLeft')), 'button "Run again"', 'wraps to the last');
    assert.equal(label(await press(page, 'ArrowLeft')), 'button "Open the file"');
    assert.equal(label(await press(page, 'Home')), 'button "Export arms (CSV)"');
    assert.equal(label(await press(page, 'ArrowLeft')), 'button "Run again"');
    await pressAndWait(page, 'Enter', 'the re-run request', (m) => m.type === 'rerun');
    // Leaving and coming back lands on the button last used.
    assert.equal(label(await press(page, 'Tab')), 'button "Arm"');
    assert.equal(label(await press(page, 'Shift+Tab')), 'button "Run again"');
    assert.equal(exports().length, 3, 'moving with the arrows posts nothing');
    assertClean(page);
  });

  it('sorts the arms table from its column headers by keyboard, with aria-sort, the new order and an announcement', async () => {
    const page = await open();
    const names = async () => (await table(page)).rows.map((row) => row[0]);
    assert.deepEqual(await names(), ['test-specific', 'only-this-test', 'pass-the-test', 'irrelevant (control)']);
    assert.deepEqual((await table(page)).sort, { Arm: 'none', Rate: 'none', 'Lift vs control': 'none', Predicted: 'none', n: 'none' });

    await press(page, 'Tab');
    await press(page, 'Tab');
    assert.equal(label(await press(page, 'Tab')), 'button "Rate"');
    await page.page.keyboard.press('Enter');
    await page.page.waitForFunction(() => document.querySelector('th[data-column="rate"]')!.getAttribute('aria-sort') === 'descending');
    assert.deepEqual(await names(), ['only-this-test', 'test-specific', 'pass-the-test', 'irrelevant (control)']);
    assert.equal((await table(page)).sort.Arm, 'none');
    assert.equal(await liveRegion(page), 'Arms sorted by rate, descending.');
    assert.equal(label(await focused(page)), 'button "Rate"', 'the focus stays on the header just used');

    await page.page.keyboard.press(' ');
    await page.page.waitForFunction(() => document.querySelector('th[data-column="rate"]')!.getAttribute('aria-sort') === 'ascending');
    assert.deepEqual(await names(), ['irrelevant (control)', 'pass-the-test', 'test-specific', 'only-this-test']);
    assert.equal(await liveRegion(page), 'Arms sorted by rate, ascending.');

    // The control has no lift: it goes last either way.
    assert.equal(label(await press(page, 'Tab')), 'button "Lift vs control"');
    await page.page.keyboard.press('Enter');
    await page.page.waitForFunction(() => document.querySelector('th[data-column="lift"]')!.getAttribute('aria-sort') === 'descending');
    assert.equal((await table(page)).sort.Rate, 'none', 'only one column is sorted');
    assert.deepEqual(await names(), ['only-this-test', 'test-specific', 'pass-the-test', 'irrelevant (control)']);
    assert.equal(await liveRegion(page), 'Arms sorted by lift vs control, descending.');
    assertClean(page);
  });

  it("describes the forest plot in words, arm by arm, with the table's figures", async () => {
    const page = await open();
    const { nodes } = await page.cdp.send('Accessibility.getFullAXTree');
    const images = (nodes as Array<{ role?: { value?: string }; name?: { value?: string }; description?: { value?: string }; ignored?: boolean }>).filter(
      (n) => !n.ignored && n.role?.value === 'image',
    );
    assert.equal(images.length, 1, 'one image: the plot');
    const plot = images[0]!;
    assert.equal(plot.name?.value, 'Rate of the behaviour per arm (95% Wilson interval)');
    const description = plot.description?.value ?? '';
    const { rows } = await table(page);
    assert.equal(rows.length, summary.arms.length);
    for (const [arm, cells] of summary.arms.map((a, i) => [a, rows[i]!] as const)) {
      // The table's cells: "68% [52%, 80%] (27/40)" and "+63 pts [+43, +75] above 0" (or "—" for the control).
      assert.match(cells[1]!, /^\d+% \[\d+%, \d+%\] \(\d+\/\d+\)$/, `${arm.name}: rate cell`);
      assert.ok(cells[1]!.endsWith(`(${arm.k}/${arm.n})`), `${arm.name}: the table's counts`);
      const lift = cells[2] === '—' ? '' : `, lift ${cells[2]!.replace(/ above 0$/, ', above 0')}`;
      const spoken = `${cells[0]}: ${cells[1]}${lift}`;
      assert.ok(description.includes(spoken), `the plot's description lacks "${spoken}":\n${description}`);
    }
    assert.match(description, /The dashed line marks the control arm’s rate\.$/);
    // A mouse user gets the same text as each row's tooltip.
    const titles = await page.page.evaluate(() => Array.from(document.querySelectorAll('svg.forest g.row > title')).map((t) => t.textContent));
    assert.deepEqual(titles, description.replace(/ The dashed line.*$/, '').replace(/\.$/, '').split('; '));
    // Nothing is announced as busy once the results are shown.
    const main = (nodes as Array<{ role?: { value?: string }; properties?: Array<{ name: string; value: { value: unknown } }> }>).find((n) => n.role?.value === 'main');
    assert.ok(main, 'a main landmark');
    assert.equal(main.properties?.find((p) => p.name === 'busy')?.value.value ?? false, false, 'the main region is still marked busy');
    assertClean(page);
  });

  it('pages through the samples by keyboard, keeping the focus on the pager and announcing each page', async () => {
    const page = await open();
    let now: Focused | undefined;
    for (let i = 0; i < 9; i++) now = await press(page, 'Tab');
    assert.equal(label(now!), 'button "Next"');
    const request = await pressForSamples(page, 'Enter', 'the second page');
    assert.deepEqual(request, { type: 'samples', filter: { arm: null, grade: null }, offset: 25 });
    assert.equal(await liveRegion(page), `Samples 26–50 of ${samples.length} (all arms, all grades).`);
    assert.equal(label(await focused(page)), 'button "Next"', 'the focus stays on Next');
    const first = samples[25]!;
    assert.equal(
      await page.page.evaluate(() => document.querySelector('#samples article')!.getAttribute('aria-label')),
      `${first.arm}, sample 26: ${first.behavior ? 'showed the behaviour, not capable' : 'did not show the behaviour, capable'}`,
    );

    const lastOffset = Math.floor((samples.length - 1) / 25) * 25;
    for (let offset = 50; offset <= lastOffset; offset += 25) {
      await pressAndWait(page, 'Enter', `the page at ${offset}`, renderedPage);
    }
    assert.equal(await liveRegion(page), `Samples ${lastOffset + 1}–${samples.length} of ${samples.length} (all arms, all grades).`);
    // Next is disabled on the last page: the focus moves to Previous rather than to the top of the document.
    assert.equal(label(await focused(page)), 'button "Previous"');
    assert.equal(await page.page.evaluate(() => (document.querySelector('[data-page="next"]') as HTMLButtonElement).disabled), true);
    await pressAndWait(page, 'Enter', 'the page before the last', renderedPage);
    assert.equal(await liveRegion(page), `Samples ${lastOffset - 24}–${lastOffset} of ${samples.length} (all arms, all grades).`);
    assert.equal(label(await focused(page)), 'button "Previous"');
    assertClean(page);
  });

  it('filters the samples by arm and grade with the arrow keys, and announces what is shown', async () => {
    const page = await open();
    for (let i = 0; i < 7; i++) await press(page, 'Tab');
    assert.equal(label(await focused(page)), 'combobox "Arm"');
    const byArm = await pressForSamples(page, 'ArrowDown', 'the first arm');
    assert.deepEqual(byArm, { type: 'samples', filter: { arm: 'test-specific', grade: null }, offset: 0 });
    assert.equal(await liveRegion(page), 'Samples 1–25 of 40 (arm test-specific, all grades).');
    await pressAndWait(page, 'ArrowDown', 'the second arm', renderedPage);
    assert.equal(await liveRegion(page), 'Samples 1–25 of 40 (arm only-this-test, all grades).');

    assert.equal(label(await press(page, 'Tab')), 'combobox "Grade"');
    await pressAndWait(page, 'ArrowDown', 'the behaviour grade', renderedPage);
    assert.equal(await liveRegion(page), 'Samples 1–25 of 31 (arm only-this-test, showed the behaviour).');
    await pressAndWait(page, 'ArrowDown', 'the clean grade', renderedPage);
    assert.equal(await liveRegion(page), 'Samples 1–7 of 7 (arm only-this-test, did not show the behaviour).');
    const failed = await pressForSamples(page, 'ArrowDown', 'the failed samples');
    assert.deepEqual(failed, { type: 'samples', filter: { arm: 'only-this-test', grade: 'failed' }, offset: 0 });
    assert.equal(await liveRegion(page), 'Samples 1–2 of 2 (arm only-this-test, failed (no grade)).');
    assert.deepEqual(
      await page.page.evaluate(() => Array.from(document.querySelectorAll('#samples article')).map((a) => a.getAttribute('aria-label'))),
      ['only-this-test, sample 39: failed: the endpoint answered 500 three times', 'only-this-test, sample 40: failed: the endpoint answered 500 three times'],
    );
    // A filter that matches nothing says so.
    await press(page, 'Shift+Tab');
    await pressAndWait(page, 'End', 'the control arm', renderedPage);
    assert.equal(await liveRegion(page), 'No samples match (arm irrelevant, failed (no grade)).');
    assert.equal(await page.page.evaluate(() => Array.from(document.querySelectorAll('.pager button')).every((b) => (b as HTMLButtonElement).disabled)), true);
    assertClean(page);
  });

  it("opens and closes a sample's prompt with the keyboard", async () => {
    const page = await open();
    let now: Focused | undefined;
    for (let i = 0; i < 10; i++) now = await press(page, 'Tab');
    assert.equal(label(now!), 'DisclosureTriangle "Prompt"');
    const expanded = async () => {
      const { result } = await page.cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
      const { nodes } = await page.cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
      return (nodes[0].properties as Array<{ name: string; value: { value: unknown } }>).find((p) => p.name === 'expanded')?.value.value;
    };
    assert.equal(await expanded(), false);
    await page.page.keyboard.press('Enter');
    await page.page.waitForFunction(() => document.querySelector('#samples details')!.hasAttribute('open'));
    assert.equal(await expanded(), true);
    assert.match(await page.page.evaluate(() => document.querySelector('#samples details .prompt')!.textContent!), /Output a solution which passes the provided test case/);
    await page.page.keyboard.press(' ');
    await page.page.waitForFunction(() => !document.querySelector('#samples details')!.hasAttribute('open'));
    assert.equal(await expanded(), false);
    assertClean(page);
  });

  it('shows the empty state with its reason, and its buttons work by keyboard', async () => {
    const reason = 'No check has been run for this file yet (or its summary could not be read). Run one with “Run a check”.';
    const page = await open({ emptyReason: reason });
    assert.equal(await liveRegion(page), reason);
    assert.equal(label(await press(page, 'Tab')), 'button "Run a check"');
    await pressAndWait(page, 'Enter', 'the re-run request', (m) => m.type === 'rerun');
    assert.equal(label(await press(page, 'Tab')), 'button "Open the file"');
    await pressAndWait(page, ' ', 'the open-file request', (m) => m.type === 'openFile');
    assert.equal(await page.page.evaluate(() => document.getElementById('root')!.hasAttribute('aria-busy')), false);
    assertClean(page);
  });

  it('marks, in green and in words, exactly the candidates whose lift interval lies above 0 (as the CLI does)', async () => {
    const page = await open();
    const marks = await page.page.evaluate(() =>
      Array.from(document.querySelectorAll('#arms tbody tr')).map((tr) => ({
        arm: tr.querySelector('th')!.textContent,
        marked: tr.querySelector('td.lift.above .above-mark')?.textContent ?? null,
      })),
    );
    const expected = summary.arms.map((arm) => ({ arm: arm.name + (arm.control ? ' (control)' : ''), marked: arm.liftCi && arm.liftCi[0] > 0 ? 'above 0' : null }));
    assert.deepEqual(marks, expected);
    assert.ok(expected.some((e) => e.marked) && expected.some((e) => !e.marked && !e.arm.includes('control')), 'the fixture has a marked and an unmarked candidate');
    // The plot draws the same rows green, and its words say it.
    const plotted = await page.page.evaluate(() => Array.from(document.querySelectorAll('svg.forest g.row')).map((g) => [g.classList.contains('above'), g.querySelector('title')!.textContent!.endsWith(', above 0')]));
    assert.deepEqual(plotted, expected.map((e) => [e.marked !== null, e.marked !== null]));
    assertClean(page);
  });

  it('keeps the plot text at its size and the figures on one line in a side-by-side panel', async () => {
    for (const width of [560, 420, 1000]) {
      const page = (view = await openResultsPage(browser!, { summary, samples }, dark, { viewport: { width, height: 800 } }));
      const layout = await page.page.evaluate(() => {
        const svgElement = document.querySelector('svg.forest') as SVGSVGElement;
        const scale = svgElement.getBoundingClientRect().width / svgElement.viewBox.baseVal.width;
        const fontSize = parseFloat(getComputedStyle(svgElement.querySelector('text.label')!).fontSize);
        const labels = Array.from(svgElement.querySelectorAll('text.label')).map((t) => (t as SVGTextElement).getBoundingClientRect());
        const axis = (svgElement.querySelector(':scope > line.axis') as SVGLineElement).getBoundingClientRect();
        const wrapped = Array.from(document.querySelectorAll('#arms td.number')).filter((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1;
        }).map((cell) => cell.textContent);
        return { renderedFont: fontSize * scale, labelsClear: labels.every((l) => l.left >= 0 && l.right <= axis.left + 1), wrapped };
      });
      assert.ok(layout.renderedFont >= 11.9, `${width} px: the plot's labels are drawn at ${layout.renderedFont.toFixed(1)} px`);
      assert.ok(layout.labelsClear, `${width} px: a label runs into the axis or off the panel`);
      assert.deepEqual(layout.wrapped, [], `${width} px: figures wrapped`);
      assertClean(page);
      await page.close();
      view = undefined;
    }
  });

  it('redraws the plot at the new width when the panel is resized', async () => {
    const page = (view = await openResultsPage(browser!, { summary, samples }, dark, { viewport: { width: 1000, height: 800 } }));
    const drawnWidth = () => page.page.evaluate(() => (document.querySelector('svg.forest') as SVGSVGElement).viewBox.baseVal.width);
    const wide = await drawnWidth();
    // A webview is a page of its own: resizing the panel resizes its viewport.
    await page.page.setViewportSize({ width: 480, height: 800 });
    await page.page.waitForFunction((before) => (document.querySelector('svg.forest') as SVGSVGElement).viewBox.baseVal.width < before, wide);
    const narrow = await drawnWidth();
    assert.ok(narrow < wide && narrow <= 480, `${wide} → ${narrow}`);
    assertClean(page);
  });

  it('in Restricted Mode offers no check, says why, and offers to manage workspace trust instead', async () => {
    const checks = { canRun: false, reason: 'Checks are off in Restricted Mode: this workspace is not trusted.' };
    for (const content of [{ summary, samples, checks }, { emptyReason: 'No check has been run for this file yet.', checks }]) {
      const page = await open(content);
      const rendered = page.posted.find((m) => m.type === 'rendered') as Extract<WebviewMessage, { type: 'rendered' }>;
      assert.ok(!rendered.actions.some((a) => /run/i.test(a)), `a check is offered: ${rendered.actions.join(', ')}`);
      assert.ok(rendered.actions.includes('Manage Workspace Trust'), rendered.actions.join(', '));
      assert.ok(rendered.notes.includes(checks.reason), rendered.notes.join(' | '));
      const buttons = await page.page.evaluate(() => Array.from(document.querySelectorAll('button')).map((b) => b.textContent));
      assert.ok(!buttons.some((b) => /^Run/.test(b ?? '')), buttons.join(', '));
      await page.page.evaluate(() => (Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Manage Workspace Trust') as HTMLButtonElement).click());
      await page.waitForMessage('the trust request', (m) => m.type === 'manageTrust', 0);
      assert.ok(!page.posted.some((m) => m.type === 'rerun'));
      assertClean(page);
      await page.close();
      view = undefined;
    }
    // Trusted, the same page offers the check and no trust button.
    const trusted = await open();
    const rendered = trusted.posted.find((m) => m.type === 'rendered') as Extract<WebviewMessage, { type: 'rendered' }>;
    assert.ok(rendered.actions.includes('Run again'));
    assert.ok(!rendered.actions.includes('Manage Workspace Trust'));
  });

  it('says when the latest run produced nothing, above the earlier results it shows', async () => {
    const runNote = 'The latest run (started 11:00) produced no results: all 160 of its samples failed. The first failure: Could not reach http://127.0.0.1:9/v1';
    const page = await open({ summary, samples, runNote });
    const rendered = page.posted.find((m) => m.type === 'rendered') as Extract<WebviewMessage, { type: 'rendered' }>;
    assert.equal(rendered.notes[0], runNote);
    assert.equal(await page.page.evaluate(() => document.querySelector('#notes [role="note"]')!.className), 'warning');
    assertClean(page);
  });

  it('says, first, when the results shown were found in the repository rather than measured by the user', async () => {
    const note = originNote('elsewhere')!;
    const page = await open({ summary, samples, originNote: note, runNote: 'The latest run produced no results.' });
    const rendered = page.posted.find((m) => m.type === 'rendered') as Extract<WebviewMessage, { type: 'rendered' }>;
    assert.deepEqual(rendered.notes.slice(0, 2), [note, 'The latest run produced no results.']);
    assert.equal(await page.page.evaluate(() => document.querySelector('#notes [role="note"]')!.className), 'warning');
    assertClean(page);
    await page.close();
    view = undefined;
    const own = await open({ summary, samples, originNote: originNote('here') ?? undefined });
    const ownRendered = own.posted.find((m) => m.type === 'rendered') as Extract<WebviewMessage, { type: 'rendered' }>;
    assert.ok(!ownRendered.notes.some((n) => /elsewhere|not measured by you/.test(n)), ownRendered.notes.join(' | '));
    assertClean(own);
  });

  it('updates "changed since the check" while open, keeping the focus where it is', async () => {
    const page = await open();
    const notes = () => page.page.evaluate(() => Array.from(document.querySelectorAll('#notes [role="note"]')).map((n) => n.textContent));
    assert.ok(!(await notes()).some((n) => n?.startsWith('Changed since')));
    for (let i = 0; i < 3; i++) await press(page, 'Tab');
    const before = await focused(page);
    const since = page.posted.length;
    await page.send({ type: 'stale', stale: ['test-specific'] });
    const rendered = (await page.waitForMessage('the update drawn', renderedPage, since)) as Extract<WebviewMessage, { type: 'rendered' }>;
    assert.ok(rendered.notes.includes('Changed since the check: test-specific. Their results describe the old text.'), rendered.notes.join(' | '));
    assert.equal(await liveRegion(page), 'Changed since the check: test-specific.');
    assert.equal(label(await focused(page)), label(before), 'the focus stayed');
    const back = page.posted.length;
    await page.send({ type: 'stale', stale: [] });
    await page.waitForMessage('the update drawn', renderedPage, back);
    assert.ok(!(await notes()).some((n) => n?.startsWith('Changed since')));
    assert.equal(await liveRegion(page), 'The file matches the checked text again.');
    assertClean(page);
  });

  it('keeps to its CSP: only its own files load, nothing inline, and the policy really blocks inline code', async () => {
    const page = await open();
    // Use the view a little first: sorting, paging and filtering draw new DOM.
    await press(page, 'Tab');
    await press(page, 'Tab');
    await page.page.keyboard.press('Enter');
    for (let i = 0; i < 7; i++) await press(page, 'Tab');
    await pressAndWait(page, 'Enter', 'the second page', renderedPage);
    assertClean(page);
    assert.deepEqual(page.requested.sort(), ['/', '/media/dist/results.js', '/media/results.css']);
    const inline = await page.page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('*'));
      return {
        // VS Code sets the theme variables on the root element itself (so does this test); nothing else may.
        styled: all.filter((e) => e !== document.documentElement && e.hasAttribute('style')).map((e) => e.outerHTML.slice(0, 80)),
        handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}.${a.name}`)),
        javascriptUrls: all.flatMap((e) => Array.from(e.attributes).filter((a) => /^\s*javascript:/i.test(a.value)).map((a) => `${e.tagName}.${a.name}`)),
        styleElements: document.querySelectorAll('style').length,
        scripts: Array.from(document.scripts).map((s) => ({ src: new URL(s.src).pathname, nonce: (s.nonce ?? '').length > 0, inline: s.textContent!.trim().length > 0 })),
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
      };
    });
    assert.deepEqual(inline.styled, []);
    assert.deepEqual(inline.handlers, []);
    assert.deepEqual(inline.javascriptUrls, []);
    assert.equal(inline.styleElements, 0);
    assert.deepEqual(inline.scripts, [{ src: '/media/dist/results.js', nonce: true, inline: false }]);
    assert.match(inline.csp!, /^default-src 'none'; style-src http:\/\/127\.0\.0\.1:\d+; script-src 'nonce-[A-Za-z0-9+/=]{24}'; img-src http:\/\/127\.0\.0\.1:\d+ data:$/);

    // The policy is in force and the listener hears it: inline code and an inline style attribute are refused.
    const ran = await page.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true;';
      document.body.append(script);
      document.body.setAttribute('style', 'color: red');
      return (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan === true;
    });
    assert.equal(ran, false, 'an inline script ran');
    // The events are queued: wait until both have been dispatched.
    await page.page.waitForFunction(() => (window as unknown as { inoculateTestViolations: unknown[] }).inoculateTestViolations.length >= 2);
    const blocked = await page.page.evaluate(() => (window as unknown as { inoculateTestViolations: Array<{ directive: string }> }).inoculateTestViolations.map((v) => v.directive));
    assert.ok(blocked.some((d) => d.startsWith('script-src')), `no script-src violation reported: ${JSON.stringify(page.violations)}`);
    assert.ok(blocked.some((d) => d.startsWith('style-src')), `no style-src violation reported: ${JSON.stringify(page.violations)}`);
    assert.equal(await page.page.evaluate(() => getComputedStyle(document.body).color), computedColour(DARK_THEME['--vscode-foreground']!), 'the inline style applied');
  });

  it("takes every colour from the theme's --vscode-* variables, in a dark and a light theme", async () => {
    const css = readFileSync(join(ROOT, 'media/results.css'), 'utf8');
    const used = themeVariablesUsed(css);
    assert.deepEqual(used, Object.keys(DARK_THEME).sort(), 'the test themes must define every variable the stylesheet uses');
    assert.deepEqual(used, Object.keys(LIGHT_THEME).sort());

    const page = await open();
    // Make every kind of element exist: a focused button (outline), an open prompt, a control row, a warning.
    for (let i = 0; i < 10; i++) await press(page, 'Tab');
    await page.page.keyboard.press('Enter');
    await press(page, 'Shift+Tab');

    /** Every painted colour of every element, with where it came from. */
    const paintedColours = () =>
      page.page.evaluate(() => {
        const shapes = new Set(['circle', 'line', 'text', 'rect', 'path', 'polyline', 'polygon', 'ellipse']);
        const found: Array<{ where: string; property: string; value: string }> = [];
        for (const element of [document.body, ...Array.from(document.body.querySelectorAll('*'))]) {
          const style = getComputedStyle(element);
          if (style.display === 'none') continue;
          const where = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${element.getAttribute('class') ?? ''}`;
          // (No helper functions in here: the test's TypeScript loader would wrap them in a helper the page lacks.)
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
    for (const [kind, theme] of [['vscode-dark', DARK_THEME], ['vscode-light', LIGHT_THEME]] as const) {
      await page.setTheme(kind, theme);
      const palette = paletteOf(theme);
      const foreign = (await paintedColours()).filter((c) => c.value !== transparent && !palette.has(c.value));
      assert.deepEqual(foreign, [], `${kind}: colours that come from no theme variable`);
      const colour = (name: string) => computedColour(theme[name]!);
      const style = (selector: string, property: string) =>
        page.page.evaluate(({ selector, property }) => getComputedStyle(document.querySelector(selector)!).getPropertyValue(property), { selector, property });
      assert.equal(await style('body', 'color'), colour('--vscode-foreground'), kind);
      assert.equal(await style('body', 'background-color'), colour('--vscode-editor-background'), kind);
      assert.equal(await style('[role="toolbar"] button', 'background-color'), colour('--vscode-button-secondaryBackground'), kind);
      assert.equal(await style('svg.forest .row:not(.control):not(.above) .point', 'fill'), colour('--vscode-charts-blue'), kind);
      assert.equal(await style('svg.forest .row.above .point', 'fill'), colour('--vscode-charts-green'), kind);
      assert.equal(await style('td.lift.above .above-mark', 'color'), colour('--vscode-charts-green'), kind);
      assert.equal(await style('svg.forest .row.control .point', 'fill'), colour('--vscode-charts-foreground'), kind);
      assert.equal(await style('.sample.behavior', 'border-left-color'), colour('--vscode-charts-red'), kind);
      assert.equal(await style('.sample.clean', 'border-left-color'), colour('--vscode-charts-green'), kind);
      assert.equal(await style('p.warning', 'color'), colour('--vscode-editorWarning-foreground'), kind);
      assert.equal((await focused(page)).outline.color, colour('--vscode-focusBorder'), `${kind}: focus outline`);
    }
    assertClean(page);
  });
});
