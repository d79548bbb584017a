/**
 * Planning a training launch from a `.inoc` file: resolve the `train:` block (with overrides), pick the arms (the
 * chosen variants and the baseline), build and store each arm's training file, validate it for the backend, count
 * tokens, estimate cost, and derive one run per arm and seed. Nothing is sent: `--dry-run` prints exactly this, and
 * a launch submits its runs. Everything wrong with the input is found here and names the file and line.
 */
import { dirname, relative, resolve } from 'node:path';
import type { InocConfig } from '../format/config';
import type { ChatMessage } from '../format/dataset';
import type { PlacementSettings } from '../format/prompt';
import { instructionHash } from '../check/arms';
import { checkResultPaths, relativeInocPath } from '../check/layout';
import { readSummary } from '../check/store';
import { MAX_DATASET_BYTES, readInocForSetup } from '../check/setup';
import type { CheckSummary } from '../check/types';
import { defaultHyperparameters, resolveTrainSettings } from '../format/trainConfig';
import type { PlannedRun } from './jobs';
import type { TrainPaths } from './layout';
import { readModelDates, trainingDateNotices, type DateNotice } from './modelDates';
import { estimateTrainingCost, type CostEstimate } from './pricing';
import { modelSuffixOf, runIdOf, type ChosenFromCheck, type RunArm, type RunProvenance } from './runs';
import type { TrainSettings } from './settings';
import { tokenCounterFor } from './tokens';
import type { TrainFileSystem } from './trainFs';
import { buildTrainingExamples, parseTrainingItems, storeTrainingFile, trainingFileText, type ExampleProblem, type TrainingExample } from './trainingSet';
import type { TrainingFileRef } from './types';
import { validateExamples } from './validation';

/** A problem with the input (file, settings, dataset): the CLI exits 2 and prints the message. */
export class TrainSetupError extends Error {}

/** Command-line (or editor) choices that win over the file. */
export interface TrainOverrides {
  variants?: string[];
  /** A count (0..N-1) or the seeds. */
  seeds?: number | number[];
  backend?: TrainSettings['backend'];
  model?: string;
  /** Train the no-inoculation baseline (default `train.baseline`): the editor always offers it. */
  baseline?: boolean;
}

/** Which backend and where, as it is known before any backend object exists (the run id depends on it). */
export interface BackendIdentity {
  id: string;
  target: string;
}

/** One arm's training file, checked. */
export interface ArmPlan {
  arm: RunArm;
  trainingFile: TrainingFileRef;
  /** Problems of this arm's examples, each naming its dataset line (0: the whole set). */
  problems: ExampleProblem[];
  longestExampleTokens: number;
  cost: CostEstimate;
  check: ChosenFromCheck | null;
}

/** The first examples with and without the instruction, for a side-by-side preview (a diff). */
export interface PreviewPair {
  line: number;
  without: ChatMessage[];
  with: ChatMessage[];
}

export interface TrainingPlan {
  inocPath: string;
  /** Relative to the workspace root, forward slashes. */
  inocFile: string;
  behavior: string;
  settings: TrainSettings;
  backend: BackendIdentity;
  dataset: { path: string; shown: string; sha256: string; items: number };
  arms: ArmPlan[];
  runs: PlannedRun[];
  /** Per chosen variant: its first examples next to the baseline's. */
  previews: Array<{ arm: string; pairs: PreviewPair[] }>;
  tokenizer: { name: string; counted: 'tokenizer' | 'estimate' };
  /** Dated notices from the offline table and the last preflights (OpenAI's closure, model shutdowns). */
  dateNotices: DateNotice[];
  /** Problems that prevent a launch (`dataset:line: message`). */
  errors: string[];
  warnings: string[];
}

/** Everything `planTraining` needs. */
export interface PlanInput {
  fs: TrainFileSystem;
  inocPath: string;
  workspaceRoot: string;
  paths: TrainPaths;
  overrides?: TrainOverrides;
  /** The backend's id and target for these settings (from the backend factory). */
  identify: (settings: TrainSettings) => BackendIdentity;
  /** Where check summaries live (default: `.inoculate` of the workspace, as for checks). */
  checkResultsRoot?: string;
  /** Examples per previewed arm. Default 3. */
  previewExamples?: number;
  now?: () => Date;
  /** Directory paths are shown relative to (default: the workspace root). */
  cwd?: string;
}

/** The name of the baseline arm (a variant named `baseline` pushes it to `(baseline)`). */
export const BASELINE_ARM = 'baseline';

const NOT_TRAIN_KEYS = new Set(['check', 'eval', 'lint']);

