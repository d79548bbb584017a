/**
 * A local OpenAI-compatible Batch API, test code only: `POST /v1/files` (multipart, `purpose: batch`), `GET
 * /v1/files/{id}[/content]`, `POST /v1/batches`, `GET /v1/batches/{id}` (each poll advances the batch one state:
 * validating → in_progress → finalizing → completed), `POST /v1/batches/{id}/cancel`, `GET /v1/batches`. On
 * completion every input line is answered through `chat` (a chat completion body, as OpenAI's output file holds it),
 * or written to the error file when `fail(customId)` says so. Scripted faults come from `fakeHttp.ts`.
 *
 * Stable API: `startBatchApiServer(options)` → `{ baseUrl, http, batches, files, close }`.
 */
import { errorReply, parseMultipart, startFakeHttp, type FakeHttpServer, type Reply, type SeenRequest } from './fakeHttp';

/** One stored file. */
export interface FakeFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
  bytes?: number;
}

/** One batch as the fake keeps it. */
export interface FakeBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: string;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  metadata: Record<string, string> | null;
  request_counts: { total: number; completed: number; failed: number };
  errors: { object: 'list'; data: Array<{ code: string; message: string; line: number | null }> } | null;
}

export interface BatchApiServerOptions {
  /** Answers one request body (`{model, messages, ...}`) with the assistant's text. */
  chat: (body: { model: string; messages: Array<{ role: string; content: string }>; temperature?: number; max_tokens?: number }) => string;
  /** Requests (by custom id) to answer with an error line instead. */
  fail?: (customId: string) => boolean;
  /** The states a batch goes through, one per poll (default validating, in_progress, finalizing, completed). */
  states?: string[];
  /** Answer 404 to every batch route (an endpoint without a Batch API). */
  unavailable?: boolean;
  /** A shared file store (the simulated lab shares it with its fine-tuning server). */
  files?: FakeFile[];
}

export interface BatchApiServer {
  baseUrl: string;
  http: FakeHttpServer;
  batches: FakeBatch[];
  files: FakeFile[];
  /** Routes for another fake to mount (the simulated lab's front). */
  handle(request: SeenRequest): Promise<Reply | undefined>;
  close(): Promise<void>;
}

const DEFAULT_STATES = ['validating', 'in_progress', 'finalizing', 'completed'];

