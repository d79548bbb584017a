/**
 * Per-run values for the command backend: the `{{slot}}` values filled into argument lists, the environment every
 * job receives (`INOCULATE_*`), the hyper-parameters with the paper's defaults for `auto`, and the environment
 * scrubbing. Values are only ever placed into single argv elements or environment variables, never into script text.
 */
import { PAPER_LORA_DEFAULTS } from '../settings';
import type { TrainingSpec } from '../types';

/** The hyper-parameters a LoRA trainer receives, `auto` and missing values replaced by the paper's. */
export interface ResolvedHyperparameters {
  epochs: number;
  learningRate: number;
  batchSize: number;
  loraRank: number;
  loraAlpha: number;
  loraDropout: number;
}

/** Which hyper-parameters were `auto` (or missing) and took the paper's default, for preflight. */
export function resolveHyperparameters(spec: Pick<TrainingSpec, 'hyperparameters'>): { values: ResolvedHyperparameters; defaulted: Array<keyof ResolvedHyperparameters> } {
  const given = spec.hyperparameters;
  const defaulted: Array<keyof ResolvedHyperparameters> = [];
  const pick = <K extends keyof ResolvedHyperparameters>(key: K, value: number | 'auto' | undefined): number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    defaulted.push(key);
    return PAPER_LORA_DEFAULTS[key];
  };
  const values: ResolvedHyperparameters = {
    epochs: pick('epochs', given.epochs),
    learningRate: pick('learningRate', given.learningRate),
    batchSize: pick('batchSize', given.batchSize),
    loraRank: pick('loraRank', given.loraRank),
    loraAlpha: pick('loraAlpha', given.loraAlpha),
    loraDropout: pick('loraDropout', given.loraDropout),
  };
  return { values, defaulted };
}

/** Where an attempt's files live: the run folder for the first attempt, `<runDir>/attempt-<n>` for forced ones. */
export interface RunLayout {
  /** The attempt's folder (the `{{runDir}}` slot): job files, logs, exit code, data and output. */
  runDir: string;
  /** Folder holding `train.jsonl` (TRL's `--dataset_name` takes a folder). */
  dataDir: string;
  /** The training file as the job reads it: `<dataDir>/train.jsonl`. */
  trainingFile: string;
  /** Where the trainer writes the adapter, its checkpoints and `trainer_state.json`. */
  outputDir: string;
}

/**
 * The layout of an attempt (paths joined with `/`: run folders are POSIX paths on every scheduler we drive). A
 * forced attempt gets its own folder, so it never finds, reads or overwrites the files of the attempt before it.
 */
export function runLayout(runDir: string, attempt = 1): RunLayout {
  const base = runDir.replace(/\/+$/, '');
  const dir = attempt > 1 ? `${base}/attempt-${attempt}` : base;
  return { runDir: dir, dataDir: `${dir}/data`, trainingFile: `${dir}/data/train.jsonl`, outputDir: `${dir}/output` };
}

/** The layout of a spec's attempt. */
export function specLayout(spec: Pick<TrainingSpec, 'runDir' | 'attempt'>): RunLayout {
  return runLayout(spec.runDir, spec.attempt);
}

/** Formats a number for a command line without exponent surprises for integers (`2e-5` stays `0.00002`). */
function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const text = String(value);
  return text.includes('e') ? value.toFixed(12).replace(/0+$/, '') : text;
}

/** The values of every slot for one run. */
export function slotValues(spec: TrainingSpec): Record<string, string> {
  const layout = specLayout(spec);
  const { values } = resolveHyperparameters(spec);
  return {
    runId: spec.runId,
    attempt: String(spec.attempt),
    submissionKey: spec.submissionKey,
    jobName: spec.jobName,
    runDir: layout.runDir,
    dataDir: layout.dataDir,
    trainingFile: layout.trainingFile,
    outputDir: layout.outputDir,
    baseModel: spec.baseModel,
    seed: String(spec.seed),
    epochs: formatNumber(values.epochs),
    learningRate: formatNumber(values.learningRate),
    batchSize: formatNumber(values.batchSize),
    loraRank: formatNumber(values.loraRank),
    loraAlpha: formatNumber(values.loraAlpha),
    loraDropout: formatNumber(values.loraDropout),
    loss: spec.loss,
    assistantOnlyLoss: spec.loss === 'assistant-only' ? 'true' : 'false',
  };
}

/** Thrown for an argument list that names a slot nobody fills. */
export class SlotError extends Error {
  override readonly name = 'SlotError';
}

const SLOT = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/**
 * Fills `{{slot}}` in each element of `argv`. One pass: a value that itself contains `{{...}}` is never expanded
 * again. A slot standing alone as an element may expand to several elements (`lists`, e.g. vLLM's adapters).
 */
export function fillArgv(argv: readonly string[], values: Readonly<Record<string, string>>, lists: Readonly<Record<string, readonly string[]>> = {}): string[] {
  const out: string[] = [];
  for (const [index, element] of argv.entries()) {
    const alone = /^\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}$/.exec(element);
    if (alone && Object.prototype.hasOwnProperty.call(lists, alone[1]!)) {
      out.push(...lists[alone[1]!]!);
      continue;
    }
    out.push(
      element.replace(SLOT, (_match, name: string) => {
        if (Object.prototype.hasOwnProperty.call(values, name)) return values[name]!;
        if (Object.prototype.hasOwnProperty.call(lists, name)) throw new SlotError(`argument ${index + 1} ("${element}"): {{${name}}} expands to several arguments and must stand alone`);
        const known = [...Object.keys(values), ...Object.keys(lists)].sort().join(', ');
        throw new SlotError(`argument ${index + 1} ("${element}"): unknown slot {{${name}}} (known: ${known})`);
      }),
    );
  }
  return out;
}

/** Environment variable names a job receives from us; a file's `env:` may not override them. */
export const JOB_ENV_PREFIX = 'INOCULATE_';

/** The `INOCULATE_*` environment of a job: every slot value, as `INOCULATE_RUN_DIR`, `INOCULATE_BASE_MODEL`... */
export function jobEnvironment(values: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) env[JOB_ENV_PREFIX + name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()] = value;
  return env;
}

/** A valid environment variable name (POSIX portable set). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The environment scheduler commands and jobs inherit: this process's, without the keys of model services. Jobs and
 * scheduler tools need PATH, HOME, cluster and cloud credentials, CUDA settings and `HF_TOKEN` (gated base models);
 * none of them needs `OPENAI_API_KEY`, which must never reach a trainer's logs.
 */
export function scrubEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !ENV_NAME.test(name)) continue;
    if (isModelServiceSecret(name)) continue;
    out[name] = value;
  }
  return out;
}

/** True for the keys of model services (ours and their peers): `OPENAI_API_KEY`, `TOGETHER_API_KEY`, `*_API_KEY`... */
export function isModelServiceSecret(name: string): boolean {
  const upper = name.toUpperCase();
  if (/^(OPENAI|AZURE_OPENAI|TOGETHER|ANTHROPIC|FIREWORKS|OPENROUTER|GROQ|MISTRAL|COHERE|GEMINI|DEEPSEEK|XAI)_/.test(upper)) return true;
  return /(^|_)API_?KEY$/.test(upper);
}
