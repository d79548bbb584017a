/**
 * The `openai` training backend: OpenAI's fine-tuning API (or a service implementing it, such as Azure OpenAI)
 * through the official `openai` SDK, one call per method (the orchestrator polls and retries, so the SDK's own
 * retries are off). Supervised fine-tuning with `method: {type: 'supervised'}`, our seed, suffix and metadata
 * (`inoculate_run` carries the submission key, which `find` looks up with `jobs.list({metadata})`).
 */
import OpenAI, { AzureOpenAI, toFile } from 'openai';
import { STATUS_TABLES, mapStatus } from '../status';
import { OPENAI_FINE_TUNING_CLOSES, normalizeShutdownDate, trainingDateNotices, type ModelDatesCache } from '../modelDates';
import type { TrainFileSystem } from '../trainFs';
import {
  BackendError,
  isTerminal,
  type BackendCapabilities,
  type JobEvent,
  type JobRef,
  type MetricPoint,
  type PreflightIssue,
  type StatusSnapshot,
  type TrainedModel,
  type TrainingBackend,
  type TrainingSpec,
} from '../types';
import { backendErrorFrom } from './errors';

/** How to reach the fine-tuning API. */
export interface OpenAIBackendOptions {
  /** Base URL without a trailing slash (`https://api.openai.com/v1`, a local fake, an Azure resource). */
  baseUrl: string;
  apiKey?: string;
  /** Azure OpenAI: its API version (the endpoint is `baseUrl`). */
  azureApiVersion?: string;
  fs: TrainFileSystem;
  now?: () => Date;
  /** What earlier preflights learned about models (the endpoint's own answer wins over the dated table). */
  modelDates?: ModelDatesCache;
  /** Told what `GET /models/{id}` said about a model's shutdown date, to cache it for offline diagnostics. */
  onModelInfo?: (model: string, shutdownDate: string | null) => Promise<void>;
  /** Poll interval while an uploaded file is processed (ms). Default 2 s. */
  filePollIntervalMs?: number;
  /** Per-request timeout (ms). Default 60 s. */
  timeoutMs?: number;
}

/** The most events fetched in one `events` call (newest first, so a long-unwatched job skips its oldest). */
const MAX_EVENTS_PER_CALL = 1000;

/** True for Azure OpenAI resource hosts. */
export function isAzureEndpoint(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host.endsWith('.openai.azure.com') || host.endsWith('.cognitiveservices.azure.com');
  } catch {
    return false;
  }
}

/**
 * What an OpenAI-compatible endpoint says about `model`'s shutdown date (`GET /models/{id}`): `YYYY-MM-DD`, `null`
 * when it reports none, `undefined` when it could not be asked (evaluation calls this before sampling a model, and
 * falls back to `shutdownOf`'s table; the endpoint's answer wins).
 */
export async function fetchModelShutdown(options: { baseUrl: string; apiKey?: string; model: string; signal?: AbortSignal }): Promise<string | null | undefined> {
  const client = new OpenAI({ apiKey: options.apiKey ?? 'no-key', baseURL: options.baseUrl, maxRetries: 0, timeout: 30_000 });
  try {
    const model = await client.models.retrieve(options.model, { signal: options.signal });
    return normalizeShutdownDate((model as unknown as { shutdown_date?: unknown }).shutdown_date) ?? null;
  } catch {
    return undefined;
  }
}

