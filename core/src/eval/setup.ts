/**
 * Loading an evaluation: the `.inoc` file and its `eval:` block with command-line overrides, its variants, its
 * evaluation dataset and every prompt each condition builds. Everything that can be wrong with the input is found
 * here, before any request, and reported with the file and line (`CheckSetupError`, as for checks: exit 2).
 */
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { ArmsError, armsOf, instructionHash, type Arm } from '../check/arms';
import type { ResultsFileSystem } from '../check/resultsFs';
import { CheckSetupError, MAX_DATASET_BYTES, readInocForSetup, type SamplingSettings } from '../check/setup';
import { type GraderConfig, type InocConfig } from '../format/config';
import { parseDataset, type DatasetItem } from '../format/dataset';
import { buildMessages, type PlacementSettings } from '../format/prompt';
import { EVAL_CONDITIONS, type EvalCondition } from './settings';

/** Command-line (or editor) choices that win over the file. */
export interface EvalOverrides {
  /** Only these variants' fine-tunes (the baseline, base and extra models stay unless `models` narrows them). */
  variants?: string[];
  /** Only models with these names (`base`, `baseline`, a variant's, an extra model's). */
  models?: string[];
  conditions?: EvalCondition[];
  samples?: number;
  concurrency?: number;
  baseUrl?: string;
  maxResponseBytes?: number;
  batch?: boolean;
}

/** An evaluation ready to run (or to plan). */
export interface PreparedEvaluation {
  inocPath: string;
  baseDir: string;
  config: InocConfig;
  behavior: string;
  /** Every variant of the file (candidates and controls): name → current instruction, in file order. */
  variants: Map<string, string>;
  /** The candidates (not controls) the `inoculated` condition may insert for models not trained with one. */
  candidates: Arm[];
  onlyVariants: string[];
  onlyModels: string[];
  datasetPath: string;
  datasetShown: string;
  datasetSha256: string;
  items: DatasetItem[];
  samplesPerItem: number;
  conditions: EvalCondition[];
  safetyPrompt: string | undefined;
  placement: PlacementSettings;
  graders: { behavior: GraderConfig; capability: GraderConfig | null };
  /** The base model (the file's `model`). */
  model: string | undefined;
  /** From the flag or the file; undefined when neither sets it (the caller applies env and default). */
  baseUrl: string | undefined;
  sampling: SamplingSettings;
  batch: boolean;
}

/** Keys whose problems do not concern an evaluation. */
const NOT_EVAL_KEYS = new Set(['check', 'train', 'lint']);

/**
 * Reads and validates `inocPath` (resolved against `cwd`) and its evaluation dataset. Throws `CheckSetupError` naming
 * the file and line of the first problem; paths in messages are relative to `cwd` when inside it.
 */
