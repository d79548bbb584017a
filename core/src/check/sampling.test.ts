import assert from 'node:assert/strict';
import { drawPlan, mixSeed, mulberry32 } from './sampling';

describe('sampling', () => {
  it('is deterministic from the seed and changes with it', () => {
    assert.deepEqual(drawPlan(100, 50, 7), drawPlan(100, 50, 7));
    assert.notDeepEqual(drawPlan(100, 50, 7), drawPlan(100, 50, 8));
  });

  it('draws each item at most once per pass, and every item once a full pass is drawn', () => {
    const plan = drawPlan(20, 20, 3);
    assert.equal(new Set(plan).size, 20);
    const partial = drawPlan(20, 13, 3);
    assert.equal(new Set(partial).size, 13);
  });

  it('reuses items when there are more samples than items, each pass covering every item', () => {
    const plan = drawPlan(5, 12, 1);
    assert.equal(new Set(plan.slice(0, 5)).size, 5);
    assert.equal(new Set(plan.slice(5, 10)).size, 5);
    assert.ok([...plan].every((index) => index < 5));
    assert.notDeepEqual([...plan.slice(0, 5)], [...plan.slice(5, 10)], 'each pass is shuffled afresh');
  });

  it('keeps the first draws when samples grow (prefix-stable)', () => {
    const small = drawPlan(30, 50, 11);
    const large = drawPlan(30, 100, 11);
    assert.deepEqual([...small], [...large.slice(0, 50)]);
  });

  it('spreads draws evenly over items (chi-square sanity bound)', () => {
    const counts = new Array(10).fill(0);
    for (let seed = 0; seed < 200; seed++) counts[drawPlan(10, 1, seed)[0]!]++;
    const expected = 20;
    const chi = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 0.999 quantile is 27.9.
    assert.ok(chi < 27.9, `chi-square ${chi} over ${counts.join(',')}`);
  });

  it('rejects an empty dataset and negative sample counts', () => {
    assert.throws(() => drawPlan(0, 5, 1), /no items/);
    assert.throws(() => drawPlan(3, -1, 1), /samples/);
    assert.equal(drawPlan(3, 0, 1).length, 0);
  });

  it('has independent-looking streams and uniform floats', () => {
    assert.notEqual(mixSeed(1, 0), mixSeed(1, 1));
    assert.notEqual(mixSeed(0, 1), mixSeed(1, 0));
    const random = mulberry32(5);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
  });
});
