/**
 * Coverage simulations: data with known true rates, generated the way evaluations produce it, to measure how often
 * each interval holds the truth. Pure and seeded (mulberry32 streams from `mixSeed`), so a run is reproducible; the
 * unit test runs a small grid, `bench/evalCoverage.ts` a large one whose figures docs/evaluation.md reports.
 *
 * Item model: item i has a latent difficulty zᵢ ~ N(0, 1); its rate for model A is pᵢ = expit(μ_A + σ zᵢ), for model B
 * expit(μ_B + σ(ρ zᵢ + √(1 − ρ²) z′ᵢ)), so items differ (σ, item-level heterogeneity) and an item hard for one model
 * tends to be hard for the other (ρ). μ is solved so that the population rate E[pᵢ] is the stated true rate (the
 * estimand: the rate over the population of items). Each item is sampled k times per model; a sample fails (is not
 * graded) with probability `failRate`.
 */
import { mixSeed, mulberry32 } from '../check/sampling';
import { wilsonInterval } from '../check/stats';
import { cohenKappa, type LabelPair } from './agreement';
import { correlationWithInterval } from './correlation';
import { independentDifference, rateDifference } from './difference';
import { expit, normalSource, t95 } from './distributions';
import { rateWithInterval } from './rates';
import { seedChange, summariseSeeds, type SeedRun } from './seeds';
import type { ItemTally } from './tallies';

/** The nominal coverage every interval aims at. */
export const NOMINAL = 0.95;

/** Monte-Carlo standard error of a coverage estimated from `replications` runs: √(0.95·0.05/R). */
export function monteCarloError(replications: number): number {
  return Math.sqrt((NOMINAL * (1 - NOMINAL)) / replications);
}

/**
 * The band a measured coverage must fall in to count as "about 95%" after `replications` runs: from
 * 95% − `allowance` − 3 Monte-Carlo standard errors (3 SEs: a correct method falls below by chance about once in 700
 * checks) up to 99% (intervals may err on the wide side, within reason). `allowance` is what an approximate method
 * may lose beyond the simulation's noise; 1.5 points unless stated.
 */
export function coverageBand(replications: number, allowance = 0.015): [number, number] {
  return [NOMINAL - allowance - 3 * monteCarloError(replications), 0.99];
}

/** Simpson's rule over z ∈ [−8, 8] of φ(z)·f(z); accurate to ~1e-9 for the smooth integrands used here. */
function normalExpectation(f: (z: number) => number, steps = 400): number {
  const low = -8;
  const h = 16 / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const z = low + i * h;
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(-0.5 * z * z) * f(z);
  }
  return ((sum * h) / 3) / Math.sqrt(2 * Math.PI);
}

/** E[expit(μ + σZ)], Z standard normal: the population rate of a logit-normal item model. */
export function logitNormalMean(mu: number, sigma: number): number {
  if (sigma === 0) return expit(mu);
  return normalExpectation((z) => expit(mu + sigma * z));
}

