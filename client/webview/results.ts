/**
 * The results webview: a forest plot of each arm's rate with its 95% interval, a sortable table of the arms, and a
 * paged browser of the samples (prompt, response, grade). Built with DOM calls only (the CSP forbids inline styles,
 * scripts and handlers); colours come from the theme through `media/results.css`. Keyboard and screen-reader usable:
 * native buttons and selects, a toolbar moved through with the arrow keys, `aria-sort` on the sorted column, a plot
 * described in words with the table's figures, focus kept on the pager while paging, and a live region announcing
 * every update. `test/webview/results.test.ts` drives all of it by keyboard in Chromium.
 */
import type { ArmResult, CheckSummary } from '../../core/src/check/types';
import { forestPlot, LABEL_WIDTH } from '../src/results/forestPlot';
import { ABOVE_ZERO, isAboveZero, liftText, rateText } from '../src/results/format';
import {
  PAGE_SIZE,
  type CheckAvailability,
  type HostMessage,
  type ResultsWebviewState,
  type SampleFilter,
  type SamplePage,
  type SampleView,
  type WebviewMessage,
} from '../src/results/protocol';
import { sortArms, type ArmColumn, type SortDirection } from '../src/results/sortArms';
import { toolbar } from './toolbar';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): ResultsWebviewState | undefined;
  setState(state: ResultsWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';

const state: {
  summary: CheckSummary | null;
  sort: { column: ArmColumn; direction: SortDirection } | null;
  filter: SampleFilter;
  page: SamplePage | null;
  checks: CheckAvailability;
  stale: string[];
  runNote: string | null;
  /** Said when these results were not measured by this user (found in the repository), or null. */
  originNote: string | null;
  /** The width the plot was last drawn at (CSS pixels). */
  plotWidth: number;
} = { summary: null, sort: null, filter: { arm: null, grade: null }, page: null, checks: { canRun: true, reason: null }, stale: [], runNote: null, originNote: null, plotWidth: 0 };

/** Creates an element with attributes and children (text or nodes). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function svg(tag: string, attributes: Record<string, string | number>, ...children: Array<Node | string>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

const root = () => document.getElementById('root')!;

/** Replaces the page's content; the main region is no longer busy once something real is shown. */
function show(...children: Node[]): void {
  const main = root();
  main.replaceChildren(...children);
  main.removeAttribute('aria-busy');
}

/** Announces `message` to screen readers (and shows it). */
function announce(message: string): void {
  const status = document.getElementById('status');
  if (status) status.textContent = message;
}

function button(label: string, onClick: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const element = el('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', onClick);
  return element;
}


/** Tells the host what the page shows now: the counts, the action buttons offered and the notes. */
function reportRendered(): void {
  const actions = Array.from(document.querySelectorAll('#root .actions button')).map((b) => b.textContent ?? '');
  const notes = Array.from(document.querySelectorAll('#root [role="note"], #root .empty')).map((n) => n.textContent ?? '');
  const page = state.page;
  vscode.postMessage({
    type: 'rendered',
    arms: state.summary?.arms.length ?? 0,
    samplesShown: page?.samples.length ?? 0,
    totalSamples: page?.total ?? 0,
    actions,
    notes,
  });
}

/** The button that runs a check, or, where checks cannot run (Restricted Mode), the one that says how to allow them. */
function runButton(label: string): HTMLButtonElement {
  return state.checks.canRun
    ? button(label, () => vscode.postMessage({ type: 'rerun' }))
    : button('Manage Workspace Trust', () => vscode.postMessage({ type: 'manageTrust' }));
}

function renderEmpty(file: string, reason: string): void {
  state.summary = null;
  state.page = null;
  const notes: HTMLElement[] = [el('p', { class: 'empty' }, reason)];
  if (!state.checks.canRun && state.checks.reason) notes.push(el('p', { class: 'note restricted', role: 'note' }, state.checks.reason));
  show(
    el('h1', {}, `Check results: ${file}`),
    ...notes,
    el('div', { class: 'actions' }, runButton('Run a check'), button('Open the file', () => vscode.postMessage({ type: 'openFile' }))),
  );
  announce(state.checks.canRun ? reason : `${reason} ${state.checks.reason ?? ''}`.trim());
}

/** The notes above the results: found elsewhere, a later run that left nothing, incompleteness, edits since, Restricted Mode. */
function renderNotes(): void {
  const container = document.getElementById('notes');
  const summary = state.summary;
  if (!container || !summary) return;
  const notes: HTMLElement[] = [];
  if (state.originNote) notes.push(el('p', { class: 'warning', role: 'note' }, state.originNote));
  if (state.runNote) notes.push(el('p', { class: 'warning', role: 'note' }, state.runNote));
  if (!summary.complete) notes.push(el('p', { class: 'warning', role: 'note' }, 'Incomplete: some samples are missing or failed. Run the check again to finish it; only the missing samples are requested.'));
  if (state.stale.length) notes.push(el('p', { class: 'warning', role: 'note' }, `Changed since the check: ${state.stale.join(', ')}. Their results describe the old text.`));
  if (!state.checks.canRun && state.checks.reason) notes.push(el('p', { class: 'note restricted', role: 'note' }, state.checks.reason));
  container.replaceChildren(...notes);
}

function renderSummary(file: string, summary: CheckSummary): void {
  state.summary = summary;
  state.page = null;
  const finished = new Date(summary.finishedAt);
  const meta = el(
    'p',
    { class: 'meta' },
    `${summary.behavior} · ${summary.model} (${summary.provider}${summary.baseUrl ? ` at ${summary.baseUrl}` : ''}) · grader ${summary.grader} · ${summary.samplesPerArm} samples per arm · ${summary.requests} requests, ${summary.cacheHits} from the cache · finished ${Number.isNaN(finished.getTime()) ? summary.finishedAt : finished.toLocaleString()}`,
  );
  const actions = toolbar('Results actions', [
    button('Export arms (CSV)', () => vscode.postMessage({ type: 'export', format: 'arms-csv' })),
    button('Export samples (CSV)', () => vscode.postMessage({ type: 'export', format: 'samples-csv' })),
    button('Export all (JSON)', () => vscode.postMessage({ type: 'export', format: 'json' })),
    button('Open the file', () => vscode.postMessage({ type: 'openFile' })),
    runButton('Run again'),
  ]);
  show(
    el('h1', {}, `Check results: ${file}`),
    meta,
    el('div', { id: 'notes' }),
    actions,
    el('h2', { id: 'plot-heading' }, 'Rate of the behaviour per arm (95% Wilson interval)'),
    el('div', { id: 'plot', class: 'plot' }),
    el('h2', { id: 'table-heading' }, 'Arms'),
    el('div', { id: 'arms', class: 'table-scroll' }),
    el('h2', { id: 'samples-heading' }, 'Samples'),
    renderFilters(summary.arms),
    el('div', { id: 'samples', 'aria-labelledby': 'samples-heading' }),
  );
  renderNotes();
  drawPlot();
  renderTable();
  requestSamples(0);
}

/** Draws the plot at the width of its container, in CSS pixels, so that its text keeps its size; again on resize. */
function drawPlot(): void {
  const container = document.getElementById('plot');
  const summary = state.summary;
  if (!container || !summary) return;
  const width = Math.max(200, Math.floor(container.clientWidth));
  state.plotWidth = width;
  container.replaceChildren(renderPlot(summary.arms, width));
}

const plotResize = new ResizeObserver(() => {
  const container = document.getElementById('plot');
  if (container && Math.abs(Math.floor(container.clientWidth) - state.plotWidth) >= 1) drawPlot();
});
plotResize.observe(document.getElementById('root')!);

/** Width of `text` in the plot's label font (CSS pixels). */
function textWidth(text: string, font: string): number {
  const context = (textWidth.canvas ??= document.createElement('canvas')).getContext('2d');
  if (!context) return text.length * 7;
  context.font = font;
  return context.measureText(text).width;
}
textWidth.canvas = undefined as HTMLCanvasElement | undefined;

/** `text` cut with an ellipsis to fit `width` pixels. */
function fitText(text: string, width: number, font: string): string {
  if (textWidth(text, font) <= width) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, font) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * The forest plot, `width` pixels wide. It is one image to assistive technology (an image's parts are not
 * announced), named by its heading and described by a `<desc>` that reads out every arm with the table's figures;
 * each row also has a `<title>` (the tooltip a mouse user sees, with the whole name when the label is cut).
 */
function renderPlot(arms: ArmResult[], width: number): Element {
  const names = arms.map((arm) => arm.name + (arm.control ? ' (control)' : ''));
  const font = `12px ${getComputedStyle(document.body).fontFamily}`;
  const labelWidth = Math.round(Math.min(Math.max(80, ...names.map((n) => textWidth(n, font) + 20)), Math.max(LABEL_WIDTH, width * 0.4), width * 0.45));
  const plot = forestPlot(arms, width, labelWidth);
  const description = `${plot.rows.map((row) => row.label).join('; ')}.${plot.reference === null ? '' : ' The dashed line marks the control arm’s rate.'}`;
  const rows = plot.rows.map((row, index) =>
    svg(
      'g',
      { class: `row${row.control ? ' control' : ''}${row.aboveZero ? ' above' : ''}` },
      svg('title', {}, row.label),
      svg('text', { x: plot.labelWidth - 10, y: row.y, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fitText(names[index]!, plot.labelWidth - 14, font)),
      svg('line', { x1: row.low, x2: row.high, y1: row.y, y2: row.y, class: 'interval' }),
      svg('line', { x1: row.low, x2: row.low, y1: row.y - 5, y2: row.y + 5, class: 'interval' }),
      svg('line', { x1: row.high, x2: row.high, y1: row.y - 5, y2: row.y + 5, class: 'interval' }),
      svg('circle', { cx: row.x, cy: row.y, r: 5, class: 'point' }),
    ),
  );
  const ticks = plot.ticks.map((tick) =>
    svg(
      'g',
      { class: 'tick' },
      svg('line', { x1: tick.x, x2: tick.x, y1: plot.axis.y, y2: plot.axis.y + 5, class: 'axis' }),
      svg('text', { x: tick.x, y: plot.axis.y + 18, 'text-anchor': 'middle', class: 'tick-label' }, tick.label),
    ),
  );
  const reference =
    plot.reference === null ? [] : [svg('line', { x1: plot.reference, x2: plot.reference, y1: 4, y2: plot.axis.y, class: 'reference' })];
  return svg(
    'svg',
    {
      viewBox: `0 0 ${plot.width} ${plot.height}`,
      width: plot.width,
      height: plot.height,
      class: 'forest',
      role: 'img',
      'aria-labelledby': 'plot-heading',
      'aria-describedby': 'plot-description',
    },
    svg('desc', { id: 'plot-description' }, description),
    ...reference,
    ...rows,
    svg('line', { x1: plot.axis.x0, x2: plot.axis.x1, y1: plot.axis.y, y2: plot.axis.y, class: 'axis' }),
    ...ticks,
  );
}

const COLUMNS: Array<{ column: ArmColumn | null; label: string }> = [
  { column: 'name', label: 'Arm' },
  { column: 'rate', label: 'Rate' },
  { column: 'lift', label: 'Lift vs control' },
  { column: 'predicted', label: 'Predicted' },
  { column: 'n', label: 'n' },
];

function renderTable(): void {
  const summary = state.summary;
  const container = document.getElementById('arms');
  if (!summary || !container) return;
  const arms = state.sort ? sortArms(summary.arms, state.sort.column, state.sort.direction) : summary.arms;
  const header = el(
    'tr',
    {},
    ...COLUMNS.map(({ column, label }) => {
      if (!column) return el('th', { scope: 'col' }, label);
      const sorted = state.sort?.column === column ? state.sort.direction : 'none';
      const th = el('th', { scope: 'col', 'aria-sort': sorted });
      th.append(
        button(label, () => {
          const direction: SortDirection = state.sort?.column === column && state.sort.direction === 'descending' ? 'ascending' : 'descending';
          state.sort = { column, direction };
          renderTable();
          (document.querySelector(`th[data-column="${column}"] button`) as HTMLButtonElement | null)?.focus();
          announce(`Arms sorted by ${label.toLowerCase()}, ${direction}.`);
        }, { class: 'sort' }),
      );
      th.dataset.column = column;
      return th;
    }),
  );
  const rows = arms.map((arm) =>
    el(
      'tr',
      { class: arm.control ? 'control' : '' },
      el('th', { scope: 'row' }, arm.name + (arm.control ? ' (control)' : '')),
      el('td', { class: 'number' }, rateText(arm)),
      liftCell(arm),
      el('td', { class: 'number' }, arm.predicted === null ? '—' : arm.predicted.toFixed(2)),
      el('td', { class: 'number' }, `${arm.n}${arm.failed ? ` (+${arm.failed} failed)` : ''}`),
    ),
  );
  container.replaceChildren(
    el(
      'table',
      {},
      el(
        'caption',
        {},
        `Each arm with its rate and its lift over the control in percentage points, each with its 95% interval in brackets, and its predicted score; a lift whose interval lies above 0 is marked “${ABOVE_ZERO}”. Activate a column header to sort.`,
      ),
      el('thead', {}, header),
      el('tbody', {}, ...rows),
    ),
  );
}

/** The lift cell; a candidate whose lift interval lies above 0 is marked in words and in green. */
function liftCell(arm: ArmResult): HTMLElement {
  const text = liftText(arm);
  if (text === null) return el('td', { class: 'number' }, '—');
  if (!isAboveZero(arm)) return el('td', { class: 'number lift' }, text);
  return el('td', { class: 'number lift above' }, text, ' ', el('span', { class: 'above-mark' }, ABOVE_ZERO));
}

function renderFilters(arms: ArmResult[]): HTMLElement {
  const armSelect = el('select', { id: 'filter-arm' }, el('option', { value: '' }, 'All arms'), ...arms.map((arm) => el('option', { value: arm.name }, arm.name)));
  const gradeSelect = el(
    'select',
    { id: 'filter-grade' },
    el('option', { value: '' }, 'All grades'),
    el('option', { value: 'behavior' }, 'Showed the behaviour'),
    el('option', { value: 'clean' }, 'Did not'),
    el('option', { value: 'failed' }, 'Failed (no grade)'),
  );
  const onChange = () => {
    state.filter = { arm: armSelect.value || null, grade: (gradeSelect.value || null) as SampleFilter['grade'] };
    requestSamples(0);
  };
  armSelect.addEventListener('change', onChange);
  gradeSelect.addEventListener('change', onChange);
  return el('div', { class: 'filters', role: 'group', 'aria-label': 'Filter samples' }, el('label', { for: 'filter-arm' }, 'Arm '), armSelect, el('label', { for: 'filter-grade' }, 'Grade '), gradeSelect);
}

function requestSamples(offset: number): void {
  vscode.postMessage({ type: 'samples', filter: state.filter, offset });
}

function gradeText(sample: SampleView): string {
  if (sample.error) return `failed: ${sample.error}`;
  if (sample.behavior === null) return 'no grade';
  const parts = [sample.behavior ? 'showed the behaviour' : 'did not show the behaviour'];
  if (sample.capability !== null) parts.push(sample.capability ? 'capable' : 'not capable');
  if (sample.score !== null) parts.push(`score ${sample.score}`);
  return parts.join(', ');
}

/** The filter in words, for the announcement of a page, e.g. `arm test-specific, showed the behaviour`. */
function filterText(filter: SampleFilter): string {
  const grade = { behavior: 'showed the behaviour', clean: 'did not show the behaviour', failed: 'failed (no grade)' } as const;
  return `${filter.arm === null ? 'all arms' : `arm ${filter.arm}`}, ${filter.grade === null ? 'all grades' : grade[filter.grade]}`;
}

function renderSamples(page: SamplePage): void {
  state.page = page;
  const container = document.getElementById('samples');
  if (!container) return;
  // Paging redraws the pager: a keyboard user who pressed Next keeps the focus there instead of losing it to the page.
  const focusedPager = container.querySelector('.pager')?.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.page : undefined;
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.samples.length;
  const range = page.total === 0 ? 'No samples match.' : `Samples ${first}–${last} of ${page.total}`;
  const previous = button('Previous', () => requestSamples(Math.max(0, page.offset - PAGE_SIZE)), { 'data-page': 'previous', ...(page.offset === 0 ? { disabled: '' } : {}) });
  const next = button('Next', () => requestSamples(page.offset + PAGE_SIZE), { 'data-page': 'next', ...(last >= page.total ? { disabled: '' } : {}) });
  const rangeText = el('span', { tabindex: '-1', 'data-page': 'range' }, range);
  const pager = el('div', { class: 'pager', role: 'navigation', 'aria-label': 'Sample pages' }, previous, rangeText, next);
  const items = page.samples.map((sample) => {
    const verdict = sample.error || sample.behavior === null ? 'failed' : sample.behavior ? 'behavior' : 'clean';
    const prompt = sample.prompt
      ? el('div', { class: 'prompt' }, ...sample.prompt.map((m) => el('div', { class: 'message' }, el('span', { class: 'role' }, m.role), el('pre', {}, m.content))))
      : el('p', { class: 'note' }, sample.promptNote ?? 'The prompt is not available.');
    return el(
      'article',
      { class: `sample ${verdict}`, 'aria-label': `${sample.arm}, sample ${sample.sample + 1}: ${gradeText(sample)}` },
      el('h3', {}, `${sample.arm} · sample ${sample.sample + 1} · dataset line ${sample.item}${sample.cached ? ' · cached' : ''}`),
      el('p', { class: `grade ${verdict}` }, gradeText(sample), sample.detail ? ` (${sample.detail})` : ''),
      el('details', {}, el('summary', {}, 'Prompt'), prompt),
      el('div', { class: 'response' }, el('span', { class: 'role' }, 'response'), el('pre', {}, sample.response ?? '(none)')),
    );
  });
  container.replaceChildren(pager, el('div', { class: 'list' }, ...items));
  if (focusedPager) {
    // The same button when it still works, else the other one (first or last page), else the range.
    const [same, other] = focusedPager === 'previous' ? [previous, next] : [next, previous];
    (!same.disabled ? same : !other.disabled ? other : rangeText).focus();
  }
  announce(page.total === 0 ? `No samples match (${filterText(page.filter)}).` : `${range} (${filterText(page.filter)}).`);
  reportRendered();
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'summary':
      vscode.setState({ uri: message.uri });
      state.checks = message.checks;
      state.stale = message.stale;
      state.runNote = message.runNote;
      state.originNote = message.originNote;
      renderSummary(message.file, message.summary);
      announce(`Results of ${message.file} loaded.${message.originNote ? ` ${message.originNote}` : ''}${message.runNote ? ` ${message.runNote}` : ''}`);
      break;
    case 'empty':
      vscode.setState({ uri: message.uri });
      state.checks = message.checks;
      renderEmpty(message.file, message.reason);
      reportRendered();
      break;
    case 'stale': {
      const before = state.stale.join('\n');
      state.stale = message.stale;
      if (!state.summary || before === state.stale.join('\n')) break;
      renderNotes();
      announce(state.stale.length ? `Changed since the check: ${state.stale.join(', ')}.` : 'The file matches the checked text again.');
      reportRendered();
      break;
    }
    case 'samples':
      renderSamples(message.page);
      break;
    case 'status':
      announce(message.message);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