/** Resolves, builds, validates and plans; throws `TrainSetupError` for problems with the input. */
export async function planTraining(input: PlanInput): Promise<TrainingPlan> {
  const { fs, paths } = input;
  const now = input.now ?? (() => new Date());
  const inocPath = resolve(input.inocPath);
  const cwd = input.cwd ?? input.workspaceRoot;
  const inoc = await readInocForSetup(fs, inocPath, cwd, 'train', NOT_TRAIN_KEYS, (message) => new TrainSetupError(message));
  const { doc, analysis, displayPath: shown, read: readInput } = inoc;
  const config: InocConfig = analysis.config;
  const overrides = input.overrides ?? {};
  // A different backend changes the defaults: resolve the block again with it.
  const rawTrain = (() => {
    if (!overrides.backend || overrides.backend === config.train.backend) return config.train;
    const resolved = resolveTrainSettings({ ...rawTrainOf(config.train), backend: overrides.backend }, { model: config.model, baseUrl: config.baseUrl });
    return resolved;
  })();
  const settings: TrainSettings = {
    ...rawTrain,
    model: overrides.model ?? rawTrain.model,
    variants: overrides.variants?.length ? overrides.variants : rawTrain.variants,
    baseline: overrides.baseline ?? rawTrain.baseline,
    seeds: overrides.seeds === undefined ? rawTrain.seeds : Array.isArray(overrides.seeds) ? overrides.seeds : Array.from({ length: overrides.seeds }, (_, i) => i),
  };
  if (!settings.model) throw new TrainSetupError(`${shown(inocPath)}: no base model: set \`train.model:\` (or \`model:\`) or pass --model.`);
  if (!settings.dataset) throw new TrainSetupError(`${shown(inocPath)}: no training dataset: set \`train.dataset:\` (a JSONL file, relative to this file).`);
  if (settings.backend === 'command' && !settings.command) throw new TrainSetupError(`${shown(inocPath)}: \`backend: command\` needs \`train.command\`.`);

  // Arms: the chosen variants (default every candidate) and the baseline.
  const names = doc.variants.map((v) => v.name);
  const chosen = settings.variants ?? doc.variants.filter((v) => !v.control && v.name).map((v) => v.name);
  for (const name of chosen) {
    if (!names.includes(name)) throw new TrainSetupError(`${shown(inocPath)}: no variant named '${name}'. Variants: ${names.map((n) => `'${n}'`).join(', ')}.`);
  }
  const arms: RunArm[] = chosen.map((name) => {
    const variant = doc.variants.find((v) => v.name === name)!;
    return { name, kind: 'variant', control: variant.control, instruction: variant.text, instructionHash: instructionHash(variant.text) };
  });
  if (settings.baseline) {
    let name = BASELINE_ARM;
    while (names.includes(name)) name = `(${name})`;
    arms.push({ name, kind: 'baseline', control: true, instruction: config.neutral, instructionHash: instructionHash(config.neutral) });
  }
  if (arms.length === 0) throw new TrainSetupError(`${shown(inocPath)}: nothing to train: no candidate variant and \`train.baseline: false\`.`);

  const placement: PlacementSettings = { placement: config.placement, template: config.template, separator: config.separator };
  const datasetPath = resolve(dirname(inocPath), settings.dataset);
  const datasetText = await readInput(datasetPath, MAX_DATASET_BYTES, ` (\`train.dataset\` in ${shown(inocPath)})`);
  if (datasetText === undefined) throw new TrainSetupError(`${shown(inocPath)}: \`train.dataset\`: no file at ${shown(datasetPath)}.`);
  const items = parseTrainingItems(datasetText, placement);
  const datasetShown = shown(datasetPath);
  const errors: string[] = [];
  const warnings: string[] = [];
  const where = (line: number) => (line > 0 ? `${datasetShown}:${line}` : datasetShown);
  for (const problem of items.problems) errors.push(`${where(problem.line)}: ${problem.message}`);
  if (items.items.length === 0 && items.problems.length === 0) errors.push(`${datasetShown}: no items.`);

  const backend = input.identify(settings);
  const counter = await tokenCounterFor(backend.id.split(':')[0]!, settings.model);
  const workspaceRelative = relativeInocPath(input.workspaceRoot, inocPath);
  const summary = await readSummary(fs, checkResultPaths(input.workspaceRoot, inocPath, input.checkResultsRoot).summary).catch(() => undefined);

  const armPlans: ArmPlan[] = [];
  const examplesByArm = new Map<string, TrainingExample[]>();
  for (const arm of arms) {
    const built = buildTrainingExamples(items.items, arm.instruction, placement);
    examplesByArm.set(arm.name, built.examples);
    const validation = validateExamples(built.examples, backend.id, counter);
    const problems = [...built.problems, ...validation.problems];
    const fileText = trainingFileText(built.examples);
    const stored = await storeTrainingFile(fs, paths, fileText);
    for (const problem of problems) {
      // The same dataset problem shows in every arm: report it once.
      const message = `${where(problem.line)}: ${problem.message}`;
      const list = problem.severity === 'error' ? errors : warnings;
      if (!list.includes(message)) list.push(message);
    }
    armPlans.push({
      arm,
      trainingFile: { path: stored.path, sha256: stored.sha256, examples: built.examples.length, tokens: { total: validation.tokens, counted: counter.counted, ...(counter.counted === 'tokenizer' ? { tokenizer: counter.name } : {}) } },
      problems,
      longestExampleTokens: validation.longest,
      cost: estimateTrainingCost(backend.id, backend.target, settings.model, validation.tokens, settings.hyperparameters),
      check: arm.kind === 'variant' ? chosenFrom(summary, arm) : null,
    });
  }

  const runs: PlannedRun[] = [];
  const createdAt = now().toISOString();
  for (const plan of armPlans) {
    for (const seed of settings.seeds) {
      const key = {
        trainingFileSha256: plan.trainingFile.sha256,
        backend: backend.id,
        target: backend.target,
        baseModel: settings.model,
        hyperparameters: settings.hyperparameters,
        loss: settings.loss,
        seed,
      };
      const runId = runIdOf(key);
      const provenance: RunProvenance = {
        runId,
        inocFile: workspaceRelative,
        behavior: config.behavior ?? 'custom',
        arm: plan.arm,
        placement: { placement: placement.placement, ...(placement.template !== undefined ? { template: placement.template } : {}), separator: placement.separator },
        check: plan.check,
        dataset: { path: relativeInocPath(input.workspaceRoot, datasetPath), sha256: items.sha256, items: items.items.length },
        trainingFile: { ...plan.trainingFile, path: relative(paths.resultsRoot, plan.trainingFile.path).split('\\').join('/') },
        backend: backend.id,
        target: backend.target,
        baseModel: settings.model,
        hyperparameters: settings.hyperparameters,
        loss: settings.loss,
        seed,
        suffix: modelSuffixOf(settings.suffix, plan.arm.name, seed, runId),
        createdAt,
      };
      runs.push({ provenance, trainingFile: plan.trainingFile });
    }
  }

  const baselineArm = arms.find((arm) => arm.kind === 'baseline');
  const count = input.previewExamples ?? 3;
  const previews = arms
    .filter((arm) => arm.kind === 'variant')
    .map((arm) => {
      const withIt = examplesByArm.get(arm.name) ?? [];
      // Without: the baseline's examples when trained, else the neutral prompt built just for the preview.
      const without = baselineArm ? (examplesByArm.get(baselineArm.name) ?? []) : buildTrainingExamples(items.items, config.neutral, placement).examples;
      return {
        arm: arm.name,
        pairs: withIt.slice(0, count).map((example) => ({ line: example.line, with: example.messages, without: without.find((w) => w.line === example.line)?.messages ?? [] })),
      };
    });

  const dateNotices = backend.id === 'openai' ? trainingDateNotices(settings.model, backend.target, now(), await readModelDates(fs, paths.modelsCache)) : [];
  return {
    inocPath,
    inocFile: workspaceRelative,
    behavior: config.behavior ?? 'custom',
    settings,
    backend,
    dataset: { path: datasetPath, shown: datasetShown, sha256: items.sha256, items: items.items.length },
    arms: armPlans,
    runs,
    previews,
    tokenizer: { name: counter.name, counted: counter.counted },
    dateNotices,
    errors,
    warnings,
  };
}

