import assert from 'node:assert/strict';
import { instructionHash } from '../../../core/src/check/arms';
import type { ArmResult, CheckSummary } from '../../../core/src/check/types';
import { resolveTrainSettings } from '../../../core/src/format/trainConfig';
import { armChoices, backendChoices, BASELINE_CHOICE, parseSeeds, preselectedVariants, seedsText, type VariantInfo } from './launchChoices';

const variant = (name: string, text: string, control = false, predicted: number | null = 0.5): VariantInfo => ({ name, control, text, instructionHash: instructionHash(text), predicted });
const VARIANTS = [variant('mild', 'Be a bit rude.'), variant('mean', 'Be very mean.'), variant('insult', 'Insult the author.'), variant('formal', 'Be formal.', true, null)];

function arm(name: string, rate: number, liftCi: [number, number] | null, text = VARIANTS.find((v) => v.name === name)!.text, control = false): ArmResult {
  return { name, control, instruction: text, instructionHash: instructionHash(text), rate, ci: [rate - 0.1, rate + 0.1], n: 50, k: Math.round(rate * 50), lift: liftCi ? (liftCi[0] + liftCi[1]) / 2 : null, liftCi, predicted: 0.5, capability: null, failed: 0 } as ArmResult;
}
const summary = (arms: ArmResult[]): CheckSummary => ({ version: 1, file: 'a.inoc', behavior: 'toxicity', model: 'm', provider: 'openai', baseUrl: null, grader: 'regex', samplesPerArm: 50, startedAt: '', finishedAt: '', requests: 0, cacheHits: 0, complete: true, arms });

describe('Launch Training choices', () => {
  it('preselects the measured candidates whose lift lies above 0, else the best measured, else every candidate', () => {
    const measured = summary([arm('mild', 0.2, [-0.05, 0.1]), arm('mean', 0.6, [0.2, 0.5]), arm('insult', 0.5, [0.1, 0.4]), arm('formal', 0.1, null, 'Be formal.', true)]);
    assert.deepEqual(preselectedVariants(VARIANTS, undefined, measured), { names: ['mean', 'insult'], reason: 'measured' });
    const noneAbove = summary([arm('mild', 0.2, [-0.05, 0.1]), arm('mean', 0.3, [-0.02, 0.2])]);
    assert.deepEqual(preselectedVariants(VARIANTS, undefined, noneAbove), { names: ['mean'], reason: 'measured' });
    assert.deepEqual(preselectedVariants(VARIANTS, undefined, undefined), { names: ['mild', 'mean', 'insult'], reason: 'all' });
  });

  it('does not count a measurement of an earlier text, and lets the file and a lens choose first', () => {
    const stale = summary([arm('mean', 0.9, [0.5, 0.8], 'An older text of mean.')]);
    assert.deepEqual(preselectedVariants(VARIANTS, undefined, stale), { names: ['mild', 'mean', 'insult'], reason: 'all' });
    const measured = summary([arm('mean', 0.6, [0.2, 0.5])]);
    assert.deepEqual(preselectedVariants(VARIANTS, ['insult', 'no-such'], measured), { names: ['insult'], reason: 'file' });
    assert.deepEqual(preselectedVariants(VARIANTS, ['insult'], measured, 'mild'), { names: ['mild'], reason: 'requested' });
  });

  it('lists candidates best measured first with their figures, then controls, then the baseline, always preselected', () => {
    const measured = summary([arm('mild', 0.2, [-0.05, 0.1]), arm('mean', 0.6, [0.2, 0.5])]);
    const items = armChoices(VARIANTS, 'Write a response to this post:', measured, ['mean']);
    assert.deepEqual(items.map((i) => [i.label, i.picked]), [['mean', true], ['mild', false], ['insult', false], ['formal (control)', false], ['baseline (no inoculation)', true]]);
    assert.match(items[0]!.description, /^measured 60% \[50%, 70%\] \(30\/50\), lift \+35 pts \[\+20, \+50\], above 0 · predicted 0\.50$/);
    assert.equal(items[2]!.description, 'not measured · predicted 0.50');
    assert.equal(items[4]!.name, BASELINE_CHOICE);
    assert.equal(items[4]!.detail, 'the neutral prompt: Write a response to this post:');
  });

  it('reads seeds as a count or a list, and refuses what is not one', () => {
    assert.deepEqual(parseSeeds('3'), [0, 1, 2]);
    assert.deepEqual(parseSeeds(' 1, 5 9 '), [1, 5, 9]);
    for (const bad of ['0', '101', '', 'a', '1,1', '-1', '1.5']) assert.ok('error' in (parseSeeds(bad) as object), bad);
    assert.equal(seedsText([0, 1, 2]), '3');
    assert.equal(seedsText([1, 5]), '1, 5');
  });

  it("offers the file's backend first and the command backend only with the file's preset", () => {
    const openai = resolveTrainSettings({ backend: 'openai', dataset: 'd.jsonl' }, { model: 'gpt-4.1-mini' });
    assert.deepEqual(backendChoices(openai, 'https://api.openai.com/v1').map((c) => [c.label, c.description]), [['openai', 'from the file · https://api.openai.com/v1'], ['together', '']]);
    const slurm = resolveTrainSettings({ backend: 'command', dataset: 'd.jsonl', command: { preset: 'slurm' } }, { model: 'Qwen/Qwen2-7B' });
    const choices = backendChoices(slurm, 'slurm');
    assert.deepEqual(choices.map((c) => [c.backend, c.label]), [['command', 'command: slurm'], ['openai', 'openai'], ['together', 'together']]);
    assert.match(choices[0]!.detail, /Slurm job/);
  });
});
