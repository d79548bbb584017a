/**
 * Interval coverage on simulated data with known rates (the bigger run is `npx tsx bench/evalCoverage.ts`; its
 * figures are in docs/evaluation.md). Fixed seeds: the outcome is the same on every run. The band for "about 95%"
 * is `coverageBand`: 95% − 1.5 points − 3 Monte-Carlo standard errors, up to 99%.
 */
import assert from 'node:assert/strict';
import {
  correlationCoverage, coverageBand, coverageOf, logitLocation, logitNormalMean, monteCarloError, pairedCoverage, seedCoverage,
  type CoverageCount, type PairedScenario,
} from './coverage';

function pool(counts: CoverageCount[]): CoverageCount {
  const covered = counts.reduce((s, c) => s + c.covered, 0);
  const total = counts.reduce((s, c) => s + c.total, 0);
  return { covered, total, noInterval: counts.reduce((s, c) => s + c.noInterval, 0), meanWidth: NaN };
}

function assertAbout95(count: CoverageCount, what: string, allowance?: number): void {
  const [low, high] = coverageBand(count.total, allowance);
  const coverage = coverageOf(count);
  assert.ok(coverage >= low && coverage <= high, `${what}: coverage ${(coverage * 100).toFixed(1)}% over ${count.total} runs, outside [${(low * 100).toFixed(1)}%, ${(high * 100).toFixed(1)}%]`);
}

const RATES: Array<[number, number]> = [[0.03, 0.1], [0.3, 0.5], [0.5, 0.5], [0.9, 0.97]];
const REPLICATIONS = 300;

describe('eval/coverage (simulated data with known rates)', function () {
  this.timeout(60_000);

  it('solves the item model for the stated population rate', () => {
    for (const rate of [0.01, 0.3, 0.97]) {
      assert.ok(Math.abs(logitNormalMean(logitLocation(rate, 1.5), 1.5) - rate) < 1e-9);
    }
    assert.ok(Math.abs(monteCarloError(1900) - 0.005) < 1e-12);
  });

  for (const k of [1, 5]) {
    describe(`paired evaluation, k = ${k} sample(s) per item, 50 items, heterogeneous items, 2% failed samples`, () => {
      let results: ReturnType<typeof pairedCoverage>[] = [];
      before(() => {
        results = RATES.map(([rateA, rateB], cell) => {
          const scenario: PairedScenario = { rateA, rateB, sigma: 1.5, itemCorrelation: 0.8, items: 50, k, failRate: 0.02 };
          return pairedCoverage(scenario, REPLICATIONS, 1000 * k + cell);
        });
      });

      it('the paired-difference interval covers the true difference about 95% of the time', () => {
        assertAbout95(pool(results.map((r) => r.paired)), 'paired difference, pooled');
        results.forEach((r, i) => assertAbout95(r.paired, `paired difference at ${RATES[i]}`, 0.03));
      });

      it('the rate interval covers the true rate about 95% of the time', () => {
        assertAbout95(pool(results.map((r) => r.rate)), 'rate, pooled');
      });

      it('pairing narrows the interval compared with ignoring it', () => {
        const middle = results[1]!;
        assert.ok(middle.paired.meanWidth < middle.ignoringPairing.meanWidth);
      });
    });
  }

  it('shows why the design effect is needed: plain Wilson over clustered samples undercovers', () => {
    const result = pairedCoverage({ rateA: 0.4, rateB: 0.4, sigma: 1.5, itemCorrelation: 0.8, items: 50, k: 5, failRate: 0 }, REPLICATIONS, 77);
    assert.ok(coverageOf(result.plainWilson) < 0.88, `plain Wilson ${coverageOf(result.plainWilson)}`);
    assertAbout95(result.rate, 'design-effect Wilson on the same data');
  });

  it('the between-seed intervals cover the mean over seeds on the evaluated items about 95% of the time', () => {
    const paired = seedCoverage({ rateModel: 0.3, rateBaseline: 0.45, sigmaItem: 1, sigmaSeed: 0.4, seedCorrelation: 0.5, items: 100, k: 5, seeds: 5, pairedSeeds: true }, 400, 31);
    assertAbout95(paired.meanGivenItems, 'mean over 5 seeds');
    assertAbout95(paired.changeGivenItems, 'paired change over 5 seeds');
    const welch = seedCoverage({ rateModel: 0.3, rateBaseline: 0.45, sigmaItem: 1, sigmaSeed: 0.4, seedCorrelation: 0, items: 100, k: 5, seeds: 4, pairedSeeds: false }, 400, 32);
    assertAbout95(welch.changeGivenItems, 'Welch change over 4 + 4 seeds');
  });

  it('the bootstrap correlation intervals cover the true correlation about 95% of the time (20 candidates)', () => {
    const result = correlationCoverage({ rho: 0.5, candidates: 20, resamples: 400 }, 200, 41);
    // Pearson's BCa interval measures 93–94% at 20 candidates in the bigger run: 3 points allowed.
    assertAbout95(result.pearson, 'Pearson', 0.03);
    assertAbout95(result.spearman, 'Spearman');
  });
});
