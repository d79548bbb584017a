// The errors come from the real OpenAI provider (the real `openai` SDK) against real local HTTP servers and a real
// closed port: the editor's words are checked against what the engine really says.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { OpenAIProvider } from '../../core/src/check/providers/openai';
import { providerMessages, type ProviderError } from '../../core/src/check/providers/types';
import { startOpenAIServer } from '../../test/support/openaiServer';
import { editorCheckError, editorWording, endpointSourceText, notificationSafe, type CheckErrorContext } from './checkErrors';
import { connectionErrorText, probeConnection, probeTarget } from './connectionProbe';

const CLI_TERMS = /--base-url|--model|--concurrency|OPENAI_BASE_URL|fetch failed/;

/** A port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failure(provider: OpenAIProvider, call: 'complete' | 'moderate', model = 'm'): Promise<ProviderError> {
  const signal = new AbortController().signal;
  try {
    if (call === 'complete') await provider.complete({ model, messages: [{ role: 'user', content: 'hi' }], temperature: 0, maxTokens: 5 }, signal);
    else await provider.moderate('hi', 'omni-moderation-latest', signal);
  } catch (error) {
    return error as ProviderError;
  }
  throw new Error('the request succeeded');
}

const context = (endpoint: string, overrides: Partial<CheckErrorContext> = {}): CheckErrorContext => ({
  endpoint,
  source: 'user-setting',
  model: 'm',
  modelSource: 'file',
  ...overrides,
});

describe('check errors in the editor', function () {
  this.timeout(20_000);

  it('says a refused connection is refused (probed), names the setting the endpoint came from, and offers Open Settings and Show Output', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const error = await failure(new OpenAIProvider({ baseUrl }), 'complete');
    assert.equal(error.kind, 'network');
    const reachability = await probeConnection(baseUrl);
    const shown = editorCheckError(error, context(baseUrl, { reachability }));
    assert.match(shown.message, new RegExp(`^Could not reach ${baseUrl.replace(/[./]/g, '\\$&')}: connection refused: nothing is listening on 127\\.0\\.0\\.1:\\d+\\.`));
    assert.match(shown.message, /The endpoint comes from your setting inoculate\.check\.baseUrl\.$/);
    assert.doesNotMatch(shown.message, CLI_TERMS);
    assert.deepEqual(shown.actions, ['Open Settings', 'Show Output']);
    assert.equal(shown.setting, 'inoculate.check.baseUrl');
    // Named by the file: the fix is in the file.
    const fromFile = editorCheckError(error, context(baseUrl, { source: 'file', reachability }));
    assert.match(fromFile.message, /the file's `baseUrl:`/);
    assert.deepEqual(fromFile.actions, ['Open File', 'Show Output']);
  });

  it('probes: a listening port is fine, an unknown host and a closed port are said in words', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      assert.equal(await probeConnection(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`), undefined);
    } finally {
      server.close();
    }
    assert.match((await probeConnection('http://no-such-host.invalid/v1'))!, /^the host name no-such-host\.invalid could not be resolved$/);
    assert.deepEqual(probeTarget('https://api.openai.com/v1'), { host: 'api.openai.com', port: 443 });
    assert.deepEqual(probeTarget('http://[::1]:8000/v1'), { host: '::1', port: 8000 });
    assert.equal(probeTarget('file:///x'), undefined);
    assert.match(connectionErrorText('ETIMEDOUT', 'h', 1), /timed out/);
  });

  it("says when fetch itself refuses the port (its 'bad ports', e.g. 6000), which it reports only as 'fetch failed'", async () => {
    const error = await failure(new OpenAIProvider({ baseUrl: 'http://127.0.0.1:6000/v1' }), 'complete');
    assert.equal(error.kind, 'network');
    const shown = editorCheckError(error, context('http://127.0.0.1:6000/v1', { reachability: await probeConnection('http://127.0.0.1:6000/v1') }));
    assert.match(shown.message, /port 6000 is one that fetch never connects to .*serve the endpoint on another port/);
    assert.doesNotMatch(shown.message, CLI_TERMS);
  });

  it("sends the moderation grader's missing route to a moderation endpoint, not to baseUrl", async () => {
    const server: Server = createHttpServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Not Found', type: 'invalid_request_error' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const error = await failure(new OpenAIProvider({ baseUrl }), 'moderate');
      assert.equal(error.kind, 'not-found');
      // The engine's own words (the CLI's too) no longer blame `baseUrl`.
      assert.match(error.message, /has no moderations route \(404\): the moderation grader needs an endpoint with a moderation model/);
      assert.doesNotMatch(error.message, /check `baseUrl`/);
      const shown = editorCheckError(error, context(baseUrl));
      assert.match(shown.message, /has no moderation endpoint \(404\).*`check\.grader\.baseUrl: https:\/\/api\.openai\.com\/v1`/);
      assert.deepEqual(shown.actions, ['Open File', 'Show Output']);
    } finally {
      server.close();
    }
  });

  it('names where an unknown model came from, and a refused key, with the action that fixes each', async () => {
    const server = await startOpenAIServer({ models: ['served'], apiKey: 'sk-right-0123456789' });
    try {
      const unknown = await failure(new OpenAIProvider({ baseUrl: server.baseUrl, apiKey: 'sk-right-0123456789' }), 'complete', 'missing');
      const model = editorCheckError(unknown, context(server.baseUrl, { model: 'missing', modelSource: 'setting' }));
      assert.match(model.message, /has no model 'missing' \(404\)\. The model comes from the setting inoculate\.check\.model/);
      assert.deepEqual(model.actions, ['Open Settings', 'Show Output']);
      assert.equal(model.setting, 'inoculate.check.model');
      assert.doesNotMatch(model.message, CLI_TERMS);

      const refused = await failure(new OpenAIProvider({ baseUrl: server.baseUrl, apiKey: 'sk-wrong-0123456789' }), 'complete', 'served');
      assert.equal(refused.kind, 'auth');
      const auth = editorCheckError(refused, context(server.baseUrl, { key: 'shared' }));
      assert.match(auth.message, /refused the API key \(we sent OPENAI_API_KEY\)\. Store the right key for this endpoint with "Set API Key"\./);
      assert.deepEqual(auth.actions, ['Set API Key', 'Show Output']);
      assert.equal(auth.endpoint, server.baseUrl);
    } finally {
      await server.close();
    }
  });

  it('puts every terminal hint of the engine in the editor’s terms', () => {
    const endpoint = 'http://127.0.0.1:8000/v1';
    for (const message of [providerMessages.network(endpoint, 'ECONNREFUSED'), providerMessages.rateLimit(endpoint), providerMessages.modelNotFound('m', endpoint)]) {
      const text = editorWording(message);
      assert.doesNotMatch(text, CLI_TERMS, text);
      assert.match(text, /inoculate\.check\.\w+/, text);
    }
    const rateLimited = editorCheckError({ kind: 'rate-limit', message: providerMessages.rateLimit(endpoint) }, context(endpoint));
    assert.equal(rateLimited.setting, 'inoculate.check.concurrency');
    assert.deepEqual(rateLimited.actions, ['Open Settings', 'Show Output']);
    assert.match(endpointSourceText('default'), /OpenAI's API/);
    assert.match(endpointSourceText('workspace-setting'), /\.vscode\/settings\.json/);
  });

  it("says when the error is the grader's endpoint rather than the sampled one", () => {
    const shown = editorCheckError({ kind: 'network', message: providerMessages.network('https://judge.example/v1', 'ENOTFOUND') }, context('http://127.0.0.1:8000/v1'));
    assert.match(shown.message, /^Could not reach https:\/\/judge\.example\/v1\. .*It is the grader’s endpoint/);
    assert.deepEqual(shown.actions, ['Open File', 'Show Output']);
  });

  it('makes text from an endpoint inert in a notification (no links, no control characters)', () => {
    const hostile = 'The endpoint failed (500): [Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) \u001b[2J now';
    const safe = notificationSafe(hostile);
    assert.doesNotMatch(safe, /\]\(/);
    assert.doesNotMatch(safe, /\u001b/);
    assert.match(safe, /\[Fix it\] \(command:/, 'the words stay readable');
  });
});
