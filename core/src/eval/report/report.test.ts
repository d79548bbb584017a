import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { HOSTILE_NAMES, hostileSummary } from '../../../../test/support/evalSummaryFixture';
import { escapeHtml, renderHtmlReport } from './html';
import { renderMarkdownReport } from './markdown';

describe('evaluation reports', () => {
  const summary = hostileSummary();
  const input = { summary, origin: 'here' as const, generatedAt: '2026-11-30T00:00:00.000Z' };

  it('HTML: one self-contained file with the three charts inline, the tables, the figure and the methods; no script', () => {
    const html = renderHtmlReport(input);
    assert.match(html, /^<!DOCTYPE html>/);
    for (const chart of ['inoc-rates', 'inoc-scatter', 'inoc-selectivity']) assert.ok(html.includes(`class="inoc-chart ${chart}"`), chart);
    assert.ok(!/<script/i.test(html), 'no script');
    assert.ok(!/<[a-z]+[^>]*\s(src|href)=/i.test(html), 'no element loads anything');
    // The style block is the only one the CSP allows, by its hash.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    assert.ok(html.includes(`style-src 'sha256-${hash}'`));
    assert.match(html, /default-src &#39;none&#39;|default-src 'none'/);
    assert.match(html, /Pearson r/);
    assert.match(html, /mover-paired-clustered/);
    assert.match(html, /judge agreement with hand labels is low/);
    assert.match(html, /wilson-design-effect/);
  });

  it('HTML escapes every name from files, datasets and models', () => {
    const html = renderHtmlReport(input);
    // Names with characters HTML gives meaning to never appear raw (a Markdown link is plain text in HTML).
    for (const name of HOSTILE_NAMES.filter((n) => /[<>"&\u001b]/.test(n))) assert.ok(!html.includes(name), `raw ${JSON.stringify(name)}`);
    assert.ok(!html.includes('<img') && !html.includes('<i>file') && !html.includes('<judge>'));
    assert.ok(html.includes(escapeHtml('evil/<i>file</i>.inoc')));
    assert.ok(!html.includes('\u001b'));
  });

  it('says when the results were not measured by this user', () => {
    assert.match(renderHtmlReport({ ...input, origin: 'elsewhere' }), /not measured by you/);
    assert.match(renderMarkdownReport({ ...input, origin: 'elsewhere' }).markdown, /not measured by you/);
  });

  it('Markdown: the text with tables, and the charts as SVG files beside it, linked by safe names', () => {
    const report = renderMarkdownReport(input, 'my report');
    assert.deepEqual(report.files.map((f) => f.name), ['my-report-rates.svg', 'my-report-figure.svg', 'my-report-selectivity.svg']);
    for (const file of report.files) assert.ok(report.markdown.includes(`](${file.name})`));
    assert.ok(report.files.every((f) => f.svg.startsWith('<svg')));
    // Table rows have exactly as many cells as the header: a `|` from a name cannot add a column.
    const lines = report.markdown.split('\n');
    const header = lines.find((l) => l.startsWith('| Model'))!;
    const columns = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    const start = lines.indexOf(header) + 2;
    const end = lines.findIndex((l, i) => i >= start && !l.startsWith('|'));
    const rows = lines.slice(start, end);
    assert.equal(rows.length, summary.cells.length);
    for (const line of rows) assert.equal(columns(line), columns(header), line);
    // No link, image, HTML or autolink can come from a name: every opener is escaped.
    assert.ok(!/(?<!\\)\]\(javascript/.test(report.markdown), 'the bracket and parenthesis of a name are escaped');
    assert.ok(!/(?<!\\)<script/.test(report.markdown));
    assert.ok(!/(?<!\\)<img/.test(report.markdown));
  });
});
