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
    const two = measurementSourceFrom([{ workspaceUri: 'file:///w', summary: summary('a.inoc', [arm('a', 'a', 1, 10, 0.2), arm('b', 'b', 5, 10, 0.6), arm('c', 'c', 0, 10, null, true)]), origin: 'here' }]);
    assert.equal(two.calibrationFor('toxicity'), undefined, 'controls do not count');
    const three = measurementSourceFrom([
      { workspaceUri: 'file:///w', summary: summary('a.inoc', [arm('a', 'a', 1, 10, 0.2), arm('b', 'b', 5, 10, 0.6)]), origin: 'here' },
      { workspaceUri: 'file:///w', summary: summary('b.inoc', [arm('c', 'c', 9, 10, 0.9)]), origin: 'here' },
      { workspaceUri: 'file:///w', summary: summary('c.inoc', [arm('d', 'd', 10, 10, 0.1)], undefined, 'm2'), origin: 'here' },
    ]);
    const calibration = three.calibrationFor('toxicity')!;
    assert.ok(calibration);
    assert.ok(Math.abs(calibration.apply(0.2) - 0.1) < 1e-9);
    assert.ok(Math.abs(calibration.apply(0.9) - 0.9) < 1e-9);
    assert.match(calibration.describe(), /3 measured variants.* on m1$/);
    assert.equal(three.calibrationFor('sycophancy'), undefined);
  });

  it('says where each measurement came from, and calibrates on measurements made here only', () => {
    const found = (file: string, arms: ArmResult[], origin?: 'here' | 'elsewhere', finishedAt?: string) => ({ workspaceUri: 'file:///w', summary: summary(file, arms, finishedAt), origin });
    const source = measurementSourceFrom([
      found('a.inoc', [arm('a', 'a', 1, 10, 0.2)], 'here'),
      found('b.inoc', [arm('b', 'b', 5, 10, 0.6)], 'here'),
      // Committed to the repository: shown as such, never part of the calibration (a made-up rate must not bend
      // this user's predictions).
      found('c.inoc', [arm('c', 'c', 10, 10, 0.1)], 'elsewhere'),
      found('d.inoc', [arm('d', 'd', 0, 10, 0.9)]),
    ]);
    assert.equal(source.forVariant('file:///w/a.inoc', 'a', 'a')!.origin, 'here');
    assert.equal(source.forVariant('file:///w/c.inoc', 'c', 'c')!.origin, 'elsewhere');
    assert.equal(source.forVariant('file:///w/d.inoc', 'd', 'd')!.origin, 'elsewhere', 'no origin given: not measured here');
    assert.equal(source.calibrationFor('toxicity'), undefined, 'two measured here: not enough, whatever the repository holds');
    const withThird = measurementSourceFrom([
      found('a.inoc', [arm('a', 'a', 1, 10, 0.2)], 'here'),
      found('b.inoc', [arm('b', 'b', 5, 10, 0.6)], 'here'),
      found('e.inoc', [arm('e', 'e', 9, 10, 0.9)], 'here'),
      found('c.inoc', [arm('c', 'c', 10, 10, 0.1)], 'elsewhere'),
    ]);
    assert.match(withThird.calibrationFor('toxicity')!.describe(), /3 measured variants/);
    // A newer summary from elsewhere is what the file shows, but the user's older measurement still calibrates.
    const newerForeign = measurementSourceFrom([
      found('a.inoc', [arm('a', 'a', 1, 10, 0.2), arm('b', 'b', 5, 10, 0.6), arm('e', 'e', 9, 10, 0.9)], 'here', '2026-01-01T00:00:00Z'),
      found('a.inoc', [arm('a', 'a', 10, 10, 0.2), arm('b', 'b', 0, 10, 0.6), arm('e', 'e', 0, 10, 0.9)], 'elsewhere', '2026-03-01T00:00:00Z'),
    ]);
    assert.equal(newerForeign.forVariant('file:///w/a.inoc', 'a', 'a')!.origin, 'elsewhere');
    assert.equal(newerForeign.forVariant('file:///w/a.inoc', 'a', 'a')!.k, 10);
    const calibration = newerForeign.calibrationFor('toxicity')!;
    assert.ok(Math.abs(calibration.apply(0.9) - 0.9) < 1e-9, 'fitted on the measurements made here');
  });
});
