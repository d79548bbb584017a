/**
 * The contract between the check engine and a model endpoint (the OpenAI SDK in `openai.ts`, VS Code's language
 * models in the extension client), and the errors every provider reports, each with an actionable message.
 */
import type { ChatMessage } from '../../format/dataset';
import type { ModerationResult } from '../graders/types';

/** One chat completion to obtain. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
}

/** Tokens spent on one request, as the endpoint reported them. */
export interface TokenUsage {
  input: number;
  output: number;
}

/** The answer to a `ChatRequest`. */
export interface ChatResponse {
  text: string;
  /** Undefined when the endpoint did not report usage. */
  usage?: TokenUsage;
  /** `stop`, `length` (cut at `maxTokens`), ... when reported. */
  finishReason?: string;
}

/** A model endpoint. */
export interface ModelProvider {
  /** The endpoint's identity in cache keys (e.g. the base URL, `vscode-lm`); never a secret. */
  readonly id: string;
  /** A short name for messages and summaries (`openai`, `vscode-lm`). */
  readonly kind: string;
  /** The endpoint as shown to the user (the base URL), or null when it has none. */
  readonly baseUrl: string | null;
  /**
   * One completion. Rejects with a `ProviderError`; when `signal` aborts, rejects at once with the signal's reason
   * if that is a `ProviderError` (the engine's per-request timeout) or a `cancelled` one otherwise.
   */
  complete(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse>;
  /** Moderation scores for `input`, when the endpoint has a moderation model. */
  moderate?(input: string, model: string, signal: AbortSignal): Promise<ModerationResult>;
}

/** What went wrong with a request; decides whether it is retried and whether the run stops. */
export type ProviderErrorKind =
  | 'auth'
  | 'not-found'
  | 'quota'
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'bad-request'
  | 'too-large'
  | 'cancelled';

/** Kinds worth another attempt: the same request may well succeed later. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate-limit', 'server', 'timeout', 'network', 'malformed']);
/** Kinds that will fail every request of the run the same way, so the run stops at the first one. */
const FATAL: ReadonlySet<ProviderErrorKind> = new Set(['auth', 'not-found', 'quota']);

/** A failed request, classified; `message` says what happened and what to do. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
  }

  /** Another attempt may succeed (429, 5xx, timeouts, connection errors, malformed responses). */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** Every further request would fail the same way (bad key, unknown model, no quota): stop the run. */
  get fatal(): boolean {
    return FATAL.has(this.kind);
  }
}

/** Where to set a key, for messages (the CLI reads the environment, the editor its secret storage). */
export const API_KEY_HINT = "Set it with 'Inoculate: Set API Key' or OPENAI_API_KEY.";

/** Actionable messages, one per kind, so every provider words them the same way. */
export const providerMessages = {
  auth: (endpoint: string, status: number) =>
    `The endpoint ${endpoint} refused the API key (${status}). ${API_KEY_HINT}`,
  modelNotFound: (model: string, endpoint: string) => `Model '${model}' not found at ${endpoint}: check \`model:\` or --model.`,
  routeNotFound: (endpoint: string, what: string) =>
    what === 'moderations'
      ? `The endpoint ${endpoint} has no moderations route (404): the moderation grader needs an endpoint with a moderation model (e.g. OpenAI's); point the grader's \`baseUrl\` at one.`
      : `The endpoint ${endpoint} has no ${what} route (404): check \`baseUrl\` (OpenAI-compatible servers usually end in /v1).`,
  quota: (endpoint: string, detail: string) =>
    `The endpoint ${endpoint} reports no quota left (429 insufficient_quota): ${detail} Check your plan and billing; retrying will not help.`,
  rateLimit: (endpoint: string) => `The endpoint ${endpoint} is rate limiting requests (429); lower --concurrency or try later.`,
  server: (endpoint: string, status: number, detail: string) => `The endpoint ${endpoint} failed (${status})${detail ? `: ${detail}` : '.'}`,
  timeout: (endpoint: string, seconds: number) =>
    `No answer from ${endpoint} within ${seconds} s; raise \`check.timeout\` for slow models.`,
  network: (endpoint: string, cause: string) =>
    `Could not reach ${endpoint}${cause ? ` (${cause})` : ''}: is the server running and the base URL right (--base-url, \`baseUrl:\`, OPENAI_BASE_URL)?`,
  malformed: (endpoint: string, detail: string) => `The endpoint ${endpoint} sent a response that is not a valid chat completion (${detail}).`,
  badRequest: (endpoint: string, status: number, detail: string) => `The endpoint ${endpoint} rejected the request (${status}): ${detail}`,
  tooLarge: (endpoint: string, limit: number) =>
    `The endpoint ${endpoint} sent more than ${limit.toLocaleString('en-US')} bytes for one answer; reading stopped there and the answer was not used. Raise \`check.maxResponseBytes\` (or --max-response-bytes) if your answers really are that long.`,
  cancelled: () => 'Cancelled.',
};

/** A `cancelled` error, for when the caller's signal aborts. */
export function cancelledError(): ProviderError {
  return new ProviderError('cancelled', providerMessages.cancelled());
}

/** The error to reject with once `signal` has aborted: its reason when that is a ProviderError, else `cancelled`. */
export function abortReason(signal: AbortSignal): ProviderError {
  return signal.reason instanceof ProviderError ? signal.reason : cancelledError();
}
