import assert from 'node:assert/strict';
import { bcaLevels, correlationWithInterval, effectFigure, midranks, pearson, spearman } from './correlation';

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected} ± ${tolerance}`);

describe('eval/correlation', () => {
  it('computes Pearson and Spearman by hand', () => {
    // x 1..5, y 2,4,5,4,5: sxy = 6, sxx = 10, syy = 6.
    close(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / Math.sqrt(60));
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  });

  it('handles ties in Spearman with mid-ranks', () => {
    assert.deepEqual(midranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
    // Ranks x 1,2,3,4 and y 1.5,1.5,4,3: sxy = 3.5, sxx = 5, syy = 4.5.
    close(spearman([1, 2, 3, 4], [1, 1, 3, 2]), 3.5 / Math.sqrt(22.5));
    assert.ok(Number.isNaN(spearman([1, 2, 3], [5, 5, 5])));
  });

  it('is undefined with fewer than 3 candidates or a constant series, and says why', () => {
    const two = correlationWithInterval('pearson', [0.1, 0.5], [0.2, 0.3]);
    assert.equal(two.estimate, null);
    assert.match(two.note, /2 candidate\(s\): a correlation needs at least 3/);
    const flat = correlationWithInterval('spearman', [0.2, 0.2, 0.2, 0.2], [0.1, 0.4, 0.3, 0.2]);
    assert.equal(flat.estimate, null);
    assert.match(flat.note, /same x/);
  });

  it('is deterministic from its seed and states the resamples', () => {
    const x = [0.05, 0.3, 0.6, 0.1, 0.45, 0.8, 0.2, 0.55, 0.35, 0.7, 0.15, 0.9];
    const y = [0.02, 0.2, 0.35, 0.15, 0.1, 0.5, 0.05, 0.4, 0.3, 0.3, 0.12, 0.45];
    const first = correlationWithInterval('pearson', x, y, { resamples: 1000, seed: 3 });
    const again = correlationWithInterval('pearson', x, y, { resamples: 1000, seed: 3 });
    const other = correlationWithInterval('pearson', x, y, { resamples: 1000, seed: 4 });
    assert.deepEqual(first, again);
    assert.notDeepEqual(first.ci, other.ci);
    assert.equal(first.method, 'bootstrap-bca');
    assert.equal(first.resamples, 1000);
    assert.ok(first.ci![0] < first.estimate! && first.estimate! < first.ci![1]);
    assert.ok(first.ci![0] > 0.3, 'a clear relation over 12 candidates excludes 0');
    assert.throws(() => correlationWithInterval('pearson', x, y, { resamples: 10 }), /resamples must be/);
  });

  it('shows how wide the interval is with few candidates, and says so', () => {
    const result = correlationWithInterval('pearson', [0.1, 0.4, 0.3, 0.8, 0.6], [0.05, 0.1, 0.3, 0.2, 0.4]);
    assert.ok(result.ci![1] - result.ci![0] > 0.8, `width ${result.ci![1] - result.ci![0]}`);
    assert.match(result.note, /only 5 candidates: the interval is wide/);
    assert.ok(result.skippedResamples > 0, 'some resamples of 5 points repeat one point');
    assert.match(result.note, /resamples had a constant x or y and were skipped/);
  });

  it('gives no interval rather than [1, 1] when a few candidates are perfectly ordered', () => {
    const result = correlationWithInterval('spearman', [0.1, 0.2, 0.5, 0.7], [0.0, 0.1, 0.3, 0.32]);
    assert.equal(result.estimate, 1);
    assert.equal(result.ci, null);
    assert.match(result.note, /bootstrap cannot measure the uncertainty/);
    assert.match(result.note, /perfectly ordered \(either way\) by chance with probability 8\.3%/);
  });

  it('computes BCa levels: no bias and no skew give the percentile levels', () => {
    const symmetric = Array.from({ length: 1001 }, (_, i) => (i - 500) / 500);
    const [low, high] = bcaLevels(symmetric, 0, [-1, 1, -1, 1]);
    close(low, 0.025, 1e-6);
    close(high, 0.975, 1e-6);
    const [shiftedLow] = bcaLevels(symmetric, 0.5, [-1, 1, -1, 1]);
    assert.ok(shiftedLow > 0.025, 'an estimate above most resamples moves the levels up');
  });

  it('builds the figure with measured and predicted series', () => {
    const points = [
      { candidate: 'a', elicitation: 0.1, effect: 0.02, predicted: 0.2 },
      { candidate: 'b', elicitation: 0.4, effect: 0.15, predicted: 0.5 },
      { candidate: 'c', elicitation: 0.3, effect: 0.18, predicted: 0.9 },
      { candidate: 'd', elicitation: 0.7, effect: 0.3, predicted: 0.4 },
      { candidate: 'e', elicitation: 0.55, effect: 0.2, predicted: 0.6 },
    ];
    const figure = effectFigure(points, { resamples: 500 });
    assert.equal(figure.points.length, 5);
    assert.equal(figure.pearson.kind, 'pearson');
    close(figure.spearman.estimate!, spearman(points.map((p) => p.elicitation), points.map((p) => p.effect)));
    close(figure.predicted!.spearman.estimate!, spearman(points.map((p) => p.predicted), points.map((p) => p.effect)));
    assert.equal(effectFigure(points.map(({ predicted: _, ...rest }) => rest)).predicted, null);
    assert.throws(() => effectFigure([points[0]!, points[0]!]), /candidate 'a' occurs twice/);
    assert.throws(() => effectFigure([...points, { candidate: 'f', elicitation: NaN, effect: 0.1 }]), /candidate 'f': elicitation must be a finite number, got NaN/);
    assert.throws(() => effectFigure([...points.slice(1), { candidate: 'g', elicitation: 0.2, effect: 0.1, predicted: Infinity }]), /candidate 'g': predicted/);
  });
});
