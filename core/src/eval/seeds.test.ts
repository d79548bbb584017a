import assert from 'node:assert/strict';
import { t95 } from './distributions';
import { binomialVariance, seedChange, summariseSeeds, tInterval, type SeedRun } from './seeds';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected} ± ${tolerance}`);

/** A seed evaluated on `n` items once each, `rate` of them showing the outcome. */
const run = (seed: string | number, rate: number, n = 10000): SeedRun => ({
  seed,
  tallies: Array.from({ length: n }, (_, item) => ({ item, n: 1, k: item < Math.round(rate * n) ? 1 : 0 })),
});

describe('eval/seeds', () => {
  it('gives the t interval with S − 1 df, clamped to the range', () => {
    // 0.1, 0.2, 0.3: mean 0.2, s = 0.1, SE = 0.1/√3; t(0.975, 2) = 4.3027.
    const result = tInterval([0.1, 0.2, 0.3], 0, 1);
    const half = t95(2) * (0.1 / Math.sqrt(3));
    close(result.estimate, 0.2);
    close(result.ci![0], 0, 0);
    close(result.ci![1], 0.2 + half);
    assert.equal(result.df, 2);
    assert.match(result.note, /clipped to \[0, 1\]/);
  });

  it('gives no between-seed interval with one seed, and says so', () => {
    const result = summariseSeeds([run(1, 0.3)]);
    assert.equal(result.mean.ci, null);
    assert.equal(result.mean.method, 'none');
    assert.match(result.mean.note, /a single seed/);
    assert.equal(result.perSeed.length, 1);
    assert.ok(result.perSeed[0]!.rate.ci[0] < 0.3 && 0.3 < result.perSeed[0]!.rate.ci[1], 'the seed keeps its own interval');
  });

  it('shows every seed with its own interval and the mean with the between-seed interval', () => {
    const result = summariseSeeds([run('a', 0.2), run('b', 0.3), run('c', 0.25), run('d', 0.35)]);
    assert.deepEqual(result.perSeed.map((entry) => entry.seed), ['a', 'b', 'c', 'd']);
    close(result.mean.estimate, 0.275, 1e-12);
    assert.equal(result.mean.method, 't-between-seeds');
    const s = Math.sqrt(((0.075 ** 2) * 2 + 0.025 ** 2 * 2) / 3);
    close(result.mean.ci![1] - 0.275, t95(3) * s / 2, 1e-9);
  });

  it('floors the spread at the seeds\' own sampling noise, so equal seeds do not give a zero-width interval', () => {
    const result = summariseSeeds([run(1, 0.3, 100), run(2, 0.3, 100)]);
    assert.ok(result.mean.ci !== null);
    const expectedHalf = t95(1) * Math.sqrt(binomialVariance({ k: 30, n: 100 }) / 2);
    close(result.mean.ci![1] - 0.3, expectedHalf, 1e-9);
    assert.match(result.mean.note, /differed less than their own sampling noise: that noise was used as the spread/);
    const zeros = summariseSeeds([run(1, 0, 100), run(2, 0, 100), run(3, 0, 100)]);
    assert.equal(zeros.mean.ci![0], 0);
    assert.ok(zeros.mean.ci![1] > 0, 'all-zero seeds still leave room above 0');
  });

  it('pairs seeds by label when both arms have the same seeds', () => {
    const model = [run(1, 0.1), run(2, 0.15), run(3, 0.12)];
    const baseline = [run(3, 0.4), run(1, 0.35), run(2, 0.45)];
    const result = seedChange(model, baseline);
    assert.equal(result.change.method, 'paired-t-seeds');
    assert.deepEqual(result.perSeed.map((entry) => entry.seed), [1, 2, 3]);
    close(result.perSeed[0]!.change.estimate, 0.1 - 0.35, 1e-12);
    const differences = [-0.25, -0.3, -0.28];
    const mean = differences.reduce((s, v) => s + v, 0) / 3;
    const sd = Math.sqrt(differences.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
    close(result.change.estimate, mean, 1e-12);
    close(result.change.ci![1] - mean, t95(2) * sd / Math.sqrt(3), 1e-9);
    assert.match(result.change.note, /paired by seed label/);
  });

  it('compares means with Welch when the seeds differ', () => {
    const x = [0.1, 0.15, 0.12];
    const y = [0.4, 0.35, 0.45, 0.42];
    const result = seedChange(x.map((r, i) => run(`m${i}`, r)), y.map((r, i) => run(`b${i}`, r)));
    assert.equal(result.change.method, 'welch-t-seeds');
    assert.equal(result.perSeed.length, 0);
    const variance = (v: number[]) => { const m = v.reduce((s, a) => s + a, 0) / v.length; return v.reduce((s, a) => s + (a - m) ** 2, 0) / (v.length - 1); };
    const vx = variance(x) / 3;
    const vy = variance(y) / 4;
    const df = (vx + vy) ** 2 / (vx ** 2 / 2 + vy ** 2 / 3);
    close(result.change.df!, df, 1e-9);
    close(result.change.ci![1] - result.change.estimate, t95(df) * Math.sqrt(vx + vy), 1e-9);
  });

  it('pools the variance when one arm has a single seed, and gives no interval with one seed each', () => {
    const pooled = seedChange([run('m', 0.1)], [run('b1', 0.4), run('b2', 0.36), run('b3', 0.44)]);
    assert.equal(pooled.change.method, 'pooled-t-seeds');
    assert.equal(pooled.change.df, 2);
    assert.match(pooled.change.note, /assumed to vary alike/);
    const none = seedChange([run('m', 0.1)], [run('b', 0.4)]);
    assert.equal(none.change.ci, null);
    close(none.change.estimate, -0.3, 1e-12);
    assert.match(none.change.note, /one seed per arm/);
  });

  it('leaves out a paired seed whose samples all failed, and says so', () => {
    const failed: SeedRun = { seed: 3, tallies: [{ item: 0, n: 0, k: 0, failed: 5 }] };
    const result = seedChange([run(1, 0.1), run(2, 0.15), failed], [run(1, 0.4), run(2, 0.45), run(3, 0.4)]);
    close(result.change.estimate, -0.3, 1e-12);
    assert.equal(result.change.seeds, 2);
    assert.match(result.change.note, /1 seed\(s\) without graded samples on both arms left out/);
  });

  it('rejects an empty arm and a repeated seed', () => {
    assert.throws(() => summariseSeeds([]), /no seed given/);
    assert.throws(() => summariseSeeds([run(1, 0.1), run(1, 0.2)]), /seed 1 occurs twice/);
  });
});
