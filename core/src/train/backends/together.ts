/**
 * The `together` training backend: Together AI's fine-tuning API through its official TypeScript SDK
 * (`together-ai`, which serves Node 20 and has no dependencies), one call per method, the SDK's retries off.
 * LoRA by default with the run's rank, alpha and dropout; `loss` becomes `train_on_inputs` (assistant-only → false).
 *
 * The upload is done here rather than with the SDK's `files.upload` helper, which reads its base URL from another
 * environment variable (`TOGETHER_API_BASE_URL`) once at import and rejects with non-errors: we follow the same
 * documented flow (POST /files → 302 to a presigned URL with `x-together-file-id` → PUT the bytes → GET /files/{id})
 * against the client's own base URL. Together has no job metadata, so the model-name suffix carries the run:
 * `find` matches it (it holds the arm, the seed, 6 characters of the run id and the attempt).
 */
import Together from 'together-ai';
import { STATUS_TABLES, mapStatus } from '../status';
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

/** Together's API (the SDK's default base URL). */
export const TOGETHER_DEFAULT_BASE_URL = 'https://api.together.ai/v1';

export interface TogetherBackendOptions {
  baseUrl: string;
  apiKey?: string;
  fs: TrainFileSystem;
  now?: () => Date;
  timeoutMs?: number;
  /** The fetch used for the upload flow (default the global one). */
  fetch?: typeof fetch;
}

export class TogetherTrainingBackend implements TrainingBackend {
  readonly id = 'together';
  readonly target: string;
  private readonly client: Together;

  constructor(private readonly options: TogetherBackendOptions) {
    this.target = options.baseUrl.replace(/\/+$/, '');
    this.client = new Together({ apiKey: options.apiKey ?? 'no-key', baseURL: this.target, maxRetries: 0, timeout: options.timeoutMs ?? 60_000 });
  }

  capabilities(): BackendCapabilities {
    return { hyperparameters: ['epochs', 'learningRate', 'batchSize', 'loraRank', 'loraAlpha', 'loraDropout'], loss: ['assistant-only', 'all'], seed: true, downloadableWeights: true, minExamples: 1 };
  }

  private fail(error: unknown, what: string): never {
    throw backendErrorFrom(error, this.target, what);
  }

  async preflight(spec: TrainingSpec, signal?: AbortSignal): Promise<PreflightIssue[]> {
    const issues: PreflightIssue[] = [];
    const hp = spec.hyperparameters;
    if (hp.learningRateMultiplier !== 'auto') {
      issues.push({ severity: 'warning', code: 'ignored-hyperparameter', message: `Together takes an absolute learning rate; learningRateMultiplier ${hp.learningRateMultiplier} is ignored.` });
    }
    if (typeof hp.batchSize === 'number') {
      issues.push({ severity: 'info', code: 'reinterpreted-hyperparameter', message: `Together packs sequences, so the effective batch size may differ from batchSize ${hp.batchSize}.` });
    }
    try {
      const limits = await this.client.fineTuning.modelLimits({ model_name: spec.baseModel }, { signal });
      const lora = (limits as unknown as { lora_training?: { max_rank?: number } }).lora_training;
      if (lora?.max_rank !== undefined && hp.loraRank !== undefined && hp.loraRank > lora.max_rank) {
        issues.push({ severity: 'error', code: 'invalid-hyperparameter', message: `LoRA rank ${hp.loraRank} is over ${spec.baseModel}'s maximum of ${lora.max_rank} on Together.` });
      }
      if (typeof hp.learningRate === 'number' && (hp.learningRate > limits.max_learning_rate || hp.learningRate < limits.min_learning_rate)) {
        issues.push({ severity: 'error', code: 'invalid-hyperparameter', message: `learningRate ${hp.learningRate} is outside Together's range for ${spec.baseModel} (${limits.min_learning_rate} to ${limits.max_learning_rate}).` });
      }
    } catch (error) {
      const failure = backendErrorFrom(error, this.target, `model ${spec.baseModel}`);
      const status = failure.details.status;
      if (status === 401 || status === 403) issues.push({ severity: 'error', code: 'auth', message: `${this.target} refused the API key (${status}): set TOGETHER_API_KEY.` });
      else if (status === 404 || status === 400) issues.push({ severity: 'error', code: 'unknown-model', message: `Together cannot fine-tune '${spec.baseModel}' (${status}): check \`train.model\` against its list of fine-tunable models.` });
      else issues.push({ severity: 'warning', code: 'model-unchecked', message: `Could not check the model at ${this.target}: ${failure.message}` });
    }
    return issues;
  }

