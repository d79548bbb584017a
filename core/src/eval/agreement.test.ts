import assert from 'node:assert/strict';
import { wilsonInterval } from '../check/stats';
import { cohenKappa, kappaLevel, labelsFromVerdicts, type LabelPair } from './agreement';

const close = (actual: number, expected: number, tolerance = 5e-5) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected} ± ${tolerance}`);

/** Label pairs from a table counts[judge][person] over classes named by index. */
function fromCounts(counts: number[][]): LabelPair[] {
  const pairs: LabelPair[] = [];
  counts.forEach((row, i) => row.forEach((count, j) => { for (let c = 0; c < count; c++) pairs.push({ judge: `c${i}`, person: `c${j}` }); }));
  return pairs;
}

describe('eval/agreement', () => {
  it('matches the published kappa and its Fleiss–Cohen–Everitt standard error (SAS example)', () => {
    // SAS PROC FREQ example reproduced in statsmodels' tests: kappa 0.4842, ASE 0.1380.
    const result = cohenKappa(fromCounts([[0, 4, 1], [0, 8, 0], [0, 1, 5]]));
    close(result.estimate!, 0.4842);
    close(result.standardError!, 0.138);
    assert.equal(result.n, 19);
    assert.equal(result.method, 'kappa-wilson-agreement');
  });

  it('takes its interval from the Wilson interval of the agreement, through kappa', () => {
    // Judge and person agree on 40 of 50 binary labels, 25 yes each: p_e = 0.5.
    const pairs = fromCounts([[20, 5], [5, 20]]);
    const result = cohenKappa(pairs);
    close(result.estimate!, 0.6, 1e-12);
    const [low, high] = wilsonInterval(40, 50);
    close(result.ci![0], (low - 0.5) / 0.5, 1e-12);
    close(result.ci![1], (high - 0.5) / 0.5, 1e-12);
  });

  it('keeps an honest lower limit at perfect agreement', () => {
    const result = cohenKappa(fromCounts([[12, 0], [0, 8]]));
    assert.equal(result.estimate, 1);
    assert.equal(result.ci![1], 1);
    assert.ok(result.ci![0] < 0.75, `lower limit ${result.ci![0]} with only 20 labels`);
    assert.match(result.note, /only 20 labels/);
  });

  it('reports degenerate tables: no labels, one class on both sides, one rater using one class', () => {
    assert.match(cohenKappa([]).note, /no hand labels/);
    const oneClass = cohenKappa(labelsFromVerdicts([true, true, true], [true, true, true]));
    assert.equal(oneClass.estimate, null);
    assert.match(oneClass.note, /kappa is undefined \(chance agreement is 1\)/);
    const judgeConstant = cohenKappa(fromCounts([[28, 2], [0, 0]]));
    assert.equal(judgeConstant.estimate, 0);
    assert.match(judgeConstant.note, /the grader used a single class: kappa is 0 whatever the agreement \(93% here\)/);
  });

  it('turns agree/disagree verdicts into labels', () => {
    assert.deepEqual(labelsFromVerdicts([true, false, true], [true, false, false]), [
      { judge: true, person: true }, { judge: false, person: true }, { judge: true, person: false },
    ]);
    assert.throws(() => labelsFromVerdicts([true], []), /1 grades but 0 verdicts/);
  });

  it('warns below 0.6 and shows n and the interval', () => {
    const low = kappaLevel(cohenKappa(fromCounts([[15, 10], [10, 15]])));
    assert.equal(low.level, 'warn');
    assert.match(low.message, /κ = 0\.20 \[-?\d\.\d\d, \d\.\d\d\], n=50/);
    assert.equal(kappaLevel(cohenKappa(fromCounts([[20, 5], [5, 20]]))).level, 'ok');
    assert.equal(kappaLevel(cohenKappa([])).level, 'unknown');
    assert.equal(kappaLevel(cohenKappa(fromCounts([[20, 5], [5, 20]])), 0.7).level, 'warn');
  });
});
