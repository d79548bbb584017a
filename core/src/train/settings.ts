/**
 * The resolved `train:` block (frontmatter validated, defaults applied, legacy forms converted): what the training
 * orchestrator and every backend read. The schema and validation live with the other keys in `format/schema.ts`
 * and `format/config.ts`; this is the typed result they produce.
 */
import type { Hyperparameters, LossMode } from './types';

/** Schedulers the `command` backend drives (each an existing engine; we never schedule ourselves). */
export type CommandPreset = 'local' | 'slurm' | 'skypilot' | 'kubernetes' | 'ray';

/**
 * The `train.command` block. Every command is an argument list (never a shell string) whose elements may hold
 * slots such as `{{trainingFile}}`, filled per run; see docs/training.md for the slots.
 */
export interface CommandSettings {
  preset: CommandPreset;
  /**
   * The trainer's argument list. Default: the shipped TRL trainer (`trl sft` with LoRA and the run's
   * hyper-parameters). For `local` it is run directly; for the others it is what the job script runs.
   */
  argv?: string[];
  /**
   * A job template of your own, relative to the `.inoc` file: an sbatch script (slurm), a SkyPilot task YAML
   * (skypilot) or a Kubernetes Job manifest (kubernetes). Default: the shipped template for the preset.
   */
  template?: string;
  /** Ray: the dashboard address (default `RAY_ADDRESS` or http://127.0.0.1:8265). */
  address?: string;
  /** Kubernetes: namespace (default the current context's). */
  namespace?: string;
  /** Kubernetes / SkyPilot: container image for the trainer. */
  image?: string;
  /** Extra scheduler arguments appended to the submit command (e.g. `[--partition=gpu, --gres=gpu:1]` for sbatch). */
  submitArgs?: string[];
  /** Environment variables for the trainer (names and values from the file: never secrets). */
  env?: Record<string, string>;
}

/** The `train.serve` block: how adapters trained by a command backend are served for evaluation. */
export interface ServeSettings {
  preset: 'vllm';
  /** The server's argument list; default `vllm serve {{baseModel}} --enable-lora --lora-modules ... --max-lora-rank R`. */
  argv?: string[];
  /** Port to listen on (0: pick a free one). */
  port: number;
  /** Seconds to wait for the server to answer before giving up. */
  startupTimeout: number;
}

/** The resolved `train:` block. */
export interface TrainSettings {
  /** Chat JSONL (last assistant message = target) or the paper's record shapes through `template`; relative to the file. */
  dataset?: string;
  backend: 'openai' | 'together' | 'command';
  /** Base model; default the file's `model`. */
  model?: string;
  /** OpenAI-compatible fine-tuning endpoint (default the file's `baseUrl`, else OpenAI's) or Together's base URL. */
  baseUrl?: string;
  /** Variants to train (default: every candidate, never controls unless named). */
  variants?: string[];
  /** Also train the no-inoculation baseline (the neutral prompt); default true, since every comparison needs it. */
  baseline: boolean;
  /** The seeds: `seeds: 3` means [0, 1, 2]; a list is taken as given. */
  seeds: number[];
  loss: LossMode;
  hyperparameters: Hyperparameters;
  /** Suffix for fine-tuned model names (≤ 64 characters). */
  suffix?: string;
  command?: CommandSettings;
  serve?: ServeSettings;
}

/** The paper's LoRA defaults (Wichers et al.: Qwen2-7B, r 8, alpha 16, lr 2e-5, 1 epoch, batch 16, assistant-only loss). */
export const PAPER_LORA_DEFAULTS = {
  epochs: 1,
  learningRate: 2e-5,
  batchSize: 16,
  loraRank: 8,
  loraAlpha: 16,
  loraDropout: 0,
} as const;

/**
 * The slots a `train.command` argument list (and a job template) may hold, filled per run by the command backend.
 * Declared here, with the format, so validation, hover and completion know them before any backend runs.
 */
export const COMMAND_SLOTS: Readonly<Record<string, string>> = {
  trainingFile: 'Absolute path of the training file as the job reads it, `<runDir>/data/train.jsonl` (OpenAI chat JSONL, the instruction already inserted).',
  dataDir: 'The folder holding `train.jsonl` (`<runDir>/data`): what TRL\'s `--dataset_name` takes.',
  baseModel: 'The base model to fine-tune (`train.model`, default the file\'s `model`).',
  outputDir: 'Folder the trainer writes the adapter (or merged model) and `trainer_state.json` to: `<runDir>/output`.',
  runDir: 'This run\'s folder, `.inoculate/runs/<runId>/` (`.../attempt-<n>/` for a forced attempt): logs, exit code, data, output.',
  runId: 'The run\'s content-derived id.',
  attempt: 'The attempt number: 1, then 2, 3... for `--force`.',
  submissionKey: 'The attempt\'s idempotency key: the run id, `<runId>-<n>` for a forced attempt.',
  jobName: 'A scheduler-safe job name (`[a-z0-9-]`, at most 63 characters).',
  seed: 'The run\'s seed.',
  epochs: 'Epochs (`auto` when unset for a backend without a default).',
  learningRate: 'Absolute learning rate.',
  batchSize: 'Batch size.',
  loraRank: 'LoRA rank (r).',
  loraAlpha: 'LoRA alpha.',
  loraDropout: 'LoRA dropout.',
  loss: '`assistant-only` or `all`.',
  assistantOnlyLoss: '`true` for `loss: assistant-only`, else `false` (TRL\'s `--assistant_only_loss`).',
};

/** The slots of the old `train.command: "<string>"` form, and the slot each became. */
export const LEGACY_COMMAND_SLOTS: Readonly<Record<string, string>> = {
  dataset: 'trainingFile',
  model: 'baseModel',
  output: 'outputDir',
  seed: 'seed',
};

/** Defaults of the `train.serve` block. */
export const SERVE_DEFAULTS = { port: 0, startupTimeout: 600 } as const;
