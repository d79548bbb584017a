/**
 * The evaluation's results, from per-item tallies to the `EvalSummary` written to `evals/<slug>/summary.json` (and
 * read by the CLI, the report and the editor). Pure: every number comes from the statistics layer (`stats.ts`) and
 * names its method.
 *
 * - **Cells**: per model × condition (× prompt), the rate of B and of C with their intervals (Wilson with one sample
 *   per item, design-effect Wilson with k > 1), and the per-item tallies they came from.
 * - **Comparisons**: every model against the baseline fine-tune under the same condition and prompt, same seed where
 *   there is one; paired by item (`rateDifference`: Newcombe's paired method 10 at k = 1, the clustered MOVER at
 *   k > 1).
 * - **Arms**: per candidate and condition, every seed's rates and their mean with a between-seed interval
 *   (`summariseSeeds`), the change against the baseline (one seed each: the item-level paired interval; more: the
 *   between-seed one of `seedChange`), the selectivity (B and C changes side by side) and, with the candidate's own
 *   instruction present, the trigger (B with it minus B without it, same model).
 * - **Figure**: per candidate, the check's measured elicitation against the inoculation effect (baseline B minus
 *   inoculated B, neutral condition), Pearson and Spearman with BCa bootstrap intervals, and the predicted score.
 * - **Agreement**: Cohen's kappa of each grader against the hand labels, beside the rates it produced.
 */
import type { CheckSummary, SummaryProvenance } from '../check/types';
import { baseSnapshotOf } from '../train/modelDates';
import type { ResultOrigin } from '../check/provenance';
import type { EvalCell } from './cells';
import type { DifferenceResult } from './difference';
import type { GraderAgreement } from './labels';
import type { EvalModel, UnusableRun } from './models';
import type { EvalModelRole } from './records';
import type { EvalCondition } from './settings';
import {
  effectFigure,
  METHOD_DESCRIPTIONS,
  rateDifference,
  seedChange,
  selectivity,
  summariseSeeds,
  rateWithInterval,
  type CorrelationResult,
  type FigurePoint,
  type ItemTally,
  type MethodId,
  type RateResult,
  type Selectivity,
  type SeedSummary,
} from './stats';

/** Counts of one item in one cell: graded samples and B among them; samples whose grade told C and C among them; failed. */
export interface ItemCounts {
  item: number;
  n: number;
  k: number;
  capabilityN: number;
  capabilityK: number;
  failed: number;
}

/** A grader as the summary names it. */
export interface GraderInfo {
  type: string;
  fingerprint: string;
  /** An LLM judge (its rates show agreement with hand labels). */
  judge: boolean;
  /** The judge's model, when there is one. */
  model?: string;
}

/** One model, as the summary lists it. */
export interface ModelInfo {
  key: string;
  name: string;
  role: EvalModelRole;
  seed: number | null;
  runId: string | null;
  /** The model id requested. */
  model: string;
  /** Where (the served vLLM address for adapters; the cache identity `vllm:<run>` keeps answers across restarts). */
  endpoint: string;
  serving: EvalModel['serving'];
  backend: string | null;
  stale: boolean;
  trainedInstructionHash: string | null;
}

/** A rate's result (the statistics layer's `RateResult`). */
export type RateSummary = RateResult;

/** One cell's results. */
export interface CellResult {
  key: string;
  /** The model's key, name, role and seed. */
  model: string;
  name: string;
  role: EvalModelRole;
  seed: number | null;
  condition: EvalCondition;
  prompt: string | null;
  instructionHash: string;
  behavior: RateSummary;
  /** null when no grader could tell C for any sample. */
  capability: RateSummary | null;
  failed: number;
  /** Per item: [item line, graded, B, C-graded, C, failed]. */
  items: Array<[number, number, number, number, number, number]>;
}

/** A difference as stored (the two rates it compared are in their cells). */
export interface DifferenceSummary {
  estimate: number;
  ci: [number, number] | null;
  method: MethodId;
  note: string;
  /** The correlation of the two estimates the interval used (paired differences). */
  correlation?: number;
  /** Items paired (paired differences). */
  pairs?: number;
}

/** A change model − baseline, one run each or across seeds (then with each seed's change). */
export interface ChangeSummary extends DifferenceSummary {
  /** Seeds in the estimate (1 for an item-level change). */
  seeds: number;
  perSeed: Array<{ seed: number; estimate: number; ci: [number, number] | null; method: MethodId }>;
}

