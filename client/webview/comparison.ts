/**
 * The comparison webview: an evaluation's B/C chart per model and condition, the elicitation-vs-effect figure,
 * selectivity, a sortable table, and a sample browser per model and condition with hand labels (agree/disagree)
 * whose agreement (Cohen's kappa) is shown beside the rates the grader produced. Built with DOM calls only (the CSP
 * forbids inline styles, scripts and handlers); text from files, datasets and models is set as text; the charts are
 * core's SVG (every label escaped there) parsed as SVG, never as HTML, and restyled with theme colours by
 * `media/comparison.css`. Every control is a button, a select or a link: reachable and operable by keyboard.
 */
import type { AgreementView, ComparisonHostMessage, ComparisonWebviewMessage, ComparisonWebviewState, EvalSamplePage, SampleCellOption } from '../src/eval/comparisonProtocol';
import { conditionText, sortRows, type ComparisonRow, type SortColumn, type SortDirection } from '../src/eval/comparisonRows';

interface VsCodeApi {
  postMessage(message: ComparisonWebviewMessage): void;
  getState(): ComparisonWebviewState | undefined;
  setState(state: ComparisonWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
type Summary = Extract<ComparisonHostMessage, { type: 'summary' }>;

const state: { summary: Summary | null; sort: { column: SortColumn; direction: SortDirection } | null; page: EvalSamplePage | null; cell: string | null } = {
  summary: null,
  sort: null,
  page: null,
  cell: null,
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function button(label: string, onClick: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attributes }, label);
  b.addEventListener('click', onClick);
  return b;
}

const root = () => document.getElementById('root')!;

function announce(message: string): void {
  const status = document.getElementById('status');
  if (status) status.textContent = message;
}

/** Core's SVG text as an SVG element of this document; null when it is not one well-formed SVG document. */
function svgElement(text: string): Element | null {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = parsed.documentElement;
  if (svg.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length) return null;
  // Nothing in core's charts is active; anything that is goes (the CSP would block it anyway).
  for (const node of Array.from(svg.querySelectorAll('script, foreignObject, a'))) node.remove();
  for (const node of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    for (const attribute of Array.from(node.attributes)) if (/^on/i.test(attribute.name) || /href$/i.test(attribute.name)) node.removeAttribute(attribute.name);
  }
  return document.importNode(svg, true);
}

function chart(text: string | null, heading: string, id: string, words: string[]): HTMLElement {
  const section = el('section', { 'aria-labelledby': `${id}-heading` }, el('h2', { id: `${id}-heading` }, heading));
  const svg = text ? svgElement(text) : null;
  if (svg) section.append(el('div', { class: 'chart', 'data-chart': id }, svg));
  else section.append(el('p', { class: 'empty' }, 'Nothing to draw yet.'));
  if (words.length) section.append(el('ul', { class: 'note' }, ...words.map((w) => el('li', {}, w))));
  return section;
}

/** The agreement in one sentence, and core's wording (interval, why undefined) as a note after it. */
function kappaItem(a: AgreementView): HTMLLIElement {
  const who = `${a.outcome === 'behavior' ? 'B' : 'C'} grader (${a.type}${a.judge ? ', a judge' : ''})`;
  const kappa = a.kappa === null ? 'κ n/a' : `κ ${a.kappa.toFixed(2)}`;
  const sentence = `${who}: ${kappa} from ${a.used} hand label${a.used === 1 ? '' : 's'}${a.level === 'warn' ? ' — below 0.6: treat its rates with care' : ''}.`;
  return el('li', { class: a.level === 'warn' ? 'warn' : '' }, sentence, ' ', el('span', { class: 'note' }, a.message));
}

/** The κ mark beside a rate, or '' where the grader is not a judge and nobody labelled. */
function kappaMark(summary: Summary, outcome: 'behavior' | 'capability'): string {
  const a = summary.agreement.find((x) => x.outcome === outcome);
  if (!a || (!a.judge && a.used === 0)) return '';
  return a.kappa === null ? ' (κ n/a)' : ` (κ ${a.kappa.toFixed(2)}${a.level === 'warn' ? ' ⚠' : ''})`;
}

function agreementSection(summary: Summary): HTMLElement {
  return el(
    'section',
    { id: 'agreement', 'aria-labelledby': 'agreement-heading' },
    el('h2', { id: 'agreement-heading' }, 'Grader agreement with your labels'),
    el('ul', {}, ...summary.agreement.map(kappaItem)),
  );
}

const COLUMNS: Array<{ column: SortColumn; label: string }> = [
  { column: 'name', label: 'Model' },
  { column: 'seed', label: 'Seed' },
  { column: 'condition', label: 'Condition' },
  { column: 'b', label: 'B [95% CI] (k/n)' },
  { column: 'db', label: 'ΔB vs baseline' },
  { column: 'c', label: 'C [95% CI] (k/n)' },
  { column: 'dc', label: 'ΔC vs baseline' },
  { column: 'failed', label: 'Failed' },
];

function table(summary: Summary): HTMLElement {
  const rows: ComparisonRow[] = state.sort ? sortRows(summary.rows, state.sort.column, state.sort.direction) : summary.rows;
  const head = el(
    'tr',
    {},
    ...COLUMNS.map(({ column, label }) => {
      const sorted = state.sort?.column === column ? state.sort.direction : 'none';
      const th = el('th', { scope: 'col', 'aria-sort': sorted });
      th.append(
        button(label, () => {
          const direction: SortDirection = state.sort?.column === column && state.sort.direction === 'ascending' ? 'descending' : 'ascending';
          state.sort = { column, direction };
          document.getElementById('table')!.replaceWith(table(summary));
          (document.querySelector(`#table th[data-column="${column}"] button`) as HTMLButtonElement | null)?.focus();
          announce(`Sorted by ${label}, ${direction}.`);
        }, { class: 'sort', title: `Sort by ${label}` }),
      );
      th.dataset.column = column;
      return th;
    }),
  );
  const bMark = kappaMark(summary, 'behavior');
  const cMark = kappaMark(summary, 'capability');
  const body = el(
    'tbody',
    {},
    ...rows.map((r) =>
      el(
        'tr',
        { 'data-key': r.key },
        el('th', { scope: 'row' }, r.name),
        el('td', { class: 'number' }, r.seed === null ? '' : String(r.seed)),
        el('td', {}, conditionText(r)),
        el('td', { class: 'number' }, r.bText + bMark),
        el('td', { class: `number${r.dbCi && r.dbCi[1] < 0 ? ' better' : r.dbCi && r.dbCi[0] > 0 ? ' worse' : ''}` }, r.dbText),
        el('td', { class: 'number' }, r.c === null ? r.cText : r.cText + cMark),
        el('td', { class: 'number' }, r.dcText),
        el('td', { class: 'number' }, r.failed ? String(r.failed) : ''),
      ),
    ),
  );
  return el(
    'section',
    { id: 'table', 'aria-labelledby': 'table-heading' },
    el('h2', { id: 'table-heading' }, 'Every model and condition'),
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'table-heading' }, el('table', {}, el('caption', {}, 'Rates with 95% intervals; changes in points against the baseline fine-tune, paired by item. Sort with the column buttons.'), el('thead', {}, head), body)),
  );
}

