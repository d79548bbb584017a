import * as assert from 'node:assert/strict';
import { instructionHash } from '../check/arms';
import type { ArmResult, CheckSummary } from '../check/types';
import { measurementSourceFrom, summaryDocumentUri } from './measurementSource';

function arm(name: string, instruction: string, k: number, n: number, predicted: number | null, control = false): ArmResult {
  return {
    name,
    control,
    instruction,
    instructionHash: instructionHash(instruction),
    n,
    k,
    rate: n ? k / n : 0,
    ci: [0, 1],
    lift: control ? null : 0.1,
    liftCi: control ? null : [0, 0.2],
    predicted,
    capability: null,
    failed: 0,
  };
}

function summary(file: string, arms: ArmResult[], finishedAt = '2026-01-01T00:00:00Z', model = 'm1'): CheckSummary {
  return {
    version: 1,
    file,
    behavior: 'toxicity',
    model,
    provider: 'openai',
    baseUrl: null,
    grader: 'regex',
    samplesPerArm: 10,
    startedAt: finishedAt,
    finishedAt,
    requests: 0,
    cacheHits: 0,
    complete: true,
    arms,
  };
}

describe('measurementSourceFrom', () => {
  it('maps summaries to documents under their workspace folder', () => {
    assert.equal(summaryDocumentUri({ workspaceUri: 'file:///w', summary: summary('ex/a.inoc', []) }), 'file:///w/ex/a.inoc');
    assert.equal(summaryDocumentUri({ workspaceUri: 'file:///w', summary: summary('/elsewhere/b.inoc', []) }), 'file:///elsewhere/b.inoc');
  });

  it('gives the newest measurement of a variant and marks it stale when the text changed', () => {
    const source = measurementSourceFrom([
      { workspaceUri: 'file:///w', summary: summary('a.inoc', [arm('mean', 'Be mean.', 1, 10, 0.5)], '2026-01-01T00:00:00Z') },
      { workspaceUri: 'file:///w', summary: summary('a.inoc', [arm('mean', 'Be mean.', 7, 10, 0.5)], '2026-02-01T00:00:00Z') },
    ]);
    const fresh = source.forVariant('file:///w/a.inoc', 'mean', 'Be mean.')!;
    assert.equal(fresh.k, 7);
    assert.equal(fresh.stale, false);
    assert.equal(source.forVariant('file:///w/a.inoc', 'mean', 'Be very mean.')!.stale, true);
    assert.equal(source.forVariant('file:///w/a.inoc', 'other', 'x'), undefined);
    assert.equal(source.forVariant('file:///w/b.inoc', 'mean', 'Be mean.'), undefined);
  });

  it('calibrates a behaviour once three candidates are measured, on the most measured model', () => {
    const two = measurementSourceFrom([{ workspaceUri: 'file:///w', summary: summary('a.inoc', [arm('a', 'a', 1, 10, 0.2), arm('b', 'b', 5, 10, 0.6), arm('c', 'c', 0, 10, null, true)]) }]);
    assert.equal(two.calibrationFor('toxicity'), undefined, 'controls do not count');
    const three = measurementSourceFrom([
      { workspaceUri: 'file:///w', summary: summary('a.inoc', [arm('a', 'a', 1, 10, 0.2), arm('b', 'b', 5, 10, 0.6)]) },
      { workspaceUri: 'file:///w', summary: summary('b.inoc', [arm('c', 'c', 9, 10, 0.9)]) },
      { workspaceUri: 'file:///w', summary: summary('c.inoc', [arm('d', 'd', 10, 10, 0.1)], undefined, 'm2') },
    ]);
    const calibration = three.calibrationFor('toxicity')!;
    assert.ok(calibration);
    assert.ok(Math.abs(calibration.apply(0.2) - 0.1) < 1e-9);
    assert.ok(Math.abs(calibration.apply(0.9) - 0.9) < 1e-9);
    assert.match(calibration.describe(), /3 measured variants.* on m1$/);
    assert.equal(three.calibrationFor('sycophancy'), undefined);
  });
});
