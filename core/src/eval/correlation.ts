/**
 * The paper's figure from the user's own runs: per candidate, the measured pre-fine-tune elicitation (x, a rate from
 * the check) against the inoculation effect (y = baseline B − inoculated B), optionally with the predicted score as
 * a third series; Pearson and Spearman correlations with percentile bootstrap intervals.
 *
 * - Pearson r = Σ(xᵢ − x̄)(yᵢ − ȳ) / √(Σ(xᵢ − x̄)² Σ(yᵢ − ȳ)²).
 * - Spearman ρ = Pearson r of the mid-ranks (tied values share the mean of their ranks), which is the tie-corrected
 *   Spearman coefficient.
 * - Interval: the bias-corrected and accelerated (BCa) bootstrap (Efron 1987, JASA 82:171–185; Efron & Tibshirani
 *   1993, ch. 14). B resamples (default 2000) of the candidates are drawn with replacement (seeded mulberry32, so the
 *   same input gives the same interval) and the correlation θ* recomputed on each; then
 *     z₀ = Φ⁻¹( (#{θ* < θ̂} + ½#{θ* = θ̂}) / B )                      (bias correction)
 *     a  = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2})             (acceleration, from the jackknife θ₍ᵢ₎)
 *     αⱼ = Φ( z₀ + (z₀ + z_j) / (1 − a(z₀ + z_j)) ),  z_j = ∓1.96
 *   and the interval is the α₁ and α₂ sample quantiles of the θ* (Hyndman–Fan type 7). BCa was chosen over the plain
 *   percentile interval because it covers better with few candidates (Pearson, 10 candidates: 93–94% against 91–92%;
 *   docs/evaluation.md). A resample in which x or y takes a single value has no correlation and is skipped; the
 *   number skipped is reported.
 * - With fewer than 3 candidates there is no correlation to speak of (two points always lie on a line), and with a
 *   constant x or y the correlation is undefined: both give `estimate: null` and the reason.
 *
 * Few candidates make the interval wide, as it should be; with under 10 candidates its coverage is also less reliable
 * (measured coverages in docs/evaluation.md), and the result's note says so. The
 * correlation is between *measured* quantities: sampling noise in the rates and effects pulls it towards 0.
 */
import { mixSeed, mulberry32 } from '../check/sampling';
import { normalCdf, normalQuantile, sortedQuantile, Z_95 } from './distributions';
import type { Estimate } from './methods';

/** Pearson's r; NaN when there are fewer than 2 points or x or y is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`x has ${n} values and y has ${y.length}`);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Relative threshold: values that differ only by rounding count as constant.
  const scale = Math.max(1e-300, Math.abs(mx) ** 2, Math.abs(my) ** 2) * n * 1e-24;
  if (sxx <= scale || syy <= scale) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function isConstant(values: readonly number[]): boolean {
  return Number.isNaN(pearson(values, values.map((_, i) => i)));
}

/** Mid-ranks (1-based): tied values share the mean of the ranks they occupy. */
export function midranks(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]!] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's ρ with ties handled by mid-ranks; NaN when undefined (as for `pearson`). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} values and y has ${y.length}`);
  return pearson(midranks(x), midranks(y));
}

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 1;

/** A correlation with its bootstrap interval, or null and the reason it is undefined. */
export interface CorrelationResult extends Omit<Estimate, 'estimate'> {
  kind: 'pearson' | 'spearman';
  estimate: number | null;
  method: 'bootstrap-bca' | 'none';
  n: number;
  resamples: number;
  /** Resamples skipped because x or y was constant in them. */
  skippedResamples: number;
  seed: number;
}

/** Fewer candidates than this: the interval's coverage is less reliable (see docs/evaluation.md). */
export const FEW_CANDIDATES = 10;

