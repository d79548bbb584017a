import assert from 'node:assert/strict';
import { hostileSummary } from '../../../test/support/evalSummaryFixture';
import { evalLensText } from './lens';

describe('the evaluation lens text', () => {
  it('says B and C with their change against the baseline, for the neutral condition', () => {
    const summary = hostileSummary();
    const name = summary.arms[0]!.arm;
    assert.match(evalLensText(summary, name)!, /^inoculated: B 20% \(−50 pts\) · C 87% \(0 pts\)$/);
    assert.equal(evalLensText(summary, 'no such variant'), undefined);
  });
});
