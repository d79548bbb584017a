/**
 * The rate of an outcome (B or C) for one model and condition, with its 95% interval.
 *
 * One graded sample per item: the Wilson score interval of `check/stats.ts`, unchanged. Several samples per item
 * (k > 1): samples of the same item are correlated (some items elicit the behaviour far more than others), so
 * k·I samples carry less information than k·I independent ones. The interval is then the Wilson interval with the
 * critical value widened by the design effect, z·√deff, which is the same as the Wilson interval on the effective
 * sample size n/deff (Zou & Donner 2004, Controlled Clinical Trials 25:3–12; Kish 1965). The design effect is
 *
 *   deff = 1 + (m̃ − 1)·ρ̂,   m̃ = Σ mᵢ² / Σ mᵢ   (mᵢ graded samples of item i)
 *
 * and the normal quantile z replaced by t_{0.975, I−1} (see `clusteredCritical`), with ρ̂ the one-way ANOVA estimate of the intraclass correlation, truncated at 0 (so deff ≥ 1):
 *
 *   MSB = Σ mᵢ (p̂ᵢ − p̂)² / (I − 1)      MSW = Σ mᵢ p̂ᵢ (1 − p̂ᵢ) / (M − I)
 *   m₀ = (M − Σ mᵢ² / M) / (I − 1)      ρ̂ = (MSB − MSW) / (MSB + (m₀ − 1)·MSW)
 *
 * The estimand is the rate over the population of items the dataset stands for, each item weighted by its share of
 * graded samples (equal weights when every item has k graded samples).
 */
import { wilsonInterval, Z_95 } from '../check/stats';
import { t95 } from './distributions';
import type { Estimate } from './methods';
import { totals, validateTallies, type ItemTally } from './tallies';

/** A rate with its interval and what it was computed from. */
export interface RateResult extends Estimate {
  method: 'wilson' | 'wilson-design-effect';
  ci: [number, number];
  /** Graded samples, and those with the outcome. */
  n: number;
  k: number;
  /** Items with at least one graded sample. */
  items: number;
  /** The design effect applied (1 with one sample per item). */
  designEffect: number;
  /** The estimated intraclass correlation (null with one sample per item, where it cannot be estimated). */
  icc: number | null;
  /** Samples that failed, summed over items (not counted in n). */
  failed: number;
}

/** The design effect of clustered binary samples and the intraclass correlation behind it. */
export interface DesignEffect {
  designEffect: number;
  /** ρ̂ truncated at 0; null when it cannot be estimated (one sample per item, or a single item). */
  icc: number | null;
}

/**
 * The design effect of per-item samples (formula in the module comment). 1 when every item has one sample; when the
 * rate is 0 or 1 there is no variation to estimate clustering from, so it is 1 as well. With a single item the
 * items' spread is unknown: the design effect is the item's sample count (the item counts as one observation).
 */
export function designEffect(tallies: readonly ItemTally[]): DesignEffect {
  const graded = tallies.filter((tally) => tally.n > 0);
  const items = graded.length;
  let total = 0;
  let successes = 0;
  let sumSquares = 0;
  for (const { n, k } of graded) {
    total += n;
    successes += k;
    sumSquares += n * n;
  }
  if (items === 0 || total === items) return { designEffect: 1, icc: null };
  if (items === 1) return { designEffect: total, icc: null };
  const p = successes / total;
  if (p === 0 || p === 1) return { designEffect: 1, icc: null };
  let between = 0;
  let within = 0;
  for (const { n, k } of graded) {
    const pi = k / n;
    between += n * (pi - p) ** 2;
    within += n * pi * (1 - pi);
  }
  const msb = between / (items - 1);
  const msw = within / (total - items);
  const m0 = (total - sumSquares / total) / (items - 1);
  const denominator = msb + (m0 - 1) * msw;
  const icc = denominator > 0 ? Math.max(0, (msb - msw) / denominator) : 0;
  const meanClusterSize = sumSquares / total;
  return { designEffect: 1 + (meanClusterSize - 1) * icc, icc };
}

/**
 * The critical value of the design-effect Wilson interval over `items` items: t_{0.975, I−1}·√deff. The between-item
 * variance behind deff is estimated from I items, so, as in a t interval, the normal quantile is replaced by the t
 * quantile with I − 1 degrees of freedom (with 20 items the z version measurably undercovers; docs/evaluation.md).
 */
export function clusteredCritical(items: number, effect: number): number {
  return (items >= 2 ? t95(items - 1) : Z_95) * Math.sqrt(effect);
}

/** True when no item has more than one graded sample (the plain binomial case). */
export function oneSamplePerItem(tallies: readonly ItemTally[]): boolean {
  return tallies.every((tally) => tally.n <= 1);
}

/**
 * The rate k/n over all graded samples with its 95% interval: Wilson with one sample per item, Wilson with the
 * design effect otherwise. No graded sample: the rate reads 0 and the interval is [0, 1].
 */
export function rateWithInterval(tallies: readonly ItemTally[], label = 'rate'): RateResult {
  validateTallies(tallies, label);
  const sum = totals(tallies);
  const estimate = sum.n === 0 ? 0 : sum.k / sum.n;
  const notes: string[] = [];
  if (sum.n === 0) notes.push('no graded sample: nothing is known about this rate');
  if (sum.ungradedItems > 0) notes.push(`${sum.ungradedItems} item(s) had no graded sample and take no part`);
  if (oneSamplePerItem(tallies)) {
    return {
      estimate, ci: wilsonInterval(sum.k, sum.n), method: 'wilson', note: notes.join('; '),
      n: sum.n, k: sum.k, items: sum.items, designEffect: 1, icc: null, failed: sum.failed,
    };
  }
  const effect = designEffect(tallies);
  if (sum.items === 1) notes.push('a single item: the interval speaks for that item only as one observation');
  if ((estimate === 0 || estimate === 1) && sum.items > 1) {
    notes.push('every sample agreed, so clustering by item cannot be estimated; the interval assumes none');
  }
  return {
    estimate,
    ci: wilsonInterval(sum.k, sum.n, clusteredCritical(sum.items, effect.designEffect)),
    method: 'wilson-design-effect',
    note: notes.join('; '),
    n: sum.n, k: sum.k, items: sum.items, designEffect: effect.designEffect, icc: effect.icc, failed: sum.failed,
  };
}
