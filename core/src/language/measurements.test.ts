import * as assert from 'node:assert/strict';
import { age, NO_MEASUREMENTS, percent } from './measurements';

describe('measurement formatting', () => {
  it('prints percentages and ages', () => {
    assert.equal(percent(0.344), '34%');
    const now = new Date('2026-01-02T12:00:00Z');
    assert.equal(age('2026-01-02T11:59:50Z', now), 'just now');
    assert.equal(age('2026-01-02T11:55:00Z', now), '5 min ago');
    assert.equal(age('2026-01-02T09:00:00Z', now), '3 h ago');
    assert.equal(age('2025-12-29T12:00:00Z', now), '4 days ago');
    assert.equal(age('not a date', now), 'at an unknown time');
  });

  it('has an empty source for when nothing was measured', () => {
    assert.equal(NO_MEASUREMENTS.forVariant('file:///x', 'a', 'b'), undefined);
    assert.equal(NO_MEASUREMENTS.calibrationFor('toxicity'), undefined);
  });
});