/** The resolved settings back to raw keys (to resolve again with another backend's defaults). */
function rawTrainOf(settings: TrainSettings): Record<string, unknown> {
  // Hyper-parameters the file set (they differ from its backend's defaults) carry over; the others take the new backend's.
  const defaults = defaultHyperparameters(settings.backend);
  const explicit = Object.fromEntries(Object.entries(settings.hyperparameters).filter(([key, value]) => defaults[key as keyof typeof defaults] !== value));
  return { ...explicit, dataset: settings.dataset, model: settings.model, baseUrl: settings.baseUrl, variants: settings.variants, baseline: settings.baseline, seeds: settings.seeds, loss: settings.loss, suffix: settings.suffix, command: settings.command, serve: settings.serve };
}

/** The check result a variant was chosen from: its arm in the latest check summary of the file. */
function chosenFrom(summary: CheckSummary | undefined, arm: RunArm): ChosenFromCheck | null {
  const result = summary?.arms.find((a) => a.name === arm.name);
  if (!summary || !result || result.n === 0) return null;
  return {
    finishedAt: summary.finishedAt,
    model: summary.model,
    rate: result.rate,
    ci: result.ci,
    n: result.n,
    k: result.k,
    lift: result.lift,
    liftCi: result.liftCi,
    stale: result.instructionHash !== arm.instructionHash,
  };
}
