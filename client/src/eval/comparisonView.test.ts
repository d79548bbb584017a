import assert from 'node:assert/strict';
import { HOSTILE_NAMES, hostileSummary } from '../../../test/support/evalSummaryFixture';
import { comparisonMessage, figureText } from './comparisonView';

describe('comparison view message', () => {
  const summary = hostileSummary();
  const message = comparisonMessage(summary, 'file:///w/x.inoc', 'x.inoc', ['a note'], 'today');

  it('carries core\'s three charts as SVG with every hostile name escaped', () => {
    for (const svg of [message.charts.rates, message.charts.scatter!, message.charts.selectivity!]) {
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.doesNotMatch(svg, /<script|<img|<a[ >]/);
    }
    assert.ok(message.charts.rates.includes('&lt;script&gt;'));
  });

  it('has a row and a sample-browser cell per model × condition, the words of the figure and of selectivity', () => {
    assert.equal(message.rows.length, summary.cells.length);
    assert.deepEqual(message.cells.map((c) => c.key), summary.cells.map((c) => c.key));
    // Plain text: the page sets it with textContent.
    assert.ok(message.cells.some((c) => c.label.includes(HOSTILE_NAMES[0]!)));
    assert.match(message.figureText[0]!, /^4 candidates: Pearson r -?\d\.\d+ (\[.*\]|\(no interval\)), Spearman ρ/);
    assert.equal(message.selectivityText.length, HOSTILE_NAMES.length);
    assert.match(message.selectivityText[0]!, /B [−+]\d+\.\d pts/);
    assert.equal(message.notes[0], 'a note');
    assert.deepEqual(message.agreement.map((a) => a.outcome), ['behavior', 'capability']);
  });

  it('says why there is no figure', () => {
    assert.match(figureText(null)[0]!, /needs a check/);
  });
});
