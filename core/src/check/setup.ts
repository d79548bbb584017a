/**
 * Loading a check: the `.inoc` file, its settings with command-line overrides, its arms, its dataset and the draw
 * plan. Everything that can be wrong with the input is found here, before any request, and reported with the file
 * and line (`CheckSetupError`).
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { analyzeFrontmatter, type GraderConfig, type InocConfig } from '../format/config';
import { parseDataset, type ChatMessage, type DatasetItem, type Item } from '../format/dataset';
import { parseInocDocument } from '../format/parse';
import { buildMessages, type PlacementSettings } from '../format/prompt';
import { ArmsError, armsOf, referenceArm, type Arm } from './arms';
import { cacheKey } from './cache';
import { InputFileError, type ResultsFileSystem } from './resultsFs';
import { drawPlan } from './sampling';

/** A problem with the input (file, settings, dataset): the CLI exits with 2 and prints the message. */
export class CheckSetupError extends Error {}

/** Command-line (or editor) choices that win over the file. */
export interface CheckOverrides {
  /** Keep only these variants (plus the reference control). */
  variants?: string[];
  samples?: number;
  concurrency?: number;
  model?: string;
  baseUrl?: string;
  /** The most bytes read for one answer. */
  maxResponseBytes?: number;
  /** The caller can serve `provider: vscode-lm` (the editor); the CLI cannot, unless a base URL is given. */
  editorModels?: boolean;
}

/** Sampling and request settings of a check (file values with overrides applied; the timeout in ms). */
export interface SamplingSettings {
  temperature: number;
  maxTokens: number;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  /** The most bytes read from an endpoint for one answer (the provider's limit). */
  maxResponseBytes: number;
}

/** A check ready to run (or to plan): everything resolved and validated. */
export interface PreparedCheck {
  inocPath: string;
  /** Folder of the `.inoc` file (relative paths resolve against it). */
  baseDir: string;
  config: InocConfig;
  behavior: string;
  /** The arms to run; the first control is the reference. */
  arms: Arm[];
  /** Every arm of the file, in file order (a `--variant` run keeps the others' earlier results). */
  allArms: Arm[];
  /** True when `--variant` narrowed the arms. */
  filtered: boolean;
  datasetPath: string;
  /** The dataset path as shown in messages. */
  datasetShown: string;
  items: DatasetItem[];
  /** Item index (into `items`) of each draw; the same for every arm. */
  draws: Uint32Array;
  samplesPerArm: number;
  model: string;
  /** From the flag or the file; undefined when neither sets it (the caller applies env and default). */
  baseUrl: string | undefined;
  sampling: SamplingSettings;
  placement: PlacementSettings;
  grader: GraderConfig;
}

/** The largest `.inoc` file and dataset a check reads (a bound, so a huge or endless file cannot exhaust memory). */
export const MAX_INOC_BYTES = 64 * 1024 * 1024;
export const MAX_DATASET_BYTES = 256 * 1024 * 1024;

/** Keys whose problems do not concern a check. */
const NOT_CHECK_KEYS = new Set(['train', 'eval', 'lint']);

/**
 * Reads and validates `inocPath` (resolved against `cwd`) and its check dataset. Throws `CheckSetupError` naming
 * the file and line of the first problem; paths in messages are shown relative to `cwd` when inside it.
 */
