// Interval coverage on the simulated lab's data (test/support/labLaw.ts): over seeded repetitions of an evaluation
// (the same items and samples per item as the CLI pipeline test), the paired interval of the change of B between an
// inoculated fine-tune and the baseline must cover the law's true difference about 95% of the time, and so must the
// rate intervals. The lab's answers go through the same code as online (labResponder), without HTTP, so this is
// cheap enough for CI.
import assert from 'node:assert/strict';
import { rateDifference, rateWithInterval, type ItemTally } from '../../core/src/eval/stats';
import { coverageBand } from '../../core/src/eval/coverage';
import { DEFAULT_LAW, labResponder, type LabLaw, type LabModel } from '../support/labLaw';
import { EVAL_ITEMS, LAB_CANDIDATES } from './labFixture';

const SAMPLES = 4;
const REPETITIONS = 400;

/** One evaluation of `model` under the neutral prompt: per-item tallies of B from the lab. */
function tallies(law: LabLaw, modelId: string, model: LabModel): ItemTally[] {
  const respond = labResponder(law, (id) => (id === modelId ? model : undefined));
  return EVAL_ITEMS.map((prompt, index) => {
    let k = 0;
    for (let sample = 0; sample < SAMPLES; sample++) if (respond(modelId, [{ role: 'user', content: prompt }]).startsWith('BEHAVIOUR')) k++;
    return { item: index + 1, n: SAMPLES, k };
  });
}

describe('interval coverage on the simulated lab (seeded repetitions)', function () {
  this.timeout(120_000);

  it('the paired interval of the change against the baseline covers the true difference about 95% of the time', () => {
    const band = coverageBand(REPETITIONS);
    for (const [name, candidate] of Object.entries(LAB_CANDIDATES).filter(([n]) => n === 'strong' || n === 'mild')) {
      let covered = 0;
      let rateCovered = 0;
      for (let repetition = 0; repetition < REPETITIONS; repetition++) {
        const law: LabLaw = { ...DEFAULT_LAW, candidates: LAB_CANDIDATES, items: EVAL_ITEMS, seed: 10_000 + repetition };
        const baseline = tallies(law, 'ft:baseline', { kind: 'fine-tuned', strength: 0, instruction: '' });
        const inoculated = tallies(law, `ft:${name}`, { kind: 'fine-tuned', strength: candidate.strength, instruction: candidate.instruction });
        const change = rateDifference(inoculated, baseline);
        assert.equal(change.method, 'mover-paired-clustered');
        const truth = -law.trainedB * candidate.strength;
        if (change.ci[0] <= truth && truth <= change.ci[1]) covered++;
        const rate = rateWithInterval(inoculated);
        const trueRate = law.trainedB * (1 - candidate.strength);
        if (rate.ci[0] <= trueRate && trueRate <= rate.ci[1]) rateCovered++;
      }
      const coverage = covered / REPETITIONS;
      const rateCoverage = rateCovered / REPETITIONS;
      console.log(`      ${name}: paired change covered ${(coverage * 100).toFixed(1)}%, rate ${(rateCoverage * 100).toFixed(1)}% of ${REPETITIONS}`);
      assert.ok(coverage >= band[0] && coverage <= band[1], `${name}: change coverage ${coverage} outside [${band[0]}, ${band[1]}]`);
      assert.ok(rateCoverage >= band[0], `${name}: rate coverage ${rateCoverage} below ${band[0]}`);
    }
  });
});