/** The location μ with E[expit(μ + σZ)] = rate (bisection). */
export function logitLocation(rate: number, sigma: number): number {
  if (!(rate > 0 && rate < 1)) throw new RangeError(`true rate must be in (0, 1), got ${rate}`);
  let low = -40;
  let high = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2;
    if (logitNormalMean(mid, sigma) < rate) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** A scenario of paired evaluation data. */
export interface PairedScenario {
  /** True population rates of models A and B. */
  rateA: number;
  rateB: number;
  /** Item heterogeneity (logit scale; 0: every item has the same rate). */
  sigma: number;
  /** Correlation of an item's difficulty between the two models. */
  itemCorrelation: number;
  items: number;
  /** Samples per item and model. */
  k: number;
  /** Probability that a sample fails and is not graded. */
  failRate: number;
}

/** Draws one evaluation of both models on freshly drawn items. */
export function simulatePaired(
  scenario: PairedScenario,
  location: { a: number; b: number },
  uniform: () => number,
  normal: () => number,
): { a: ItemTally[]; b: ItemTally[] } {
  const { sigma, itemCorrelation: rho, items, k, failRate } = scenario;
  const a: ItemTally[] = [];
  const b: ItemTally[] = [];
  const spread = Math.sqrt(1 - rho * rho);
  for (let item = 0; item < items; item++) {
    const z = normal();
    const pA = expit(location.a + sigma * z);
    const pB = expit(location.b + sigma * (rho * z + spread * normal()));
    a.push(drawTally(item, pA, k, failRate, uniform));
    b.push(drawTally(item, pB, k, failRate, uniform));
  }
  return { a, b };
}

function drawTally(item: number, p: number, k: number, failRate: number, uniform: () => number): ItemTally {
  let n = 0;
  let successes = 0;
  let failed = 0;
  for (let j = 0; j < k; j++) {
    if (failRate > 0 && uniform() < failRate) {
      failed++;
      continue;
    }
    n++;
    if (uniform() < p) successes++;
  }
  return { item, n, k: successes, failed };
}

/** How often an interval held the truth. */
export interface CoverageCount {
  covered: number;
  /** Replications that produced an interval. */
  total: number;
  /** Replications without an interval (e.g. identical seeds), not counted in `total`. */
  noInterval: number;
  /** Mean interval width. */
  meanWidth: number;
}

/** covered / total. */
export function coverageOf(count: CoverageCount): number {
  return count.total === 0 ? NaN : count.covered / count.total;
}

class Counter {
  covered = 0;
  total = 0;
  noInterval = 0;
  width = 0;
  add(ci: [number, number] | null, truth: number): void {
    if (!ci) {
      this.noInterval++;
      return;
    }
    this.total++;
    this.width += ci[1] - ci[0];
    // A hair of tolerance: an exact boundary truth (a difference of 0 with identical rates) counts as held.
    if (ci[0] <= truth + 1e-12 && truth - 1e-12 <= ci[1]) this.covered++;
  }
  result(): CoverageCount {
    return { covered: this.covered, total: this.total, noInterval: this.noInterval, meanWidth: this.total ? this.width / this.total : NaN };
  }
}

/** Coverage of the intervals for one paired scenario. */
export interface PairedCoverage {
  /** The paired interval evaluation reports (`rateDifference`: Newcombe paired at k = 1, clustered MOVER at k > 1). */
  paired: CoverageCount;
  /** For comparison: a paired t interval on per-item mean differences (t with I − 1 df). */
  pairedTItemMeans: CoverageCount;
  /** For comparison: the independent-samples interval on the same data (ignores the pairing). */
  ignoringPairing: CoverageCount;
  /** The rate interval of model A (`rateWithInterval`). */
  rate: CoverageCount;
  /** For comparison: the plain Wilson interval on all samples of A, ignoring clustering by item. */
  plainWilson: CoverageCount;
}

/** Runs `replications` draws of a paired scenario and counts how often each interval holds the truth. */
export function pairedCoverage(scenario: PairedScenario, replications: number, seed: number): PairedCoverage {
  const location = { a: logitLocation(scenario.rateA, scenario.sigma), b: logitLocation(scenario.rateB, scenario.sigma) };
  const uniform = mulberry32(mixSeed(seed, 1));
  const normal = normalSource(mulberry32(mixSeed(seed, 2)));
  const truth = scenario.rateA - scenario.rateB;
  const counters = { paired: new Counter(), pairedTItemMeans: new Counter(), ignoringPairing: new Counter(), rate: new Counter(), plainWilson: new Counter() };
  for (let r = 0; r < replications; r++) {
    const { a, b } = simulatePaired(scenario, location, uniform, normal);
    counters.paired.add(rateDifference(a, b).ci, truth);
    counters.ignoringPairing.add(independentDifference(a, b).ci, truth);
    counters.pairedTItemMeans.add(pairedTOnItemMeans(a, b), truth);
    counters.rate.add(rateWithInterval(a).ci, scenario.rateA);
    const pooled = a.reduce((sum, t) => ({ n: sum.n + t.n, k: sum.k + t.k }), { n: 0, k: 0 });
    counters.plainWilson.add(wilsonInterval(pooled.k, pooled.n), scenario.rateA);
  }
  return {
    paired: counters.paired.result(),
    pairedTItemMeans: counters.pairedTItemMeans.result(),
    ignoringPairing: counters.ignoringPairing.result(),
    rate: counters.rate.result(),
    plainWilson: counters.plainWilson.result(),
  };
}

/** The comparison method: mean of per-item differences of item rates, t interval with I − 1 df. */
function pairedTOnItemMeans(a: readonly ItemTally[], b: readonly ItemTally[]): [number, number] | null {
  const differences: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.n > 0 && b[i]!.n > 0) differences.push(a[i]!.k / a[i]!.n - b[i]!.k / b[i]!.n);
  }
  const count = differences.length;
  if (count < 2) return null;
  const mean = differences.reduce((s, v) => s + v, 0) / count;
  const sd = Math.sqrt(differences.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1));
  const half = t95(count - 1) * (sd / Math.sqrt(count));
  return [mean - half, mean + half];
}

/** A scenario of several fine-tuning seeds per arm. */
export interface SeedScenario {
  /** True population rates of the model arm and the baseline arm (over items and seeds). */
  rateModel: number;
  rateBaseline: number;
  /** Item heterogeneity and seed-to-seed variation (logit scale). */
  sigmaItem: number;
  sigmaSeed: number;
  /** Correlation of a seed's effect between the two arms when seeds are paired (same seed label). */
  seedCorrelation: number;
  items: number;
  k: number;
  seeds: number;
  /** Whether both arms use the same seed labels (paired) or different ones (compared by means). */
  pairedSeeds: boolean;
}

/** Coverage of the between-seed intervals for one seed scenario. */
export interface SeedCoverage {
  /** The model arm's mean rate against the mean over seeds on the evaluated items (the interval's estimand). */
  meanGivenItems: CoverageCount;
  /** The same interval against the population rate (items also vary): lower when items are few. */
  meanPopulation: CoverageCount;
  /** The mean change model − baseline against its value on the evaluated items. */
  changeGivenItems: CoverageCount;
}