export async function prepareEvaluation(
  fs: Pick<ResultsFileSystem, 'readInput'>,
  inocPath: string,
  overrides: EvalOverrides = {},
  cwd: string = process.cwd(),
): Promise<PreparedEvaluation> {
  inocPath = resolve(cwd, inocPath);
  const { shown, displayPath, read, doc, analysis } = await readInocForSetup(fs, inocPath, cwd, 'evaluate', NOT_EVAL_KEYS);
  const config = analysis.config;
  const settings = config.eval;

  let arms: Arm[];
  try {
    arms = armsOf(doc, config).filter((arm) => !arm.synthetic);
  } catch (error) {
    if (error instanceof ArmsError) throw new CheckSetupError(error.message);
    throw error;
  }
  const variants = new Map(arms.map((arm) => [arm.name, arm.instruction]));
  const onlyVariants = overrides.variants ?? [];
  for (const wanted of onlyVariants) {
    if (!variants.has(wanted)) throw new CheckSetupError(`No variant named '${wanted}' in ${shown}. Variants: ${[...variants.keys()].map((name) => `'${name}'`).join(', ')}.`);
  }
  const candidates = arms.filter((arm) => !arm.control && (!onlyVariants.length || onlyVariants.includes(arm.name)));

  const conditions = overrides.conditions?.length ? [...new Set(overrides.conditions)] : settings.conditions;
  for (const condition of conditions) {
    if (!EVAL_CONDITIONS.includes(condition)) throw new CheckSetupError(`Unknown condition '${condition}': use ${EVAL_CONDITIONS.join(', ')}.`);
  }
  if (conditions.includes('safety') && !settings.safetyPrompt) {
    throw new CheckSetupError(`${shown}: the \`safety\` condition needs \`eval.safetyPrompt\` (the safety instruction given at test time).`);
  }

  const baseDir = dirname(inocPath);
  if (!settings.dataset) throw new CheckSetupError(`${shown}: no evaluation dataset: set \`eval.dataset:\` (a JSONL file, relative to this file).`);
  const datasetPath = resolve(baseDir, settings.dataset);
  const datasetKey = analysis.locations.get('eval.dataset')?.keyStart;
  const datasetLine = datasetKey === undefined ? 1 : doc.lines.positionAt(datasetKey).line + 1;
  const datasetText = await read(datasetPath, MAX_DATASET_BYTES, ` (\`eval.dataset\` at ${shown}:${datasetLine})`);
  if (datasetText === undefined) {
    throw new CheckSetupError(`${shown}:${datasetLine}: eval.dataset '${settings.dataset}' not found (looked for ${displayPath(datasetPath)}).`);
  }
  const placement: PlacementSettings = { placement: config.placement, template: config.template, separator: config.separator };
  const dataset = parseDataset(datasetText, { needsPrompt: config.placement !== 'template' });
  const datasetShown = displayPath(datasetPath);
  if (dataset.errors.length) {
    const first = dataset.errors[0]!;
    const more = dataset.errors.length > 1 ? ` (and ${dataset.errors.length - 1} more bad lines)` : '';
    throw new CheckSetupError(`${datasetShown}:${first.line}: ${first.message}${more}.`);
  }
  if (dataset.items.length === 0) throw new CheckSetupError(`${datasetShown}: the dataset has no items.`);
  // Every prompt any condition can build, built once now: a missing field fails here, not mid-run.
  const instructions = new Set<string>([config.neutral]);
  if (conditions.includes('inoculated')) for (const arm of arms) if (!arm.control) instructions.add(arm.instruction);
  if (conditions.includes('safety')) instructions.add(settings.safetyPrompt!);
  for (const item of dataset.items) {
    for (const instruction of instructions) {
      try {
        buildMessages(item.value, instruction, placement);
      } catch (error) {
        throw new CheckSetupError(`${datasetShown}:${item.line}: cannot build the prompt: ${(error as Error).message}.`);
      }
    }
  }

  const samplesPerItem = overrides.samples ?? settings.samples;
  if (!Number.isInteger(samplesPerItem) || samplesPerItem < 1) throw new CheckSetupError(`--samples must be a whole number of at least 1, got ${samplesPerItem}.`);
  const concurrency = overrides.concurrency ?? settings.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CheckSetupError(`--concurrency must be a whole number of at least 1, got ${concurrency}.`);

  return {
    inocPath,
    baseDir,
    config,
    behavior: config.behavior ?? 'custom',
    variants,
    candidates,
    onlyVariants,
    onlyModels: overrides.models ?? [],
    datasetPath,
    datasetShown,
    datasetSha256: createHash('sha256').update(datasetText, 'utf8').digest('hex'),
    items: dataset.items,
    samplesPerItem,
    conditions,
    safetyPrompt: settings.safetyPrompt,
    placement,
    graders: { behavior: settings.grader, capability: settings.capability },
    model: config.model,
    baseUrl: overrides.baseUrl ?? config.baseUrl,
    sampling: {
      temperature: settings.temperature,
      maxTokens: settings.maxTokens,
      concurrency,
      timeoutMs: settings.timeout * 1000,
      retries: settings.retries,
      maxResponseBytes: overrides.maxResponseBytes ?? settings.maxResponseBytes,
    },
    batch: overrides.batch ?? settings.batch,
  };
}

/** The hash of an instruction as records carry it ('' has its own hash, like the check's neutral arm). */
export const instructionHashOf = instructionHash;

