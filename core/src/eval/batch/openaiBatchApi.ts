/**
 * `BatchApi` through the official `openai` SDK (its own retries off: the orchestrator polls and backs off). Files are
 * read as streams, line by line, each line bounded (an answer is bounded by `maxResponseBytes`, as online), so a
 * large output file never sits in memory and a hostile endpoint cannot fill it with one line.
 */
import OpenAI, { toFile } from 'openai';
import { parseRetryAfter } from '../../check/retry';
import { BatchApiError, type BatchApi, type BatchInfo } from './openaiBatch';

/** How the SDK client is made. */
export interface OpenAIBatchApiOptions {
  baseUrl: string;
  apiKey?: string;
  /** The most bytes of one output line (an answer plus its envelope). */
  maxLineBytes: number;
  fetch?: typeof fetch;
}

/**
 * Runs `call` with a signal of its own that follows `signal`, and unlinks it after: the SDK adds an abort listener to
 * the signal of every call and never removes it, which over hours of polling one long-lived signal would pile up.
 */
async function scoped<T>(signal: AbortSignal, call: (own: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const follow = () => own.abort(signal.reason);
  if (signal.aborted) own.abort(signal.reason);
  else signal.addEventListener('abort', follow, { once: true });
  try {
    return await call(own.signal);
  } finally {
    signal.removeEventListener('abort', follow);
  }
}

/** The Batch API of an OpenAI-compatible endpoint. */
export function openAIBatchApi(options: OpenAIBatchApiOptions): BatchApi {
  const endpoint = options.baseUrl.replace(/\/+$/, '');
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'no-key',
    baseURL: endpoint,
    maxRetries: 0,
    timeout: 10 * 60 * 1000,
    organization: null,
    project: null,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const classify = (error: unknown, call: 'upload' | 'create' | 'retrieve' | 'download'): BatchApiError => {
    if (error instanceof BatchApiError) return error;
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const status = error.status;
      if ((status === 404 || status === 405) && (call === 'upload' || call === 'create')) {
        return new BatchApiError('unavailable', `${endpoint} has no Batch API (${status} on ${call === 'upload' ? 'POST /files' : 'POST /batches'})`);
      }
      if (status === 401 || status === 403) return new BatchApiError('permanent', `${endpoint} refused the API key (${status})`);
      if (status === 429 || status >= 500 || status === 408 || status === 409) {
        return new BatchApiError('transient', `${endpoint} answered ${status}`, parseRetryAfter(error.headers ?? undefined));
      }
      const body = error.error as { message?: unknown } | undefined;
      return new BatchApiError('permanent', `${endpoint} refused the ${call} (${status})${typeof body?.message === 'string' ? `: ${body.message}` : ''}`);
    }
    if (error instanceof OpenAI.APIConnectionError) return new BatchApiError('transient', `could not reach ${endpoint}`);
    return new BatchApiError('permanent', error instanceof Error ? error.message : String(error));
  };
  const info = (batch: unknown): BatchInfo => {
    const b = batch as { id?: unknown; status?: unknown; output_file_id?: unknown; error_file_id?: unknown; errors?: { data?: Array<{ message?: unknown; line?: unknown }> } | null };
    if (!b || typeof b.id !== 'string' || typeof b.status !== 'string') throw new BatchApiError('transient', `${endpoint} sent a batch object without an id or status`);
    return {
      id: b.id,
      status: b.status,
      outputFileId: typeof b.output_file_id === 'string' ? b.output_file_id : null,
      errorFileId: typeof b.error_file_id === 'string' ? b.error_file_id : null,
      errors: (b.errors?.data ?? []).map((e) => `${typeof e.line === 'number' ? `line ${e.line}: ` : ''}${String(e.message ?? 'error')}`.slice(0, 300)).slice(0, 10),
    };
  };
  return {
    endpoint,
    async upload(jsonl, filename, signal) {
      try {
        const file = await scoped(signal, async (own) => client.files.create({ file: await toFile(Buffer.from(jsonl, 'utf8'), filename), purpose: 'batch' }, { signal: own }));
        return file.id;
      } catch (error) {
        throw classify(error, 'upload');
      }
    },
    async create(inputFileId, metadata, signal) {
      try {
        return info(await scoped(signal, (own) => client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata }, { signal: own })));
      } catch (error) {
        throw classify(error, 'create');
      }
    },
    async retrieve(batchId, signal) {
      try {
        return info(await scoped(signal, (own) => client.batches.retrieve(batchId, { signal: own })));
      } catch (error) {
        throw classify(error, 'retrieve');
      }
    },
    async download(fileId, onLine, signal) {
      await scoped(signal, async (own) => {
        let response: Response;
        try {
          response = await client.files.content(fileId, { signal: own });
        } catch (error) {
          throw classify(error, 'download');
        }
        if (response.body) await readLines(response.body, options.maxLineBytes, onLine);
      });
    },
  };
}

/** Reads a byte stream line by line; a line over `maxLineBytes` is dropped unread (the rest is read). */
async function readLines(body: ReadableStream<Uint8Array>, maxLineBytes: number, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = '';
  let pendingBytes = 0;
  let skipping = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let text = decoder.decode(value, { stream: true });
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n')) {
      const part = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (!skipping && pendingBytes + Buffer.byteLength(part) <= maxLineBytes) onLine(pending + part);
      pending = '';
      pendingBytes = 0;
      skipping = false;
    }
    pendingBytes += Buffer.byteLength(text);
    if (pendingBytes > maxLineBytes) {
      // A line over the bound is dropped unread (its sample then fails as unanswered); the rest is read.
      skipping = true;
      pending = '';
    } else {
      pending += text;
    }
  }
  const rest = pending + decoder.decode();
  if (!skipping && rest.trim()) onLine(rest);
}
