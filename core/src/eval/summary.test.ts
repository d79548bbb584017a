import assert from 'node:assert/strict';
import { evalModel } from '../../../test/support/evalFixtures';
import { instructionHash } from '../check/arms';
import type { CheckSummary } from '../check/types';
import { evalCells } from './cells';
import type { EvalModel } from './models';
import { rateDifference } from './difference';
import { seedChange } from './seeds';
import { buildEvalSummary, type ItemCounts, type SummaryInput } from './summary';

const ITEMS = 20;
const K = 2;

/** Per-item counts where item i shows B in `round(rate·K)` samples on a deterministic pattern. */
function counts(rate: (item: number) => number, capability = 0.8): Map<number, ItemCounts> {
  const map = new Map<number, ItemCounts>();
  for (let item = 1; item <= ITEMS; item++) {
    const k = Math.round(rate(item) * K);
    map.set(item, { item, n: K, k, capabilityN: K, capabilityK: Math.round(capability * K), failed: 0 });
  }
  return map;
}

function checkSummary(arms: Array<{ name: string; rate: number; instruction: string; predicted?: number }>): CheckSummary {
  return {
    version: 1,
    runId: 'check-run',
    file: 'prompts.inoc',
    behavior: 'custom',
    model: 'base-model',
    provider: 'openai',
    baseUrl: 'http://x/v1',
    grader: 'regex',
    samplesPerArm: 50,
    startedAt: '2026-11-01T00:00:00Z',
    finishedAt: '2026-11-01T00:01:00Z',
    requests: 0,
    cacheHits: 0,
    complete: true,
    arms: arms.map((arm) => ({
      name: arm.name,
      run: 'check-run',
      control: false,
      instruction: arm.instruction,
      instructionHash: instructionHash(arm.instruction),
      n: 50,
      k: Math.round(arm.rate * 50),
      rate: arm.rate,
      ci: [Math.max(0, arm.rate - 0.1), Math.min(1, arm.rate + 0.1)],
      lift: null,
      liftCi: null,
      predicted: arm.predicted ?? null,
      capability: null,
      failed: 0,
    })),
  };
}

const CANDIDATES = [
  { name: 'a', instruction: 'A.', control: false },
  { name: 'b', instruction: 'B.', control: false },
  { name: 'c', instruction: 'C.', control: false },
];

function input(models: EvalModel[], rates: (model: EvalModel) => (item: number) => number, extra: Partial<SummaryInput> = {}): SummaryInput {
  const evaluation = {
    conditions: ['neutral' as const],
    config: { neutral: '' } as never,
    safetyPrompt: undefined,
    candidates: CANDIDATES.map((arm) => ({ ...arm, instructionHash: instructionHash(arm.instruction), synthetic: false })),
    variants: new Map(CANDIDATES.map((arm) => [arm.name, arm.instruction])),
  };
  const cells = evalCells(evaluation, models);
  return {
    runId: 'r',
    file: 'prompts.inoc',
    behavior: 'custom',
    dataset: { path: 'eval.jsonl', sha256: 'x', items: ITEMS },
    samplesPerItem: K,
    temperature: 0.5,
    maxTokens: 10,
    neutral: '',
    conditions: ['neutral'],
    safetyPrompt: null,
    graders: { behavior: { type: 'regex', fingerprint: 'f', judge: false }, capability: null, capabilityFrom: 'behavior-grader' },
    models,
    endpoints: new Map(),
    unusable: [],
    notes: [],
    cells,
    tallies: new Map(cells.map((cell) => [cell.key, counts(rates(cell.model))])),
    startedAt: 's',
    finishedAt: 'f',
    requests: 0,
    cacheHits: 0,
    batches: [],
    complete: true,
    check: null,
    agreement: [],
    ...extra,
  };
}

const trained = (name: string, seed: number, instruction: string) => evalModel(name === 'baseline' ? 'baseline' : 'inoculated', name, `ft-${name}-${seed}`, { seed, trainedInstruction: instruction });

