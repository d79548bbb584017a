/**
 * The provider for any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server, OpenRouter), through the
 * official `openai` SDK. The SDK's own retries are off: the engine owns retries, timeouts and caching.
 */
import OpenAI from 'openai';
import type { GraderChatRequest, ModerationResult } from '../graders/types';
import { isOpenAIOverTls, secretRedactor } from '../keyPolicy';
import { parseRetryAfter } from '../retry';
import { abortReason, ProviderError, providerMessages, type ChatRequest, type ChatResponse, type ModelProvider } from './types';

/** OpenAI's own endpoint, used when neither flag, file nor environment names one. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Sent when no key is configured: local servers (vLLM, Ollama, llama.cpp) accept anything, and the SDK needs one. */
export const PLACEHOLDER_API_KEY = 'no-key';

/**
 * The most bytes read from an endpoint for one answer (decoded body), unless the caller sets another bound: a
 * `maxTokens` answer is a few KB, and a hostile or broken endpoint must not fill the memory (a 100 MB answer was held
 * twice over and took the CLI to 1.4 GB).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** In the message of ResponseTooLargeError: the SDK turns a failed read of an error body into the text of an APIError. */
const TOO_LARGE_MARK = '[inoculate: response over the byte limit]';

/** The body of one response passed the byte limit: reading stopped there. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly limit: number) {
    super(`${TOO_LARGE_MARK} the response passed ${limit} bytes`);
  }
}

/**
 * `fetch` that stops reading a response body after `limit` bytes: a declared larger `Content-Length` fails at once,
 * any other body is counted as it streams and the stream errors (cancelling the download) at the first byte over.
 */
export function limitedFetch(base: typeof fetch, limit: number): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(limit);
    }
    if (!response.body) return response;
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > limit) controller.error(new ResponseTooLargeError(limit));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Where the provider sends requests, and with which key. */
export interface OpenAIProviderOptions {
  /** Default: OpenAI's endpoint. Trailing slashes are dropped. */
  baseUrl?: string;
  /** From OPENAI_API_KEY (CLI) or SecretStorage (editor); never from a file. */
  apiKey?: string;
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** The most bytes read for one answer (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

/** Drops trailing slashes so `http://h/v1/` and `http://h/v1` are the same endpoint (and cache identity). */
export function normalizeBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * True for OpenAI's own API (where list prices apply and a key is required): `https://api.openai.com` on port 443,
 * the same test as the key policy's (`isOpenAIOverTls`). `http://api.openai.com` or another port is not OpenAI's API
 * as far as prices, dates and keys go.
 */
export function isOpenAIEndpoint(baseUrl: string): boolean {
  try {
    return isOpenAIOverTls(new URL(baseUrl));
  } catch {
    return false;
  }
}

/** Chat completions and moderations at one OpenAI-compatible endpoint. */
export class OpenAIProvider implements ModelProvider {
  readonly kind = 'openai';
  readonly id: string;
  readonly baseUrl: string;
  private readonly client: OpenAI;
  private readonly apiKey: string | undefined;
  /** Removes the key, in every encoding an endpoint may echo it in, from text that may be shown or stored. */
  private readonly redact: (text: string) => string;
  /** The most bytes read for one answer. */
  readonly maxResponseBytes: number;
  /** Newer OpenAI models reject `max_tokens`; switched on after the first such refusal. */
  private useMaxCompletionTokens = false;

  constructor(options: OpenAIProviderOptions = {}) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl ?? OPENAI_DEFAULT_BASE_URL);
    this.id = this.baseUrl;
    this.apiKey = options.apiKey || undefined;
    this.redact = secretRedactor([this.apiKey]);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.client = new OpenAI({
      apiKey: this.apiKey ?? PLACEHOLDER_API_KEY,
      baseURL: this.baseUrl,
      // The engine retries (with Retry-After, jitter and cancellation) and times requests out itself.
      maxRetries: 0,
      timeout: 24 * 60 * 60 * 1000,
      // Explicit nulls: never pick organisation or project up from the environment behind the caller's back.
      organization: null,
      project: null,
      // Every response body, errors included, is counted and cut at the limit.
      fetch: limitedFetch(options.fetch ?? globalThis.fetch, this.maxResponseBytes),
    });
  }

