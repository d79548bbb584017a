/**
 * A local Together-compatible files + fine-tuning server, test code only. Uploads follow Together's flow (POST
 * /v1/files → 302 to a presigned URL with `x-together-file-id` → PUT → GET /v1/files/{id}); each job is a state
 * machine advancing one state per `GET /v1/fine-tunes/{id}` (pending → queued → running → running → uploading →
 * completed, or error), with events, metrics, checkpoints, cancel (cancel_requested, then cancelled), model limits,
 * the adapter download, and scripted faults (`fakeHttp.ts`). Stable API: `startTogetherServer(options)`.
 */
import { errorReply, startFakeHttp, type FakeHttpServer, type Reply, type SeenRequest } from './fakeHttp';

export interface FakeTogetherJob {
  id: string;
  status: string;
  model: string;
  training_file: string;
  suffix?: string;
  random_seed?: number;
  n_epochs?: number;
  learning_rate?: number;
  batch_size?: number | 'max';
  training_method?: { method: string; train_on_inputs: boolean | 'auto' };
  training_type?: { type: string; lora_r?: number; lora_alpha?: number; lora_dropout?: number };
  model_output_name?: string;
  created_at: string;
  updated_at: string;
  user_id: string;
  events: Array<{ object: 'fine-tune-event'; created_at: string; message: string; type: string; level: string; step?: number; total_steps?: number }>;
}

export interface TogetherServerOptions {
  apiKey?: string;
  /** Fine-tunable models (default: any), with their limits. */
  models?: Record<string, { maxRank?: number }>;
  states?: string[];
  failWhen?: (job: FakeTogetherJob) => boolean;
}

export interface TogetherServer {
  baseUrl: string;
  http: FakeHttpServer;
  jobs: FakeTogetherJob[];
  files: Array<{ id: string; filename: string; purpose: string; content: string | null }>;
  /** The bytes served as the adapter archive. */
  adapterBytes: Buffer;
  close(): Promise<void>;
}

const DEFAULT_STATES = ['pending', 'queued', 'running', 'running', 'uploading', 'completed'];

