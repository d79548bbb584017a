/**
 * The loss-curve webview: a training run's loss per step as a line chart (train loss solid, validation loss dashed,
 * so the two differ without colour), toggled from a toolbar of pressed/unpressed buttons, and the same figures as a
 * data table (the chart's accessible alternative: every point, or an even sample of a long curve, said so).
 * Built with DOM calls only (the CSP forbids inline styles, scripts and handlers); colours come from the theme through
 * `media/lossCurve.css`. The chart is one image to assistive technology, described in words; updates are announced
 * in a live region and keep the focus where it is. `test/webview/lossCurve.test.ts` drives it by keyboard in Chromium.
 */
import type { MetricPoint } from '../../core/src/train/types';
import { formatValue, lossChart, SERIES_LABELS, tableRows, type SeriesName } from '../src/train/lossChart';
import type { LossCurveHostMessage, LossCurveWebviewMessage, LossCurveWebviewState } from '../src/train/lossCurveProtocol';
import { toolbar } from './toolbar';

interface VsCodeApi {
  postMessage(message: LossCurveWebviewMessage): void;
  getState(): (LossCurveWebviewState & { hidden?: SeriesName[] }) | undefined;
  setState(state: LossCurveWebviewState & { hidden?: SeriesName[] }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const ALL_SERIES: SeriesName[] = ['trainLoss', 'validLoss'];

const state: { runId: string | null; title: string; subtitle: string; points: MetricPoint[]; hidden: Set<SeriesName>; chartWidth: number } = {
  runId: null,
  title: '',
  subtitle: '',
  points: [],
  hidden: new Set(vscode.getState()?.hidden ?? []),
  chartWidth: 0,
};

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

function announce(message: string): void {
  const status = document.getElementById('status');
  if (status) status.textContent = message;
}

/** The series present in the data (a backend may report only the train loss). */
const present = () => ALL_SERIES.filter((name) => state.points.some((p) => typeof p[name] === 'number' && Number.isFinite(p[name])));
const shown = () => present().filter((name) => !state.hidden.has(name));

function reportRendered(): void {
  vscode.postMessage({ type: 'rendered', points: state.points.length, tableRows: document.querySelectorAll('#data tbody tr').length, series: shown().map((s) => SERIES_LABELS[s]) });
}


function seriesToggle(name: SeriesName): HTMLButtonElement {
  const button = el('button', { type: 'button', class: `toggle ${name}`, 'aria-pressed': String(!state.hidden.has(name)), 'data-series': name }, el('span', { class: `swatch ${name}`, 'aria-hidden': 'true' }), SERIES_LABELS[name]);
  button.addEventListener('click', () => {
    if (state.hidden.has(name)) state.hidden.delete(name);
    else state.hidden.add(name);
    button.setAttribute('aria-pressed', String(!state.hidden.has(name)));
    const saved = vscode.getState();
    if (saved) vscode.setState({ ...saved, hidden: [...state.hidden] });
    drawChart();
    announce(`${SERIES_LABELS[name]} ${state.hidden.has(name) ? 'hidden' : 'shown'}.`);
    reportRendered();
  });
  return button;
}

function drawChart(): void {
  const container = document.getElementById('chart');
  if (!container) return;
  const width = Math.max(240, Math.floor(container.clientWidth));
  state.chartWidth = width;
  const chart = lossChart(state.points, width, 280, shown());
  const grid = chart.yTicks.map((tick) =>
    svg(
      'g',
      { class: 'tick' },
      svg('line', { x1: chart.area.left, x2: chart.area.right, y1: tick.position, y2: tick.position, class: 'grid' }),
      svg('text', { x: chart.area.left - 6, y: tick.position, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'tick-label' }, tick.label),
    ),
  );
  const xTicks = chart.xTicks.map((tick) =>
    svg(
      'g',
      { class: 'tick' },
      svg('line', { x1: tick.position, x2: tick.position, y1: chart.area.bottom, y2: chart.area.bottom + 5, class: 'axis' }),
      svg('text', { x: tick.position, y: chart.area.bottom + 18, 'text-anchor': 'middle', class: 'tick-label' }, tick.label),
    ),
  );
  const lines = chart.series.map((series) =>
    svg(
      'g',
      { class: `series ${series.name}` },
      svg('path', { d: series.path, class: 'line' }),
      ...(series.points.length <= 60 ? series.points.map((p) => svg('circle', { cx: p.x, cy: p.y, r: 2.5, class: 'point' }, svg('title', {}, `${series.label} ${formatValue(p.value)} at step ${p.step}`))) : []),
    ),
  );
  container.replaceChildren(
    svg(
      'svg',
      { viewBox: `0 0 ${chart.width} ${chart.height}`, width: chart.width, height: chart.height, class: 'loss-chart', role: 'img', 'aria-labelledby': 'chart-heading', 'aria-describedby': 'chart-description' },
      svg('desc', { id: 'chart-description' }, chart.description),
      ...grid,
      svg('line', { x1: chart.area.left, x2: chart.area.right, y1: chart.area.bottom, y2: chart.area.bottom, class: 'axis' }),
      svg('line', { x1: chart.area.left, x2: chart.area.left, y1: chart.area.top, y2: chart.area.bottom, class: 'axis' }),
      ...xTicks,
      svg('text', { x: (chart.area.left + chart.area.right) / 2, y: chart.height - 2, 'text-anchor': 'middle', class: 'axis-label' }, 'step'),
      ...lines,
    ),
  );
}

const chartResize = new ResizeObserver(() => {
  const container = document.getElementById('chart');
  if (container && Math.abs(Math.floor(container.clientWidth) - state.chartWidth) >= 1) drawChart();
});
chartResize.observe(document.getElementById('root')!);

const COLUMNS: Array<{ key: keyof MetricPoint; label: string }> = [
  { key: 'step', label: 'Step' },
  { key: 'epoch', label: 'Epoch' },
  { key: 'trainLoss', label: 'Train loss' },
  { key: 'validLoss', label: 'Validation loss' },
  { key: 'tokenAccuracy', label: 'Token accuracy' },
  { key: 'learningRate', label: 'Learning rate' },
];

function drawTable(): void {
  const container = document.getElementById('data');
  if (!container) return;
  const { rows, note } = tableRows(state.points);
  const columns = COLUMNS.filter((c) => c.key === 'step' || rows.some((r) => typeof r[c.key] === 'number'));
  const cellText = (value: number | undefined) => (typeof value === 'number' ? formatValue(value) : '—');
  container.replaceChildren(
    ...(note ? [el('p', { class: 'note', role: 'note' }, note)] : []),
    // A scrollable region, reachable by Tab, so a keyboard user can scroll a long or wide table.
    el(
      'div',
      { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'table-heading' },
      el(
        'table',
        {},
        el('caption', {}, `The figures of the chart, one row per reported step${note ? ' (sampled)' : ''}.`),
        el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c.label)))),
        el(
          'tbody',
          {},
          ...rows.map((row) =>
            el('tr', {}, ...columns.map((c, i) => (i === 0 ? el('th', { scope: 'row', class: 'number' }, String(row.step)) : el('td', { class: 'number' }, cellText(row[c.key] as number | undefined))))),
          ),
        ),
      ),
    ),
  );
}

