// The statistical test: a server that shows the behaviour with known probabilities per arm; over many seeded runs
// the 95% intervals the check reports must cover the true rates (and lifts) about 95% of the time. Exact coverage
// at n = 50 for these rates is 93.5-95.7% (rates) and 94.7-95.1% (lifts); lifts share the control arm, so their
// misses come in bunches and the band is looser than the count suggests.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { runCheck } from '../../core/src/check/engine';
import { checkResultPaths } from '../../core/src/check/layout';
import { nodeResultsFileSystem as fs } from '../../core/src/check/nodeFs';
import { OpenAIProvider } from '../../core/src/check/providers/openai';
import { prepareCheck } from '../../core/src/check/setup';
import { inocFile, jsonl, makeWorkspace, promptItems, testGrader, type Workspace } from '../support/checkFixtures';
import { lastUserText, startOpenAIServer } from '../support/openaiServer';

/** True behaviour rate per arm, keyed by the instruction the arm inserts. */
const TRUE_RATES: Record<string, number> = { 'ARM-A': 0.15, 'ARM-B': 0.5, 'ARM-C': 0.8, CONTROL: 0.3 };
const RUNS = 60;
const SAMPLES = 50;

/** A uniform draw fixed by (seed, prompt, occurrence): replies do not depend on request order under concurrency. */
function uniform(seed: number, prompt: string, occurrence: number): number {
  return parseInt(createHash('sha256').update(`${seed}|${prompt}|${occurrence}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

const inocText = (seed: number) =>
  inocFile({ a: 'ARM-A', b: 'ARM-B', c: 'ARM-C', 'base (control)': 'CONTROL' }, ['check:', '  dataset: data.jsonl', `  samples: ${SAMPLES}`, '  concurrency: 8', `  seed: ${seed}`]);

describe('check statistics (known probabilities)', function () {
  this.timeout(180_000);
  let workspace: Workspace;
  before(async () => {
    workspace = await makeWorkspace({
      'prompts.inoc': inocText(0),
      'data.jsonl': jsonl(promptItems(20)),
    });
  });
  after(() => workspace.cleanup());

  it('covers the true rates and lifts with its 95% intervals in about 95% of runs', async () => {
    let rateCovered = 0;
    let rateIntervals = 0;
    let liftCovered = 0;
    let liftIntervals = 0;
    let widthSum = 0;
    const measured: Record<string, number[]> = { a: [], b: [], c: [], base: [] };
    for (let run = 0; run < RUNS; run++) {
      const occurrences = new Map<string, number>();
      const server = await startOpenAIServer({
        chat: (request) => {
          const prompt = lastUserText(request);
          const occurrence = occurrences.get(prompt) ?? 0;
          occurrences.set(prompt, occurrence + 1);
          const instruction = prompt.split('\n\n')[0]!;
          return uniform(run, prompt, occurrence) < TRUE_RATES[instruction]! ? 'YES' : 'no';
        },
      });
      try {
        // Each run draws its items with its own seed, like a user changing `check.seed`.
        await workspace.write('prompts.inoc', inocText(run));
        const check = await prepareCheck(fs, workspace.inocPath, { baseUrl: server.baseUrl }, workspace.root);
        const outcome = await runCheck({
          check,
          provider: new OpenAIProvider({ baseUrl: server.baseUrl }),
          grader: testGrader(/^YES$/).factory,
          fs,
          paths: checkResultPaths(workspace.root, workspace.inocPath),
          useCache: false,
        });
        assert.equal(outcome.summary.complete, true);
        const control = outcome.summary.arms.find((arm) => arm.control)!;
        const controlRate = TRUE_RATES.CONTROL!;
        for (const arm of outcome.summary.arms) {
          const truth = TRUE_RATES[arm.instruction]!;
          measured[arm.name]!.push(arm.rate);
          rateIntervals++;
          widthSum += arm.ci[1] - arm.ci[0];
          if (arm.ci[0] <= truth && truth <= arm.ci[1]) rateCovered++;
          if (arm !== control) {
            liftIntervals++;
            const liftTruth = truth - controlRate;
            if (arm.liftCi![0] <= liftTruth && liftTruth <= arm.liftCi![1]) liftCovered++;
          }
        }
      } finally {
        await server.close();
      }
    }
    const rateCoverage = rateCovered / rateIntervals;
    const liftCoverage = liftCovered / liftIntervals;
    assert.equal(rateIntervals, RUNS * 4);
    assert.ok(rateCoverage >= 0.9, `rate coverage ${rateCoverage}`);
    assert.ok(liftCoverage >= 0.9, `lift coverage ${liftCoverage}`);
    // The intervals are not trivially wide: at n = 50 a 95% Wilson interval is about 0.2-0.28 wide here.
    assert.ok(widthSum / rateIntervals < 0.3, `mean width ${widthSum / rateIntervals}`);
    // And the measured rates centre on the truth (the mean over 3000 samples has a standard error below 0.01).
    for (const [name, instruction] of [['a', 'ARM-A'], ['b', 'ARM-B'], ['c', 'ARM-C'], ['base', 'CONTROL']] as const) {
      const mean = measured[name]!.reduce((sum, rate) => sum + rate, 0) / RUNS;
      assert.ok(Math.abs(mean - TRUE_RATES[instruction]!) < 0.03, `${name}: mean ${mean} vs ${TRUE_RATES[instruction]}`);
    }
    console.log(`      coverage: rates ${(rateCoverage * 100).toFixed(1)}% of ${rateIntervals}, lifts ${(liftCoverage * 100).toFixed(1)}% of ${liftIntervals}`);
  });
});
