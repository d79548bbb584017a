import assert from 'node:assert/strict';
import { HOSTILE_NAMES, hostileSummary } from '../../../../test/support/evalSummaryFixture';
import { ratesChart } from './rates';
import { correlationText, effectScatter } from './scatter';
import { selectivityChart } from './selectivity';
import { escapeXml } from './svg';

/** A minimal well-formedness check: every tag closes in order, attributes are quoted, no raw `<` or `&` in text. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-][a-zA-Z0-9:-]*="[^"<]*")*)\s*(\/?)>/g;
  let at = 0;
  for (let match = tag.exec(svg); match; match = tag.exec(svg)) {
    const between = svg.slice(at, match.index);
    assert.ok(!/[<>]/.test(between), `raw < or > in text: ${JSON.stringify(between.slice(0, 80))}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|#39);)/.test(between), `raw & in text: ${JSON.stringify(between.slice(0, 80))}`);
    at = match.index + match[0].length;
    if (match[4]) continue;
    if (match[1]) assert.equal(stack.pop(), match[2], `</${match[2]}> closes something else`);
    else stack.push(match[2]!);
  }
  assert.equal(svg.slice(at), '');
  assert.deepEqual(stack, []);
}

describe('evaluation charts (SVG)', () => {
  const summary = hostileSummary();

  it('the B/C chart has a row per cell with both rates and their intervals, and flags a judge below 0.6', () => {
    const svg = ratesChart(summary);
    assertWellFormed(svg);
    assert.equal((svg.match(/<g class="inoc-behavior">/g) ?? []).length, summary.cells.length);
    assert.equal((svg.match(/<g class="inoc-capability">/g) ?? []).length, summary.cells.length);
    assert.match(svg, /κ 0.40 &lt; 0.6/);
    assert.match(svg, /judge agreement unknown/);
  });

  it('the scatter plots each candidate at (elicitation, effect) with error bars, the predicted series and the correlations', () => {
    const svg = effectScatter(summary.figure!);
    assertWellFormed(svg);
    assert.equal((svg.match(/<g class="inoc-point">/g) ?? []).length, summary.figure!.points.length);
    assert.equal((svg.match(/<g class="inoc-predicted">/g) ?? []).length, summary.figure!.points.length);
    assert.match(svg, /Pearson r (-?\d\.\d\d)/);
    assert.match(effectScatter({ ...summary.figure!, points: [] }), /No candidate has both a check and an evaluation yet/);
  });

  it('the selectivity chart shows ΔB and ΔC per candidate around zero', () => {
    const svg = selectivityChart(summary.arms);
    assertWellFormed(svg);
    const neutral = summary.arms.filter((arm) => arm.condition === 'neutral');
    assert.equal((svg.match(/<g class="inoc-behavior">/g) ?? []).length, neutral.length);
  });

  it('escapes every name from files and models; no markup, script or control character comes through', () => {
    for (const svg of [ratesChart(summary), effectScatter(summary.figure!), selectivityChart(summary.arms)]) {
      assert.ok(!svg.includes('<script'), 'no script element');
      assert.ok(!svg.includes('<img'), 'no img element');
      assert.ok(!svg.includes('"><img'), 'no attribute break-out');
      assert.ok(!svg.includes('\u001b'), 'no control characters');
      assert.ok(!/ style=|<style/.test(svg), 'presentation attributes only (strict CSP)');
    }
    assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.ok(ratesChart(summary).includes(escapeXml(HOSTILE_NAMES[0]!).slice(0, 20)));
  });

  it('never shows a correlation or a limit as exactly 1 unless it is', () => {
    const result = (estimate: number | null, ci: [number, number] | null) => ({ kind: 'pearson' as const, estimate, ci, method: 'bootstrap-bca' as const, note: '', n: 4, resamples: 2000, skippedResamples: 0, seed: 1 });
    assert.equal(correlationText(result(0.81234, [0.2, 0.97]), 'r'), 'r 0.81 [0.20, 0.97]');
    assert.equal(correlationText(result(0.99992, [0.99989, 0.999972]), 'r'), 'r 0.9999 [0.9999, <1.0000]');
    assert.equal(correlationText(result(1, null), 'ρ'), 'ρ 1.00 (no interval)');
    assert.equal(correlationText(result(-0.9996, [-0.99999, -0.99]), 'r'), 'r -0.9996 [>−1.0000, -0.99]');
    assert.equal(correlationText(result(null, null), 'r'), 'r n/a');
  });
});