export class OpenAITrainingBackend implements TrainingBackend {
  readonly id = 'openai';
  readonly target: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIBackendOptions) {
    this.target = options.baseUrl;
    const common = { apiKey: options.apiKey ?? 'no-key', maxRetries: 0, timeout: options.timeoutMs ?? 60_000 };
    this.client =
      options.azureApiVersion !== undefined
        ? new AzureOpenAI({ ...common, endpoint: options.baseUrl.replace(/\/openai(\/.*)?$/, ''), apiVersion: options.azureApiVersion })
        : new OpenAI({ ...common, baseURL: options.baseUrl });
  }

  capabilities(): BackendCapabilities {
    return { hyperparameters: ['epochs', 'learningRateMultiplier', 'batchSize'], loss: ['assistant-only'], seed: true, downloadableWeights: false, minExamples: 10 };
  }

  private fail(error: unknown, what: string): never {
    throw backendErrorFrom(error, this.target, what);
  }

  async preflight(spec: TrainingSpec, signal?: AbortSignal): Promise<PreflightIssue[]> {
    const issues: PreflightIssue[] = [];
    const hp = spec.hyperparameters;
    if (spec.loss !== 'assistant-only') {
      issues.push({ severity: 'error', code: 'unsupported-loss', message: 'OpenAI fine-tuning trains on the assistant messages only; `loss: all` is not available.' });
    }
    if (hp.learningRate !== 'auto') {
      issues.push({ severity: 'warning', code: 'ignored-hyperparameter', message: `OpenAI takes no absolute learning rate (${hp.learningRate} is ignored); set learningRateMultiplier instead.` });
    }
    for (const key of ['loraRank', 'loraAlpha', 'loraDropout'] as const) {
      if (hp[key] !== undefined) issues.push({ severity: 'warning', code: 'ignored-hyperparameter', message: `OpenAI fine-tuning has no LoRA settings: ${key} ${hp[key]} is ignored.` });
    }
    if (spec.trainingFile.examples < this.capabilities().minExamples) {
      issues.push({ severity: 'error', code: 'too-few-examples', message: `OpenAI needs at least ${this.capabilities().minExamples} training examples; the file has ${spec.trainingFile.examples}.` });
    }
    // The model: does it exist here, and does the endpoint report a shutdown date? (The endpoint's answer wins.)
    let endpointDate: string | null | undefined;
    try {
      const model = await this.client.models.retrieve(spec.baseModel, { signal });
      endpointDate = normalizeShutdownDate((model as unknown as { shutdown_date?: unknown }).shutdown_date) ?? null;
      await this.options.onModelInfo?.(spec.baseModel, endpointDate).catch(() => undefined);
    } catch (error) {
      const failure = backendErrorFrom(error, this.target, `model ${spec.baseModel}`);
      if (failure.details.status === 404) {
        issues.push({ severity: 'error', code: 'unknown-model', message: `${this.target} does not know the model '${spec.baseModel}' (404): check \`train.model\` (fine-tunable snapshots such as gpt-4.1-mini-2025-04-14).` });
      } else if (failure.details.status === 401 || failure.details.status === 403) {
        issues.push({ severity: 'error', code: 'auth', message: `${this.target} refused the API key (${failure.details.status}): set OPENAI_API_KEY (or AZURE_OPENAI_API_KEY for Azure).` });
      } else {
        issues.push({ severity: 'warning', code: 'model-unchecked', message: `Could not check the model at ${this.target}: ${failure.message}` });
      }
    }
    const cache: ModelDatesCache = { ...(this.options.modelDates ?? {}) };
    if (endpointDate !== undefined) cache[this.target] = { ...(cache[this.target] ?? {}), [spec.baseModel]: { shutdownDate: endpointDate, checkedAt: (this.options.now?.() ?? new Date()).toISOString() } };
    for (const notice of trainingDateNotices(spec.baseModel, this.target, this.options.now?.() ?? new Date(), cache)) {
      issues.push({ severity: notice.severity, code: notice.code, message: notice.message });
    }
    return issues;
  }

  /** The file name uploads get: its content hash, so an identical file is found and never uploaded twice. */
  private fileName(spec: TrainingSpec): string {
    return `inoculate-${spec.trainingFile.sha256}.jsonl`;
  }

  async prepare(spec: TrainingSpec, signal?: AbortSignal): Promise<Record<string, string>> {
    const name = this.fileName(spec);
    try {
      for await (const file of this.client.files.list({ purpose: 'fine-tune', limit: 100 }, { signal })) {
        if (file.filename === name && file.status === 'processed') return { trainingFileId: file.id };
      }
    } catch (error) {
      this.fail(error, 'listing uploaded files');
    }
    const text = await this.options.fs.readText(spec.trainingFile.path);
    if (text === undefined) throw new BackendError('permanent', `The training file ${spec.trainingFile.path} is missing: run the launch again to rebuild it.`);
    try {
      const uploaded = await this.client.files.create({ file: await toFile(Buffer.from(text, 'utf8'), name), purpose: 'fine-tune' }, { signal });
      const processed = await this.client.files.waitForProcessing(uploaded.id, { pollInterval: this.options.filePollIntervalMs ?? 2000, maxWait: 30 * 60_000 });
      if (processed.status !== 'processed') {
        throw new BackendError('permanent', `${this.target} could not process the training file (${processed.status}): ${processed.status_details ?? 'no details'}`);
      }
      return { trainingFileId: uploaded.id };
    } catch (error) {
      this.fail(error, 'uploading the training file');
    }
  }

  async submit(spec: TrainingSpec, prepared: Record<string, string>, signal?: AbortSignal): Promise<JobRef> {
    const trainingFile = prepared.trainingFileId;
    if (!trainingFile) throw new BackendError('permanent', 'prepare() returned no training file id');
    const hp = spec.hyperparameters;
    const auto = <T>(value: T | 'auto') => (value === 'auto' ? ('auto' as const) : value);
    try {
      const job = await this.client.fineTuning.jobs.create(
        {
          model: spec.baseModel,
          training_file: trainingFile,
          seed: spec.seed,
          suffix: spec.suffix,
          metadata: spec.metadata,
          method: {
            type: 'supervised',
            supervised: { hyperparameters: { n_epochs: auto(hp.epochs), batch_size: auto(hp.batchSize), learning_rate_multiplier: auto(hp.learningRateMultiplier) } },
          },
        },
        { signal },
      );
      return { backend: this.id, id: job.id, extra: { trainingFileId: trainingFile, target: this.target } };
    } catch (error) {
      this.fail(error, 'creating the fine-tuning job');
    }
  }

  async find(spec: TrainingSpec, signal?: AbortSignal): Promise<JobRef | undefined> {
    try {
      let seen = 0;
      // The filter is asked of the server, and checked again here (a compatible server may ignore it).
      for await (const job of this.client.fineTuning.jobs.list({ metadata: { inoculate_run: spec.submissionKey }, limit: 100 }, { signal })) {
        if (job.metadata?.inoculate_run === spec.submissionKey) return { backend: this.id, id: job.id, extra: { trainingFileId: job.training_file, target: this.target } };
        if (++seen >= 2000) break;
      }
      return undefined;
    } catch (error) {
      this.fail(error, 'looking for an earlier submission');
    }
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    let job;
    try {
      job = await this.client.fineTuning.jobs.retrieve(ref.id, { signal });
    } catch (error) {
      this.fail(error, `job ${ref.id}`);
    }
    const raw = String(job.status);
    const mapped = mapStatus(STATUS_TABLES.openai!, raw);
    const snapshot: StatusSnapshot = { state: mapped.state, raw, observedAt: (this.options.now?.() ?? new Date()).toISOString() };
    if (mapped.cancelRequested) snapshot.cancelRequested = true;
    if (job.error?.message) snapshot.message = job.error.code ? `${job.error.code}: ${job.error.message}` : job.error.message;
    // A success without a model is not a success we can use.
    if (mapped.state === 'succeeded' && !job.fine_tuned_model) {
      snapshot.state = 'failed';
      snapshot.message = 'the job succeeded but reported no fine-tuned model';
    }
    return snapshot;
  }

  async events(ref: JobRef, cursor: string | undefined, signal?: AbortSignal): Promise<{ events: JobEvent[]; cursor?: string }> {
    const fresh: JobEvent[] = [];
    let newest: string | undefined;
    try {
      // OpenAI lists events newest first; walk until the last event already seen.
      for await (const event of this.client.fineTuning.jobs.listEvents(ref.id, { limit: 100 }, { signal })) {
        if (event.id === cursor) break;
        newest ??= event.id;
        fresh.push({ at: new Date(event.created_at * 1000).toISOString(), level: event.level === 'warn' ? 'warn' : event.level === 'error' ? 'error' : 'info', message: event.message });
        if (fresh.length >= MAX_EVENTS_PER_CALL) break;
      }
    } catch (error) {
      this.fail(error, `events of job ${ref.id}`);
    }
    return { events: fresh.reverse(), cursor: newest ?? cursor };
  }

  async metrics(ref: JobRef, signal?: AbortSignal): Promise<MetricPoint[]> {
    const byStep = new Map<number, MetricPoint>();
    try {
      // Per-step loss comes as events of type `metrics`; checkpoints add validation figures.
      let seen = 0;
      for await (const event of this.client.fineTuning.jobs.listEvents(ref.id, { limit: 100 }, { signal })) {
        if (++seen > 20_000) break;
        if (event.type !== 'metrics' || !event.data || typeof event.data !== 'object') continue;
        const data = event.data as Record<string, unknown>;
        const step = Number(data.step);
        if (!Number.isFinite(step)) continue;
        byStep.set(step, {
          step,
          ...(typeof data.train_loss === 'number' ? { trainLoss: data.train_loss } : {}),
          ...(typeof data.valid_loss === 'number' ? { validLoss: data.valid_loss } : {}),
          ...(typeof data.train_mean_token_accuracy === 'number' ? { tokenAccuracy: data.train_mean_token_accuracy } : {}),
        });
      }
      for await (const checkpoint of this.client.fineTuning.jobs.checkpoints.list(ref.id, { limit: 100 }, { signal })) {
        const m = checkpoint.metrics;
        const step = checkpoint.step_number;
        const point = byStep.get(step) ?? { step };
        if (typeof m.train_loss === 'number') point.trainLoss ??= m.train_loss;
        if (typeof m.valid_loss === 'number') point.validLoss ??= m.valid_loss;
        if (typeof m.train_mean_token_accuracy === 'number') point.tokenAccuracy ??= m.train_mean_token_accuracy;
        byStep.set(step, point);
      }
    } catch (error) {
      this.fail(error, `metrics of job ${ref.id}`);
    }
    return [...byStep.values()].sort((a, b) => a.step - b.step);
  }

  async logs(ref: JobRef, signal?: AbortSignal): Promise<string> {
    const { events } = await this.events(ref, undefined, signal);
    return events.map((event) => `${event.at} ${event.level.padEnd(5)} ${event.message}`).join('\n');
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const current = await this.status(ref, signal);
    if (isTerminal(current.state)) return;
    try {
      await this.client.fineTuning.jobs.cancel(ref.id, { signal });
    } catch (error) {
      const failure = backendErrorFrom(error, this.target, `cancelling job ${ref.id}`);
      // It may have ended between our look and the cancel: then there is nothing to cancel.
      if (failure.details.status === 400 && isTerminal((await this.status(ref, signal)).state)) return;
      throw failure;
    }
  }

  async result(ref: JobRef, signal?: AbortSignal): Promise<TrainedModel> {
    let job;
    try {
      job = await this.client.fineTuning.jobs.retrieve(ref.id, { signal });
    } catch (error) {
      this.fail(error, `job ${ref.id}`);
    }
    if (job.status !== 'succeeded' || !job.fine_tuned_model) {
      throw new BackendError('permanent', `job ${ref.id} has no model (status ${job.status})`);
    }
    return { kind: 'hosted', modelId: job.fine_tuned_model, baseModel: job.model };
  }
}

export { OPENAI_FINE_TUNING_CLOSES };
