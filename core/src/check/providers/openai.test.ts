import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastUserText, ReplyError, startOpenAIServer, type OpenAIServer } from '../../../../test/support/openaiServer';
import { maySendSharedKey } from '../keyPolicy';
import { isOpenAIEndpoint, normalizeBaseUrl, OpenAIProvider } from './openai';
import { ProviderError } from './types';

const KEY = 'sk-test-SECRET-0123456789abcdef';
const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hello' }], temperature: 0.7, maxTokens: 32 };
const signal = () => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    assert.ok(!error.message.includes(KEY), 'the key never appears in a message');
    return error;
  }
  assert.fail('expected the request to fail');
}

describe('OpenAIProvider', () => {
  let server: OpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the messages and sampling parameters and reads text, usage and finish reason', async () => {
    server = await startOpenAIServer({ apiKey: KEY, chat: (request) => ({ content: `re: ${lastUserText(request)}`, finishReason: 'length' }) });
    const provider = new OpenAIProvider({ baseUrl: `${server.baseUrl}/`, apiKey: KEY });
    assert.equal(provider.id, server.baseUrl, 'trailing slash dropped');
    const response = await provider.complete(ask, signal());
    assert.equal(response.text, 're: hello');
    assert.equal(response.finishReason, 'length');
    assert.ok(response.usage!.input > 0 && response.usage!.output > 0);
    const body = server.requests[0]!.body as Record<string, unknown>;
    assert.equal(body.temperature, 0.7);
    assert.equal(body.max_tokens, 32);
    assert.equal(server.requests[0]!.headers.authorization, `Bearer ${KEY}`);
  });

  it('sends a placeholder key when none is configured (local servers need none)', async () => {
    server = await startOpenAIServer();
    await new OpenAIProvider({ baseUrl: server.baseUrl }).complete(ask, signal());
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer no-key');
  });

  it('reports a refused key as auth, with the endpoint and where to set the key, never the key', async () => {
    server = await startOpenAIServer({ apiKey: 'sk-the-right-one' });
    const error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl, apiKey: KEY }).complete(ask, signal()));
    assert.equal(error.kind, 'auth');
    assert.equal(error.fatal, true);
    assert.equal(error.message, `The endpoint ${server.baseUrl} refused the API key (401). Set it with 'Inoculate: Set API Key' or OPENAI_API_KEY.`);
  });

  it('reports an unknown model as not-found, naming the model and the endpoint', async () => {
    server = await startOpenAIServer({ models: ['real-model'] });
    const error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl }).complete({ ...ask, model: 'x' }, signal()));
    assert.equal(error.kind, 'not-found');
    assert.equal(error.message, `Model 'x' not found at ${server.baseUrl}: check \`model:\` or --model.`);
  });

  it('reports a wrong base URL (no such route) as not-found with a hint about /v1', async () => {
    server = await startOpenAIServer();
    const error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl.replace(/\/v1$/, '/nope') }).complete(ask, signal()));
    assert.equal(error.kind, 'not-found');
    assert.match(error.message, /has no chat completions route \(404\).*\/v1/);
  });

  it('reports an unreachable endpoint as a retryable network error naming it', async () => {
    const closed = await startOpenAIServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await failure(new OpenAIProvider({ baseUrl }).complete(ask, signal()));
    assert.equal(error.kind, 'network');
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`Could not reach ${baseUrl.replace(/[./]/g, '\\$&')} \\(ECONNREFUSED\\)`));
  });

  it('classifies 429 (with the server\'s wait), quota, 500, resets and malformed JSON', async () => {
    server = await startOpenAIServer({ faults: { rate429: 1, retryAfterSeconds: 3 } });
    let error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl }).complete(ask, signal()));
    assert.equal(error.kind, 'rate-limit');
    assert.equal(error.details.retryAfterMs, 3000);
    await server.close();

    server = await startOpenAIServer({
      chat: () => {
        throw new ReplyError(429, 'You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota');
      },
    });
    error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl }).complete(ask, signal()));
    assert.equal(error.kind, 'quota');
    assert.equal(error.retryable, false);
    await server.close();

    for (const [fault, kind] of [
      ['rate500', 'server'],
      ['rateReset', 'network'],
      ['rateMalformed', 'malformed'],
    ] as const) {
      server = await startOpenAIServer({ faults: { [fault]: 1 } });
      error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl }).complete(ask, signal()));
      assert.equal(error.kind, kind, fault);
      assert.equal(error.retryable, true);
      await server.close();
    }
    server = undefined;
  });

  it('reports a 400 as bad-request with the server\'s reason (not retried, not fatal)', async () => {
    server = await startOpenAIServer({
      chat: () => {
        throw new ReplyError(400, "This model's maximum context length is 8192 tokens.", 'invalid_request_error', 'context_length_exceeded');
      },
    });
    const error = await failure(new OpenAIProvider({ baseUrl: server.baseUrl }).complete(ask, signal()));
    assert.equal(error.kind, 'bad-request');
    assert.equal(error.retryable, false);
    assert.equal(error.fatal, false);
    assert.match(error.message, /rejected the request \(400\): This model's maximum context length is 8192 tokens\./);
  });

  it('switches to max_completion_tokens when the model refuses max_tokens', async () => {
    server = await startOpenAIServer({
      chat: (request) => {
        if (request.max_tokens !== undefined) {
          throw new ReplyError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'unsupported_parameter', 'max_tokens');
        }
        return `limit ${request.max_completion_tokens}`;
      },
    });
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl });
    assert.equal((await provider.complete(ask, signal())).text, 'limit 32');
    assert.equal((await provider.complete(ask, signal())).text, 'limit 32');
    assert.equal(server.requests.length, 3, 'one refusal, then the new parameter sticks');
  });

  it('rejects with the abort reason at once, also when the server stalls mid-body', async () => {
    server = await startOpenAIServer({ faults: { rateStall: 1, seed: 3 } });
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl });
    for (let i = 0; i < 4; i++) {
      const controller = new AbortController();
      const timeout = new ProviderError('timeout', 'too slow');
      setTimeout(() => controller.abort(timeout), 50);
      const error = await failure(provider.complete(ask, controller.signal));
      assert.equal(error, timeout);
    }
    const cancelled = new AbortController();
    setTimeout(() => cancelled.abort(), 20);
    assert.equal((await failure(provider.complete(ask, cancelled.signal))).kind, 'cancelled');
  });

  it('reads moderation scores, and a judge answer through chat()', async () => {
    server = await startOpenAIServer({ moderation: (input) => ({ harassment: input.length / 100 }), chat: () => 'GRADE: 7' });
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl });
    const result = await provider.moderate('x'.repeat(60), 'omni-moderation-latest', signal());
    assert.equal(result.scores.harassment, 0.6);
    assert.equal(result.flagged, true);
    assert.equal(await provider.chat({ model: 'judge', messages: ask.messages, temperature: 0, maxTokens: 8 }, signal()), 'GRADE: 7');
  });

  it('calls a completion without choices malformed', async () => {
    const raw = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"x","choices":[]}');
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`;
      const error = await failure(new OpenAIProvider({ baseUrl }).complete(ask, signal()));
      assert.equal(error.kind, 'malformed');
      assert.match(error.message, /no `choices`/);
    } finally {
      raw.close();
    }
  });

  it('normalises base URLs and recognises OpenAI\'s endpoint', () => {
    assert.equal(normalizeBaseUrl('http://localhost:8000/v1///'), 'http://localhost:8000/v1');
    assert.equal(isOpenAIEndpoint('https://api.openai.com/v1'), true);
    assert.equal(isOpenAIEndpoint('http://localhost:11434/v1'), false);
    assert.equal(isOpenAIEndpoint('not a url'), false);
    // The same test as the key policy: https on port 443 only.
    assert.equal(isOpenAIEndpoint('https://api.openai.com:443/v1'), true);
    assert.equal(isOpenAIEndpoint('https://API.OpenAI.com/v1'), true, 'the URL parser lowercases the host');
    for (const url of ['http://api.openai.com/v1', 'https://api.openai.com:8443/v1', 'http://api.openai.com:443/v1', 'ws://api.openai.com/v1', 'https://api.openai.com.evil.example/v1']) {
      assert.equal(isOpenAIEndpoint(url), false, url);
      assert.equal(isOpenAIEndpoint(url), maySendSharedKey(url, 'file'), `${url}: prices and the key policy agree`);
    }
  });
});

describe('OpenAIProvider with an endpoint that echoes the key', () => {
  const key = 'sk-proj-Ech0/ed+Key_0123456789abcdefXYZ';
  /** Every encoding of the key the hostile endpoint puts in its answers. */
  const encodings = [
    key,
    encodeURIComponent(key),
    encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    key.replace('/', '\\/'),
    [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    Buffer.from(key).toString('base64'),
    Buffer.from(`user:${key}`).toString('base64url'),
  ];
  const echo = (prefix: string) => `${prefix}: ${encodings.join(' | ')} | header ${'{{authorization}}'}`;
  let endpoint: { url: string; close: () => Promise<void> };
  before(async () => {
    const raw = createServer((request, response) => {
      const body = (text: string) => text.replace('{{authorization}}', String(request.headers.authorization));
      let received = '';
      request.on('data', (chunk) => (received += chunk));
      request.on('end', () => {
        const wanted = JSON.parse(received || '{}') as { messages?: Array<{ content: string }> };
        const question = wanted.messages?.[0]?.content ?? '';
        response.setHeader('content-type', 'application/json');
        if (question === 'error') {
          response.writeHead(400).end(JSON.stringify({ error: { message: body(echo('bad key')), type: 'invalid_request_error' } }));
        } else if (question === 'forbidden') {
          response.writeHead(403).end(JSON.stringify({ error: { message: body(echo('forbidden')) } }));
        } else if (question === 'server') {
          response.writeHead(503).end(`{"error": {"message": ${JSON.stringify(body(echo('down')))}}}`);
        } else if (question === 'garbage') {
          response.writeHead(200).end(`not json ${body(echo('garbage'))}`);
        } else {
          response.writeHead(200).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: body(echo('answer')) }, finish_reason: 'stop' }] }));
        }
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    endpoint = {
      url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`,
      close: () => new Promise((resolve) => raw.close(() => resolve())),
    };
  });
  after(() => endpoint.close());

  const leaks = (text: string) => [key, ...encodings, key.slice(8, 24), Buffer.from(key).toString('base64').slice(4, 24)].filter((form) => text.includes(form));

  it('never lets the key through in an answer or an error message, in any encoding', async () => {
    const provider = new OpenAIProvider({ baseUrl: endpoint.url, apiKey: key });
    const answer = await provider.complete({ ...ask, messages: [{ role: 'user', content: 'hello' }] }, signal());
    assert.match(answer.text, /^answer: \*\*\*/);
    assert.deepEqual(leaks(answer.text), [], answer.text);
    for (const question of ['error', 'forbidden', 'server', 'garbage']) {
      let message = '';
      try {
        await provider.complete({ ...ask, messages: [{ role: 'user', content: question }] }, signal());
      } catch (error) {
        message = (error as Error).message;
      }
      assert.ok(message, question);
      assert.deepEqual(leaks(message), [], `${question}: ${message}`);
    }
  });
});