/** One model against the baseline under one condition and prompt. */
export interface Comparison {
  /** The cell compared, and the baseline's cell. */
  cell: string;
  baselineCell: string;
  name: string;
  role: EvalModelRole;
  seed: number | null;
  condition: EvalCondition;
  prompt: string | null;
  behavior: DifferenceSummary;
  capability: DifferenceSummary | null;
}

/** One candidate under one condition: its seeds, their mean, the change against the baseline, selectivity, trigger. */
export interface ArmResult {
  arm: string;
  condition: EvalCondition;
  prompt: string | null;
  behavior: SeedSummaryStored;
  capability: SeedSummaryStored | null;
  change: { behavior: ChangeSummary | null; capability: ChangeSummary | null };
  /** B and C changes side by side (when both exist). */
  selectivity: Selectivity | null;
  /** `inoculated` only: B with the own instruction present minus B under `neutral`, same model (the trigger risk). */
  trigger: ChangeSummary | null;
}

/** `SeedSummary` as stored: each seed's rate, and the mean. */
export interface SeedSummaryStored {
  perSeed: Array<{ seed: number; rate: RateSummary }>;
  mean: SeedSummary['mean'];
}

/** The check a figure's elicitation rates come from. */
export interface FigureCheck {
  /** Where the check summary is (relative to the workspace). */
  path: string;
  runId: string | null;
  finishedAt: string;
  model: string;
  samplesPerArm: number;
  /** Measured by this user, or found (e.g. committed to the repository). */
  origin: ResultOrigin;
}

/** The paper's figure from the user's own runs. */
export interface FigureResult {
  points: Array<FigurePoint & { stale: boolean; seeds: number }>;
  pearson: CorrelationResult;
  spearman: CorrelationResult;
  predicted: { pearson: CorrelationResult; spearman: CorrelationResult } | null;
  check: FigureCheck | null;
  /** Candidates left out of the figure, with why. */
  excluded: Array<{ candidate: string; reason: string }>;
  /** How each effect's interval was computed. */
  effectMethod: string;
  notes: string[];
}

/** Everything an evaluation run measured. */
export interface EvalSummary {
  version: 1;
  kind: 'evaluation';
  runId: string;
  file: string;
  behavior: string;
  dataset: { path: string; sha256: string; items: number };
  samplesPerItem: number;
  temperature: number;
  maxTokens: number;
  neutral: string;
  conditions: EvalCondition[];
  safetyPrompt: string | null;
  graders: { behavior: GraderInfo; capability: GraderInfo | null; capabilityFrom: 'capability-grader' | 'behavior-grader' };
  models: ModelInfo[];
  unusable: UnusableRun[];
  notes: string[];
  startedAt: string;
  finishedAt: string;
  requests: number;
  cacheHits: number;
  batches: Array<{ id: string; endpoint: string; requests: number; status: string }>;
  failed: number;
  /** Every planned sample obtained and graded, nothing cancelled or stopped. */
  complete: boolean;
  cells: CellResult[];
  comparisons: Comparison[];
  arms: ArmResult[];
  figure: FigureResult | null;
  agreement: GraderAgreement[];
  /** The methods the numbers above used, with one line each. */
  methods: Partial<Record<MethodId, string>>;
  provenance?: SummaryProvenance;
}

/** What the builder needs besides the tallies. */
export interface SummaryInput {
  runId: string;
  file: string;
  behavior: string;
  dataset: EvalSummary['dataset'];
  samplesPerItem: number;
  temperature: number;
  maxTokens: number;
  neutral: string;
  conditions: EvalCondition[];
  safetyPrompt: string | null;
  graders: EvalSummary['graders'];
  models: EvalModel[];
  /** The endpoint (or cache identity) each model was requested at, by model key. */
  endpoints: ReadonlyMap<string, string>;
  unusable: UnusableRun[];
  notes: string[];
  cells: EvalCell[];
  /** Per cell key, per item. */
  tallies: ReadonlyMap<string, ReadonlyMap<number, ItemCounts>>;
  startedAt: string;
  finishedAt: string;
  requests: number;
  cacheHits: number;
  batches: EvalSummary['batches'];
  complete: boolean;
  /** The check summary the figure's elicitation comes from, where it is, and whether this user measured it. */
  check: { summary: CheckSummary; path: string; origin: ResultOrigin } | null;
  /** The predicted elicitation score of a candidate's instruction (the scorer), when known. */
  predict?: (arm: string, instruction: string) => number | null;
  agreement: GraderAgreement[];
  bootstrapSeed?: number;
}