function requestSamples(cell: string, offset: number): void {
  state.cell = cell;
  vscode.postMessage({ type: 'samples', cell, offset });
}

function samplesSection(cells: SampleCellOption[]): HTMLElement {
  const select = el('select', { id: 'sample-cell', 'aria-label': 'Model and condition' });
  for (const cell of cells) select.append(el('option', { value: cell.key }, cell.label));
  if (state.cell && cells.some((c) => c.key === state.cell)) select.value = state.cell;
  select.addEventListener('change', () => requestSamples(select.value, 0));
  return el(
    'section',
    { id: 'samples', 'aria-labelledby': 'samples-heading' },
    el('h2', { id: 'samples-heading' }, 'Samples'),
    el('p', { class: 'note' }, 'Label whether you agree with each grade: your labels go to labels.jsonl beside the results, and the agreement above is recomputed.'),
    el('div', { class: 'actions' }, el('label', { for: 'sample-cell' }, 'Model and condition '), select),
    el('div', { id: 'sample-list' }, el('p', { class: 'empty' }, 'Loading samples…')),
  );
}

function gradeText(value: boolean | null, outcome: 'behavior' | 'capability'): string {
  if (value === null) return outcome === 'behavior' ? 'B: not graded' : 'C: not told';
  return outcome === 'behavior' ? (value ? 'B: shows the behaviour' : 'B: does not') : value ? 'C: capable' : 'C: not capable';
}

/** Where the focus is in the sample list (a label button), to put it back after the list is drawn again. */
function focusedLabelButton(): string | null {
  const focused = document.activeElement as HTMLElement | null;
  const record = focused?.closest('#sample-list article')?.getAttribute('data-record');
  return record && focused?.dataset.outcome ? `article[data-record="${CSS.escape(record)}"] button[data-outcome="${focused.dataset.outcome}"][data-verdict="${focused.dataset.verdict}"]` : null;
}