/** Runs `replications` draws of a seed scenario. */
export function seedCoverage(scenario: SeedScenario, replications: number, seed: number): SeedCoverage {
  const spread = Math.sqrt(scenario.sigmaItem ** 2 + scenario.sigmaSeed ** 2);
  const muModel = logitLocation(scenario.rateModel, spread);
  const muBaseline = logitLocation(scenario.rateBaseline, spread);
  const uniform = mulberry32(mixSeed(seed, 3));
  const normal = normalSource(mulberry32(mixSeed(seed, 4)));
  const counters = { meanGivenItems: new Counter(), meanPopulation: new Counter(), changeGivenItems: new Counter() };
  const rho = scenario.seedCorrelation;
  for (let r = 0; r < replications; r++) {
    const z = Array.from({ length: scenario.items }, () => normal());
    const model: SeedRun[] = [];
    const baseline: SeedRun[] = [];
    for (let s = 0; s < scenario.seeds; s++) {
      const w = normal();
      const wBaseline = scenario.pairedSeeds ? rho * w + Math.sqrt(1 - rho * rho) * normal() : normal();
      model.push({ seed: s, tallies: z.map((zi, i) => drawTally(i, expit(muModel + scenario.sigmaItem * zi + scenario.sigmaSeed * w), scenario.k, 0, uniform)) });
      baseline.push({
        seed: scenario.pairedSeeds ? s : `b${s}`,
        tallies: z.map((zi, i) => drawTally(i, expit(muBaseline + scenario.sigmaItem * zi + scenario.sigmaSeed * wBaseline), scenario.k, 0, uniform)),
      });
    }
    // The truth on these items: the mean over items of each item's rate averaged over the seed distribution.
    const givenItems = (mu: number) =>
      z.reduce((sum, zi) => sum + normalExpectation((w) => expit(mu + scenario.sigmaItem * zi + scenario.sigmaSeed * w), 80), 0) / z.length;
    const truthModel = givenItems(muModel);
    const truthBaseline = givenItems(muBaseline);
    const ciMean = summariseSeeds(model).mean.ci;
    counters.meanGivenItems.add(ciMean, truthModel);
    counters.meanPopulation.add(ciMean, scenario.rateModel);
    counters.changeGivenItems.add(seedChange(model, baseline).change.ci, truthModel - truthBaseline);
  }
  return { meanGivenItems: counters.meanGivenItems.result(), meanPopulation: counters.meanPopulation.result(), changeGivenItems: counters.changeGivenItems.result() };
}

/** Coverage of the bootstrap correlation intervals: candidates drawn from a bivariate normal with correlation ρ. */
export function correlationCoverage(
  scenario: { rho: number; candidates: number; resamples: number },
  replications: number,
  seed: number,
): { pearson: CoverageCount; spearman: CoverageCount } {
  const normal = normalSource(mulberry32(mixSeed(seed, 5)));
  const { rho, candidates, resamples } = scenario;
  // Population Spearman correlation of a bivariate normal: (6/π)·asin(ρ/2) (Pearson 1907; Kruskal 1958).
  const truthSpearman = (6 / Math.PI) * Math.asin(rho / 2);
  const counters = { pearson: new Counter(), spearman: new Counter() };
  for (let r = 0; r < replications; r++) {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < candidates; i++) {
      const u = normal();
      x.push(u);
      y.push(rho * u + Math.sqrt(1 - rho * rho) * normal());
    }
    const options = { resamples, seed: mixSeed(seed, r) };
    counters.pearson.add(correlationWithInterval('pearson', x, y, options).ci, rho);
    counters.spearman.add(correlationWithInterval('spearman', x, y, options).ci, truthSpearman);
  }
  return { pearson: counters.pearson.result(), spearman: counters.spearman.result() };
}

/**
 * Coverage of the kappa interval: n responses labelled by a judge and a person who both say "yes" with probability
 * `prevalence` and agree beyond chance by `kappa` (p₁₁ = π² + κπ(1 − π), p₁₀ = p₀₁ = π(1 − π)(1 − κ)).
 */
export function kappaCoverage(scenario: { kappa: number; prevalence: number; n: number }, replications: number, seed: number): CoverageCount {
  const { kappa, prevalence: pi, n } = scenario;
  const both = pi * pi + kappa * pi * (1 - pi);
  const one = pi * (1 - pi) * (1 - kappa);
  const uniform = mulberry32(mixSeed(seed, 6));
  const counter = new Counter();
  for (let r = 0; r < replications; r++) {
    const pairs: LabelPair[] = [];
    for (let i = 0; i < n; i++) {
      const u = uniform();
      if (u < both) pairs.push({ judge: true, person: true });
      else if (u < both + one) pairs.push({ judge: true, person: false });
      else if (u < both + 2 * one) pairs.push({ judge: false, person: true });
      else pairs.push({ judge: false, person: false });
    }
    counter.add(cohenKappa(pairs).ci, kappa);
  }
  return counter.result();
}
