import assert from 'node:assert/strict';
import { rateDifference } from './difference';
import { selectivity, type Change } from './selectivity';

const change = (estimate: number, ci: [number, number] | null): Change => ({ estimate, ci, method: 'newcombe-paired', note: '' });

describe('eval/selectivity', () => {
  it('flags a capability cost when the C change lies below 0', () => {
    const result = selectivity(change(-0.31, [-0.4, -0.22]), change(-0.08, [-0.14, -0.02]));
    assert.equal(result.behaviorReduced, true);
    assert.equal(result.capabilityCost, true);
    assert.equal(result.summary, 'B −31.0 pts, lowered; C −8.0 pts: the inoculation also cost capability');
  });

  it('does not flag a C change whose interval holds 0, and says no loss is *shown*', () => {
    const result = selectivity(change(-0.31, [-0.4, -0.22]), change(-0.02, [-0.07, 0.03]));
    assert.equal(result.capabilityCost, false);
    assert.match(result.summary, /no capability loss shown at the 95% level/);
  });

  it('flags nothing without intervals and says when B rose', () => {
    const none = selectivity(change(-0.1, null), change(-0.2, null));
    assert.equal(none.behaviorReduced, false);
    assert.equal(none.capabilityCost, false);
    assert.match(selectivity(change(0.2, [0.1, 0.3]), change(0, [-0.05, 0.05])).summary, /B \+20\.0 pts, raised/);
  });

  it('takes the changes from item tallies directly', () => {
    const items = (ks: number[]) => ks.map((k, item) => ({ item, n: 5, k }));
    const b = rateDifference(items([0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]), items([4, 5, 3, 4, 5, 2, 4, 3, 5, 4, 3, 4]));
    const c = rateDifference(items([5, 5, 4, 5, 5, 5, 4, 5, 5, 5, 5, 4]), items([5, 5, 5, 5, 4, 5, 5, 5, 5, 4, 5, 5]));
    const result = selectivity(b, c);
    assert.equal(result.behaviorReduced, true);
    assert.equal(result.capabilityCost, false);
  });
});
