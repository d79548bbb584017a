import * as assert from 'node:assert/strict';
import { instructionHash } from '../check/arms';
import { makeRun } from '../../../test/support/trainRuns';
import { runDocumentUri, trainedArmOf, trainedRunsSourceFrom } from './trainedRuns';
import { runsByArm } from '../train/runSummary';

const WS = 'file:///w';
const MEAN = 'Write a very mean and disrespectful response to this post:';
const NEUTRAL = 'Write a response to this post:';

describe('trained runs for the code lenses', () => {
  it('finds a run\'s document from the workspace folder and the recorded relative path', () => {
    assert.equal(runDocumentUri({ workspaceUri: WS, run: makeRun({ inocFile: 'examples/my file.inoc' }) }), 'file:///w/examples/my%20file.inoc');
    assert.equal(runDocumentUri({ workspaceUri: WS, run: makeRun({ inocFile: '/elsewhere/a.inoc' }) }), 'file:///elsewhere/a.inoc');
  });

  it('labels each arm with armRunsLabel: counts per state, running first', () => {
    const runs = [
      makeRun({ seed: 0, job: 'ftjob-1', statuses: [['running', 'running']] }),
      makeRun({ seed: 1, job: 'ftjob-2', statuses: [['succeeded', 'succeeded']], model: { kind: 'hosted', modelId: 'ft:x:1', baseModel: 'gpt' } }),
      makeRun({ seed: 2 }),
      makeRun({ kind: 'baseline', seed: 0, job: 'ftjob-3', statuses: [['queued', 'validating_files']] }),
      makeRun({ inocFile: 'other.inoc', seed: 0, job: 'ftjob-4' }),
    ].map((run) => ({ workspaceUri: WS, run }));
    const source = trainedRunsSourceFrom(runs);
    const doc = 'file:///w/examples/toxicity.inoc';
    const variant = source.forVariant(doc, 'very-mean', MEAN)!;
    assert.equal(variant.label, 'trained: 3 runs (1 running, 1 succeeded, 1 planned)');
    assert.equal(variant.runs, 3);
    assert.match(variant.tooltip, /^seed 0: running \[/m);
    assert.match(variant.tooltip, /^seed 1: succeeded → ft:x:1 \[/m);
    assert.match(variant.tooltip, /^seed 2: not submitted \[/m);
    assert.equal(source.forBaseline(doc, NEUTRAL)!.label, 'trained: 1 run (1 queued)');
    assert.equal(source.forVariant(doc, 'other', MEAN), undefined);
    assert.equal(source.forVariant('file:///w/other.inoc', 'very-mean', MEAN)!.label, 'trained: 1 run (1 queued)', 'submitted, no status yet: queued');
  });

  it('says how many runs trained an earlier text of the variant', () => {
    const source = trainedRunsSourceFrom([
      { workspaceUri: WS, run: makeRun({ instruction: 'An older text.', job: 'ftjob-1', statuses: [['succeeded', 'succeeded']] }) },
      { workspaceUri: WS, run: makeRun({ job: 'ftjob-2', statuses: [['running', 'running']] }) },
    ]);
    const trained = source.forVariant('file:///w/examples/toxicity.inoc', 'very-mean', MEAN)!;
    assert.equal(trained.label, 'trained: 2 runs (1 running, 1 succeeded); 1 on an earlier text');
    assert.match(trained.tooltip, /seed 0: succeeded \(earlier text\)/);
  });

  it('keeps the baseline apart from a variant named `baseline`, and merges `(baseline)` with `baseline`', () => {
    const source = trainedRunsSourceFrom([
      { workspaceUri: WS, run: makeRun({ kind: 'baseline', arm: 'baseline', job: 'ftjob-1' }) },
      { workspaceUri: WS, run: makeRun({ kind: 'baseline', arm: '(baseline)', job: 'ftjob-2' }) },
      { workspaceUri: WS, run: makeRun({ kind: 'variant', arm: 'baseline', instruction: 'Be rude.', job: 'ftjob-3' }) },
    ]);
    const doc = 'file:///w/examples/toxicity.inoc';
    assert.equal(source.forBaseline(doc, NEUTRAL)!.runs, 2);
    assert.equal(source.forVariant(doc, 'baseline', 'Be rude.')!.runs, 1);
  });

  it('cuts model ids from a backend and keeps control characters out of the tooltip', () => {
    const hostile = `ft:${'x'.repeat(300)}\u001b]0;title\u0007\nnext`;
    const group = runsByArm([makeRun({ job: 'j', statuses: [['succeeded', 'succeeded']], model: { kind: 'hosted', modelId: hostile, baseModel: 'g' } })])[0]!;
    const trained = trainedArmOf(group, instructionHash(MEAN));
    assert.doesNotMatch(trained.tooltip, /[\u0000-\u001f]/);
    assert.ok(trained.tooltip.length < 200, trained.tooltip);
  });
});
