/**
 * The contract between the training orchestrator and every training backend (a fine-tuning API, or a scheduler
 * driven through commands), and between evaluation and the serving of trained models. Backends make single calls
 * only; the orchestrator owns polling, backoff, records and re-attachment. Everything a backend returns about a job
 * is plain JSON, so a job reference survives an editor reload or a new terminal.
 */

/** The common job states; every backend's own states map onto these (see `status.ts`). */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What was observed: a common state, or `unknown` (an unmapped raw state, or the backend could not be reached). */
export type ObservedState = JobState | 'unknown';

/** The states after which a job never changes again. `unknown` is never terminal. */
export const TERMINAL_STATES: ReadonlySet<ObservedState> = new Set<ObservedState>(['succeeded', 'failed', 'cancelled']);

/** True when `state` can never change again. */
export function isTerminal(state: ObservedState): boolean {
  return TERMINAL_STATES.has(state);
}

/** One observation of a job's status. */
export interface StatusSnapshot {
  state: ObservedState;
  /** The backend's own word for the state, always kept and shown (e.g. `validating_files`, `CANCELLED by 1000`). */
  raw: string;
  /** The backend acknowledged a cancellation that has not finished yet (`cancel_requested`, `CANCELLING`). */
  cancelRequested?: boolean;
  /** The backend's explanation (an error message, a pending reason), as text from the backend: untrusted. */
  message?: string;
  /** Progress in [0, 1] when the backend reports it. */
  progress?: number;
  /** ISO time of the observation. */
  observedAt: string;
}

/** Which tokens carry the loss. `assistant-only` is the papers' choice and the default. */
export type LossMode = 'assistant-only' | 'all';

/**
 * Hyper-parameters in common names. A backend receives them in its own terms and reports, before submitting, any
 * it ignores or reinterprets (`preflight`): OpenAI has no LoRA rank and only a learning-rate multiplier, for example.
 */
export interface Hyperparameters {
  epochs: number | 'auto';
  /** Absolute learning rate (LoRA trainers, Together). */
  learningRate: number | 'auto';
  /** OpenAI's multiplier of its own learning rate. */
  learningRateMultiplier: number | 'auto';
  batchSize: number | 'auto';
  /** LoRA rank, alpha and dropout; undefined for full fine-tuning or hosted APIs without LoRA. */
  loraRank?: number;
  loraAlpha?: number;
  loraDropout?: number;
}

/** A content-addressed training file: `.inoculate/train/files/<sha256>.jsonl`. */
export interface TrainingFileRef {
  /** Absolute path of the file on this machine. */
  path: string;
  /** sha256 (hex) of its bytes; also its name. */
  sha256: string;
  examples: number;
  /** Token total, with how it was counted. */
  tokens: { total: number; counted: 'tokenizer' | 'estimate'; tokenizer?: string };
}

/** Everything a backend needs to submit one run. */
export interface TrainingSpec {
  /** The run's content-derived id (the same for every attempt; see `runs.ts`). */
  runId: string;
  /** 1 for the first submission; `--force` makes a new attempt (2, 3, ...) of the same run. */
  attempt: number;
  /**
   * The idempotency key every backend carries into its own job (name, suffix, metadata, submission id) and that
   * `find` matches: the run id for attempt 1, `<runId>-<attempt>` after, so a forced new attempt never finds the old job.
   */
  submissionKey: string;
  /** A short, scheduler-safe job name (`[a-z0-9-]`, ≤ 63 characters), derived from the variant, seed and run id. */
  jobName: string;
  baseModel: string;
  trainingFile: TrainingFileRef;
  hyperparameters: Hyperparameters;
  loss: LossMode;
  seed: number;
  /** Suffix for the fine-tuned model's name where the backend supports one (≤ 64 characters). */
  suffix?: string;
  /** Key/value pairs the backend attaches to the job where it can (OpenAI `metadata`, Ray `metadata`, labels). */
  metadata: Record<string, string>;
  /** Folder of this run on this machine: logs, exit code, metrics, adapters of command backends. */
  runDir: string;
}

/** A submitted job, as persisted in the run record: enough to find the job again from a new process. */
export interface JobRef {
  /** The backend's id (`openai`, `together`, `command:slurm`, ...). */
  backend: string;
  /** The backend's job id (`ftjob-...`, a Slurm job id, a Kubernetes Job name, ...). */
  id: string;
  /** Anything else the backend needs later (the uploaded file id, a cluster name, a pid and its start time...). */
  extra: Record<string, string>;
}

/** One event of a job (a log line, a state change, a checkpoint), oldest first. */
export interface JobEvent {
  at: string;
  level: 'info' | 'warn' | 'error';
  /** Text from the backend: untrusted, escaped wherever shown. */
  message: string;
}

