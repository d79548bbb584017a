/**
 * Interval estimates for elicitation rates: the Wilson score interval for one proportion and Newcombe's hybrid
 * score interval (method 10 of Newcombe 1998) for the difference of two independent proportions.
 */
import type { RateEstimate } from './types';

/** The two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval for `k` successes in `n` trials. With no trials nothing is known, so the interval is
 * the whole of [0, 1]. Throws on counts that are not whole numbers with 0 <= k <= n.
 */
export function wilsonInterval(k: number, n: number, z = Z_95): [number, number] {
  assertCounts(k, n);
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 and k = n the bound is exactly 0 or 1; rounding must not push it past.
  const lower = k === 0 ? 0 : Math.max(0, center - half);
  const upper = k === n ? 1 : Math.min(1, center + half);
  return [lower, upper];
}

/** `k/n` with its 95% Wilson interval; with `n = 0` the rate reads 0 and the interval is [0, 1]. */
export function rateEstimate(k: number, n: number): RateEstimate {
  return { n, k, rate: n === 0 ? 0 : k / n, ci: wilsonInterval(k, n) };
}

/** A difference of two rates with its interval. */
export interface DifferenceEstimate {
  difference: number;
  ci: [number, number];
}

/**
 * `k1/n1 - k2/n2` with Newcombe's hybrid score interval (method 10): the Wilson limits of each rate combined by
 * the square-and-add rule. Either arm empty: the difference is unknown, so it reads 0 with the interval [-1, 1].
 */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number, z = Z_95): DifferenceEstimate {
  assertCounts(k1, n1);
  assertCounts(k2, n2);
  if (n1 === 0 || n2 === 0) return { difference: 0, ci: [-1, 1] };
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const [l1, u1] = wilsonInterval(k1, n1, z);
  const [l2, u2] = wilsonInterval(k2, n2, z);
  const difference = p1 - p2;
  const below = Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const above = Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return { difference, ci: [Math.max(-1, difference - below), Math.min(1, difference + above)] };
}

function assertCounts(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0 || k < 0 || k > n) {
    throw new RangeError(`invalid counts: k=${k}, n=${n} (need whole numbers with 0 <= k <= n)`);
  }
}