describe('OpenAIProvider with answers over the byte limit', () => {
  let endpoint: { url: string; close: () => Promise<void>; sent: () => number };
  before(async () => {
    let sent = 0;
    const raw = createServer((request, response) => {
      let received = '';
      request.on('data', (chunk) => (received += chunk));
      request.on('end', () => {
        const question = (JSON.parse(received || '{}') as { messages?: Array<{ content: string }> }).messages?.[0]?.content ?? '';
        const big = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'x'.repeat(10_000_000) }, finish_reason: 'stop' }] });
        if (question === 'declared') {
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }).end(big);
        } else if (question === 'error') {
          response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'e'.repeat(10_000_000) } }));
        } else if (question === 'endless') {
          // Chunked, no length, never ends: only a reader that stops can get out.
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"choices": [{"message": {"role": "assistant", "content": "');
          const chunk = 'y'.repeat(64 * 1024);
          const pump = () => {
            while (!response.destroyed && response.write(chunk)) sent += chunk.length;
            if (!response.destroyed) response.once('drain', pump);
          };
          response.on('close', () => response.removeAllListeners('drain'));
          pump();
        } else {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'small' }, finish_reason: 'stop' }] }));
        }
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    endpoint = {
      url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`,
      close: () => new Promise((resolve) => (raw.closeAllConnections(), raw.close(() => resolve()))),
      sent: () => sent,
    };
  });
  after(() => endpoint.close());

  it('stops reading at the limit, whatever the body, with an error that says what to raise', async () => {
    const provider = new OpenAIProvider({ baseUrl: endpoint.url, maxResponseBytes: 100_000 });
    assert.equal((await provider.complete(ask, signal())).text, 'small');
    for (const question of ['declared', 'error', 'endless']) {
      const error = await failure(provider.complete({ ...ask, messages: [{ role: 'user', content: question }] }, signal()));
      assert.equal(error.kind, 'too-large', `${question}: ${error.message}`);
      assert.match(error.message, /sent more than 100,000 bytes for one answer; reading stopped there.*Raise `check\.maxResponseBytes` \(or --max-response-bytes\)/);
      assert.equal(error.retryable, false);
      assert.equal(error.fatal, false);
    }
    // The endless body was abandoned (the download cancelled), not read to the end of memory.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sentThen = endpoint.sent();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(endpoint.sent(), sentThen, 'the server is no longer sending');
  });

  it('has a default limit of 4 MiB', () => {
    assert.equal(new OpenAIProvider({ baseUrl: endpoint.url }).maxResponseBytes, 4 * 1024 * 1024);
  });
});
