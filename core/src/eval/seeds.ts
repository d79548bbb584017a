/**
 * Several fine-tunes of the same arm with different seeds. Each seed is shown with its own rate and interval; the
 * arm is summarised by the mean of the per-seed rates with a between-seed Student t interval,
 *
 *   m = (1/S) Σ r_s     s² = Σ (r_s − m)² / (S − 1)     m ± t_{0.975, S−1} · s/√S
 *
 * so one lucky seed does not decide. The spread between seeds includes each seed's own sampling noise, so the
 * interval needs no separate term for it. Its variance can, however, never truly be smaller than that sampling
 * noise: with few seeds, two seeds that happen to give the same count would otherwise produce a zero-width interval.
 * So s² is floored at v̄, the mean over seeds of the binomial sampling variance of each seed's rate on these items,
 * v_s = ((u_s − l_s)/(2·1.96))² from the plain Wilson interval [l_s, u_s] of its counts (not the design-effect one:
 * the spread of items is common to all seeds and is not part of their differences). Given the items, a seed's rate
 * varies by Σᵢ mᵢ pᵢ(1 − pᵢ)/M² ≤ p̄(1 − p̄)/M (Jensen), so v_s does not understate it, and Wilson keeps it above 0 at
 * rates of 0 and 1. The note says when the floor was used; for a change, v_s is the sum over the two arms. It does not include the uncertainty of which items were evaluated when
 * every seed saw the same items: that part is common to all seeds. It is therefore an interval for the mean over
 * fine-tuning seeds *on these items*; with few items, read the per-seed item-level intervals too.
 *
 * The change of an arm against the baseline across seeds:
 * - both arms have the same seed labels: the seeds are paired (same data order and initialisation), the per-seed
 *   changes d_s = r_s − r⁰_s are shown with their item-level intervals, and their mean gets a t interval with S − 1
 *   degrees of freedom (`paired-t-seeds`);
 * - otherwise the means are compared: Welch's t interval, (m₁ − m₀) ± t_{0.975, ν}·√(s₁²/S₁ + s₀²/S₀) with the
 *   Welch–Satterthwaite ν (Welch 1947), when both arms have at least two seeds (`welch-t-seeds`); when one arm has a
 *   single seed its variance cannot be estimated, so the pooled-variance t interval assumes both arms vary alike,
 *   with S₁ + S₀ − 2 df (`pooled-t-seeds`); with one seed on each side there is no between-seed interval.
 */
import { wilsonInterval } from '../check/stats';
import { t95, Z_95 } from './distributions';
import { rateDifference, type DifferenceResult } from './difference';
import { clampInterval, type Estimate } from './methods';
import { rateWithInterval, type RateResult } from './rates';
import type { ItemTally } from './tallies';

/** One fine-tune (one seed) and its tallies for one outcome and condition. */
export interface SeedRun {
  seed: string | number;
  tallies: readonly ItemTally[];
}

/** The mean of per-seed values with a between-seed t interval. */
export interface BetweenSeedEstimate extends Estimate {
  method: 't-between-seeds' | 'paired-t-seeds' | 'welch-t-seeds' | 'pooled-t-seeds' | 'none';
  /** Number of seeds (for a comparison: the paired seeds, or both arms' seeds added). */
  seeds: number;
  /** Standard error of the estimate (null when it cannot be estimated). */
  standardError: number | null;
  /** Degrees of freedom of the t quantile (null without an interval). */
  df: number | null;
}

/** The sampling variance an interval implies, ((upper − lower)/(2·1.96))². */
export function varianceFromInterval(ci: readonly [number, number]): number {
  return ((ci[1] - ci[0]) / (2 * Z_95)) ** 2;
}

/** The binomial sampling variance of a rate on its items, from the plain Wilson interval of its counts. */
export function binomialVariance(rate: Pick<RateResult, 'k' | 'n'>): number {
  return varianceFromInterval(wilsonInterval(rate.k, rate.n));
}

/**
 * The t interval for the mean of `values` (S − 1 df), clamped to [low, high]. The sample variance is floored at the
 * mean of `samplingVariances` (each value's own sampling variance) when given. A single value gives no interval; so
 * do values that are all equal when no floor is given (the spread would read 0, which would claim certainty).
 */
