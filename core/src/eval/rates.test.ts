import assert from 'node:assert/strict';
import { wilsonInterval, Z_95 } from '../check/stats';
import { t95 } from './distributions';
import { clusteredCritical, designEffect, rateWithInterval } from './rates';
import type { ItemTally } from './tallies';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected} ± ${tolerance}`);

/** Items with one sample each: `k` of `n` show the outcome. */
const single = (k: number, n: number): ItemTally[] => Array.from({ length: n }, (_, i) => ({ item: i, n: 1, k: i < k ? 1 : 0 }));

describe('eval/rates', () => {
  it('is exactly the check\'s Wilson interval with one sample per item', () => {
    const result = rateWithInterval(single(14, 30));
    assert.equal(result.method, 'wilson');
    assert.deepEqual(result.ci, wilsonInterval(14, 30));
    assert.equal(result.estimate, 14 / 30);
    assert.equal(result.designEffect, 1);
  });

  it('computes the ANOVA design effect by hand on a small example', () => {
    // Items of 5 samples with 3, 1, 4, 0 outcomes: p = 0.4; item rates 0.6, 0.2, 0.8, 0.
    // MSB = 5·(0.04 + 0.04 + 0.16 + 0.16)/3 = 2/3; MSW = 5·(0.24 + 0.16 + 0.16 + 0)/16 = 0.175; m0 = 5;
    // ρ = (2/3 − 0.175)/(2/3 + 4·0.175) = 0.359756...; deff = 1 + 4ρ.
    const tallies = [3, 1, 4, 0].map((k, item) => ({ item, n: 5, k }));
    const rho = (2 / 3 - 0.175) / (2 / 3 + 4 * 0.175);
    const effect = designEffect(tallies);
    close(effect.icc!, rho);
    close(effect.designEffect, 1 + 4 * rho);
    const result = rateWithInterval(tallies);
    assert.equal(result.method, 'wilson-design-effect');
    assert.deepEqual(result.ci, wilsonInterval(8, 20, t95(3) * Math.sqrt(1 + 4 * rho)));
  });

  it('equals the Wilson interval on the effective sample size n/deff (the identity the docs state)', () => {
    const tallies = [3, 1, 4, 0, 5, 2].map((k, item) => ({ item, n: 5, k }));
    const { designEffect: deff } = designEffect(tallies);
    const [low, high] = wilsonInterval(15, 30, Z_95 * Math.sqrt(deff));
    const p = 0.5;
    const nEff = 30 / deff;
    const z2 = Z_95 ** 2;
    const centre = (p + z2 / (2 * nEff)) / (1 + z2 / nEff);
    const half = (Z_95 / (1 + z2 / nEff)) * Math.sqrt((p * (1 - p)) / nEff + z2 / (4 * nEff * nEff));
    close(low, centre - half, 1e-12);
    close(high, centre + half, 1e-12);
  });

  it('gives design effect k when items are all-or-nothing, and 1 when every item has the same rate', () => {
    const allOrNothing = [5, 0, 5, 0, 0, 5].map((k, item) => ({ item, n: 5, k }));
    close(designEffect(allOrNothing).designEffect, 5);
    const uniform = [2, 2, 2, 2].map((k, item) => ({ item, n: 5, k }));
    assert.deepEqual(designEffect(uniform), { designEffect: 1, icc: 0 });
  });

  it('widens the interval when samples cluster by item', () => {
    const clustered = rateWithInterval([5, 0, 5, 0, 0, 5, 5, 0, 0, 0].map((k, item) => ({ item, n: 5, k })));
    const plain = wilsonInterval(20, 50);
    assert.ok(clustered.ci[0] < plain[0] && clustered.ci[1] > plain[1]);
  });

  it('handles unequal sample counts per item (failed samples)', () => {
    const result = rateWithInterval([{ item: 1, n: 5, k: 4 }, { item: 2, n: 3, k: 0, failed: 2 }, { item: 3, n: 4, k: 2, failed: 1 }, { item: 4, n: 0, k: 0, failed: 5 }]);
    assert.equal(result.n, 12);
    assert.equal(result.k, 6);
    assert.equal(result.items, 3);
    assert.equal(result.failed, 8);
    assert.match(result.note, /1 item\(s\) had no graded sample/);
    assert.ok(result.designEffect >= 1);
  });

  it('says what it cannot know: no samples, a single item, every sample agreeing', () => {
    assert.deepEqual(rateWithInterval([]).ci, [0, 1]);
    assert.match(rateWithInterval([]).note, /no graded sample/);
    const one = rateWithInterval([{ item: 1, n: 5, k: 2 }]);
    assert.deepEqual(one.ci, wilsonInterval(2, 5, Z_95 * Math.sqrt(5)));
    assert.match(one.note, /a single item/);
    const zero = rateWithInterval([0, 0, 0].map((k, item) => ({ item, n: 5, k })));
    assert.equal(zero.ci[0], 0);
    assert.ok(zero.ci[1] > 0);
    assert.match(zero.note, /clustering by item cannot be estimated/);
  });

  it('uses t with I − 1 df for the clustered critical value', () => {
    close(clusteredCritical(20, 4), t95(19) * 2);
    close(clusteredCritical(1, 4), Z_95 * 2);
  });
});
