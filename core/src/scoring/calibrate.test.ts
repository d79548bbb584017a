import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitCalibration } from './calibrate';
import type { Measurement } from './types';

const m = (predicted: number, rate: number, n: number): Measurement => ({ predicted, rate, n });

/**
 * Reference weighted isotonic regression by the min-max formula: fit(i) = max over j <= i of min over k >= i of
 * the weighted mean of points j..k. Quadratic, independent of the pool-adjacent-violators code under test.
 */
function referenceFit(points: { rate: number; n: number }[]): number[] {
  const avg = (j: number, k: number) => {
    let w = 0;
    let s = 0;
    for (let t = j; t <= k; t++) {
      w += points[t]!.n;
      s += points[t]!.n * points[t]!.rate;
    }
    return s / w;
  };
  return points.map((_, i) => {
    let best = -Infinity;
    for (let j = 0; j <= i; j++) {
      let low = Infinity;
      for (let k = i; k < points.length; k++) low = Math.min(low, avg(j, k));
      best = Math.max(best, low);
    }
    return best;
  });
}

describe('fitCalibration', () => {
  it('needs at least three usable measurements', () => {
    assert.equal(fitCalibration([]), undefined);
    assert.equal(fitCalibration([m(0.2, 0.1, 10), m(0.8, 0.6, 10)]), undefined);
    // Unusable ones do not count: n = 0, NaN, a rate outside [0, 1].
    assert.equal(fitCalibration([m(0.2, 0.1, 10), m(0.8, 0.6, 10), m(0.5, 0.3, 0), m(NaN, 0.2, 5), m(0.4, 1.5, 5)]), undefined);
    assert.equal(fitCalibration([m(0.2, 0.1, 10), m(0.8, 0.6, 10), m(0.5, 0.3, 5)])?.points, 3);
  });

  it('reproduces already monotone data and interpolates linearly between the points', () => {
    const calibration = fitCalibration([m(0.2, 0.1, 10), m(0.5, 0.4, 10), m(0.8, 0.7, 10)])!;
    assert.deepEqual(
      calibration.knots.map((k) => [k.predicted, k.rate]),
      [
        [0.2, 0.1],
        [0.5, 0.4],
        [0.8, 0.7],
      ],
    );
    assert.ok(Math.abs(calibration.apply(0.35) - 0.25) < 1e-12);
    assert.ok(Math.abs(calibration.apply(0.65) - 0.55) < 1e-12);
  });

  it('stays flat outside the measured range instead of extrapolating', () => {
    const calibration = fitCalibration([m(0.2, 0.1, 10), m(0.5, 0.4, 10), m(0.8, 0.7, 10)])!;
    assert.equal(calibration.apply(0), 0.1);
    assert.equal(calibration.apply(0.1), 0.1);
    assert.equal(calibration.apply(1), 0.7);
    assert.equal(calibration.apply(5), 0.7);
    assert.equal(calibration.apply(-3), 0.1);
  });

  it('pools an order violation by sample weight', () => {
    // 0.5 at 10 samples then 0.1 at 30 violates the order: they pool to (5 + 3) / 40 = 0.2 at x = (2 + 12) / 40.
    const calibration = fitCalibration([m(0.2, 0.5, 10), m(0.4, 0.1, 30), m(0.8, 0.9, 10)])!;
    assert.equal(calibration.knots.length, 2);
    assert.ok(Math.abs(calibration.knots[0]!.predicted - 0.35) < 1e-12);
    assert.ok(Math.abs(calibration.knots[0]!.rate - 0.2) < 1e-12);
    assert.ok(Math.abs(calibration.apply(0.2) - 0.2) < 1e-12);
    assert.ok(Math.abs(calibration.apply(0.575) - 0.55) < 1e-12);
  });

  it('weights by n: a large arm dominates a small one it is pooled with', () => {
    const calibration = fitCalibration([m(0.3, 0.9, 2), m(0.6, 0.1, 198), m(0.9, 0.95, 50)])!;
    assert.ok(Math.abs(calibration.knots[0]!.rate - (0.9 * 2 + 0.1 * 198) / 200) < 1e-12);
  });

  it('pools variants with the same predicted score', () => {
    const calibration = fitCalibration([m(0.5, 0.2, 10), m(0.5, 0.6, 30), m(0.9, 0.9, 10)])!;
    assert.equal(calibration.knots.length, 2);
    assert.ok(Math.abs(calibration.apply(0.5) - 0.5) < 1e-12);
    assert.equal(calibration.points, 3);
  });

  it('gives a constant map when every variant has the same prediction', () => {
    const calibration = fitCalibration([m(0.4, 0.1, 10), m(0.4, 0.3, 10), m(0.4, 0.5, 20)])!;
    assert.ok(Math.abs(calibration.apply(0) - 0.35) < 1e-12);
    assert.ok(Math.abs(calibration.apply(1) - 0.35) < 1e-12);
  });

  it('recovers a known monotone truth from exact synthetic rates', () => {
    const truth = (p: number) => 1 / (1 + Math.exp(-8 * (p - 0.5)));
    const points = [0.1, 0.3, 0.45, 0.6, 0.9].map((p) => m(p, Math.round(truth(p) * 200) / 200, 200));
    const calibration = fitCalibration(points)!;
    for (const p of [0.1, 0.3, 0.45, 0.6, 0.9]) assert.ok(Math.abs(calibration.apply(p) - truth(p)) < 0.005, `at ${p}`);
  });

  it('describes itself in one line', () => {
    const calibration = fitCalibration([m(0.2, 0.1, 50), m(0.5, 0.4, 50), m(0.8, 0.7, 1100)])!;
    assert.equal(calibration.describe(), 'calibrated on 3 measured variants (1,200 samples)');
    assert.ok(!calibration.describe().includes('\n'));
  });

  it('matches a reference isotonic fit and is monotone and bounded (property)', () => {
    const measurement = fc.record({
      predicted: fc.double({ min: 0, max: 1, noNaN: true }),
      rate: fc.double({ min: 0, max: 1, noNaN: true }),
      n: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(measurement, { minLength: 3, maxLength: 12 }), (points) => {
        const calibration = fitCalibration(points)!;
        assert.ok(calibration);
        // Compare with the reference on the pooled distinct x values.
        const byX = new Map<number, { rate: number; n: number }>();
        for (const p of [...points].sort((a, b) => a.predicted - b.predicted)) {
          const known = byX.get(p.predicted);
          if (known) {
            known.rate = (known.rate * known.n + p.rate * p.n) / (known.n + p.n);
            known.n += p.n;
          } else {
            byX.set(p.predicted, { rate: p.rate, n: p.n });
          }
        }
        // Same fitted levels carrying the same sample weight as the reference (levels compared to 1e-9).
        const expected = referenceFit([...byX.values()]);
        const weights = [...byX.values()].map((v) => v.n);
        const levelWeights = (pairs: [number, number][]) => {
          const out: [number, number][] = [];
          for (const [level, weight] of pairs) {
            const same = out.find(([l]) => Math.abs(l - level) < 1e-9);
            if (same) same[1] += weight;
            else out.push([level, weight]);
          }
          return out.sort((x, y) => x[0] - y[0]);
        };
        const ours = levelWeights(calibration.knots.map((k) => [k.rate, k.n]));
        const reference = levelWeights(expected.map((e, i) => [e, weights[i]!]));
        assert.equal(ours.length, reference.length);
        ours.forEach(([level, weight], i) => {
          assert.ok(Math.abs(level - reference[i]![0]) < 1e-9);
          assert.equal(weight, reference[i]![1]);
        });
        let previous = -Infinity;
        for (let i = 0; i <= 50; i++) {
          const value = calibration.apply(i / 50);
          assert.ok(value >= 0 && value <= 1);
          assert.ok(value >= previous - 1e-12);
          previous = value;
        }
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});