export async function prepareCheck(
  fs: Pick<ResultsFileSystem, 'readInput'>,
  inocPath: string,
  overrides: CheckOverrides = {},
  cwd: string = process.cwd(),
): Promise<PreparedCheck> {
  inocPath = resolve(cwd, inocPath);
  const { shown, displayPath, read, doc, analysis } = await readInocForSetup(fs, inocPath, cwd, 'check', NOT_CHECK_KEYS);
  const config = analysis.config;
  if (config.provider === 'vscode-lm' && !overrides.baseUrl && !overrides.editorModels) {
    throw new CheckSetupError(`${shown}: \`provider: vscode-lm\` uses VS Code's own models and works only in the editor; pass --base-url to check against an OpenAI-compatible endpoint.`);
  }

  let allArms: Arm[];
  let arms: Arm[];
  try {
    allArms = armsOf(doc, config);
    arms = armsOf(doc, config, overrides.variants ?? []);
  } catch (error) {
    if (error instanceof ArmsError) throw new CheckSetupError(error.message);
    throw error;
  }

  const model = overrides.model ?? config.model;
  if (!model) throw new CheckSetupError(`${shown}: no model configured: set \`model:\` in the frontmatter or pass --model.`);

  const baseDir = dirname(resolve(inocPath));
  if (!config.check.dataset) {
    throw new CheckSetupError(`${shown}: no check dataset: set \`check.dataset:\` (a JSONL file, relative to this file).`);
  }
  const datasetPath = resolve(baseDir, config.check.dataset);
  const datasetKey = analysis.locations.get('check.dataset')?.keyStart;
  const datasetLine = datasetKey === undefined ? 1 : doc.lines.positionAt(datasetKey).line + 1;
  const datasetText = await read(datasetPath, MAX_DATASET_BYTES, ` (\`check.dataset\` at ${shown}:${datasetLine})`);
  if (datasetText === undefined) {
    throw new CheckSetupError(`${shown}:${datasetLine}: check.dataset '${config.check.dataset}' not found (looked for ${displayPath(datasetPath)}).`);
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
  const reference = referenceArm(arms)!;
  for (const item of dataset.items) {
    try {
      buildMessages(item.value, reference.instruction, placement);
    } catch (error) {
      throw new CheckSetupError(`${datasetShown}:${item.line}: cannot build the prompt: ${(error as Error).message}.`);
    }
  }

  const samplesPerArm = overrides.samples ?? config.check.samples;
  if (!Number.isInteger(samplesPerArm) || samplesPerArm < 1) throw new CheckSetupError(`--samples must be a whole number of at least 1, got ${samplesPerArm}.`);
  const concurrency = overrides.concurrency ?? config.check.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CheckSetupError(`--concurrency must be a whole number of at least 1, got ${concurrency}.`);

  return {
    inocPath,
    datasetShown,
    baseDir,
    config,
    behavior: config.behavior ?? 'custom',
    arms,
    allArms,
    filtered: arms.length !== allArms.length,
    datasetPath,
    items: dataset.items,
    draws: drawPlan(dataset.items.length, samplesPerArm, config.check.seed),
    samplesPerArm,
    model,
    baseUrl: overrides.baseUrl ?? config.baseUrl,
    sampling: {
      temperature: config.check.temperature,
      maxTokens: config.check.maxTokens,
      concurrency,
      timeoutMs: config.check.timeout * 1000,
      retries: config.check.retries,
      maxResponseBytes: overrides.maxResponseBytes ?? config.check.maxResponseBytes,
    },
    placement,
    grader: config.check.grader,
  };
}

/** One sample's request: the item drawn for draw `sample` and the messages with the arm's instruction inserted. */
export function sampleRequest(check: PreparedCheck, arm: Arm, sample: number): { item: DatasetItem; messages: ChatMessage[] } {
  const item = check.items[check.draws[sample]!]!;
  return { item, messages: buildMessages(item.value, arm.instruction, check.placement) };
}

/** The response-cache key of one sample at `endpoint`. */
export function sampleCacheKey(check: PreparedCheck, endpoint: string, messages: ChatMessage[], sample: number): string {
  return cacheKey({
    kind: 'chat',
    endpoint,
    model: check.model,
    messages,
    temperature: check.sampling.temperature,
    maxTokens: check.sampling.maxTokens,
    sampleIndex: sample,
  });
}

/** Asks the grader about every item; throws `CheckSetupError` naming the dataset line of the first it cannot grade. */
export function checkItems(check: PreparedCheck, itemProblem: (item: Item) => string | undefined, graderType = check.grader.type): void {
  for (const item of check.items) {
    const problem = itemProblem(item.value);
    if (problem) throw new CheckSetupError(`${check.datasetShown}:${item.line}: ${problem} (needed by the \`${graderType}\` grader).`);
  }
}

/** A path as the user would like to read it: relative to `cwd` when inside it. */
function shownPath(cwd: string, path: string): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : absolute;
}

/** What a setup has read: the file as shown, its reader for further inputs, the parsed document and its analysis. */
export interface InocForSetup {
  shown: string;
  displayPath: (path: string) => string;
  read: (path: string, maxBytes: number, what: string) => Promise<string | undefined>;
  doc: ReturnType<typeof parseInocDocument>;
  analysis: ReturnType<typeof analyzeFrontmatter>;
}

/**
 * Reads `inocPath` for a check, an evaluation or a training plan and throws `fail(message)` (by default a
 * `CheckSetupError`) at the first frontmatter problem that concerns it (problems under `ignoredKeys`, another
 * command's block, are left to that command). Inputs, not results: links are followed (a dataset may well be one),
 * only regular files are read (a FIFO or a device would block or never end), within a bound.
 */
export async function readInocForSetup(
  fs: Pick<ResultsFileSystem, 'readInput'>,
  inocPath: string,
  cwd: string,
  verb: string,
  ignoredKeys: ReadonlySet<string>,
  fail: (message: string) => Error = (message) => new CheckSetupError(message),
): Promise<InocForSetup> {
  const displayPath = (path: string) => shownPath(cwd, path);
  const shown = displayPath(inocPath);
  const read = async (path: string, maxBytes: number, what: string): Promise<string | undefined> => {
    try {
      return await fs.readInput(path, maxBytes);
    } catch (error) {
      if (error instanceof InputFileError) throw fail(`${displayPath(path)} ${error.reason}${what}.`);
      throw error;
    }
  };
  const text = await read(inocPath, MAX_INOC_BYTES, `: name one .inoc file to ${verb}`);
  if (text === undefined) throw fail(`${shown}: no such file.`);
  const doc = parseInocDocument(shown, text);
  const analysis = analyzeFrontmatter(doc);
  for (const problem of analysis.problems) {
    if (!['yaml-syntax', 'missing-behavior', 'missing-key', 'invalid-value'].includes(problem.code)) continue;
    const underOtherKey = [...analysis.locations.values()].some(
      (location) => ignoredKeys.has(location.path[0]!) && location.keyStart <= problem.start && problem.start <= location.valueEnd,
    );
    if (underOtherKey) continue;
    const position = doc.lines.positionAt(problem.start);
    throw fail(`${shown}:${position.line + 1}:${position.character + 1}: ${problem.message}`);
  }
  return { shown, displayPath, read, doc, analysis };
}
