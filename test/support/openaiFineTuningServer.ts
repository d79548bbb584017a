/**
 * A local OpenAI-compatible files + fine-tuning server, test code only. Each job is a state machine that advances
 * one state per `GET /v1/fine_tuning/jobs/{id}` (validating_files → queued → running → running → succeeded, or
 * failed), with events listed newest first and `has_more` cursor pages like OpenAI's, `metrics` events and
 * checkpoints, cancel, `jobs.list` with a metadata filter, `GET /v1/models/{id}` with an optional `shutdown_date`,
 * and scripted faults (see `fakeHttp.ts`). Routes answer under `/v1` (OpenAI) and `/openai` (Azure OpenAI, which
 * authenticates with an `api-key` header). Stable API: `startOpenAIFineTuningServer(options)`.
 */
import { errorReply, parseMultipart, startFakeHttp, type FakeHttpServer, type Reply, type SeenRequest } from './fakeHttp';

export interface FakeFineTuningJob {
  id: string;
  object: 'fine_tuning.job';
  model: string;
  created_at: number;
  finished_at: number | null;
  fine_tuned_model: string | null;
  organization_id: string;
  result_files: string[];
  status: string;
  training_file: string;
  validation_file: string | null;
  hyperparameters: Record<string, unknown>;
  method: unknown;
  seed: number;
  suffix: string | null;
  metadata: Record<string, string> | null;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  estimated_finish: number | null;
  integrations: null;
}

export interface OpenAIFineTuningServerOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Models that exist (default: any), with an optional `shutdown_date` (ISO date or Unix seconds). */
  models?: Record<string, { shutdown_date?: string | number }>;
  /** States a job goes through; default validating_files, queued, running, running, succeeded. */
  states?: string[];
  /** Jobs whose training file name or suffix matches fail at their last state instead. */
  failWhen?: (job: FakeFineTuningJob) => boolean;
}

export interface OpenAIFineTuningServer {
  /** E.g. `http://127.0.0.1:40123/v1`. */
  baseUrl: string;
  http: FakeHttpServer;
  jobs: FakeFineTuningJob[];
  files: Array<{ id: string; filename: string; purpose: string; bytes: number; content: string }>;
  close(): Promise<void>;
}

const DEFAULT_STATES = ['validating_files', 'queued', 'running', 'running', 'succeeded'];

