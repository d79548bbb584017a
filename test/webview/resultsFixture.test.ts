import assert from 'node:assert/strict';
import { PAGE_SIZE } from '../../client/src/results/protocol';
import { fixtureSamples, fixtureSummary, outcomeOf, pageOf } from './resultsFixture';

describe('the results view fixture', () => {
  it("has samples whose grades add up to each arm's counts in the summary", () => {
    const summary = fixtureSummary();
    const samples = fixtureSamples();
    for (const arm of summary.arms) {
      const own = samples.filter((s) => s.arm === arm.name);
      assert.equal(own.length, summary.samplesPerArm, arm.name);
      assert.equal(own.filter((s) => outcomeOf(s) === 'behavior').length, arm.k, `${arm.name}: k`);
      assert.equal(own.filter((s) => outcomeOf(s) !== 'failed').length, arm.n, `${arm.name}: n`);
      assert.equal(own.filter((s) => outcomeOf(s) === 'failed').length, arm.failed, `${arm.name}: failed`);
      assert.ok(arm.ci[0] <= arm.rate && arm.rate <= arm.ci[1], `${arm.name}: the interval holds the rate`);
    }
    assert.equal(summary.arms.filter((a) => a.control).length, 1);
    assert.ok(summary.arms.every((a) => a.control === (a.lift === null)));
  });

  it('pages and filters like the host: totals per filter, PAGE_SIZE per page, the rest on the last page', () => {
    const samples = fixtureSamples();
    const all = pageOf(samples, { arm: null, grade: null }, 0);
    assert.equal(all.total, samples.length);
    assert.equal(all.samples.length, PAGE_SIZE);
    const last = pageOf(samples, { arm: null, grade: null }, Math.floor((samples.length - 1) / PAGE_SIZE) * PAGE_SIZE);
    assert.equal(last.samples.length, samples.length % PAGE_SIZE || PAGE_SIZE);
    const failed = pageOf(samples, { arm: 'only-this-test', grade: 'failed' }, 0);
    assert.deepEqual(failed.samples.map((s) => s.sample), [38, 39]);
    assert.equal(pageOf(samples, { arm: 'irrelevant', grade: 'behavior' }, 0).total, 2);
  });
});