export async function startTogetherServer(options: TogetherServerOptions = {}): Promise<TogetherServer> {
  const jobs: FakeTogetherJob[] = [];
  const files: TogetherServer['files'] = [];
  const progress = new Map<string, { index: number; cancel: boolean; fail: boolean }>();
  const states = options.states ?? DEFAULT_STATES;
  const adapterBytes = Buffer.from('fake adapter archive: adapter_config.json {"r": 8}');
  const iso = () => new Date().toISOString();
  let origin = '';

  const denied = (request: SeenRequest): Reply | undefined =>
    options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}` ? errorReply(401, 'Invalid API key provided.', 'invalid_request_error', 'invalid_api_key') : undefined;
  const fileObject = (file: TogetherServer['files'][number]) => ({
    id: file.id,
    object: 'file',
    bytes: file.content?.length ?? 0,
    created_at: 1,
    filename: file.filename,
    FileType: 'jsonl',
    Processed: file.content !== null,
    purpose: file.purpose,
    processing_status: file.content !== null ? 'COMPLETED' : 'PENDING',
  });
  const event = (job: FakeTogetherJob, type: string, message: string, level = 'info', extra: object = {}) => job.events.push({ object: 'fine-tune-event', created_at: iso(), message, type, level, ...extra });
  const advance = (job: FakeTogetherJob) => {
    const state = progress.get(job.id)!;
    if (['completed', 'error', 'cancelled'].includes(job.status)) return;
    if (state.cancel) {
      job.status = 'cancelled';
      event(job, 'job_stopped', 'Job cancelled');
      return;
    }
    state.index = Math.min(state.index + 1, states.length - 1);
    const last = state.index === states.length - 1;
    if (last && state.fail) {
      job.status = 'error';
      event(job, 'job_error', 'Training failed: CUDA out of memory (injected by the test server)', 'error');
      return;
    }
    job.status = states[state.index]!;
    job.updated_at = iso();
    if (job.status === 'running') event(job, 'training_start', `Step ${state.index}`, 'info', { step: state.index, total_steps: states.length });
    if (job.status === 'completed') {
      job.model_output_name = `test-account/${job.model.split('/').pop()}-${job.suffix ?? 'ft'}-${job.id.slice(-6)}`;
      event(job, 'job_complete', 'Job completed');
    }
  };
  const job = (id: string) => jobs.find((j) => j.id === id);

  const http = await startFakeHttp([
    ['POST', /^\/v1\/files$/, (request) => {
      const no = denied(request);
      if (no) return no;
      const id = `file-${files.length + 1}`;
      files.push({ id, filename: request.query.get('file_name') ?? '', purpose: request.query.get('purpose') ?? '', content: null });
      return { status: 302, raw: '', headers: { location: `${origin}/presigned/${id}?signature=x`, 'x-together-file-id': id } };
    }],
    ['PUT', /^\/presigned\/([^/]+)$/, (request, [id]) => {
      const file = files.find((f) => f.id === id);
      if (!file) return { status: 404, raw: 'no such upload' };
      file.content = request.body.toString('utf8');
      return { status: 200, raw: '' };
    }],
    ['GET', /^\/v1\/files$/, (request) => denied(request) ?? { status: 200, json: { data: files.map(fileObject) } }],
    ['GET', /^\/v1\/files\/([^/]+)$/, (request, [id]) => {
      const file = files.find((f) => f.id === id);
      return denied(request) ?? (file ? { status: 200, json: fileObject(file) } : errorReply(404, `file ${id} not found`));
    }],
    ['GET', /^\/v1\/fine-tunes\/models\/limits$/, (request) => {
      const no = denied(request);
      if (no) return no;
      const name = request.query.get('model_name') ?? '';
      if (options.models && !options.models[name]) return errorReply(404, `Model ${name} is not available for fine-tuning`);
      return {
        status: 200,
        json: { default_gradient_accumulation_steps: 1, lora_training: { max_rank: options.models?.[name]?.maxRank ?? 64 }, max_learning_rate: 1, min_learning_rate: 0, max_num_checkpoints: 10, max_num_epochs: 20, max_num_evals: 10, max_seq_length_dpo: 8192, max_seq_length_sft: 8192, merge_output_lora: false },
      };
    }],
    ['POST', /^\/v1\/fine-tunes$/, (request) => {
      const no = denied(request);
      if (no) return no;
      const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
      if (!files.some((f) => f.id === body.training_file && f.content !== null)) return errorReply(400, `training_file ${String(body.training_file)} not found`);
      const created: FakeTogetherJob = {
        id: `ft-${String(jobs.length + 1).padStart(8, '0')}-0000-4000-8000-000000000000`,
        status: states[0]!,
        model: String(body.model),
        training_file: String(body.training_file),
        suffix: body.suffix as string | undefined,
        random_seed: body.random_seed as number | undefined,
        n_epochs: body.n_epochs as number | undefined,
        learning_rate: body.learning_rate as number | undefined,
        batch_size: body.batch_size as number | 'max' | undefined,
        training_method: body.training_method as FakeTogetherJob['training_method'],
        training_type: body.training_type as FakeTogetherJob['training_type'],
        created_at: iso(),
        updated_at: iso(),
        user_id: 'user-test',
        events: [],
      };
      event(created, 'job_pending', 'Fine tune request created');
      jobs.push(created);
      progress.set(created.id, { index: 0, cancel: false, fail: options.failWhen?.(created) ?? false });
      return { status: 200, json: { ...created, events: undefined } };
    }],
    ['GET', /^\/v1\/fine-tunes$/, (request) => denied(request) ?? { status: 200, json: { data: jobs.map((j) => ({ ...j, events: undefined })) } }],
    ['GET', /^\/v1\/fine-tunes\/([^/]+)$/, (request, [id]) => {
      const found = job(id!);
      if (!found) return errorReply(404, `fine-tune ${id} not found`);
      advance(found);
      return denied(request) ?? { status: 200, json: found };
    }],
    ['GET', /^\/v1\/fine-tunes\/([^/]+)\/events$/, (request, [id]) => {
      const found = job(id!);
      return denied(request) ?? (found ? { status: 200, json: { data: found.events } } : errorReply(404, `fine-tune ${id} not found`));
    }],
    ['GET', /^\/v1\/fine-tunes\/([^/]+)\/metrics$/, (request, [id]) => {
      const found = job(id!);
      if (!found) return errorReply(404, `fine-tune ${id} not found`);
      const steps = found.events.filter((e) => typeof e.step === 'number').map((e) => e.step!);
      return denied(request) ?? { status: 200, json: { metrics: steps.map((step) => ({ global_step: step, train_loss: 2 / step, learning_rate: 2e-5, epoch: step / 10 })) } };
    }],
    ['GET', /^\/v1\/fine-tunes\/([^/]+)\/checkpoints$/, (request, [id]) => {
      const found = job(id!);
      return denied(request) ?? (found ? { status: 200, json: { data: [] } } : errorReply(404, `fine-tune ${id} not found`));
    }],
    ['POST', /^\/v1\/fine-tunes\/([^/]+)\/cancel$/, (request, [id]) => {
      const no = denied(request);
      if (no) return no;
      const found = job(id!);
      if (!found) return errorReply(404, `fine-tune ${id} not found`);
      if (['completed', 'error', 'cancelled'].includes(found.status)) return errorReply(400, `Job ${id} is already ${found.status}`);
      found.status = 'cancel_requested';
      progress.get(found.id)!.cancel = true;
      event(found, 'cancel_requested', 'Cancel requested');
      return { status: 200, json: { ...found, events: undefined } };
    }],
    ['GET', /^\/v1\/finetune\/download$/, (request) => {
      const no = denied(request);
      if (no) return no;
      const found = job(request.query.get('ft_id') ?? '');
      if (!found || found.status !== 'completed') return errorReply(404, 'no such completed fine-tune');
      return { status: 200, raw: adapterBytes };
    }],
  ]);
  origin = http.origin;
  return { baseUrl: `${http.origin}/v1`, http, jobs, files, adapterBytes, close: () => http.close() };
}