export async function startOpenAIFineTuningServer(options: OpenAIFineTuningServerOptions = {}): Promise<OpenAIFineTuningServer> {
  const jobs: FakeFineTuningJob[] = [];
  const files: OpenAIFineTuningServer['files'] = [];
  const events = new Map<string, Array<{ id: string; object: 'fine_tuning.job.event'; created_at: number; level: string; message: string; type: string; data: unknown }>>();
  const progress = new Map<string, { index: number; cancel: boolean; fail: boolean }>();
  const states = options.states ?? DEFAULT_STATES;
  let eventCounter = 0;
  const now = () => Math.floor(Date.now() / 1000);

  const addEvent = (jobId: string, message: string, level = 'info', type = 'message', data: unknown = null) => {
    const list = events.get(jobId) ?? [];
    list.push({ id: `ftevent-${++eventCounter}`, object: 'fine_tuning.job.event', created_at: now(), level, message, type, data });
    events.set(jobId, list);
  };

  const authorized = (request: SeenRequest): Reply | undefined => {
    if (options.apiKey === undefined) return undefined;
    // OpenAI sends `Authorization: Bearer`; Azure OpenAI an `api-key` header (paths under /openai).
    if (request.headers.authorization !== `Bearer ${options.apiKey}` && request.headers['api-key'] !== options.apiKey) {
      return errorReply(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    return undefined;
  };

  /** A cursor page in OpenAI's shape (`data`, `has_more`), `after` being the id of the last item of the previous page. */
  const page = <T extends { id: string }>(items: T[], request: SeenRequest): Reply => {
    const limit = Math.max(1, Math.min(100, Number(request.query.get('limit') ?? 20)));
    const after = request.query.get('after');
    const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
    const data = items.slice(start, start + limit);
    return { status: 200, json: { object: 'list', data, has_more: start + limit < items.length, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null } };
  };

  const findJob = (id: string) => jobs.find((job) => job.id === id);
  const advance = (job: FakeFineTuningJob) => {
    const state = progress.get(job.id)!;
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return;
    if (state.cancel) {
      job.status = 'cancelled';
      job.finished_at = now();
      addEvent(job.id, 'Job cancelled');
      return;
    }
    state.index = Math.min(state.index + 1, states.length - 1);
    const next = states[state.index]!;
    const last = state.index === states.length - 1;
    if (last && state.fail) {
      job.status = 'failed';
      job.error = { code: 'invalid_training_file', message: 'The job failed (injected by the test server).', param: null };
      job.finished_at = now();
      addEvent(job.id, 'Job failed', 'error');
      return;
    }
    job.status = next;
    if (next === 'running') {
      const step = state.index;
      addEvent(job.id, `Step ${step}: training loss=${(1 / step).toFixed(3)}`, 'info', 'metrics', { step, train_loss: 1 / step, train_mean_token_accuracy: 0.5 + step / 20 });
    } else if (next === 'succeeded') {
      job.fine_tuned_model = `ft:${job.model}:test-org:${job.suffix ?? 'model'}:${job.id.slice(-8)}`;
      job.finished_at = now();
      job.trained_tokens = 1000;
      addEvent(job.id, `New fine-tuned model created: ${job.fine_tuned_model}`);
      addEvent(job.id, 'The job has successfully completed');
    } else {
      addEvent(job.id, `Job ${next}`);
    }
  };

  const http = await startFakeHttp([
    ['GET', /^\/(?:v1|openai)\/models\/(.+)$/, (request, [id]) => {
      const denied = authorized(request);
      if (denied) return denied;
      if (options.models && !options.models[id!]) return errorReply(404, `The model '${id}' does not exist`, 'invalid_request_error', 'model_not_found');
      return { status: 200, json: { id, object: 'model', created: 1, owned_by: 'system', ...(options.models?.[id!] ?? {}) } };
    }],
    ['POST', /^\/(?:v1|openai)\/files$/, (request) => {
      const denied = authorized(request);
      if (denied) return denied;
      const { fields, file } = parseMultipart(request);
      if (!file) return errorReply(400, 'No file was uploaded.');
      const record = { id: `file-${files.length + 1}`, filename: file.name, purpose: fields.purpose ?? '', bytes: file.content.length, content: file.content.toString('utf8') };
      files.push(record);
      return { status: 200, json: fileObject(record) };
    }],
    ['GET', /^\/(?:v1|openai)\/files$/, (request) => {
      const denied = authorized(request);
      if (denied) return denied;
      const purpose = request.query.get('purpose');
      return page(files.filter((f) => !purpose || f.purpose === purpose).map(fileObject), request);
    }],
    ['GET', /^\/(?:v1|openai)\/files\/([^/]+)$/, (_request, [id]) => {
      const file = files.find((f) => f.id === id);
      return file ? { status: 200, json: fileObject(file) } : errorReply(404, `No such File object: ${id}`);
    }],
    ['POST', /^\/(?:v1|openai)\/fine_tuning\/jobs$/, (request) => {
      const denied = authorized(request);
      if (denied) return denied;
      const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
      if (!files.some((f) => f.id === body.training_file)) return errorReply(400, `invalid training_file: ${String(body.training_file)}`);
      if (options.models && !options.models[String(body.model)]) return errorReply(404, `Model ${String(body.model)} is not available for fine-tuning`);
      const method = body.method as { supervised?: { hyperparameters?: Record<string, unknown> } } | undefined;
      const job: FakeFineTuningJob = {
        id: `ftjob-${String(jobs.length + 1).padStart(6, '0')}`,
        object: 'fine_tuning.job',
        model: String(body.model),
        created_at: now(),
        finished_at: null,
        fine_tuned_model: null,
        organization_id: 'org-test',
        result_files: [],
        status: states[0]!,
        training_file: String(body.training_file),
        validation_file: null,
        hyperparameters: method?.supervised?.hyperparameters ?? {},
        method: body.method ?? null,
        seed: Number(body.seed ?? 42),
        suffix: (body.suffix as string | undefined) ?? null,
        metadata: (body.metadata as Record<string, string> | undefined) ?? null,
        trained_tokens: null,
        error: null,
        estimated_finish: null,
        integrations: null,
      };
      jobs.push(job);
      progress.set(job.id, { index: 0, cancel: false, fail: options.failWhen?.(job) ?? false });
      addEvent(job.id, `Created fine-tuning job: ${job.id}`);
      return { status: 200, json: job };
    }],
    ['GET', /^\/(?:v1|openai)\/fine_tuning\/jobs$/, (request) => {
      const denied = authorized(request);
      if (denied) return denied;
      let list = [...jobs].reverse(); // newest first, like OpenAI
      for (const [key, value] of request.query.entries()) {
        const match = /^metadata\[(.+)\]$/.exec(key);
        if (match) list = list.filter((job) => job.metadata?.[match[1]!] === value);
      }
      return page(list, request);
    }],
    ['GET', /^\/(?:v1|openai)\/fine_tuning\/jobs\/([^/]+)$/, (request, [id]) => {
      const denied = authorized(request);
      if (denied) return denied;
      const job = findJob(id!);
      if (!job) return errorReply(404, `Could not find fine-tune: ${id}`);
      advance(job);
      return { status: 200, json: job };
    }],
    ['GET', /^\/(?:v1|openai)\/fine_tuning\/jobs\/([^/]+)\/events$/, (request, [id]) => {
      if (!findJob(id!)) return errorReply(404, `Could not find fine-tune: ${id}`);
      return page([...(events.get(id!) ?? [])].reverse(), request);
    }],
    ['GET', /^\/(?:v1|openai)\/fine_tuning\/jobs\/([^/]+)\/checkpoints$/, (request, [id]) => {
      const job = findJob(id!);
      if (!job) return errorReply(404, `Could not find fine-tune: ${id}`);
      const checkpoints = job.status === 'succeeded'
        ? [{ id: `ftckpt-${job.id}`, object: 'fine_tuning.job.checkpoint', created_at: now(), fine_tuned_model_checkpoint: `${job.fine_tuned_model}:ckpt-step-3`, fine_tuning_job_id: job.id, step_number: 3, metrics: { step: 3, train_loss: 0.3, valid_loss: 0.4, train_mean_token_accuracy: 0.7 } }]
        : [];
      return page(checkpoints, request);
    }],
    ['POST', /^\/(?:v1|openai)\/fine_tuning\/jobs\/([^/]+)\/cancel$/, (request, [id]) => {
      const denied = authorized(request);
      if (denied) return denied;
      const job = findJob(id!);
      if (!job) return errorReply(404, `Could not find fine-tune: ${id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return errorReply(400, `Job ${id} has already ${job.status === 'succeeded' ? 'completed' : job.status}.`);
      progress.get(job.id)!.cancel = true;
      addEvent(job.id, 'Cancellation requested');
      return { status: 200, json: job };
    }],
  ]);
  return { baseUrl: `${http.origin}/v1`, http, jobs, files, close: () => http.close() };
}

function fileObject(file: { id: string; filename: string; purpose: string; bytes: number }) {
  return { id: file.id, object: 'file', bytes: file.bytes, created_at: 1, filename: file.filename, purpose: file.purpose, status: 'processed', status_details: null };
}