function renderCurve(message: Extract<LossCurveHostMessage, { type: 'curve' }>): void {
  const first = state.runId !== message.runId;
  const before = state.points.length;
  state.runId = message.runId;
  state.title = message.title;
  state.subtitle = message.subtitle;
  state.points = message.points;
  if (!first && document.getElementById('chart')) {
    // An update: redraw the figures, keep the focus (it sits on the toolbar or in the page) where it is.
    document.getElementById('meta')!.textContent = message.subtitle;
    renderToolbar();
    drawChart();
    drawTable();
    const last = state.points[state.points.length - 1];
    if (state.points.length !== before) announce(`Loss curve updated: ${state.points.length} points${last ? `, latest step ${last.step}${typeof last.trainLoss === 'number' ? `, train loss ${formatValue(last.trainLoss)}` : ''}` : ''}.`);
    reportRendered();
    return;
  }
  const main = root();
  main.replaceChildren(
    el('h1', {}, `Loss curve: ${message.title}`),
    el('p', { class: 'meta', id: 'meta' }, message.subtitle),
    el('div', { id: 'toolbar' }),
    el('h2', { id: 'chart-heading' }, 'Loss per training step'),
    el('div', { id: 'chart', class: 'chart' }),
    el('h2', { id: 'table-heading' }, 'Data'),
    el('div', { id: 'data' }),
  );
  main.removeAttribute('aria-busy');
  renderToolbar();
  drawChart();
  drawTable();
  announce(state.points.length ? `Loss curve of ${message.title}: ${state.points.length} points.` : `No loss reported yet for ${message.title}.`);
  reportRendered();
}

/** The series toggles (only those with data); the focused toggle keeps the focus across a redraw. */
function renderToolbar(): void {
  const container = document.getElementById('toolbar');
  if (!container) return;
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.series;
  const names = present();
  if (names.length === 0) {
    container.replaceChildren(el('p', { class: 'empty' }, 'No loss has been reported yet: the chart and the table fill in as the job reports it.'));
    return;
  }
  const buttons = names.map(seriesToggle);
  container.replaceChildren(toolbar('Series shown', buttons));
  if (focused) buttons.find((b) => b.dataset.series === focused)?.focus();
}

window.addEventListener('message', (event: MessageEvent<LossCurveHostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'curve':
      vscode.setState({ runId: message.runId, workspaceUri: message.workspaceUri, hidden: [...state.hidden] });
      renderCurve(message);
      break;
    case 'missing':
      state.runId = null;
      root().replaceChildren(el('h1', {}, 'Loss curve'), el('p', { class: 'empty', role: 'note' }, message.reason));
      root().removeAttribute('aria-busy');
      announce(message.reason);
      reportRendered();
      break;
  }
});

vscode.postMessage({ type: 'ready' });