describe('the evaluation summary', () => {
  it('one seed each: the change against the baseline is the item-level paired interval, the figure plots baseline − inoculated', () => {
    const models = [trained('baseline', 0, ''), trained('a', 0, 'A.'), trained('b', 0, 'B.'), trained('c', 0, 'C.')];
    // Baseline B on 80% of items; a lowers it most, c least.
    const level: Record<string, number> = { baseline: 0.8, a: 0.1, b: 0.4, c: 0.7 };
    const rate = (model: EvalModel) => (item: number) => (item <= Math.round(level[model.name]! * ITEMS) ? 1 : 0);
    const check = checkSummary([
      { name: 'a', rate: 0.9, instruction: 'A.', predicted: 0.9 },
      { name: 'b', rate: 0.5, instruction: 'B.', predicted: 0.6 },
      { name: 'c', rate: 0.2, instruction: 'C.', predicted: 0.3 },
    ]);
    const summary = buildEvalSummary(input(models, rate, { check: { summary: check, path: '.inoculate/checks/x/summary.json', origin: 'here' } }));
    const a = summary.arms.find((arm) => arm.arm === 'a')!;
    const direct = rateDifference(
      [...counts(rate(models[1]!)).values()].map((c) => ({ item: c.item, n: c.n, k: c.k })),
      [...counts(rate(models[0]!)).values()].map((c) => ({ item: c.item, n: c.n, k: c.k })),
    );
    assert.equal(a.change.behavior!.estimate, direct.estimate);
    assert.deepEqual(a.change.behavior!.ci, direct.ci);
    assert.equal(a.change.behavior!.method, 'mover-paired-clustered');
    assert.equal(a.change.behavior!.seeds, 1);
    const figure = summary.figure!;
    assert.deepEqual(figure.points.map((p) => [p.candidate, p.elicitation, Number(p.effect.toFixed(2))]), [['a', 0.9, 0.7], ['b', 0.5, 0.4], ['c', 0.2, 0.1]]);
    const effectA = figure.points[0]!;
    assert.deepEqual(effectA.effectCi, [-direct.ci[1], -direct.ci[0]], 'the effect interval is the change interval negated');
    assert.equal(figure.pearson.estimate! > 0.99, true);
    assert.equal(figure.spearman.estimate, 1);
    assert.ok(figure.predicted, 'the predicted series is there');
    assert.equal(figure.check?.origin, 'here');
    assert.deepEqual(figure.excluded, []);
    assert.ok(summary.methods['bootstrap-bca'] || summary.methods.none);
    // C is reported by the behaviour grader here: selectivity has both sides.
    assert.equal(a.selectivity?.behaviorReduced, true);
  });

  it('several seeds: each seed with its own rate, the mean with a between-seed interval, the change paired by seed', () => {
    const models = [trained('baseline', 0, ''), trained('baseline', 1, ''), trained('baseline', 2, ''), trained('a', 0, 'A.'), trained('a', 1, 'A.'), trained('a', 2, 'A.')];
    const level = (model: EvalModel) => (model.name === 'baseline' ? 0.7 + 0.05 * (model.seed ?? 0) : 0.2 + 0.1 * (model.seed ?? 0));
    const rate = (model: EvalModel) => (item: number) => (item <= Math.round(level(model) * ITEMS) ? 1 : 0);
    const built = input(models, rate);
    const summary = buildEvalSummary(built);
    const a = summary.arms.find((arm) => arm.arm === 'a')!;
    assert.deepEqual(a.behavior.perSeed.map((s) => [s.seed, s.rate.estimate]), [[0, 0.2], [1, 0.3], [2, 0.4]]);
    assert.equal(a.behavior.mean.method, 't-between-seeds');
    assert.equal(a.change.behavior!.method, 'paired-t-seeds');
    assert.equal(a.change.behavior!.seeds, 3);
    assert.equal(a.change.behavior!.perSeed.length, 3);
    const tallies = (m: EvalModel) => [...counts(rate(m)).values()].map((c) => ({ item: c.item, n: c.n, k: c.k, failed: 0 }));
    const expected = seedChange(models.slice(3).map((m) => ({ seed: m.seed!, tallies: tallies(m) })), models.slice(0, 3).map((m) => ({ seed: m.seed!, tallies: tallies(m) })));
    assert.equal(a.change.behavior!.estimate, expected.change.estimate);
    assert.deepEqual(a.change.behavior!.ci, expected.change.ci);
    // Per-seed comparisons against the baseline of the same seed.
    const perSeed = summary.comparisons.filter((c) => c.name === 'a');
    assert.equal(perSeed.length, 3);
    assert.ok(perSeed.every((c) => c.baselineCell.includes(`"baseline:${c.seed}:baseline"`)));
    assert.equal(summary.figure!.points.length, 0);
    assert.deepEqual(summary.figure!.excluded.map((e) => e.candidate), ['a']);
    assert.match(summary.figure!.excluded[0]!.reason, /no elicitation check/);
  });

  it('leaves out of the figure a candidate whose check measured another text, and says when the check was found elsewhere', () => {
    const models = [trained('baseline', 0, ''), trained('a', 0, 'A.'), trained('b', 0, 'B.')];
    const rate = (model: EvalModel) => () => (model.name === 'baseline' ? 1 : 0.5);
    const check = checkSummary([
      { name: 'a', rate: 0.9, instruction: 'A, edited.' },
      { name: 'b', rate: 0.5, instruction: 'B.' },
    ]);
    const summary = buildEvalSummary(input(models, rate, { check: { summary: check, path: 'x', origin: 'elsewhere' } }));
    assert.deepEqual(summary.figure!.points.map((p) => p.candidate), ['b']);
    assert.match(summary.figure!.excluded[0]!.reason, /another text/);
    assert.match(summary.figure!.notes.join(), /not measured by you/);
    assert.equal(summary.figure!.pearson.estimate, null, 'one point: no correlation');
  });

  it('every model is compared with the baseline under the same condition; models without the baseline are not', () => {
    const models = [evalModel('base', 'base', 'b'), trained('baseline', 0, ''), evalModel('extra', 'other', 'o')];
    const summary = buildEvalSummary(input(models, () => () => 0.5));
    assert.deepEqual(summary.comparisons.map((c) => c.name), ['base', 'other']);
    const noBaseline = buildEvalSummary(input([evalModel('base', 'base', 'b')], () => () => 0.5));
    assert.deepEqual(noBaseline.comparisons, []);
    assert.equal(noBaseline.cells[0]!.behavior.estimate, 0.5);
    assert.deepEqual(noBaseline.cells[0]!.items[0], [1, 2, 1, 2, 2, 0]);
  });
});
