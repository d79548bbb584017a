import assert from 'node:assert/strict';
import { newcombeDifference, rateEstimate } from '../../../core/src/check/stats';
import { ABOVE_ZERO, armText, isAboveZero, liftText, rateText } from './format';

const candidate = (k: number, controlK: number) => {
  const lift = newcombeDifference(k, 40, controlK, 40);
  return { name: 'cand', control: false, ...rateEstimate(k, 40), lift: lift.difference, liftCi: lift.ci };
};

describe('results view figures', () => {
  it('writes rates and lifts as the rest of the product does', () => {
    const arm = candidate(27, 2);
    assert.match(rateText(arm), /^68% \[\d+%, \d+%\] \(27\/40\)$/);
    assert.match(liftText(arm)!, /^\+63 pts \[\+\d+, \+\d+\]$/);
    assert.equal(liftText({ lift: null, liftCi: null }), null);
  });

  it('marks in words a candidate whose lift interval lies above 0, and only such a candidate', () => {
    const clear = candidate(27, 2);
    const unclear = candidate(4, 2);
    assert.equal(isAboveZero(clear), true);
    assert.equal(isAboveZero(unclear), false);
    assert.ok(armText(clear).endsWith(`, ${ABOVE_ZERO}`), armText(clear));
    assert.ok(!armText(unclear).includes(ABOVE_ZERO), armText(unclear));
    assert.equal(armText({ name: 'ctl', control: true, ...rateEstimate(2, 40), lift: null, liftCi: null }), `ctl (control): ${rateText(rateEstimate(2, 40))}`);
  });
});