/** One point of the training curves. */
export interface MetricPoint {
  step: number;
  epoch?: number;
  trainLoss?: number;
  validLoss?: number;
  learningRate?: number;
  tokenAccuracy?: number;
}

/** What a successful job produced. */
export interface TrainedModel {
  /** `hosted`: served where it was trained (OpenAI, Together); `lora-adapter` / `merged`: weights to serve yourself. */
  kind: 'hosted' | 'lora-adapter' | 'merged';
  /** The model id to request (`ft:gpt-4.1-mini:org:suffix:id`) or the adapter's name when served. */
  modelId: string;
  baseModel: string;
  /** Where the weights are (a local path, an HF repo, a download URL), for adapters and merged models. */
  artifact?: string;
  /** The adapter's LoRA rank (serving must allow it, e.g. vLLM's `--max-lora-rank`). */
  loraRank?: number;
}

/** A problem found before submitting, with how serious it is. */
export interface PreflightIssue {
  severity: 'error' | 'warning' | 'info';
  /** Stable code, e.g. `ignored-hyperparameter`, `model-shutdown`, `too-few-examples`. */
  code: string;
  message: string;
}

/** What a backend honours, for preflight and the editor's pickers. */
export interface BackendCapabilities {
  /** Hyper-parameters the backend honours (the others are reported by `preflight`). */
  hyperparameters: ReadonlyArray<keyof Hyperparameters>;
  /** The loss modes it can train with. */
  loss: ReadonlyArray<LossMode>;
  /** It accepts a seed. */
  seed: boolean;
  /** Its result can be downloaded and served elsewhere. */
  downloadableWeights: boolean;
  /** Fewest training examples it accepts. */
  minExamples: number;
}

/** Failures of a backend call, classified so the orchestrator knows whether the job is lost (never, for `transient`). */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    /** `transient`: unreachable, 429, 5xx, a scheduler restarting (try again later; the job is not failed).
     *  `permanent`: refused key, bad request, unknown job (a person must act). */
    readonly kind: 'transient' | 'permanent',
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}

/** A training backend: single calls, no loops. Every method may throw `BackendError`. */
export interface TrainingBackend {
  /** `openai`, `together`, `command:local`, `command:slurm`, `command:skypilot`, `command:kubernetes`, `command:ray`. */
  readonly id: string;
  /** Where jobs go, for the run id and messages (a base URL, a cluster name); never a secret. */
  readonly target: string;
  capabilities(): BackendCapabilities;
  /** Problems to show before anything is sent: ignored hyper-parameters, auth, a base model's shutdown date. */
  preflight(spec: TrainingSpec, signal?: AbortSignal): Promise<PreflightIssue[]>;
  /** Makes the training file available to the backend (an upload, a copy to the cluster); idempotent by sha256. */
  prepare(spec: TrainingSpec, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Submits the job; `prepared` is what `prepare` returned. */
  submit(spec: TrainingSpec, prepared: Record<string, string>, signal?: AbortSignal): Promise<JobRef>;
  /** A job already submitted for `spec.runId` (a submit interrupted before it was recorded), if any. */
  find(spec: TrainingSpec, signal?: AbortSignal): Promise<JobRef | undefined>;
  status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot>;
  /** Events after `cursor` (oldest first) and the cursor for the next call. */
  events(ref: JobRef, cursor: string | undefined, signal?: AbortSignal): Promise<{ events: JobEvent[]; cursor?: string }>;
  metrics(ref: JobRef, signal?: AbortSignal): Promise<MetricPoint[]>;
  /** The job's log text (the tail when long), where the backend keeps one. */
  logs(ref: JobRef, signal?: AbortSignal): Promise<string>;
  /** Idempotent; a no-op on a terminal job. */
  cancel(ref: JobRef, signal?: AbortSignal): Promise<void>;
  /** The trained model; throws unless the job succeeded. */
  result(ref: JobRef, signal?: AbortSignal): Promise<TrainedModel>;
}

/** An OpenAI-compatible endpoint that serves a model for evaluation. */
export interface ServedEndpoint {
  baseUrl: string;
  /** The `model` to request. */
  model: string;
  /** Which model this endpoint serves. */
  servedModel: TrainedModel;
  /** Per-token (hosted APIs), per-minute (dedicated endpoints) or self-hosted. */
  billing: 'per-token' | 'per-minute' | 'self';
}

/** Serves trained models for an evaluation and always stops what it started. */
export interface ServingBackend {
  readonly id: string;
  /** Starts (or finds) endpoints for `models`, waiting until they answer. */
  ensureServed(models: TrainedModel[], signal?: AbortSignal): Promise<ServedEndpoint[]>;
  /** Stops what `ensureServed` started; called in `finally`, also after a failure or a cancellation. */
  release(endpoints: ServedEndpoint[]): Promise<void>;
}
