// The whole pipeline as a user runs it, against the simulated lab (test/support/simulatedLab.ts, a simulation whose
// law is known): `inoculate check` → `inoculate train --watch` → `inoculate eval` → `inoculate report`, each a real
// child process using the real openai SDK over real HTTP. The reported rates, effects and correlation must recover
// the law within their intervals.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBuiltCli, runCli } from '../support/checkCli';
import type { Workspace } from '../support/checkFixtures';
import { trueRates } from '../support/labLaw';
import { startSimulatedLab, type SimulatedLab } from '../support/simulatedLab';
import { LAB_CANDIDATES, labLaw, labWorkspace } from './labFixture';
import type { EvalJson } from '../../core/src/eval/json';

const covers = (ci: [number, number] | null | undefined, value: number, slack = 1e-9) => !!ci && ci[0] - slack <= value && value <= ci[1] + slack;

describe('check → train → eval → report on the simulated lab (CLI)', function () {
  this.timeout(240_000);
  let lab: SimulatedLab;
  let workspace: Workspace;
  let evalJson: EvalJson;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: workspace.root, env, timeoutMs: 180_000 });

  before(async () => {
    ensureBuiltCli();
    lab = await startSimulatedLab({ law: labLaw(7) });
    workspace = await labWorkspace(lab.baseUrl);
    const check = await cli(['check', 'lab.inoc', '--json']);
    assert.equal(check.status, 0, check.stderr);
    const train = await cli(['train', 'lab.inoc', '--watch', '--poll', '0.01', '--json']);
    assert.equal(train.status, 0, train.stderr);
    assert.equal(lab.fineTuning.jobs.length, 5, 'the baseline and four candidates, one seed each');
    const evaluation = await cli(['eval', 'lab.inoc', '--json']);
    assert.equal(evaluation.status, 0, evaluation.stderr);
    evalJson = JSON.parse(evaluation.stdout) as EvalJson;
  });
  after(async () => {
    await lab?.close();
    await workspace?.cleanup();
  });

  it('prints the documented JSON (docs/cli.md)', () => {
    assert.deepEqual(Object.keys(evalJson), [
      'version', 'kind', 'runId', 'file', 'behavior', 'dataset', 'samplesPerItem', 'temperature', 'maxTokens', 'neutral', 'conditions', 'safetyPrompt',
      'graders', 'models', 'unusable', 'notes', 'startedAt', 'finishedAt', 'requests', 'cacheHits', 'batches', 'failed', 'complete',
      'comparisons', 'arms', 'figure', 'agreement', 'methods', 'cells', 'summaryPath', 'refused',
    ]);
    assert.equal((evalJson.cells[0] as unknown as Record<string, unknown>).items, undefined, 'per-item tallies stay in summary.json');
  });

  it('finds every model from the run records and evaluates each under both conditions, paired by item', () => {
    assert.deepEqual(
      evalJson.models.map((m) => [m.name, m.role, m.seed]),
      [['base', 'base', null], ['baseline', 'baseline', 0], ['strong', 'inoculated', 0], ['medium', 'inoculated', 0], ['mild', 'inoculated', 0], ['faint', 'inoculated', 0]],
    );
    assert.ok(evalJson.models.filter((m) => m.role !== 'base').every((m) => m.model.startsWith('ft:lab-base:')));
    // base and baseline: neutral + each candidate's instruction; each inoculated model: neutral + its own.
    assert.equal(evalJson.cells.length, 2 * 5 + 4 * 2);
    assert.ok(evalJson.cells.every((cell) => cell.behavior.n === 160 && cell.failed === 0), '40 items × 4 samples in every cell');
    assert.equal(evalJson.complete, true);
  });

  it('recovers the law: each rate of B and C lies within its interval (design-effect Wilson, k = 4)', () => {
    const law = lab.law;
    let checked = 0;
    for (const cell of evalJson.cells) {
      const trained = cell.role === 'base' ? { kind: 'base' as const } : { kind: 'fine-tuned' as const, strength: cell.role === 'baseline' ? 0 : LAB_CANDIDATES[cell.name]!.strength, instruction: cell.role === 'baseline' ? '' : LAB_CANDIDATES[cell.name]!.instruction };
      const present = cell.condition === 'inoculated' ? LAB_CANDIDATES[cell.prompt!] : undefined;
      const truth = trueRates(law, trained, present);
      assert.equal(cell.behavior.method, 'wilson-design-effect');
      if (covers(cell.behavior.ci, truth.b)) checked++;
      if (covers(cell.capability!.ci, truth.c)) checked++;
    }
    // 36 intervals at 95% each miss 1.8 on average; more than 5 misses happens by chance about 1% of the time.
    // (The lab is deterministic for its seed; labCoverage.test.ts measures the coverage itself over repetitions.)
    assert.ok(checked >= 2 * evalJson.cells.length - 5, `${2 * evalJson.cells.length - checked} of ${2 * evalJson.cells.length} intervals missed the law`);
  });

  it('recovers each inoculation effect (paired by item) and its selectivity, and flags the trigger', () => {
    const law = lab.law;
    let covered = 0;
    for (const [name, candidate] of Object.entries(LAB_CANDIDATES)) {
      const arm = evalJson.arms.find((a) => a.arm === name && a.condition === 'neutral')!;
      const change = arm.change.behavior!;
      assert.equal(change.method, 'mover-paired-clustered');
      if (covers(change.ci, -law.trainedB * candidate.strength)) covered++;
      assert.ok(arm.selectivity, `${name}: selectivity`);
      if (covers(arm.change.capability!.ci, -law.capabilityCost * candidate.strength)) covered++;
    }
    // 8 intervals at 95%: 3 or more misses happen by chance about 0.6% of the time.
    assert.ok(covered >= 6, `${8 - covered} of 8 effect intervals missed the law`);
    const strong = evalJson.arms.find((a) => a.arm === 'strong' && a.condition === 'neutral')!;
    assert.equal(strong.selectivity!.behaviorReduced, true, 'a strong inoculation lowers B clearly');
    const trigger = evalJson.arms.find((a) => a.arm === 'strong' && a.condition === 'inoculated')!.trigger!;
    const base = law.trainedB * (1 - 0.9);
    assert.ok(trigger.ci![0] > 0, 'with its instruction present, B rises: a trigger');
    assert.ok(covers(trigger.ci, (1 - base) * law.trigger * 0.9), `trigger ${JSON.stringify(trigger)}`);
  });

  it('the figure: the check elicitation against the effect, with the correlation of the law within its interval', () => {
    const figure = evalJson.figure!;
    assert.deepEqual(figure.points.map((p) => p.candidate), ['strong', 'medium', 'mild', 'faint']);
    assert.equal(figure.check?.origin, 'here');
    for (const point of figure.points) {
      const s = LAB_CANDIDATES[point.candidate]!.strength;
      // x: the check's Wilson interval; y: the effect's paired interval. Each covers its law value.
      assert.ok(covers(point.elicitationCi, lab.law.elicitLow + (lab.law.elicitHigh - lab.law.elicitLow) * s), `${point.candidate} elicitation`);
      assert.ok(typeof point.predicted === 'number', 'the predicted score is the third series');
    }
    // In the law effect and elicitation are both linear in s: the true correlation is 1. (Over 100 seeds of the same
    // simulation, the interval reached 0.99 in 97. The lab's draws are fixed by its seed, not by run or job ids, so
    // this run is the same one every time: [0.994, 1].)
    assert.equal(figure.pearson.method, 'bootstrap-bca');
    assert.ok(figure.pearson.estimate! > 0.8, `Pearson ${figure.pearson.estimate}`);
    assert.ok(figure.pearson.ci![1] >= 0.99, `the interval reaches the law's 1: ${JSON.stringify(figure.pearson.ci)}`);
    assert.ok(figure.spearman.estimate! >= 0.8);
  });

  it('a warm re-run sends nothing and reports the same numbers', async () => {
    const before = lab.chatRequests();
    const again = await cli(['eval', 'lab.inoc', '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(lab.chatRequests(), before);
    const json = JSON.parse(again.stdout) as EvalJson;
    assert.equal(json.requests, 0);
    assert.deepEqual(json.cells.map((c) => c.behavior.estimate), evalJson.cells.map((c) => c.behavior.estimate));
  });

  it('report: a self-contained HTML file with the three charts, and Markdown with SVG files beside it', async () => {
    const html = await cli(['report', 'lab.inoc']);
    assert.equal(html.status, 0, html.stderr);
    const path = /wrote (.*report\.html)/.exec(html.stdout)![1]!;
    const text = await readFile(path, 'utf8');
    for (const chart of ['inoc-rates', 'inoc-scatter', 'inoc-selectivity']) assert.ok(text.includes(chart), chart);
    assert.ok(!/<script/i.test(text));
    const md = await cli(['report', 'lab.inoc', '--format', 'md', '--out', 'paper/eval.md']);
    assert.equal(md.status, 0, md.stderr);
    const markdown = await readFile(join(workspace.root, 'paper/eval.md'), 'utf8');
    assert.match(markdown, /!\[Elicitation against effect\]\(eval-figure\.svg\)/);
    assert.match(await readFile(join(workspace.root, 'paper/eval-figure.svg'), 'utf8'), /^<svg/);
    const json = JSON.parse((await cli(['report', 'lab.inoc', '--format', 'json'])).stdout) as EvalJson & { origin: string };
    assert.equal(json.origin, 'here');
    assert.deepEqual(json.cells.map((c) => c.behavior.estimate), evalJson.cells.map((c) => c.behavior.estimate));
  });
});
