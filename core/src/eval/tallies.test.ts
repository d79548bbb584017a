import assert from 'node:assert/strict';
import { droppedPairs, pairByItem, tallyByItem, totals, validateTallies } from './tallies';

describe('eval/tallies', () => {
  it('tallies samples per item, failed samples apart', () => {
    const tallies = tallyByItem([
      { item: 3, outcome: true }, { item: 3, outcome: false }, { item: 1, outcome: null },
      { item: 3, outcome: true }, { item: 1, outcome: false },
    ]);
    assert.deepEqual(tallies, [{ item: 3, n: 3, k: 2, failed: 0 }, { item: 1, n: 1, k: 0, failed: 1 }]);
    assert.deepEqual(totals(tallies), { items: 2, n: 4, k: 2, failed: 1, ungradedItems: 0 });
  });

  it('counts items whose samples all failed', () => {
    assert.equal(totals(tallyByItem([{ item: 'a', outcome: null }])).ungradedItems, 1);
  });

  it('rejects impossible tallies, naming the side and the item', () => {
    assert.throws(() => validateTallies([{ item: 7, n: 2, k: 3 }], 'model x'), /model x, item 7: invalid counts k=3, n=2/);
    assert.throws(() => validateTallies([{ item: 7, n: 1.5, k: 0 }], 'A'), /whole numbers/);
    assert.throws(() => validateTallies([{ item: 1, n: 1, k: 0 }, { item: 1, n: 1, k: 1 }], 'A'), /item 1: the item occurs twice/);
    assert.throws(() => validateTallies([{ item: 1, n: 1, k: 0, failed: -1 }], 'A'), /invalid failed count/);
  });

  it('pairs by item, dropping and counting pairs whose samples failed and items on one side only', () => {
    const a = [{ item: 1, n: 1, k: 1 }, { item: 2, n: 0, k: 0 }, { item: 3, n: 1, k: 0 }, { item: 4, n: 0, k: 0 }, { item: 5, n: 1, k: 0 }];
    const b = [{ item: 1, n: 1, k: 0 }, { item: 2, n: 1, k: 1 }, { item: 3, n: 0, k: 0 }, { item: 4, n: 0, k: 0 }, { item: 6, n: 1, k: 1 }];
    const { pairs, report } = pairByItem(a, b);
    assert.deepEqual(pairs.map((pair) => pair.item), [1]);
    assert.deepEqual(report, { pairs: 1, droppedUngradedA: 1, droppedUngradedB: 1, droppedUngradedBoth: 1, onlyA: 1, onlyB: 1 });
    assert.equal(droppedPairs(report), 3);
  });
});
