import assert from 'node:assert/strict';
import { newcombeDifference, rateEstimate, wilsonInterval } from './stats';

const close = (actual: number, expected: number, digits = 4) =>
  assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${actual} is not ${expected} to ${digits} places`);

describe('stats', () => {
  describe('wilsonInterval', () => {
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (score).
    const published: Array<[number, number, number, number]> = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, lower, upper] of published) {
      it(`matches the published interval for ${k}/${n}`, () => {
        const [lo, hi] = wilsonInterval(k, n);
        close(lo, lower);
        close(hi, upper);
      });
    }

    it('is exactly [0, x] at k = 0 and [x, 1] at k = n', () => {
      assert.equal(wilsonInterval(0, 5)[0], 0);
      assert.equal(wilsonInterval(5, 5)[1], 1);
      assert.ok(wilsonInterval(5, 5)[0] > 0.5);
    });

    it('is the whole of [0, 1] with no trials', () => {
      assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
      assert.deepEqual(rateEstimate(0, 0), { n: 0, k: 0, rate: 0, ci: [0, 1] });
    });

    it('rejects impossible counts with a clear error', () => {
      assert.throws(() => wilsonInterval(3, 2), /0 <= k <= n/);
      assert.throws(() => wilsonInterval(-1, 2), /invalid counts/);
      assert.throws(() => wilsonInterval(0.5, 2), /whole numbers/);
    });

    it('narrows as n grows and always holds the rate', () => {
      const [a, b] = wilsonInterval(10, 20);
      const [c, d] = wilsonInterval(100, 200);
      assert.ok(a < c && d < b);
      assert.ok(c < 0.5 && 0.5 < d);
    });
  });

  describe('newcombeDifference (method 10)', () => {
    // Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II, method 10.
    const published: Array<[number, number, number, number, number, number]> = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ];
    for (const [k1, n1, k2, n2, lower, upper] of published) {
      it(`matches the published interval for ${k1}/${n1} - ${k2}/${n2}`, () => {
        const { difference, ci } = newcombeDifference(k1, n1, k2, n2);
        close(difference, k1 / n1 - k2 / n2, 12);
        close(ci[0], lower);
        close(ci[1], upper);
      });
    }

    it('is antisymmetric: swapping the arms mirrors the interval', () => {
      const forward = newcombeDifference(56, 70, 48, 80);
      const backward = newcombeDifference(48, 80, 56, 70);
      close(backward.difference, -forward.difference, 12);
      close(backward.ci[0], -forward.ci[1], 12);
      close(backward.ci[1], -forward.ci[0], 12);
    });

    it('reads 0 with the interval [-1, 1] when an arm has no samples', () => {
      assert.deepEqual(newcombeDifference(0, 0, 3, 10), { difference: 0, ci: [-1, 1] });
      assert.deepEqual(newcombeDifference(3, 10, 0, 0), { difference: 0, ci: [-1, 1] });
    });
  });
});
