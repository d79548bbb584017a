import assert from 'node:assert/strict';
import { instructionHash, type Arm } from './arms';
import { newcombeDifference, wilsonInterval } from './stats';
import { armResults, countFailed, countGraded, newArmTally } from './summarise';

const arm = (name: string, control: boolean): Arm => ({ name, control, instruction: name, instructionHash: instructionHash(name), synthetic: false });

describe('summarise (tallies → arm results)', () => {
  it('counts graded and failed samples, and reports rates, lifts over the first control and capability', () => {
    const candidate = newArmTally(arm('strong', false));
    const control = newArmTally(arm('neutral', true));
    for (let i = 0; i < 10; i++) countGraded(candidate, { behavior: i < 7, capability: i < 5 ? true : i < 8 ? false : null, score: null, detail: '' }, i < 3);
    countFailed(candidate);
    for (let i = 0; i < 10; i++) countGraded(control, { behavior: i < 2, capability: null, score: null, detail: '' }, false);
    assert.deepEqual([candidate.done, candidate.cached, candidate.failed, candidate.n, candidate.k, candidate.capabilityN, candidate.capabilityK], [11, 3, 1, 10, 7, 8, 5]);
    const [strong, neutral] = armResults([candidate, control], (a) => (a.name === 'strong' ? 0.9 : null), 'run-1');
    assert.equal(strong!.rate, 0.7);
    assert.deepEqual(strong!.ci, wilsonInterval(7, 10));
    assert.deepEqual(strong!.liftCi, newcombeDifference(7, 10, 2, 10).ci);
    assert.equal(strong!.predicted, 0.9);
    assert.deepEqual(strong!.capability, { n: 8, k: 5, rate: 5 / 8, ci: wilsonInterval(5, 8) });
    assert.equal(strong!.failed, 1);
    assert.equal(strong!.run, 'run-1');
    assert.equal(neutral!.lift, null);
    assert.equal(neutral!.predicted, null);
    assert.equal(neutral!.capability, null);
  });
});
