import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { lastUserText, seededRandom, startOpenAIServer, type OpenAIServer } from './openaiServer';

describe('test OpenAI server', () => {
  let server: OpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const client = (baseURL: string, apiKey = 'sk-test', timeout = 5000) => new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout });

  it('answers chat completions through the real SDK, with usage, and records the request', async () => {
    server = await startOpenAIServer({ chat: (request) => `echo: ${lastUserText(request)}` });
    const completion = await client(server.baseUrl).chat.completions.create({
      model: 'any-model',
      messages: [{ role: 'user', content: 'hello there' }],
      temperature: 0.5,
      max_tokens: 16,
    });
    assert.equal(completion.choices[0]!.message.content, 'echo: hello there');
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.ok(completion.usage && completion.usage.prompt_tokens > 0 && completion.usage.completion_tokens > 0);
    assert.equal(server.requests.length, 1);
    const [recorded] = server.requests;
    assert.equal(recorded!.path, '/v1/chat/completions');
    assert.equal(recorded!.status, 200);
    assert.deepEqual((recorded!.body as { temperature: number }).temperature, 0.5);
  });

  it('requires the API key when one is set, with OpenAI\'s 401 body and a masked key', async () => {
    server = await startOpenAIServer({ apiKey: 'sk-right-key-1234' });
    await assert.rejects(
      client(server.baseUrl, 'sk-wrong-key-9999').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.AuthenticationError);
        assert.equal(error.status, 401);
        assert.equal(error.code, 'invalid_api_key');
        assert.ok(!error.message.includes('sk-wrong-key-9999'), 'the key is masked');
        return true;
      },
    );
    const ok = await client(server.baseUrl, 'sk-right-key-1234').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.choices[0]!.message.content, 'OK');
  });

  it('answers 404 model_not_found for models it does not serve, and lists the ones it does', async () => {
    server = await startOpenAIServer({ models: ['served-model'] });
    await assert.rejects(
      client(server.baseUrl).chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found' && /gpt-nope/.test(error.message),
    );
    const models = await client(server.baseUrl).models.list();
    assert.deepEqual(
      models.data.map((model) => model.id),
      ['served-model'],
    );
  });

  it('scores moderation inputs with the handler, filling every other category with 0', async () => {
    server = await startOpenAIServer({ moderation: (input) => ({ harassment: input.includes('idiot') ? 0.93 : 0.01 }) });
    const result = await client(server.baseUrl).moderations.create({ model: 'omni-moderation-latest', input: ['you idiot', 'nice point'] });
    assert.equal(result.results.length, 2);
    assert.equal(result.results[0]!.category_scores.harassment, 0.93);
    assert.equal(result.results[0]!.flagged, true);
    assert.equal(result.results[1]!.flagged, false);
    assert.equal(result.results[1]!.category_scores.violence, 0);
  });

  it('injects 429 with Retry-After, 500, resets and malformed JSON at the configured rates', async () => {
    server = await startOpenAIServer({
      faults: { seed: 7, rate429: 0.2, retryAfterSeconds: 2, rate500: 0.2, rateReset: 0.2, rateMalformed: 0.2 },
    });
    const seen = { ok: 0, rateLimit: 0, server: 0, connection: 0, malformed: 0 };
    const api = client(server.baseUrl);
    for (let i = 0; i < 100; i++) {
      try {
        await api.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `q${i}` }] });
        seen.ok++;
      } catch (error) {
        if (error instanceof OpenAI.RateLimitError) {
          assert.equal(error.headers.get('retry-after'), '2');
          assert.equal(error.headers.get('retry-after-ms'), '2000');
          seen.rateLimit++;
        } else if (error instanceof OpenAI.InternalServerError) seen.server++;
        else if (error instanceof OpenAI.APIConnectionError) seen.connection++;
        else if (error instanceof SyntaxError) seen.malformed++;
        else throw error;
      }
    }
    const faults = server.requests.map((request) => request.fault);
    assert.equal(seen.rateLimit, faults.filter((f) => f === 'rate-limit').length);
    assert.equal(seen.server, faults.filter((f) => f === 'server-error').length);
    assert.equal(seen.connection, faults.filter((f) => f === 'reset').length);
    assert.equal(seen.malformed, faults.filter((f) => f === 'malformed').length);
    assert.equal(seen.ok, faults.filter((f) => f === undefined).length);
    // 100 draws at 20% each: every kind shows up, and none takes over.
    for (const count of Object.values(seen)) assert.ok(count > 5 && count < 40, JSON.stringify(seen));
  });

  it('stalls until the client gives up, and close() drops the stalled connection', async () => {
    server = await startOpenAIServer({ faults: { rateStall: 1 } });
    // The SDK's own timeout stops at the headers; a stall mid-body is only escaped by aborting the request.
    const api = client(server.baseUrl);
    for (let i = 0; i < 4; i++) {
      await assert.rejects(
        api.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { signal: AbortSignal.timeout(200) }),
        (error: unknown) => error instanceof OpenAI.APIUserAbortError || (error as Error).name === 'AbortError',
      );
    }
    assert.ok(server.requests.every((request) => request.fault === 'stall' && request.status === undefined));
    await server.close();
    server = undefined;
  });

  it('gives handlers a seeded random source, so replies with known probabilities repeat', async () => {
    const rates: number[] = [];
    for (let run = 0; run < 2; run++) {
      server = await startOpenAIServer({ seed: 42, chat: (_request, context) => (context.random() < 0.3 ? 'yes' : 'no') });
      let yes = 0;
      for (let i = 0; i < 50; i++) {
        const reply = await client(server.baseUrl).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
        if (reply.choices[0]!.message.content === 'yes') yes++;
      }
      rates.push(yes);
      await server.close();
      server = undefined;
    }
    assert.equal(rates[0], rates[1]);
    const random = seededRandom(3);
    assert.notEqual(random(), random());
  });

  it('answers a body that is not JSON with a 400 invalid_request_error', async () => {
    server = await startOpenAIServer();
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { type: string } };
    assert.equal(body.error.type, 'invalid_request_error');
  });
});