const behaviorTallies = (counts: Iterable<ItemCounts>): ItemTally[] => [...counts].map((c) => ({ item: c.item, n: c.n, k: c.k, failed: c.failed }));
const capabilityTallies = (counts: Iterable<ItemCounts>): ItemTally[] => [...counts].map((c) => ({ item: c.item, n: c.capabilityN, k: c.capabilityK }));

function differenceSummary(result: DifferenceResult): DifferenceSummary {
  return { estimate: result.estimate, ci: result.ci, method: result.method, note: result.note, correlation: result.correlation, ...(result.pairing ? { pairs: result.pairing.pairs } : {}) };
}

function itemLevelChange(result: DifferenceResult, seed: number | null): ChangeSummary {
  return { ...differenceSummary(result), seeds: 1, perSeed: seed === null ? [] : [{ seed, estimate: result.estimate, ci: result.ci, method: result.method }] };
}

/** Builds the summary; see the module comment. */
export function buildEvalSummary(input: SummaryInput): EvalSummary {
  const used = new Set<MethodId>();
  const countsOf = (cell: EvalCell) => [...(input.tallies.get(cell.key)?.values() ?? [])].sort((a, b) => a.item - b.item);
  const hasCapability = (cell: EvalCell) => countsOf(cell).some((c) => c.capabilityN > 0);

  // Cells.
  const cellResults: CellResult[] = input.cells.map((cell) => {
    const counts = countsOf(cell);
    const behavior = rateWithInterval(behaviorTallies(counts), cell.key);
    used.add(behavior.method);
    const capability = hasCapability(cell) ? rateWithInterval(capabilityTallies(counts), cell.key) : null;
    if (capability) used.add(capability.method);
    return {
      key: cell.key,
      model: cell.model.key,
      name: cell.model.name,
      role: cell.model.role,
      seed: cell.model.seed,
      condition: cell.condition,
      prompt: cell.prompt,
      instructionHash: cell.instructionHash,
      behavior,
      capability,
      failed: counts.reduce((sum, c) => sum + c.failed, 0),
      items: counts.map((c) => [c.item, c.n, c.k, c.capabilityN, c.capabilityK, c.failed]),
    };
  });

  const baselineCells = input.cells.filter((cell) => cell.model.role === 'baseline');
  const baselineFor = (cell: EvalCell): { cell: EvalCell; note: string } | undefined => {
    const candidates = baselineCells.filter((b) => b.condition === cell.condition && b.prompt === cell.prompt);
    if (!candidates.length) return undefined;
    const same = candidates.find((b) => b.model.seed === cell.model.seed);
    if (same) return { cell: same, note: '' };
    const sorted = [...candidates].sort((a, b) => (a.model.seed ?? 0) - (b.model.seed ?? 0));
    return { cell: sorted[0]!, note: candidates.length > 1 ? `against baseline seed ${sorted[0]!.model.seed} (of ${candidates.length})` : '' };
  };

  // Every model against the baseline, cell by cell.
  const comparisons: Comparison[] = [];
  for (const cell of input.cells) {
    if (cell.model.role === 'baseline') continue;
    const reference = baselineFor(cell);
    if (!reference) continue;
    const behavior = differenceSummary(rateDifference(behaviorTallies(countsOf(cell)), behaviorTallies(countsOf(reference.cell))));
    if (reference.note) behavior.note = [reference.note, behavior.note].filter(Boolean).join('; ');
    used.add(behavior.method);
    const capability =
      hasCapability(cell) && hasCapability(reference.cell)
        ? differenceSummary(rateDifference(capabilityTallies(countsOf(cell)), capabilityTallies(countsOf(reference.cell))))
        : null;
    if (capability) used.add(capability.method);
    comparisons.push({
      cell: cell.key,
      baselineCell: reference.cell.key,
      name: cell.model.name,
      role: cell.model.role,
      seed: cell.model.seed,
      condition: cell.condition,
      prompt: cell.prompt,
      behavior,
      capability,
    });
  }

  // Per candidate and condition: seeds, change, selectivity, trigger.
  const arms: ArmResult[] = [];
  const armNames = [...new Set(input.cells.filter((cell) => cell.model.role === 'inoculated').map((cell) => cell.model.name))];
  const neutralChanges = new Map<string, { behavior: ChangeSummary | null; seeds: number; stale: boolean }>();
  for (const arm of armNames) {
    for (const condition of input.conditions) {
      const armCells = input.cells.filter((cell) => cell.model.role === 'inoculated' && cell.model.name === arm && cell.condition === condition);
      if (!armCells.length) continue;
      const prompt = armCells[0]!.prompt;
      const base = baselineCells.filter((cell) => cell.condition === condition && cell.prompt === prompt);
      const seedRuns = (cells: EvalCell[], which: 'behavior' | 'capability') =>
        cells.map((cell) => ({ seed: cell.model.seed ?? 0, tallies: which === 'behavior' ? behaviorTallies(countsOf(cell)) : capabilityTallies(countsOf(cell)) }));
      const withCapability = armCells.every(hasCapability) && (base.length === 0 || base.every(hasCapability));
      const behaviorSeeds = stored(summariseSeeds(seedRuns(armCells, 'behavior')), used);
      const capabilitySeeds = withCapability ? stored(summariseSeeds(seedRuns(armCells, 'capability')), used) : null;
      const change = (which: 'behavior' | 'capability'): ChangeSummary | null => {
        if (!base.length) return null;
        if (armCells.length === 1 && base.length === 1) {
          const reference = baselineFor(armCells[0]!)!;
          const tallies = which === 'behavior' ? behaviorTallies : capabilityTallies;
          const result = rateDifference(tallies(countsOf(armCells[0]!)), tallies(countsOf(reference.cell)));
          used.add(result.method);
          return itemLevelChange(result, armCells[0]!.model.seed);
        }
        return seedChangeSummary(seedRuns(armCells, which), seedRuns(base, which), used);
      };
      const behaviorChange = change('behavior');
      const capabilityChange = withCapability ? change('capability') : null;
      let trigger: ChangeSummary | null = null;
      if (condition === 'inoculated') {
        const neutralCells = input.cells.filter((cell) => cell.model.role === 'inoculated' && cell.model.name === arm && cell.condition === 'neutral');
        if (neutralCells.length === armCells.length && neutralCells.length > 0) {
          if (armCells.length === 1) {
            const result = rateDifference(behaviorTallies(countsOf(armCells[0]!)), behaviorTallies(countsOf(neutralCells[0]!)));
            used.add(result.method);
            trigger = itemLevelChange(result, armCells[0]!.model.seed);
          } else {
            trigger = seedChangeSummary(seedRuns(armCells, 'behavior'), seedRuns(neutralCells, 'behavior'), used);
          }
        }
      }
      const result: ArmResult = {
        arm,
        condition,
        prompt,
        behavior: behaviorSeeds,
        capability: capabilitySeeds,
        change: { behavior: behaviorChange, capability: capabilityChange },
        selectivity: behaviorChange && capabilityChange ? selectivity(behaviorChange, capabilityChange) : null,
        trigger,
      };
      arms.push(result);
      if (condition === 'neutral') neutralChanges.set(arm, { behavior: behaviorChange, seeds: armCells.length, stale: armCells.some((cell) => cell.model.stale) });
    }
  }

  const figure = input.conditions.includes('neutral') ? buildFigure(input, armNames, neutralChanges, used) : null;
  const methods: Partial<Record<MethodId, string>> = {};
  for (const method of [...used].sort()) methods[method] = METHOD_DESCRIPTIONS[method];
  return {
    version: 1,
    kind: 'evaluation',
    runId: input.runId,
    file: input.file,
    behavior: input.behavior,
    dataset: input.dataset,
    samplesPerItem: input.samplesPerItem,
    temperature: input.temperature,
    maxTokens: input.maxTokens,
    neutral: input.neutral,
    conditions: input.conditions,
    safetyPrompt: input.safetyPrompt,
    graders: input.graders,
    models: input.models.map((model) => ({
      key: model.key,
      name: model.name,
      role: model.role,
      seed: model.seed,
      runId: model.runId,
      model: model.model,
      endpoint: input.endpoints.get(model.key) ?? model.baseUrl ?? '',
      serving: model.serving,
      backend: model.backend,
      stale: model.stale,
      trainedInstructionHash: model.trainedInstructionHash,
    })),
    unusable: input.unusable,
    notes: input.notes,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    requests: input.requests,
    cacheHits: input.cacheHits,
    batches: input.batches,
    failed: cellResults.reduce((sum, cell) => sum + cell.failed, 0),
    complete: input.complete,
    cells: cellResults,
    comparisons,
    arms,
    figure,
    agreement: input.agreement,
    methods,
  };
}