/** The batch routes over a file store, for `startBatchApiServer` and the simulated lab. */
export function batchRoutes(options: BatchApiServerOptions, files: FakeFile[], batches: FakeBatch[]) {
  const states = options.states ?? DEFAULT_STATES;
  const progress = new Map<string, number>();
  const now = () => Math.floor(Date.now() / 1000);
  const addFile = (filename: string, purpose: string, content: string): FakeFile => {
    const file = { id: `file-b${files.length + 1}`, filename, purpose, content, bytes: Buffer.byteLength(content) };
    files.push(file);
    return file;
  };
  const fileObject = (file: FakeFile) => ({ id: file.id, object: 'file', bytes: Buffer.byteLength(file.content), created_at: 1, filename: file.filename, purpose: file.purpose, status: 'processed' });
  const finish = (batch: FakeBatch) => {
    const input = files.find((f) => f.id === batch.input_file_id)!;
    const output: string[] = [];
    const errors: string[] = [];
    for (const line of input.content.split('\n').filter((l) => l.trim())) {
      const request = JSON.parse(line) as { custom_id: string; body: Parameters<BatchApiServerOptions['chat']>[0] };
      if (options.fail?.(request.custom_id)) {
        errors.push(JSON.stringify({ id: `batch_req_${errors.length}`, custom_id: request.custom_id, response: null, error: { code: 'server_error', message: 'The model failed on this request (injected).' } }));
        continue;
      }
      const content = options.chat(request.body);
      const body = {
        id: `chatcmpl-b${output.length}`,
        object: 'chat.completion',
        created: now(),
        model: request.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: Math.max(1, Math.ceil(content.length / 4)), total_tokens: 10 + Math.ceil(content.length / 4) },
      };
      output.push(JSON.stringify({ id: `batch_req_${output.length}`, custom_id: request.custom_id, response: { status_code: 200, request_id: `req_${output.length}`, body }, error: null }));
    }
    batch.request_counts = { total: output.length + errors.length, completed: output.length, failed: errors.length };
    if (output.length) batch.output_file_id = addFile(`${batch.id}_output.jsonl`, 'batch_output', `${output.join('\n')}\n`).id;
    if (errors.length) batch.error_file_id = addFile(`${batch.id}_errors.jsonl`, 'batch_output', `${errors.join('\n')}\n`).id;
  };
  const routes: Array<[string, RegExp, (request: SeenRequest, params: string[]) => Reply]> = [
    ['POST', /^\/v1\/files$/, (request) => {
      const { fields, file } = parseMultipart(request);
      if (!file) return errorReply(400, 'No file was uploaded.');
      return { status: 200, json: fileObject(addFile(file.name, fields.purpose ?? '', file.content.toString('utf8'))) };
    }],
    ['GET', /^\/v1\/files\/([^/]+)\/content$/, (_request, [id]) => {
      const file = files.find((f) => f.id === id);
      return file ? { status: 200, raw: file.content } : errorReply(404, `No such File object: ${id}`);
    }],
    ['GET', /^\/v1\/files\/([^/]+)$/, (_request, [id]) => {
      const file = files.find((f) => f.id === id);
      return file ? { status: 200, json: fileObject(file) } : errorReply(404, `No such File object: ${id}`);
    }],
    ['POST', /^\/v1\/batches$/, (request) => {
      const body = JSON.parse(request.body.toString('utf8')) as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> };
      const input = files.find((f) => f.id === body.input_file_id);
      if (!input || input.purpose !== 'batch') return errorReply(400, `input_file_id ${String(body.input_file_id)} is not a batch file`);
      if (body.endpoint !== '/v1/chat/completions') return errorReply(400, `unsupported endpoint ${String(body.endpoint)}`);
      if (body.completion_window !== '24h') return errorReply(400, 'completion_window must be 24h');
      const batch: FakeBatch = {
        id: `batch_${String(batches.length + 1).padStart(4, '0')}`,
        object: 'batch',
        endpoint: body.endpoint,
        input_file_id: input.id,
        completion_window: '24h',
        status: states[0]!,
        output_file_id: null,
        error_file_id: null,
        created_at: now(),
        metadata: body.metadata ?? null,
        request_counts: { total: 0, completed: 0, failed: 0 },
        errors: null,
      };
      batches.push(batch);
      progress.set(batch.id, 0);
      return { status: 200, json: batch };
    }],
    ['GET', /^\/v1\/batches\/([^/]+)$/, (_request, [id]) => {
      const batch = batches.find((b) => b.id === id);
      if (!batch) return errorReply(404, `No batch found with id '${id}'.`);
      if (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
        const index = Math.min(states.length - 1, progress.get(batch.id)! + 1);
        progress.set(batch.id, index);
        batch.status = states[index]!;
        if (batch.status === 'completed' || batch.status === 'expired') finish(batch);
      }
      return { status: 200, json: batch };
    }],
    ['POST', /^\/v1\/batches\/([^/]+)\/cancel$/, (_request, [id]) => {
      const batch = batches.find((b) => b.id === id);
      if (!batch) return errorReply(404, `No batch found with id '${id}'.`);
      batch.status = 'cancelled';
      return { status: 200, json: batch };
    }],
    ['GET', /^\/v1\/batches$/, () => ({ status: 200, json: { object: 'list', data: [...batches].reverse(), has_more: false } })],
  ];
  return async (request: SeenRequest): Promise<Reply | undefined> => {
    for (const [method, pattern, route] of routes) {
      if (method !== request.method) continue;
      const match = pattern.exec(request.path);
      if (!match) continue;
      if (options.unavailable) return errorReply(404, `Invalid URL (${request.method} ${request.path})`);
      return route(request, match.slice(1).map((part) => decodeURIComponent(part)));
    }
    return undefined;
  };
}

/** Starts the fake on 127.0.0.1. */
export async function startBatchApiServer(options: BatchApiServerOptions): Promise<BatchApiServer> {
  const files = options.files ?? [];
  const batches: FakeBatch[] = [];
  const handle = batchRoutes(options, files, batches);
  const http = await startFakeHttp([
    ['GET', /.*/, async (request) => (await handle(request)) ?? errorReply(404, `Unknown route ${request.path}`)],
    ['POST', /.*/, async (request) => (await handle(request)) ?? errorReply(404, `Unknown route ${request.path}`)],
  ]);
  return { baseUrl: `${http.origin}/v1`, http, batches, files, handle, close: () => http.close() };
}