  /** One chat completion. */
  async complete(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    return this.guard('chat completions', request.model, signal, async () => {
      const body = {
        model: request.model,
        messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
        temperature: request.temperature,
        ...(this.useMaxCompletionTokens ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
      } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
      let completion: unknown;
      try {
        completion = await this.client.chat.completions.create(body, { signal });
      } catch (error) {
        if (!this.useMaxCompletionTokens && rejectsMaxTokens(error)) {
          this.useMaxCompletionTokens = true;
          return this.complete(request, signal);
        }
        throw error;
      }
      // An endpoint that echoes the key in its answer must not get it into records, the cache or a judge's prompt.
      const response = readCompletion(completion, this.baseUrl);
      response.text = this.redact(response.text);
      return response;
    });
  }

  /** Answers a judge's request (the grader environment's `chat`). */
  async chat(request: GraderChatRequest, signal: AbortSignal): Promise<string> {
    return (await this.complete({ model: request.model, messages: request.messages, temperature: request.temperature, maxTokens: request.maxTokens }, signal)).text;
  }

  /** Moderation scores for one input. */
  async moderate(input: string, model: string, signal: AbortSignal): Promise<ModerationResult> {
    return this.guard('moderations', model, signal, async () => {
      const response: unknown = await this.client.moderations.create({ model, input }, { signal });
      const result = (response as { results?: unknown[] } | null)?.results?.[0] as
        | { category_scores?: Record<string, unknown>; flagged?: unknown }
        | undefined;
      if (!result || typeof result.category_scores !== 'object' || result.category_scores === null) {
        throw new ProviderError('malformed', providerMessages.malformed(this.baseUrl, 'no `results[0].category_scores`'));
      }
      const scores: Record<string, number> = {};
      for (const [category, score] of Object.entries(result.category_scores)) {
        if (typeof score === 'number') scores[category] = score;
      }
      return { scores, flagged: result.flagged === true };
    });
  }

  /** Runs one SDK call, rejecting at once when `signal` aborts, and turns every failure into a ProviderError. */
  private async guard<T>(what: string, model: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    if (signal.aborted) throw abortReason(signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([call(), aborted]);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      const classified = this.classify(error, what, model);
      // Every part that came from the server was redacted already; the whole message once more costs nothing.
      const message = this.redact(classified.message);
      throw message === classified.message ? classified : new ProviderError(classified.kind, message, classified.details);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** Maps SDK and fetch errors to ProviderError kinds with actionable, key-free messages. */
  private classify(error: unknown, what: string, model: string): ProviderError {
    const endpoint = this.baseUrl;
    if (error instanceof ProviderError) return error;
    if (causedBy(error, ResponseTooLargeError) || (error instanceof Error && error.message.includes(TOO_LARGE_MARK))) return new ProviderError('too-large', providerMessages.tooLarge(endpoint, this.maxResponseBytes));
    if (error instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError('timeout', `The request to ${endpoint} timed out.`);
    if (error instanceof OpenAI.APIConnectionError) return new ProviderError('network', providerMessages.network(endpoint, this.redact(connectionCause(error))));
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const status = error.status;
      const body = error.error as { message?: unknown; code?: unknown; type?: unknown } | undefined;
      const code = typeof error.code === 'string' ? error.code : typeof body?.code === 'string' ? body.code : undefined;
      const detail = this.redact(serverMessage(error));
      const retryAfterMs = parseRetryAfter(error.headers ?? undefined);
      if (status === 401 || status === 403) {
        // The server's text may echo (part of) the key: only our own words go out for 401.
        const message = providerMessages.auth(endpoint, status) + (status === 403 && detail ? ` The server said: ${detail}` : '');
        return new ProviderError('auth', message, { status });
      }
      if (code === 'model_not_found' || (status === 404 && /model/i.test(detail))) {
        return new ProviderError('not-found', providerMessages.modelNotFound(model, endpoint), { status });
      }
      if (status === 404) return new ProviderError('not-found', providerMessages.routeNotFound(endpoint, what), { status });
      if (status === 429 && code === 'insufficient_quota') return new ProviderError('quota', providerMessages.quota(endpoint, detail), { status });
      if (status === 429) return new ProviderError('rate-limit', providerMessages.rateLimit(endpoint), { status, retryAfterMs });
      if (status === 408) return new ProviderError('timeout', providerMessages.server(endpoint, status, detail), { status, retryAfterMs });
      if (status === 409 || status >= 500) return new ProviderError('server', providerMessages.server(endpoint, status, detail), { status, retryAfterMs });
      return new ProviderError('bad-request', providerMessages.badRequest(endpoint, status, detail || 'no details given'), { status });
    }
    if (error instanceof SyntaxError) return new ProviderError('malformed', providerMessages.malformed(endpoint, `invalid JSON: ${this.redact(error.message)}`));
    if (error instanceof Error && (error.name === 'AbortError' || /terminated|socket|ECONNRESET|other side closed/i.test(error.message))) {
      // A body cut off mid-read surfaces from fetch as a plain TypeError ("terminated").
      return new ProviderError('network', providerMessages.network(endpoint, this.redact(error.message)));
    }
    return new ProviderError('malformed', providerMessages.malformed(endpoint, this.redact(error instanceof Error ? error.message : String(error))));
  }

}

/** Whether `error` or one of its causes (a few levels deep: the SDK and fetch wrap errors) is a `type`. */
function causedBy(error: unknown, type: new (...args: never[]) => Error): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof type) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function serverMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  // The SDK's message starts with the status ("400 ..."); the status is stated separately.
  return error.message.replace(/^\d{3}\s*/, '').replace(/^status code \(no body\)$/, '');
}

function connectionCause(error: InstanceType<typeof OpenAI.APIConnectionError>): string {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return error.cause instanceof Error ? error.cause.message : '';
}

function rejectsMaxTokens(error: unknown): boolean {
  if (!(error instanceof OpenAI.APIError) || error.status !== 400) return false;
  const param = (error.error as { param?: unknown } | undefined)?.param ?? error.param;
  return param === 'max_tokens' || /max_completion_tokens/.test(error.message);
}

/** Checks the shape of a completion and reads its text, usage and finish reason (also used for Batch API output lines). */
export function readCompletion(completion: unknown, endpoint: string): ChatResponse {
  const malformed = (detail: string) => new ProviderError('malformed', providerMessages.malformed(endpoint, detail));
  if (!completion || typeof completion !== 'object') {
    throw malformed(typeof completion === 'string' ? 'not JSON' : 'an empty body');
  }
  const choices = (completion as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) throw malformed('no `choices`');
  const choice = choices[0] as { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown } | null;
  const message = choice?.message;
  if (!message || typeof message !== 'object') throw malformed('no `choices[0].message`');
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== 'string') throw malformed('`message.content` is not text');
  // A refusal is an answer too (one that shows no behaviour); an absent content reads as empty.
  const text = typeof content === 'string' ? content : typeof message.refusal === 'string' ? message.refusal : '';
  const usage = (completion as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
  const response: ChatResponse = { text };
  if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
    response.usage = { input: usage.prompt_tokens, output: usage.completion_tokens };
  }
  if (typeof choice?.finish_reason === 'string') response.finishReason = choice.finish_reason;
  return response;
}