export function tInterval(
  values: readonly number[],
  low = -Infinity,
  high = Infinity,
  samplingVariances: readonly number[] = [],
): BetweenSeedEstimate {
  const count = values.length;
  if (count === 0) throw new RangeError('no values to average');
  for (const value of values) if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  if (count === 1) {
    return { estimate: mean, ci: null, method: 'none', note: 'a single seed: no between-seed interval can be given', seeds: 1, standardError: null, df: null };
  }
  const notes: string[] = [];
  const sampleVariance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  const floor = samplingVariances.length ? samplingVariances.reduce((sum, value) => sum + value, 0) / samplingVariances.length : 0;
  if (floor > sampleVariance) {
    notes.push('the seeds differed less than their own sampling noise: that noise was used as the spread (floor)');
  }
  const standardError = Math.sqrt(Math.max(sampleVariance, floor) / count);
  if (standardError === 0) {
    return {
      estimate: mean, ci: null, method: 'none', seeds: count, standardError: 0, df: count - 1,
      note: `all ${count} seeds gave exactly the same value: the between-seed spread cannot be estimated from it; see each seed's own interval`,
    };
  }
  const df = count - 1;
  const half = t95(df) * standardError;
  if (count === 2) notes.push('2 seeds (1 degree of freedom): the interval is very wide; more seeds narrow it fast');
  const raw: [number, number] = [mean - half, mean + half];
  const ci = clampInterval(raw, low, high);
  if (ci[0] !== raw[0] || ci[1] !== raw[1]) notes.push(`clipped to [${low}, ${high}]`);
  return { estimate: mean, ci, method: 't-between-seeds', note: notes.join('; '), seeds: count, standardError, df };
}

/** Every seed's rate, and their mean with its between-seed interval. */
export interface SeedSummary {
  perSeed: Array<{ seed: string | number; rate: RateResult }>;
  mean: BetweenSeedEstimate;
}

/** Each seed's rate with its own interval, and the mean over seeds with the between-seed t interval. */
export function summariseSeeds(runs: readonly SeedRun[]): SeedSummary {
  assertSeeds(runs, 'seeds');
  const perSeed = runs.map((run) => ({ seed: run.seed, rate: rateWithInterval(run.tallies, `seed ${String(run.seed)}`) }));
  const graded = perSeed.filter((entry) => entry.rate.n > 0);
  if (graded.length === 0) {
    return { perSeed, mean: { estimate: 0, ci: null, method: 'none', note: 'no seed has a graded sample', seeds: 0, standardError: null, df: null } };
  }
  const mean = tInterval(
    graded.map((entry) => entry.rate.estimate), 0, 1,
    graded.map((entry) => binomialVariance(entry.rate)),
  );
  if (graded.length < perSeed.length) {
    mean.note = [`${perSeed.length - graded.length} seed(s) without a graded sample left out`, mean.note].filter(Boolean).join('; ');
  }
  return { perSeed, mean };
}

/** An arm's change against the baseline across seeds. */
export interface SeedChange {
  /** Per seed, when the seeds are paired: that seed's change with its item-level interval. Empty otherwise. */
  perSeed: Array<{ seed: string | number; change: DifferenceResult }>;
  model: SeedSummary;
  baseline: SeedSummary;
  /** Mean change (model − baseline) with its between-seed interval. */
  change: BetweenSeedEstimate;
}

/**
 * The change model − baseline across seeds: paired by seed when both arms have the same seed labels, otherwise the
 * difference of the two means (Welch, or pooled variance when one arm has a single seed).
 */
export function seedChange(model: readonly SeedRun[], baseline: readonly SeedRun[]): SeedChange {
  assertSeeds(model, 'model seeds');
  assertSeeds(baseline, 'baseline seeds');
  const modelSummary = summariseSeeds(model);
  const baselineSummary = summariseSeeds(baseline);
  const baselineBySeed = new Map(baseline.map((run) => [run.seed, run]));
  const sameSeeds = model.length === baseline.length && model.every((run) => baselineBySeed.has(run.seed));
  if (sameSeeds) {
    const perSeed = model.map((run) => ({ seed: run.seed, change: rateDifference(run.tallies, baselineBySeed.get(run.seed)!.tallies) }));
    const usable = perSeed.filter((entry) => entry.change.a.n > 0 && entry.change.b.n > 0);
    if (usable.length === 0) {
      const change: BetweenSeedEstimate = { estimate: 0, ci: null, method: 'none', note: 'no seed has graded samples on both arms', seeds: 0, standardError: null, df: null };
      return { perSeed, model: modelSummary, baseline: baselineSummary, change };
    }
    const change = tInterval(
      usable.map((entry) => entry.change.estimate), -1, 1,
      usable.map((entry) => binomialVariance(entry.change.a) + binomialVariance(entry.change.b)),
    );
    if (change.method === 't-between-seeds') change.method = 'paired-t-seeds';
    const left = perSeed.length - usable.length;
    change.note = ['seeds paired by seed label', left ? `${left} seed(s) without graded samples on both arms left out` : '', change.note]
      .filter(Boolean).join('; ');
    return { perSeed, model: modelSummary, baseline: baselineSummary, change };
  }
  return { perSeed: [], model: modelSummary, baseline: baselineSummary, change: differenceOfMeans(modelSummary, baselineSummary) };
}