/** A correlation of x and y with a BCa bootstrap interval over the points (seeded, deterministic). */
export function correlationWithInterval(
  kind: 'pearson' | 'spearman',
  x: readonly number[],
  y: readonly number[],
  options: BootstrapOptions = {},
): CorrelationResult {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!Number.isInteger(resamples) || resamples < 100) throw new RangeError(`resamples must be a whole number >= 100, got ${resamples}`);
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} values and y has ${y.length}`);
  x.forEach((value, i) => {
    if (!Number.isFinite(value) || !Number.isFinite(y[i]!)) throw new RangeError(`point ${i + 1}: x and y must be finite numbers`);
  });
  const n = x.length;
  const base = { kind, n, resamples, seed, skippedResamples: 0 } as const;
  if (n < 3) {
    return { ...base, estimate: null, ci: null, method: 'none', note: `${n} candidate(s): a correlation needs at least 3 (two points always lie on a line)` };
  }
  const statistic = kind === 'pearson' ? pearson : spearman;
  const estimate = statistic(x, y);
  if (Number.isNaN(estimate)) {
    const which = isConstant(x) ? (isConstant(y) ? 'x and the same y' : 'x') : 'y';
    return { ...base, estimate: null, ci: null, method: 'none', note: `every candidate has the same ${which}: the correlation is undefined` };
  }
  const random = mulberry32(mixSeed(seed, n));
  const values: number[] = [];
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  let skipped = 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n);
      bx[i] = x[j]!;
      by[i] = y[j]!;
    }
    const value = statistic(bx, by);
    if (Number.isNaN(value)) skipped++;
    else values.push(value);
  }
  const notes: string[] = [];
  if (n < FEW_CANDIDATES) notes.push(`only ${n} candidates: the interval is wide, and with so few its coverage is less reliable (see docs/evaluation.md)`);
  if (skipped > 0) notes.push(`${skipped} of ${resamples} resamples had a constant x or y and were skipped`);
  if (values.length < resamples / 2) {
    return { ...base, skippedResamples: skipped, estimate, ci: null, method: 'none', note: [...notes, 'too few usable resamples for an interval'].join('; ') };
  }
  values.sort((p, q) => p - q);
  if (values[0] === values[values.length - 1]) {
    // Every usable resample gave the same value (e.g. perfectly ordered candidates: every resample keeps the order).
    // The bootstrap cannot measure uncertainty then, and [r, r] would claim certainty from a handful of points.
    const chance = kind === 'spearman' && Math.abs(estimate) === 1 && new Set(x).size === n && new Set(y).size === n
      ? `; if the two were unrelated, ${n} candidates would be perfectly ordered (either way) by chance with probability ${formatProbability(2 / factorial(n))}`
      : '';
    notes.push(`every resample gave ${estimate.toFixed(3)}: the bootstrap cannot measure the uncertainty of so few points, so no interval is given${chance}`);
    return { ...base, skippedResamples: skipped, estimate, ci: null, method: 'none', note: notes.join('; ') };
  }
  const [lowLevel, highLevel] = bcaLevels(values, estimate, jackknife(x, y, statistic));
  const ci: [number, number] = [sortedQuantile(values, lowLevel), sortedQuantile(values, highLevel)];
  return { ...base, skippedResamples: skipped, estimate, ci, method: 'bootstrap-bca', note: notes.join('; ') };
}

function factorial(n: number): number {
  let product = 1;
  for (let i = 2; i <= n; i++) product *= i;
  return product;
}

function formatProbability(p: number): string {
  return p >= 0.001 ? `${(p * 100).toFixed(p >= 0.01 ? 1 : 2)}%` : p.toExponential(1);
}

/** The leave-one-out values of the statistic (undefined ones left out). */
function jackknife(x: readonly number[], y: readonly number[], statistic: (x: ArrayLike<number>, y: ArrayLike<number>) => number): number[] {
  const values: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const value = statistic(x.filter((_, j) => j !== i), y.filter((_, j) => j !== i));
    if (!Number.isNaN(value)) values.push(value);
  }
  return values;
}

/** The BCa quantile levels for a 95% interval from sorted bootstrap values, the estimate and jackknife values. */
export function bcaLevels(sorted: readonly number[], estimate: number, jackknifeValues: readonly number[]): [number, number] {
  const count = sorted.length;
  let below = 0;
  for (const value of sorted) below += value < estimate ? 1 : value === estimate ? 0.5 : 0;
  // Keep the share off 0 and 1, where Φ⁻¹ is infinite (all resamples on one side of the estimate).
  const share = Math.min(1 - 1 / (2 * count), Math.max(1 / (2 * count), below / count));
  const z0 = normalQuantile(share);
  let acceleration = 0;
  if (jackknifeValues.length >= 2) {
    const mean = jackknifeValues.reduce((sum, value) => sum + value, 0) / jackknifeValues.length;
    let cubes = 0;
    let squares = 0;
    for (const value of jackknifeValues) {
      cubes += (mean - value) ** 3;
      squares += (mean - value) ** 2;
    }
    if (squares > 0) acceleration = cubes / (6 * squares ** 1.5);
  }
  const level = (z: number) => {
    const shifted = z0 + z;
    const denominator = 1 - acceleration * shifted;
    // A denominator at or below 0 means the acceleration overwhelms the correction: take the extreme resample.
    if (denominator <= 0) return z < 0 ? 0 : 1;
    return normalCdf(z0 + shifted / denominator);
  };
  return [level(-Z_95), level(Z_95)];
}

/** One candidate in the figure. */
export interface FigurePoint {
  candidate: string;
  /** Measured pre-fine-tune elicitation rate (from the check), with its interval when known. */
  elicitation: number;
  elicitationCi?: [number, number] | null;
  /** Inoculation effect: baseline B − inoculated B (positive: the inoculation lowered B), with its interval. */
  effect: number;
  effectCi?: [number, number] | null;
  /** The predicted elicitation score of the candidate, when shown as a third series. */
  predicted?: number | null;
}

/** The figure's data and correlations. */
export interface EffectFigure {
  points: FigurePoint[];
  /** Measured elicitation against effect. */
  pearson: CorrelationResult;
  spearman: CorrelationResult;
  /** Predicted score against effect, when every point has a predicted score; null otherwise. */
  predicted: { pearson: CorrelationResult; spearman: CorrelationResult } | null;
}

/** The elicitation-versus-effect figure: the points and the correlations (measured, and predicted if given). */
export function effectFigure(points: readonly FigurePoint[], options: BootstrapOptions = {}): EffectFigure {
  const names = new Set<string>();
  for (const point of points) {
    if (names.has(point.candidate)) throw new RangeError(`candidate '${point.candidate}' occurs twice in the figure`);
    names.add(point.candidate);
    for (const key of ['elicitation', 'effect'] as const) {
      if (!Number.isFinite(point[key])) throw new RangeError(`candidate '${point.candidate}': ${key} must be a finite number, got ${point[key]}`);
    }
    if (point.predicted !== undefined && point.predicted !== null && !Number.isFinite(point.predicted)) {
      throw new RangeError(`candidate '${point.candidate}': predicted must be a finite number or absent, got ${point.predicted}`);
    }
  }
  const x = points.map((point) => point.elicitation);
  const y = points.map((point) => point.effect);
  const withPredicted = points.length > 0 && points.every((point) => typeof point.predicted === 'number');
  const predictedX = withPredicted ? points.map((point) => point.predicted as number) : [];
  return {
    points: points.map((point) => ({ ...point })),
    pearson: correlationWithInterval('pearson', x, y, options),
    spearman: correlationWithInterval('spearman', x, y, options),
    predicted: withPredicted
      ? {
          pearson: correlationWithInterval('pearson', predictedX, y, options),
          spearman: correlationWithInterval('spearman', predictedX, y, options),
        }
      : null,
  };
}
