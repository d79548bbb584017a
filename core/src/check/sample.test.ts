import assert from 'node:assert/strict';
import { makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { ProviderError, type ChatRequest, type ModelProvider } from './providers/types';
import { isChatResponse, obtainResponse } from './sample';
import { RunSession } from './session';

describe('obtainResponse', () => {
  let workspace: Workspace;
  let calls: number;
  let fail: number;
  const provider: ModelProvider = {
    id: 'http://a/v1',
    kind: 'openai',
    baseUrl: 'http://a/v1',
    complete: async (request) => {
      calls++;
      if (fail-- > 0) throw new ProviderError('server', 'try again');
      return { text: `answer ${calls} to ${request.messages[0]!.content}`, usage: { input: 3, output: 4 } };
    },
  };
  const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'q' }], temperature: 1, maxTokens: 10 };
  beforeEach(async () => {
    workspace = await makeWorkspace({});
    calls = 0;
    fail = 0;
  });
  afterEach(() => workspace.cleanup());
  const open = (useCache = true) =>
    RunSession.open({ fs, cachePath: `${workspace.root}/cache.jsonl`, provider, concurrency: 1, retries: 2, timeoutMs: 1000, useCache, retryPolicy: { baseDelayMs: 1, maxDelayMs: 2 } });

  it('asks the provider once (with retries), caches the answer, and answers from the cache next time', async () => {
    fail = 1;
    const session = await open();
    const first = await obtainResponse(session, provider, request, 'c'.repeat(64));
    assert.deepEqual(first, { response: { text: 'answer 2 to q', usage: { input: 3, output: 4 } }, cached: false });
    assert.equal(session.requests, 1);
    assert.equal(session.answered, 1);
    assert.equal(session.retries, 1);
    await session.close();
    const again = await open();
    assert.deepEqual(await obtainResponse(again, provider, request, 'c'.repeat(64)), { response: first!.response, cached: true });
    assert.equal(calls, 2);
    assert.equal(again.requests, 0);
    await again.close();
  });

  it('with the cache off, asks again and stores the new answer', async () => {
    const session = await open();
    await obtainResponse(session, provider, request, 'a'.repeat(64));
    await session.close();
    const fresh = await open(false);
    const answer = await obtainResponse(fresh, provider, request, 'a'.repeat(64));
    assert.equal(answer?.cached, false);
    assert.equal(calls, 2);
    await fresh.close();
  });

  it('sends nothing once the run is stopped', async () => {
    const session = await open();
    session.stop();
    assert.equal(await obtainResponse(session, provider, request, 'b'.repeat(64)), undefined);
    assert.equal(calls, 0);
    await session.close();
  });

  it('recognises cached responses', () => {
    assert.equal(isChatResponse({ text: '' }), true);
    assert.equal(isChatResponse({ text: 1 }), false);
    assert.equal(isChatResponse('text'), false);
  });
});