function stored(summary: SeedSummary, used: Set<MethodId>): SeedSummaryStored {
  for (const entry of summary.perSeed) used.add(entry.rate.method);
  used.add(summary.mean.method);
  return { perSeed: summary.perSeed.map((entry) => ({ seed: Number(entry.seed), rate: entry.rate })), mean: summary.mean };
}

function seedChangeSummary(model: Array<{ seed: number; tallies: ItemTally[] }>, baseline: Array<{ seed: number; tallies: ItemTally[] }>, used: Set<MethodId>): ChangeSummary {
  const result = seedChange(model, baseline);
  used.add(result.change.method);
  for (const entry of result.perSeed) used.add(entry.change.method);
  return {
    estimate: result.change.estimate,
    ci: result.change.ci,
    method: result.change.method,
    note: result.change.note,
    seeds: result.change.seeds,
    perSeed: result.perSeed.map((entry) => ({ seed: Number(entry.seed), estimate: entry.change.estimate, ci: entry.change.ci, method: entry.change.method })),
  };
}

/** The elicitation-versus-effect figure (neutral condition). */
function buildFigure(
  input: SummaryInput,
  armNames: string[],
  changes: ReadonlyMap<string, { behavior: ChangeSummary | null; seeds: number; stale: boolean }>,
  used: Set<MethodId>,
): FigureResult {
  const excluded: FigureResult['excluded'] = [];
  const notes: string[] = [];
  const points: FigureResult['points'] = [];
  const check = input.check;
  const checkArms = new Map((check?.summary.arms ?? []).map((arm) => [arm.name, arm]));
  const methods = new Set<string>();
  for (const arm of armNames) {
    const change = changes.get(arm)?.behavior;
    if (!change) {
      excluded.push({ candidate: arm, reason: 'no baseline fine-tune to compare with under the neutral prompt' });
      continue;
    }
    const measured = checkArms.get(arm);
    if (!check || !measured) {
      excluded.push({ candidate: arm, reason: 'no elicitation check of this candidate (run `inoculate check`)' });
      continue;
    }
    const model = input.models.find((m) => m.role === 'inoculated' && m.name === arm);
    if (model?.trainedInstructionHash && measured.instructionHash !== model.trainedInstructionHash) {
      excluded.push({ candidate: arm, reason: 'the check measured another text of the variant than the one the fine-tunes were trained on' });
      continue;
    }
    // Effect = baseline − inoculated = −(inoculated − baseline).
    const ci = change.ci ? ([-change.ci[1], -change.ci[0]] as [number, number]) : null;
    methods.add(change.method);
    const instruction = input.cells.find((cell) => cell.prompt === arm)?.instruction ?? measured.instruction;
    const predicted = input.predict?.(arm, instruction) ?? measured.predicted ?? null;
    points.push({
      candidate: arm,
      elicitation: measured.rate,
      elicitationCi: measured.ci,
      effect: -change.estimate,
      effectCi: ci,
      predicted,
      stale: changes.get(arm)?.stale ?? false,
      seeds: changes.get(arm)?.seeds ?? 1,
    });
  }
  if (check?.origin === 'elsewhere') notes.push('the elicitation rates come from a check summary not measured by you (e.g. committed to the repository)');
  const bases = [...new Set(input.models.map((m) => m.baseModel).filter((b): b is string => !!b))];
  if (check && bases.some((b) => baseSnapshotOf(b) !== baseSnapshotOf(check.summary.model))) {
    notes.push(`the check sampled ${check.summary.model}; the fine-tunes were trained from ${bases.join(', ')}`);
  }
  const figure = effectFigure(points, { seed: input.bootstrapSeed });
  for (const correlation of [figure.pearson, figure.spearman, figure.predicted?.pearson, figure.predicted?.spearman]) if (correlation) used.add(correlation.method);
  return {
    points: figure.points.map((point, index) => ({ ...point, stale: points[index]!.stale, seeds: points[index]!.seeds })),
    pearson: figure.pearson,
    spearman: figure.spearman,
    predicted: figure.predicted,
    check: check
      ? {
          path: check.path,
          runId: check.summary.runId ?? null,
          finishedAt: check.summary.finishedAt,
          model: check.summary.model,
          samplesPerArm: check.summary.samplesPerArm,
          origin: check.origin,
        }
      : null,
    excluded,
    effectMethod: [...methods].map((method) => METHOD_DESCRIPTIONS[method as MethodId] ?? method).join('; '),
    notes,
  };
}
