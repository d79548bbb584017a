// The examples' `eval:` blocks: each loads as an evaluation (dataset found, every prompt of every condition built as
// training builds it), both of its graders can grade every evaluation item, and a dry run plans it without sending.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGrader } from '../../core/src/check/graders/index';
import { nodeResultsFileSystem as fs } from '../../core/src/check/nodeFs';
import { evalCells } from '../../core/src/eval/cells';
import { findEvalModels } from '../../core/src/eval/models';
import { prepareEvaluation } from '../../core/src/eval/setup';
import { ensureBuiltCli, runCli, ROOT } from '../support/checkCli';

const EXAMPLES = join(ROOT, 'examples');
const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.inoc'));

describe('the examples\' eval: blocks', function () {
  this.timeout(60_000);
  before(() => ensureBuiltCli());

  for (const file of files) {
    it(`${file}: loads, its graders accept every evaluation item, and a dry run plans it`, async () => {
      const evaluation = await prepareEvaluation(fs, join(EXAMPLES, file), {}, ROOT);
      assert.ok(evaluation.items.length >= 20);
      assert.ok(evaluation.conditions.includes('neutral') && evaluation.conditions.includes('inoculated'));
      const offline = () => Promise.reject(new Error('no model in this test'));
      const environment = { baseDir: EXAMPLES, workspaceTrusted: false, chat: offline, moderate: offline, warn: () => undefined };
      for (const config of [evaluation.graders.behavior, evaluation.graders.capability].filter((g) => g !== null)) {
        const grader = createGrader(config, environment);
        const problems = evaluation.items.map((item) => [item.line, grader.itemProblem(item.value)]).filter(([, problem]) => problem);
        assert.deepEqual(problems, [], `${file}: items the ${grader.type} grader cannot grade`);
      }
      const found = findEvalModels({ config: evaluation.config, variants: evaluation.variants, runs: [], extraModels: evaluation.config.eval.models, base: true });
      assert.ok(evalCells(evaluation, found.models).length >= 2);
      const dry = await runCli(['eval', `examples/${file}`, '--dry-run', '--no-cache', '--json'], { cwd: ROOT });
      assert.equal(dry.status, 0, dry.stderr);
      assert.equal(JSON.parse(dry.stdout).requests, JSON.parse(dry.stdout).samples);
    });
  }
});
