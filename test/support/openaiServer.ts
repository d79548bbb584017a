/**
 * A local OpenAI-compatible HTTP server for tests and benchmarks only (node:http, loopback, no dependencies).
 *
 * It implements what Inoculate talks to (`POST /v1/chat/completions` non-streaming with `usage`,
 * `POST /v1/moderations`, `GET /v1/models`) with OpenAI's error body shapes, records every request, and can inject
 * faults at random from a seed: 429 with `Retry-After`, 500, stalls, connection resets and malformed JSON.
 *
 * Stable API (other suites depend on it): `startOpenAIServer(options)` → `{ baseUrl, requests, close }`.
 */
import { mulberry32 } from '../../core/src/check/sampling';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One chat message as the client sent it. */
export interface RequestMessage {
  role: string;
  content: string | Array<{ type: string; text?: string }> | null;
  [key: string]: unknown;
}

/** The body of a chat completion request (only the fields tests usually look at are typed). */
export interface ChatCompletionBody {
  model: string;
  messages: RequestMessage[];
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  seed?: number;
  [key: string]: unknown;
}

/** What a `chat` handler may answer: the text, or the text with a finish reason and/or token usage. */
export type ChatReply =
  | string
  | {
      content: string;
      finishReason?: 'stop' | 'length' | 'content_filter';
      usage?: { prompt_tokens: number; completion_tokens: number };
    };

/** Extra facts a `chat` handler may use to decide its reply. */
export interface ChatContext {
  /** 0-based index of this chat request among the chat requests that reached the handler. */
  index: number;
  /** The server's seeded random source (`options.seed`), for replies with known probabilities. */
  random: () => number;
}

/** Faults injected at random (each request draws once; the rates are checked in this order). */
export interface FaultOptions {
  /** Seed of the fault draws (independent of `options.seed`). */
  seed?: number;
  /** Probability of a 429 `rate_limit_exceeded` with `Retry-After`. */
  rate429?: number;
  /** Seconds sent in `Retry-After` (default 0; fractions allowed, e.g. 0.05). Also sent as `retry-after-ms`. */
  retryAfterSeconds?: number;
  /** Probability of a 500 `server_error`. */
  rate500?: number;
  /** Probability that the server never finishes the response (half before headers, half mid-body). */
  rateStall?: number;
  /** Probability that the connection is reset without a response. */
  rateReset?: number;
  /** Probability of a 200 whose JSON body is cut short. */
  rateMalformed?: number;
  /** Which paths faults apply to (default: the chat and moderation endpoints). */
  paths?: string[];
}

/** How the test server answers. */
export interface OpenAIServerOptions {
  /** Decides each chat reply (default: "OK"). Throwing a `ReplyError` answers that error; anything else a 500. */
  chat?: (request: ChatCompletionBody, context: ChatContext) => ChatReply | Promise<ChatReply>;
  /** Category scores for one moderation input (default: every category 0). */
  moderation?: (input: string) => Record<string, number>;
  /** Delay before each answer (ms). */
  latencyMs?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get OpenAI's 401. */
  apiKey?: string;
  /** Models served; a request for any other model gets OpenAI's 404 `model_not_found`. Default: any model. */
  models?: string[];
  faults?: FaultOptions;
  /** Seed of `ChatContext.random` (default 1). */
  seed?: number;
  /** Port to listen on (default: a free one). */
  port?: number;
}

/** The faults the server can inject. */
export type FaultKind = 'rate-limit' | 'server-error' | 'stall' | 'reset' | 'malformed';

/** One request as the server saw it, and what it did with it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none or it did not parse). */
  body: unknown;
  /** The status sent (undefined for stalls and resets). */
  status?: number;
  /** The fault injected into this request, if any. */
  fault?: FaultKind;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
}

/** A running test server. */
export interface OpenAIServer {
  /** E.g. `http://127.0.0.1:40123/v1` (pass it as the SDK's `baseURL`). */
  baseUrl: string;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Stops listening and drops every open connection (stalled ones included). */
  close(): Promise<void>;
}

/** The moderation categories OpenAI's `omni-moderation-latest` returns. */
export const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;

/** A small seeded PRNG returning floats in [0, 1) (the check engine's own mulberry32). */
export const seededRandom = mulberry32;

/** The text of every message of a chat request joined with newlines (handy for deciding replies by prompt). */
export function promptText(request: ChatCompletionBody): string {
  return request.messages.map((message) => messageText(message)).join('\n');
}

