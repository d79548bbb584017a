import assert from 'node:assert/strict';
import { formatLift, formatMeasurement, formatPercent, formatPoints, formatRate, liftAboveZero } from './formatMeasurement';
import { newcombeDifference, rateEstimate } from './stats';

describe('formatMeasurement: the one way a measurement is written', () => {
  it('writes rates as whole percentages', () => {
    assert.equal(formatPercent(0.343), '34%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatPercent(0.675), '68%');
  });

  it('keeps one decimal where rounding would make a value look like exactly 0% or 100%', () => {
    assert.equal(formatPercent(0.004), '0.4%');
    assert.equal(formatPercent(0.9962), '99.6%');
    assert.equal(formatPercent(0.0004), '0%', 'below 0.05% there is nothing left to show');
  });

  it('writes lifts in signed points with a true minus sign, and 0 without a sign', () => {
    assert.equal(formatPoints(0.12), '+12');
    assert.equal(formatPoints(-0.05), '\u22125');
    assert.equal(formatPoints(0), '0');
    assert.equal(formatPoints(0.003), '+0.3', 'a lower bound just above 0 does not read as 0');
    assert.equal(formatLift(0.12, [0.03, 0.21]), '+12 pts [+3, +21]');
    assert.equal(formatLift(-0.05, [-0.14, 0.04]), '\u22125 pts [\u221214, +4]');
    assert.equal(formatLift(0.2), '+20 pts');
  });

  it('writes a rate with its interval and counts, and the lift after it', () => {
    const arm = { ...rateEstimate(17, 50), lift: null, liftCi: null };
    assert.match(formatRate(arm), /^34% \[\d+%, \d+%\] \(17\/50\)$/);
    assert.equal(formatMeasurement(arm), formatRate(arm), 'a control has no lift');
    const control = rateEstimate(5, 50);
    const lift = newcombeDifference(17, 50, control.k, control.n);
    const text = formatMeasurement({ ...arm, lift: lift.difference, liftCi: lift.ci });
    assert.match(text, /^34% \[\d+%, \d+%\] \(17\/50\), lift \+24 pts \[\+\d+, \+\d+\]$/);
  });

  it('calls a lift clearly above 0 only when its whole interval is', () => {
    assert.equal(liftAboveZero([0.01, 0.3]), true);
    assert.equal(liftAboveZero([0, 0.3]), false);
    assert.equal(liftAboveZero([-0.02, 0.3]), false);
    assert.equal(liftAboveZero(null), false);
    assert.equal(liftAboveZero(undefined), false);
  });
});
