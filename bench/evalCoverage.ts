// Interval coverage of the evaluation statistics on simulated data with known truth (core/src/eval/coverage.ts).
// `npx tsx bench/evalCoverage.ts` (also part of `npm run bench`); prints Markdown tables, reported in
// docs/evaluation.md. Deterministic: every cell has its own fixed seed. Took 17 minutes on a busy 2-core machine.
import {
  correlationCoverage, coverageOf, kappaCoverage, monteCarloError, pairedCoverage, seedCoverage, type CoverageCount,
} from '../core/src/eval/coverage';

const percent = (count: CoverageCount) => (coverageOf(count) * 100).toFixed(1);
const summary = (counts: CoverageCount[]) => {
  const values = counts.map(coverageOf).filter((v) => !Number.isNaN(v));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return `${(mean * 100).toFixed(1)} (${(Math.min(...values) * 100).toFixed(1)})`;
};
let cellSeed = 20_000;
const started = Date.now();

// 1. Rates and paired differences.
const PAIRED_REPS = 2000;
const RATE_PAIRS: Array<[number, number]> = [[0.02, 0.02], [0.05, 0.15], [0.3, 0.5], [0.5, 0.5], [0.9, 0.97]];
console.log(`\n## Paired differences and rates (${PAIRED_REPS} runs per cell, Monte-Carlo SE ${(monteCarloError(PAIRED_REPS) * 100).toFixed(2)} points)`);
console.log('True rates (A/B): ' + RATE_PAIRS.map(([a, b]) => `${a}/${b}`).join(', ') + '; item correlation 0.8; 2% failed samples.');
console.log('Mean coverage % over the rate pairs (minimum in brackets).\n');
console.log('| k | items | σ (items) | paired interval (reported) | paired t on item means | ignoring pairing | rate interval (reported) | plain Wilson, all samples |');
console.log('|---|---|---|---|---|---|---|---|');
for (const k of [1, 5]) {
  for (const items of [20, 50, 200]) {
    for (const sigma of [0, 1.5]) {
      const cells = RATE_PAIRS.map(([rateA, rateB]) =>
        pairedCoverage({ rateA, rateB, sigma, itemCorrelation: 0.8, items, k, failRate: 0.02 }, PAIRED_REPS, cellSeed++));
      console.log(`| ${k} | ${items} | ${sigma} | ${summary(cells.map((c) => c.paired))} | ${summary(cells.map((c) => c.pairedTItemMeans))} | ` +
        `${summary(cells.map((c) => c.ignoringPairing))} | ${summary(cells.map((c) => c.rate))} | ${summary(cells.map((c) => c.plainWilson))} |`);
    }
  }
}

// 2. Seeds.
const SEED_REPS = 600;
const SEED_RATES: Array<[number, number]> = [[0.03, 0.05], [0.1, 0.3], [0.5, 0.5]];
console.log(`\n## Seeds (${SEED_REPS} runs per cell, Monte-Carlo SE ${(monteCarloError(SEED_REPS) * 100).toFixed(2)} points)`);
console.log('True rates (model/baseline): ' + SEED_RATES.map(([a, b]) => `${a}/${b}`).join(', ') +
  '; 5 samples per item; item σ 1; seed correlation 0.5 when paired. Mean coverage % (minimum).\n');
console.log('| seeds | items | σ (seeds) | mean, given items | mean, population | change, paired seeds | change, Welch |');
console.log('|---|---|---|---|---|---|---|');
for (const seeds of [2, 3, 5, 10]) {
  for (const items of [20, 200]) {
    for (const sigmaSeed of [0.2, 0.5]) {
      const run = (pairedSeeds: boolean) => SEED_RATES.map(([rateModel, rateBaseline]) =>
        seedCoverage({ rateModel, rateBaseline, sigmaItem: 1, sigmaSeed, seedCorrelation: pairedSeeds ? 0.5 : 0, items, k: 5, seeds, pairedSeeds }, SEED_REPS, cellSeed++));
      const paired = run(true);
      const unpaired = run(false);
      console.log(`| ${seeds} | ${items} | ${sigmaSeed} | ${summary(paired.map((c) => c.meanGivenItems))} | ${summary(paired.map((c) => c.meanPopulation))} | ` +
        `${summary(paired.map((c) => c.changeGivenItems))} | ${summary(unpaired.map((c) => c.changeGivenItems))} |`);
    }
  }
}

// 3. Correlations.
const CORRELATION_REPS = 800;
console.log(`\n## Correlations, BCa bootstrap with 2000 resamples (${CORRELATION_REPS} runs per cell, Monte-Carlo SE ${(monteCarloError(CORRELATION_REPS) * 100).toFixed(2)} points)`);
console.log('Candidates drawn from a bivariate normal with correlation ρ. Coverage % (runs without an interval).\n');
console.log('| candidates | ρ | Pearson | Spearman |');
console.log('|---|---|---|---|');
for (const candidates of [5, 10, 20, 50]) {
  for (const rho of [0, 0.5, 0.8]) {
    const result = correlationCoverage({ rho, candidates, resamples: 2000 }, CORRELATION_REPS, cellSeed++);
    const cell = (count: CoverageCount) => `${percent(count)}${count.noInterval ? ` (${count.noInterval})` : ''}`;
    console.log(`| ${candidates} | ${rho} | ${cell(result.pearson)} | ${cell(result.spearman)} |`);
  }
}

// 4. Kappa.
const KAPPA_REPS = 2000;
console.log(`\n## Cohen's kappa (${KAPPA_REPS} runs per cell, Monte-Carlo SE ${(monteCarloError(KAPPA_REPS) * 100).toFixed(2)} points)`);
console.log('Binary labels, both raters with the same prevalence. Coverage % (runs where kappa was undefined).\n');
console.log('| labels | prevalence | κ = 0.3 | κ = 0.6 | κ = 0.8 | κ = 0.95 |');
console.log('|---|---|---|---|---|---|');
for (const n of [20, 50, 100, 200]) {
  for (const prevalence of [0.5, 0.15]) {
    const cells = [0.3, 0.6, 0.8, 0.95].map((kappa) => kappaCoverage({ kappa, prevalence, n }, KAPPA_REPS, cellSeed++));
    console.log(`| ${n} | ${prevalence} | ${cells.map((c) => `${percent(c)}${c.noInterval ? ` (${c.noInterval})` : ''}`).join(' | ')} |`);
  }
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