  private fileName(spec: TrainingSpec): string {
    return `inoculate-${spec.trainingFile.sha256}.jsonl`;
  }

  async prepare(spec: TrainingSpec, signal?: AbortSignal): Promise<Record<string, string>> {
    const name = this.fileName(spec);
    try {
      const list = await this.client.files.list({ signal });
      const existing = list.data.find((file) => file.filename === name && file.purpose === 'fine-tune' && file.processing_status !== 'FAILED' && file.processing_status !== 'INVALID_FORMAT');
      if (existing) return { trainingFileId: existing.id };
    } catch (error) {
      this.fail(error, 'listing uploaded files');
    }
    const text = await this.options.fs.readText(spec.trainingFile.path);
    if (text === undefined) throw new BackendError('permanent', `The training file ${spec.trainingFile.path} is missing: run the launch again to rebuild it.`);
    const doFetch = this.options.fetch ?? fetch;
    const query = new URLSearchParams({ file_name: name, file_type: 'jsonl', purpose: 'fine-tune' });
    let fileId: string;
    try {
      const start = await doFetch(`${this.target}/files?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${this.options.apiKey ?? 'no-key'}` },
        body: query.toString(),
        redirect: 'manual',
        signal,
      });
      const location = start.headers.get('location');
      fileId = start.headers.get('x-together-file-id') ?? '';
      if (start.status !== 302 || !location || !fileId) {
        throw Object.assign(new Error(`the upload did not start (${start.status} ${await start.text().then((t) => t.slice(0, 200))})`), { status: start.status === 302 ? 502 : start.status, headers: start.headers });
      }
      const put = await doFetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(text, 'utf8'), signal });
      if (!put.ok) throw Object.assign(new Error(`the upload failed (${put.status})`), { status: put.status, headers: put.headers });
      await this.client.files.retrieve(fileId, { signal });
    } catch (error) {
      this.fail(error, 'uploading the training file');
    }
    return { trainingFileId: fileId };
  }

  async submit(spec: TrainingSpec, prepared: Record<string, string>, signal?: AbortSignal): Promise<JobRef> {
    const trainingFile = prepared.trainingFileId;
    if (!trainingFile) throw new BackendError('permanent', 'prepare() returned no training file id');
    const hp = spec.hyperparameters;
    const body: Together.FineTuningCreateParams = {
      model: spec.baseModel,
      training_file: trainingFile,
      random_seed: spec.seed,
      suffix: spec.suffix,
      batch_size: hp.batchSize === 'auto' ? 'max' : hp.batchSize,
      training_method: { method: 'sft', train_on_inputs: spec.loss === 'all' },
      training_type: { type: 'Lora', lora_r: hp.loraRank ?? 8, lora_alpha: hp.loraAlpha ?? 16, ...(hp.loraDropout !== undefined ? { lora_dropout: hp.loraDropout } : {}) },
      ...(hp.epochs !== 'auto' ? { n_epochs: hp.epochs } : {}),
      ...(hp.learningRate !== 'auto' ? { learning_rate: hp.learningRate } : {}),
    };
    try {
      const job = await this.client.fineTuning.create(body, { signal });
      return { backend: this.id, id: job.id, extra: { trainingFileId: trainingFile, target: this.target } };
    } catch (error) {
      this.fail(error, 'creating the fine-tuning job');
    }
  }

  async find(spec: TrainingSpec, signal?: AbortSignal): Promise<JobRef | undefined> {
    try {
      const list = await this.client.fineTuning.list({ signal });
      const job = list.data.find((candidate) => candidate.suffix === spec.suffix && (!candidate.model || candidate.model === spec.baseModel));
      return job ? { backend: this.id, id: job.id, extra: { trainingFileId: job.training_file ?? '', target: this.target } } : undefined;
    } catch (error) {
      this.fail(error, 'looking for an earlier submission');
    }
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    let job;
    try {
      job = await this.client.fineTuning.retrieve(ref.id, { signal });
    } catch (error) {
      this.fail(error, `job ${ref.id}`);
    }
    const raw = String(job.status);
    const mapped = mapStatus(STATUS_TABLES.together!, raw);
    const snapshot: StatusSnapshot = { state: mapped.state, raw, observedAt: (this.options.now?.() ?? new Date()).toISOString() };
    if (mapped.cancelRequested) snapshot.cancelRequested = true;
    const events = job.events ?? [];
    const failure = [...events].reverse().find((event) => event.type === 'job_error' || event.level === 'error');
    if (mapped.state === 'failed' && failure) snapshot.message = failure.message;
    const stepped = [...events].reverse().find((event) => typeof event.step === 'number' && typeof event.total_steps === 'number' && event.total_steps > 0);
    if (stepped) snapshot.progress = Math.min(1, stepped.step! / stepped.total_steps!);
    if (mapped.state === 'succeeded' && !job.model_output_name) {
      snapshot.state = 'failed';
      snapshot.message = 'the job completed but reported no output model';
    }
    return snapshot;
  }

  async events(ref: JobRef, cursor: string | undefined, signal?: AbortSignal): Promise<{ events: JobEvent[]; cursor?: string }> {
    let list;
    try {
      list = await this.client.fineTuning.listEvents(ref.id, { signal });
    } catch (error) {
      this.fail(error, `events of job ${ref.id}`);
    }
    // Together's events have no ids: the cursor is how many were already recorded (the list only grows).
    const seen = Number(cursor ?? 0) || 0;
    const fresh = list.data.slice(seen).map((event) => ({
      at: event.created_at,
      level: event.level === 'error' || event.level === 'legacy_ierror' ? ('error' as const) : event.level === 'warning' || event.level === 'legacy_iwarning' ? ('warn' as const) : ('info' as const),
      message: event.message,
    }));
    return { events: fresh, cursor: String(list.data.length) };
  }

  async metrics(ref: JobRef, signal?: AbortSignal): Promise<MetricPoint[]> {
    let list;
    try {
      list = await this.client.fineTuning.listMetrics(ref.id, {}, { signal });
    } catch (error) {
      this.fail(error, `metrics of job ${ref.id}`);
    }
    const number = (row: Record<string, number>, ...keys: string[]) => keys.map((key) => row[key]).find((value) => typeof value === 'number' && Number.isFinite(value));
    return (list.metrics ?? [])
      .map((row) => {
        const step = number(row, 'step', 'global_step');
        if (step === undefined) return undefined;
        const point: MetricPoint = { step };
        const pick = (key: keyof MetricPoint, ...names: string[]) => {
          const value = number(row, ...names);
          if (value !== undefined) (point as unknown as Record<string, number>)[key] = value;
        };
        pick('epoch', 'epoch');
        pick('trainLoss', 'train_loss', 'loss');
        pick('validLoss', 'eval_loss', 'valid_loss');
        pick('learningRate', 'learning_rate', 'lr');
        return point;
      })
      .filter((point): point is MetricPoint => point !== undefined)
      .sort((a, b) => a.step - b.step);
  }

  async logs(ref: JobRef, signal?: AbortSignal): Promise<string> {
    const { events } = await this.events(ref, undefined, signal);
    return events.map((event) => `${event.at} ${event.level.padEnd(5)} ${event.message}`).join('\n');
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const current = await this.status(ref, signal);
    if (isTerminal(current.state) || current.cancelRequested) return;
    try {
      await this.client.fineTuning.cancel(ref.id, { signal });
    } catch (error) {
      const failure = backendErrorFrom(error, this.target, `cancelling job ${ref.id}`);
      if (failure.details.status === 400 && isTerminal((await this.status(ref, signal)).state)) return;
      throw failure;
    }
  }

  async result(ref: JobRef, signal?: AbortSignal): Promise<TrainedModel> {
    let job;
    try {
      job = await this.client.fineTuning.retrieve(ref.id, { signal });
    } catch (error) {
      this.fail(error, `job ${ref.id}`);
    }
    if (job.status !== 'completed' || !job.model_output_name) throw new BackendError('permanent', `job ${ref.id} has no model (status ${job.status})`);
    const lora = job.training_type && job.training_type.type === 'Lora' ? job.training_type : undefined;
    return {
      kind: 'hosted',
      modelId: job.model_output_name,
      baseModel: job.model ?? '',
      // The adapter can be downloaded (`downloadAdapter`) and served on your own vLLM; the URL needs the API key.
      artifact: `${this.target}/finetune/download?ft_id=${encodeURIComponent(ref.id)}&checkpoint=adapter`,
      ...(lora ? { loraRank: lora.lora_r } : {}),
    };
  }

  /** The trained LoRA adapter as Together serves it for download (an archive), for serving on your own vLLM. */
  async downloadAdapter(ref: JobRef, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      const response = await this.client.fineTuning.content({ ft_id: ref.id, checkpoint: 'adapter' }, { signal });
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      this.fail(error, `downloading the adapter of job ${ref.id}`);
    }
  }
}
