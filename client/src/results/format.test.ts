import assert from 'node:assert/strict';
import { interval, percent, signedPoints } from './format';

describe('results number formats', () => {
  it('writes proportions as percentages with one decimal', () => {
    assert.equal(percent(0.675), '67.5%');
    assert.equal(percent(0), '0.0%');
    assert.equal(percent(1), '100.0%');
    assert.equal(percent(2 / 3), '66.7%');
  });

  it('writes lifts in signed percentage points, with a true minus sign', () => {
    assert.equal(signedPoints(0.1), '+10.0');
    assert.equal(signedPoints(0), '+0.0');
    assert.equal(signedPoints(-0.05), '−5.0');
  });

  it('writes an interval as its two ends', () => {
    assert.equal(interval([0.52, 0.8041]), '52.0%–80.4%');
  });
});
