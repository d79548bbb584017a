import assert from 'node:assert/strict';
import { newcombeDifference } from '../check/stats';
import { chooseDifferenceMethod, independentDifference, newcombePaired, pairedDifference, rateDifference, type PairedTable } from './difference';
import type { ItemTally } from './tallies';

const close = (actual: number, expected: number, digits = 4) =>
  assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${actual} is not ${expected} to ${digits} places`);

/** Paired items with one sample per side from a 2×2 table. */
function fromTable({ both, onlyA, onlyB, neither }: PairedTable): { a: ItemTally[]; b: ItemTally[] } {
  const a: ItemTally[] = [];
  const b: ItemTally[] = [];
  const add = (count: number, kA: number, kB: number) => {
    for (let i = 0; i < count; i++) {
      const item = a.length;
      a.push({ item, n: 1, k: kA });
      b.push({ item, n: 1, k: kB });
    }
  };
  add(both, 1, 1);
  add(onlyA, 1, 0);
  add(onlyB, 0, 1);
  add(neither, 0, 0);
  return { a, b };
}

describe('eval/difference', () => {
  describe('newcombePaired (method 10 for paired data)', () => {
    // Newcombe (1998), "Improved confidence intervals for the difference between binomial proportions based on
    // paired data", Stat Med 17:2635–2650, worked examples (a, b, c, d) → 95% limits; and the Cavo et al. (2012)
    // example of Fagerland, Lydersen & Laake, "Statistical Analysis of Contingency Tables" (2017), chapter 8.
    const published: Array<[number, number, number, number, number, number]> = [
      [36, 12, 2, 0, 0.0569, 0.3404],
      [18, 12, 2, 18, 0.0562, 0.329],
      [53, 0, 0, 1, -0.0729, 0.0729],
      [0, 30, 0, 0, 0.8395, 1],
      [59, 6, 16, 80, -0.1186, -0.0046],
    ];
    for (const [both, onlyA, onlyB, neither, lower, upper] of published) {
      it(`matches the published interval for (${both}, ${onlyA}, ${onlyB}, ${neither})`, () => {
        const result = newcombePaired({ both, onlyA, onlyB, neither });
        close(result.estimate, (onlyA - onlyB) / (both + onlyA + onlyB + neither), 12);
        close(result.ci[0], lower);
        close(result.ci[1], upper);
      });
    }

    it('reads [−1, 1] with no pairs and rejects negative counts', () => {
      assert.deepEqual(newcombePaired({ both: 0, onlyA: 0, onlyB: 0, neither: 0 }).ci, [-1, 1]);
      assert.throws(() => newcombePaired({ both: -1, onlyA: 0, onlyB: 0, neither: 0 }), /both=-1/);
    });

    it('is narrower than the independent interval when the pairs are positively correlated', () => {
      const paired = newcombePaired({ both: 18, onlyA: 12, onlyB: 2, neither: 18 });
      const independent = newcombeDifference(30, 50, 20, 50);
      assert.ok(paired.ci[1] - paired.ci[0] < independent.ci[1] - independent.ci[0]);
    });
  });

  describe('pairedDifference', () => {
    it('is Newcombe method 10 on the table of pairs with one sample per item', () => {
      const table = { both: 18, onlyA: 12, onlyB: 2, neither: 18 };
      const { a, b } = fromTable(table);
      const result = pairedDifference(a, b);
      assert.equal(result.method, 'newcombe-paired');
      assert.deepEqual(result.ci, newcombePaired(table).ci);
      assert.equal(result.a.k, 30);
      assert.equal(result.b.k, 20);
    });

    it('drops pairs whose samples failed on a side and says how many', () => {
      const { a, b } = fromTable({ both: 18, onlyA: 12, onlyB: 2, neither: 18 });
      a.push({ item: 'x', n: 0, k: 0, failed: 1 });
      b.push({ item: 'x', n: 1, k: 1 });
      b[0] = { item: 0, n: 0, k: 0, failed: 1 };
      const result = pairedDifference(a, b);
      assert.equal(result.pairing!.pairs, 49);
      assert.equal(result.pairing!.droppedUngradedA, 1);
      assert.equal(result.pairing!.droppedUngradedB, 1);
      assert.match(result.note, /2 item pair\(s\) dropped because their samples failed \(side A: 1, side B: 1, both: 0\)/);
      assert.deepEqual(result.ci, newcombePaired({ both: 17, onlyA: 12, onlyB: 2, neither: 18 }).ci);
    });

    it('uses the clustered MOVER with several samples per item, and keeps its estimate the pooled difference', () => {
      const a = [5, 4, 0, 1, 3, 5, 0, 2, 4, 5, 1, 0].map((k, item) => ({ item, n: 5, k }));
      const b = [4, 2, 0, 0, 2, 4, 0, 1, 3, 3, 0, 0].map((k, item) => ({ item, n: 5, k }));
      const result = pairedDifference(a, b);
      assert.equal(result.method, 'mover-paired-clustered');
      close(result.estimate, (30 - 19) / 60, 12);
      assert.ok(result.correlation > 0.5, `items are strongly correlated, r = ${result.correlation}`);
      assert.ok(result.ci[0] > 0, 'the consistent drop on every item is detected');
      const ignoringPairs = independentDifference(a, b);
      assert.ok(result.ci[1] - result.ci[0] < ignoringPairs.ci[1] - ignoringPairs.ci[0]);
      assert.equal(result.note, '');
    });

    it('is antisymmetric: swapping the sides negates the estimate and mirrors the interval', () => {
      const a = [5, 4, 0, 1, 3].map((k, item) => ({ item, n: 5, k }));
      const b = [4, 2, 0, 0, 2].map((k, item) => ({ item, n: 5, k }));
      const forward = pairedDifference(a, b);
      const backward = pairedDifference(b, a);
      close(backward.estimate, -forward.estimate, 12);
      close(backward.ci[0], -forward.ci[1], 12);
      close(backward.ci[1], -forward.ci[0], 12);
      assert.match(forward.note, /only 5 paired item\(s\): the interval rests on few items/);
    });

    it('gives a real interval, not a point, when neither side ever shows the outcome', () => {
      const zeros = Array.from({ length: 30 }, (_, item) => ({ item, n: 5, k: 0 }));
      const result = pairedDifference(zeros, zeros);
      assert.equal(result.estimate, 0);
      assert.ok(result.ci[0] < -0.01 && result.ci[1] > 0.01, `interval ${result.ci}`);
    });

    it('says when no item was graded on both sides', () => {
      const result = pairedDifference([{ item: 1, n: 0, k: 0 }], [{ item: 1, n: 1, k: 1 }]);
      assert.deepEqual(result.ci, [-1, 1]);
      assert.match(result.note, /no item was graded on both sides/);
    });
  });

  describe('independentDifference and the choice of interval', () => {
    it('is the check\'s Newcombe method 10 with one sample per item', () => {
      const a = Array.from({ length: 70 }, (_, item) => ({ item, n: 1, k: item < 56 ? 1 : 0 }));
      const b = Array.from({ length: 80 }, (_, item) => ({ item: `b${item}`, n: 1, k: item < 48 ? 1 : 0 }));
      const result = independentDifference(a, b);
      assert.equal(result.method, 'newcombe-independent');
      close(result.ci[0], 0.0524);
      close(result.ci[1], 0.3339);
    });

    it('pairs when both sides list the same items, even if some samples failed', () => {
      const a = [{ item: 1, n: 1, k: 1 }, { item: 2, n: 0, k: 0 }];
      const b = [{ item: 1, n: 1, k: 0 }, { item: 2, n: 1, k: 1 }];
      assert.deepEqual(chooseDifferenceMethod(a, b).method, 'newcombe-paired');
      const several = [{ item: 1, n: 3, k: 1 }, { item: 2, n: 3, k: 0 }];
      assert.equal(chooseDifferenceMethod(several, several).method, 'mover-paired-clustered');
    });

    it('falls back to independent samples when the items differ, and says so', () => {
      const a = [{ item: 1, n: 1, k: 1 }, { item: 2, n: 1, k: 0 }];
      const b = [{ item: 1, n: 1, k: 0 }, { item: 3, n: 1, k: 1 }];
      const choice = chooseDifferenceMethod(a, b);
      assert.equal(choice.paired, false);
      assert.equal(choice.method, 'newcombe-independent');
      assert.match(choice.reason, /1 only on side A, 1 only on side B/);
      const result = rateDifference(a, b);
      assert.equal(result.method, 'newcombe-independent');
      assert.match(result.note, /compared as independent samples/);
      const clustered = rateDifference([{ item: 1, n: 3, k: 1 }, { item: 2, n: 3, k: 2 }], [{ item: 3, n: 3, k: 0 }, { item: 4, n: 3, k: 1 }]);
      assert.equal(clustered.method, 'mover-independent-clustered');
    });

    it('rejects impossible counts with the side and item', () => {
      assert.throws(() => rateDifference([{ item: 4, n: 1, k: 2 }], [{ item: 4, n: 1, k: 0 }]), /side A, item 4: invalid counts/);
    });
  });
});