/** Welch (or pooled-variance) t interval for the difference of two arms' per-seed means. */
function differenceOfMeans(model: SeedSummary, baseline: SeedSummary): BetweenSeedEstimate {
  const gradedModel = model.perSeed.filter((entry) => entry.rate.n > 0);
  const gradedBaseline = baseline.perSeed.filter((entry) => entry.rate.n > 0);
  const x = gradedModel.map((entry) => entry.rate.estimate);
  const y = gradedBaseline.map((entry) => entry.rate.estimate);
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const floorX = gradedModel.length ? average(gradedModel.map((entry) => binomialVariance(entry.rate))) : 0;
  const floorY = gradedBaseline.length ? average(gradedBaseline.map((entry) => binomialVariance(entry.rate))) : 0;
  const seeds = x.length + y.length;
  if (x.length === 0 || y.length === 0) {
    return { estimate: 0, ci: null, method: 'none', note: 'an arm has no graded sample', seeds, standardError: null, df: null };
  }
  const squares = (values: number[], m: number) => values.reduce((sum, value) => sum + (value - m) ** 2, 0);
  const mx = average(x);
  const my = average(y);
  const estimate = mx - my;
  const prefix = 'different seeds in the two arms: means compared';
  if (x.length === 1 && y.length === 1) {
    return {
      estimate, ci: null, method: 'none', seeds, standardError: null, df: null,
      note: `${prefix}; one seed per arm: seed-to-seed variation cannot be estimated, so there is no between-seed interval (the item-level interval of the two runs describes sampling noise only)`,
    };
  }
  let standardError: number;
  let df: number;
  let method: BetweenSeedEstimate['method'];
  let note = prefix;
  if (x.length >= 2 && y.length >= 2) {
    const sx = squares(x, mx) / (x.length - 1);
    const sy = squares(y, my) / (y.length - 1);
    if (floorX > sx || floorY > sy) note += '; an arm\'s seeds differed less than their own sampling noise: that noise was used as its spread (floor)';
    const vx = Math.max(sx, floorX) / x.length;
    const vy = Math.max(sy, floorY) / y.length;
    standardError = Math.sqrt(vx + vy);
    df = standardError === 0 ? x.length + y.length - 2 : (vx + vy) ** 2 / (vx ** 2 / (x.length - 1) + vy ** 2 / (y.length - 1));
    method = 'welch-t-seeds';
  } else {
    const floor = (floorX * x.length + floorY * y.length) / (x.length + y.length);
    const pooled = Math.max((squares(x, mx) + squares(y, my)) / (x.length + y.length - 2), floor);
    standardError = Math.sqrt(pooled * (1 / x.length + 1 / y.length));
    df = x.length + y.length - 2;
    method = 'pooled-t-seeds';
    note += '; one arm has a single seed: both arms are assumed to vary alike between seeds (pooled variance)';
  }
  if (standardError === 0) {
    return { estimate, ci: null, method: 'none', seeds, standardError: 0, df, note: `${note}; every seed of each arm gave the same value: no between-seed spread to estimate` };
  }
  const half = t95(df) * standardError;
  return { estimate, ci: clampInterval([estimate - half, estimate + half], -1, 1), method, note, seeds, standardError, df };
}

function assertSeeds(runs: readonly SeedRun[], label: string): void {
  if (runs.length === 0) throw new RangeError(`${label}: no seed given`);
  const seen = new Set<string | number>();
  for (const run of runs) {
    if (seen.has(run.seed)) throw new RangeError(`${label}: seed ${String(run.seed)} occurs twice`);
    seen.add(run.seed);
  }
}