/** The text of the last user message of a chat request ('' when there is none). */
export function lastUserText(request: ChatCompletionBody): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    if (request.messages[i]!.role === 'user') return messageText(request.messages[i]!);
  }
  return '';
}

function messageText(message: RequestMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((part) => part.text ?? '').join('');
  return '';
}

/** Rough token count for `usage` (about four characters a token, at least one). */
function approximateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Thrown by a `chat` or `moderation` handler to answer with an OpenAI error instead of a reply, e.g.
 * `new ReplyError(400, "This model's maximum context length is 8192 tokens.", 'invalid_request_error', 'context_length_exceeded')`.
 */
export class ReplyError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: { message: string; type: string; param: string | null; code: string | null } },
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error.message);
  }
}

function openAIError(status: number, message: string, type: string, code: string | null, param: string | null = null) {
  return new HttpError(status, { error: { message, type, param, code } });
}

/** Masks a key the way OpenAI's 401 message does (never echoes it whole). */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`;
}

/** Starts the server on 127.0.0.1; resolves once it listens. */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const faultRandom = seededRandom(options.faults?.seed ?? 0x5eed);
  const replyRandom = seededRandom(options.seed ?? 1);
  const faultPaths = new Set(options.faults?.paths ?? ['/v1/chat/completions', '/v1/moderations']);
  const models = options.models;
  let chatIndex = 0;
  let requestCounter = 0;
  let closing = false;
  const pendingTimers = new Set<NodeJS.Timeout>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closing) return resolve();
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  const drawFault = (): FaultKind | undefined => {
    const faults = options.faults;
    if (!faults) return undefined;
    // One draw per request, compared with cumulative rates, so each rate is the probability of its fault.
    const draw = faultRandom();
    let edge = 0;
    const table: Array<[FaultKind, number | undefined]> = [
      ['rate-limit', faults.rate429],
      ['server-error', faults.rate500],
      ['stall', faults.rateStall],
      ['reset', faults.rateReset],
      ['malformed', faults.rateMalformed],
    ];
    for (const [kind, rate] of table) {
      edge += rate ?? 0;
      if (draw < edge) return kind;
    }
    return undefined;
  };

  const send = (res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    record.status = status;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text).toString(),
      'x-request-id': `req_test_${requestCounter}`,
      ...headers,
    });
    res.end(text);
  };

  const authorize = (req: IncomingMessage) => {
    if (options.apiKey === undefined) return;
    const header = req.headers.authorization;
    if (!header) {
      throw openAIError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        null,
      );
    }
    const given = /^Bearer\s+(.*)$/i.exec(header)?.[1] ?? '';
    if (given !== options.apiKey) {
      throw openAIError(
        401,
        `Incorrect API key provided: ${maskKey(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        'invalid_api_key',
      );
    }
  };

  const checkModel = (model: unknown) => {
    if (typeof model !== 'string' || !model) {
      throw openAIError(400, "you must provide a model parameter", 'invalid_request_error', null, 'model');
    }
    if (models && !models.includes(model)) {
      throw openAIError(
        404,
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    }
  };

  const chatCompletion = async (body: unknown) => {
    if (!body || typeof body !== 'object') throw openAIError(400, 'The request body must be a JSON object.', 'invalid_request_error', null);
    const request = body as ChatCompletionBody;
    checkModel(request.model);
    if (!Array.isArray(request.messages) || request.messages.length === 0) {
      throw openAIError(400, "Invalid value for 'messages': expected a non-empty array.", 'invalid_request_error', null, 'messages');
    }
    const context: ChatContext = { index: chatIndex++, random: replyRandom };
    let reply: ChatReply;
    try {
      reply = options.chat ? await options.chat(request, context) : 'OK';
    } catch (error) {
      if (error instanceof ReplyError) throw openAIError(error.status, error.message, error.type, error.code, error.param);
      throw openAIError(500, `chat handler failed: ${(error as Error).message}`, 'server_error', null);
    }
    const content = typeof reply === 'string' ? reply : reply.content;
    const finishReason = typeof reply === 'string' ? 'stop' : (reply.finishReason ?? 'stop');
    const promptTokens = typeof reply === 'object' && reply.usage ? reply.usage.prompt_tokens : approximateTokens(promptText(request));
    const completionTokens = typeof reply === 'object' && reply.usage ? reply.usage.completion_tokens : approximateTokens(content);
    return {
      id: `chatcmpl-test${requestCounter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      system_fingerprint: 'fp_test',
    };
  };

  const moderation = (body: unknown) => {
    if (!body || typeof body !== 'object') throw openAIError(400, 'The request body must be a JSON object.', 'invalid_request_error', null);
    const request = body as { input?: unknown; model?: unknown };
    if (request.model !== undefined) checkModel(request.model);
    const inputs = typeof request.input === 'string' ? [request.input] : request.input;
    if (!Array.isArray(inputs) || inputs.some((input) => typeof input !== 'string')) {
      throw openAIError(400, "Invalid value for 'input': expected a string or an array of strings.", 'invalid_request_error', null, 'input');
    }
    const results = (inputs as string[]).map((input) => {
      let given: Record<string, number> = {};
      try {
        given = options.moderation ? options.moderation(input) : {};
      } catch (error) {
        if (error instanceof ReplyError) throw openAIError(error.status, error.message, error.type, error.code, error.param);
        throw openAIError(500, `moderation handler failed: ${(error as Error).message}`, 'server_error', null);
      }
      const scores: Record<string, number> = {};
      for (const category of MODERATION_CATEGORIES) scores[category] = 0;
      Object.assign(scores, given);
      const categories: Record<string, boolean> = {};
      for (const [category, score] of Object.entries(scores)) categories[category] = score >= 0.5;
      return {
        flagged: Object.values(categories).some(Boolean),
        categories,
        category_scores: scores,
        category_applied_input_types: Object.fromEntries(Object.keys(scores).map((category) => [category, ['text']])),
      };
    });
    return { id: `modr-test${requestCounter}`, model: typeof request.model === 'string' ? request.model : 'omni-moderation-latest', results };
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(openAIError(413, 'Request body too large.', 'invalid_request_error', null));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requestCounter++;
    const path = (req.url ?? '/').split('?')[0]!;
    const record: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: undefined, receivedAt: Date.now() };
    requests.push(record);
    try {
      const raw = req.method === 'POST' ? await readBody(req) : '';
      if (raw) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw openAIError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
            'invalid_request_error',
            null,
          );
        }
      }
      authorize(req);
      await delay(options.latencyMs ?? 0);
      const fault = faultPaths.has(path) ? drawFault() : undefined;
      if (fault) {
        record.fault = fault;
        await injectFault(fault, res, record);
        return;
      }
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        const body = await chatCompletion(record.body);
        send(res, record, 200, body);
      } else if (req.method === 'POST' && path === '/v1/moderations') {
        send(res, record, 200, moderation(record.body));
      } else if (req.method === 'GET' && path === '/v1/models') {
        const list = (models ?? ['test-model']).map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'inoculate-test' }));
        send(res, record, 200, { object: 'list', data: list });
      } else if (req.method === 'GET' && path.startsWith('/v1/models/')) {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        checkModel(id);
        send(res, record, 200, { id, object: 'model', created: 1700000000, owned_by: 'inoculate-test' });
      } else {
        throw openAIError(404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', null);
      }
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpError) send(res, record, error.status, error.body, error.headers);
      else send(res, record, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
    }
  };

  const injectFault = async (fault: FaultKind, res: ServerResponse, record: RecordedRequest) => {
    switch (fault) {
      case 'rate-limit': {
        const seconds = options.faults?.retryAfterSeconds ?? 0;
        const error = openAIError(
          429,
          'Rate limit reached for requests. Please try again later.',
          'requests',
          'rate_limit_exceeded',
        );
        send(res, record, 429, error.body, { 'retry-after': String(seconds), 'retry-after-ms': String(Math.round(seconds * 1000)) });
        return;
      }
      case 'server-error':
        send(res, record, 500, {
          error: {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
            param: null,
            code: null,
          },
        });
        return;
      case 'stall':
        // Half the stalls never answer; the other half send headers and part of the body, then hang, which a
        // client can only escape with a timeout that also covers reading the body.
        if (faultRandom() < 0.5) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"id":"chatcmpl-stall","choices":[');
        }
        return;
      case 'reset':
        res.socket?.resetAndDestroy();
        return;
      case 'malformed': {
        const text = '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assi';
        record.status = 200;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString() });
        res.end(text);
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Many clients at once (benchmarks run 32+ in flight): do not let the backlog or keep-alive get in the way.
  server.keepAliveTimeout = 30_000;
  server.maxRequestsPerSocket = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}