function renderPage(page: EvalSamplePage): void {
  state.page = page;
  const list = document.getElementById('sample-list');
  if (!list) return;
  const refocus = focusedLabelButton();
  const items = page.samples.map((s) => {
    const article = el('article', { class: 'sample', 'aria-label': `Item ${s.item}, sample ${s.sample + 1}`, 'data-record': s.id });
    article.append(el('h3', {}, `Item ${s.item} · sample ${s.sample + 1}`));
    article.append(el('pre', { class: 'response' }, s.response ?? `(no answer${s.error ? `: ${s.error}` : ''})`));
    for (const outcome of ['behavior', 'capability'] as const) {
      const grade = s[outcome];
      const row = el('div', { class: 'actions', role: 'group', 'aria-label': `${gradeText(grade, outcome)}: your label` }, el('span', {}, gradeText(grade, outcome)));
      if (grade !== null) {
        for (const verdict of ['agree', 'disagree'] as const) {
          const pressed = s.labels[outcome] === verdict;
          row.append(
            button(verdict === 'agree' ? 'Agree' : 'Disagree', () => vscode.postMessage({ type: 'label', record: s.id, outcome, verdict }), {
              'aria-pressed': String(pressed),
              'data-outcome': outcome,
              'data-verdict': verdict,
              title: `${verdict === 'agree' ? 'Agree' : 'Disagree'} with the ${outcome === 'behavior' ? 'B' : 'C'} grade`,
            }),
          );
        }
      }
      article.append(row);
    }
    return article;
  });
  const nav = el('div', { class: 'actions' });
  if (page.offset > 0) nav.append(button('Previous samples', () => requestSamples(page.cell, Math.max(0, page.offset - 20))));
  if (page.offset + page.samples.length < page.total) nav.append(button('Next samples', () => requestSamples(page.cell, page.offset + page.samples.length)));
  const shown = page.samples.length ? `Samples ${page.offset + 1}–${page.offset + page.samples.length} of ${page.total}` : 'No samples in this cell.';
  list.replaceChildren(el('p', { class: 'note' }, shown), ...items, nav);
  if (refocus) (list.querySelector(refocus) as HTMLElement | null)?.focus();
  reportRendered();
}

function reportRendered(): void {
  const summary = state.summary;
  vscode.postMessage({
    type: 'rendered',
    models: summary ? [...new Set(summary.rows.map((r) => r.name))] : [],
    rows: document.querySelectorAll('#table tbody tr').length,
    charts: document.querySelectorAll('.chart svg').length,
    samplesShown: document.querySelectorAll('#sample-list article').length,
    agreement: Array.from(document.querySelectorAll('#agreement li')).map((li) => li.textContent ?? ''),
  });
}

function renderSummary(summary: Summary): void {
  state.summary = summary;
  vscode.setState({ uri: summary.uri });
  const actions = el(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Export' },
    button('Export CSV', () => vscode.postMessage({ type: 'export', format: 'csv' })),
    button('Export JSON', () => vscode.postMessage({ type: 'export', format: 'json' })),
    button('Save report (HTML)', () => vscode.postMessage({ type: 'report', format: 'html' })),
    button('Save report (Markdown + SVG)', () => vscode.postMessage({ type: 'report', format: 'md' })),
    button('Open the file', () => vscode.postMessage({ type: 'openFile' })),
  );
  const main = root();
  main.replaceChildren(
    el('h1', {}, `Comparison: ${summary.file}`),
    el('p', { class: 'meta' }, summary.subtitle),
    actions,
    ...(summary.notes.length ? [el('ul', { class: 'note', 'aria-label': 'Notes' }, ...summary.notes.map((n) => el('li', {}, n)))] : []),
    agreementSection(summary),
    chart(summary.charts.rates, 'Behaviour and capability per model and condition', 'rates', []),
    chart(summary.charts.scatter, 'Pre-fine-tune elicitation against the inoculation effect', 'scatter', summary.figureText),
    chart(summary.charts.selectivity, 'Selectivity: change of B and of C against the baseline', 'selectivity', summary.selectivityText),
    table(summary),
    samplesSection(summary.cells),
  );
  main.setAttribute('aria-busy', 'false');
  const first = state.cell && summary.cells.some((c) => c.key === state.cell) ? state.cell : summary.cells[0]?.key;
  if (first) requestSamples(first, 0);
  announce(`Evaluation of ${summary.file}: ${summary.rows.length} rows.`);
  reportRendered();
}

function renderAgreement(agreement: AgreementView[]): void {
  if (!state.summary) return;
  state.summary = { ...state.summary, agreement };
  document.getElementById('agreement')?.replaceWith(agreementSection(state.summary));
  // The table shows κ beside the rates; the focus (on a label button below) is not in it.
  document.getElementById('table')?.replaceWith(table(state.summary));
}

window.addEventListener('message', (event: MessageEvent<ComparisonHostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'summary':
      renderSummary(message);
      break;
    case 'empty':
      state.summary = null;
      vscode.setState({ uri: message.uri });
      root().replaceChildren(el('h1', {}, `Comparison: ${message.file}`), el('p', { class: 'empty' }, message.reason));
      root().setAttribute('aria-busy', 'false');
      reportRendered();
      break;
    case 'samples':
      if (message.page.cell === state.cell) renderPage(message.page);
      break;
    case 'agreement':
      renderAgreement(message.agreement);
      // The labels shown in the open page changed: ask for it again.
      if (state.page) requestSamples(state.page.cell, state.page.offset);
      announce('Label saved; agreement recomputed.');
      break;
    case 'status':
      announce(message.message);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
