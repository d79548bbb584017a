import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { makeWorkspace, type Workspace } from '../../../../test/support/checkFixtures';
import { startBatchApiServer, type BatchApiServer } from '../../../../test/support/batchApiServer';
import { nodeResultsFileSystem as fs } from '../../check/nodeFs';
import { pendingBatches, runOpenAIBatches, type OpenAIBatchOptions } from './openaiBatch';
import { openAIBatchApi } from './openaiBatchApi';
import type { BatchRequest } from './types';

const key = (n: number) => createHash('sha256').update(String(n)).digest('hex');
const request = (n: number, model = 'gpt-test'): BatchRequest => ({ customId: key(n), model, messages: [{ role: 'user', content: `question ${n}` }], temperature: 0.5, maxTokens: 20 });
const fastSleep = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => (signal.aborted ? reject(signal.reason) : setTimeout(resolve, 1)));

describe('batch mode through the OpenAI Batch API (real SDK, local fake)', () => {
  let server: BatchApiServer;
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await makeWorkspace({});
    server = await startBatchApiServer({ chat: (body) => `answer to ${body.messages.at(-1)!.content} by ${body.model}`, fail: (id) => id === key(3) });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });
  const options = (requests: BatchRequest[], extra: Partial<OpenAIBatchOptions> = {}): OpenAIBatchOptions => ({
    api: openAIBatchApi({ baseUrl: server.baseUrl, maxLineBytes: 1024 * 1024 }),
    requests,
    fs,
    ledgerPath: `${workspace.root}/evals/x/batches.jsonl`,
    batchDir: `${workspace.root}/evals/x/batch`,
    metadata: { inoculate_file: 'prompts.inoc' },
    signal: new AbortController().signal,
    sleep: fastSleep,
    ...extra,
  });

  it('uploads the requests, creates the batch, polls it to the end and maps every answer back by custom id', async () => {
    const requests = [1, 2, 3, 4].map((n) => request(n));
    const result = await runOpenAIBatches(options(requests));
    assert.equal(server.batches.length, 1);
    assert.deepEqual(server.batches[0]!.metadata, { inoculate_file: 'prompts.inoc', inoculate_input: server.batches[0]!.metadata!.inoculate_input });
    assert.equal(result.answers.get(key(1))?.text, 'answer to question 1 by gpt-test');
    assert.equal(result.answers.get(key(4))?.usage?.input, 10);
    assert.equal(result.answers.size, 3);
    assert.match(result.errors.get(key(3))!, /could not answer this request: The model failed/);
    assert.deepEqual(result.batches, [{ id: 'batch_0001', endpoint: server.baseUrl, requests: 4, status: 'completed' }]);
    // The input the API read is the Batch API's format, and is kept locally by content hash.
    const input = server.files.find((f) => f.purpose === 'batch')!.content;
    const first = JSON.parse(input.split('\n')[0]!);
    assert.deepEqual(first, { custom_id: key(1), method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-test', messages: [{ role: 'user', content: 'question 1' }], temperature: 0.5, max_tokens: 20 } });
    const digest = createHash('sha256').update(input).digest('hex');
    assert.equal(await readFile(`${workspace.root}/evals/x/batch/${digest}.jsonl`, 'utf8'), input);
    assert.deepEqual(await pendingBatches(fs, options([]).ledgerPath, server.baseUrl), [], 'created and collected');
  });

  it('resumes by the recorded batch id after a run stopped while waiting: nothing is created or paid twice', async () => {
    const controller = new AbortController();
    const first = await runOpenAIBatches(options([1, 2].map((n) => request(n)), { signal: controller.signal, onStatus: (_b, note) => note === 'created' && controller.abort() }));
    assert.equal(first.answers.size, 0);
    assert.equal(server.batches.length, 1);
    const pending = await pendingBatches(fs, options([]).ledgerPath, server.baseUrl);
    assert.deepEqual(pending.map((p) => p.id), ['batch_0001']);
    const seen: string[] = [];
    const second = await runOpenAIBatches(options([1, 2, 5].map((n) => request(n)), { onStatus: (b, note) => seen.push(`${note} ${b.id}`) }));
    assert.equal(server.batches.length, 2, 'one new batch, for the request the first batch did not hold');
    assert.equal(server.files.filter((f) => f.purpose === 'batch').length, 2);
    assert.deepEqual(seen.filter((s) => !s.startsWith('status')), ['resumed batch_0001', 'created batch_0002']);
    assert.deepEqual([...second.answers.keys()].sort(), [key(1), key(2), key(5)].sort());
  });

  it('splits requests at the per-batch limit', async () => {
    const result = await runOpenAIBatches(options([1, 2, 4, 5, 6].map((n) => request(n)), { maxRequestsPerBatch: 2 }));
    assert.equal(server.batches.length, 3);
    assert.equal(result.answers.size, 5);
  });

  it('keeps polling through 429s and 500s, and says when the endpoint has no Batch API', async () => {
    server.http.fault({ method: 'GET', path: /\/v1\/batches\//, kind: '429', count: 2 });
    server.http.fault({ method: 'GET', path: /\/v1\/batches\//, kind: '500', count: 1 });
    const result = await runOpenAIBatches(options([1].map((n) => request(n))));
    assert.equal(result.answers.size, 1);
    await server.close();
    server = await startBatchApiServer({ chat: () => 'x', unavailable: true });
    const none = await runOpenAIBatches(options([1].map((n) => request(n))));
    assert.match(none.unavailable!, /has no Batch API \(404/);
  });

  it('accepts answers only for the custom ids it asked for (a hostile output file plants nothing)', async () => {
    await server.close();
    const planted = key(999);
    server = await startBatchApiServer({ chat: (body) => (body.messages[0]!.content === 'question 1' ? 'honest' : 'x') });
    const original = server.files;
    const result = await runOpenAIBatches(
      options([request(1)], {
        onStatus: (batch) => {
          // Once the output exists, append a line for a sample this batch never held.
          const out = original.find((f) => f.id === batch.outputFileId);
          if (out && !out.content.includes(planted)) out.content += `${JSON.stringify({ custom_id: planted, response: { status_code: 200, body: { choices: [{ message: { content: 'forged' } }] } } })}\n`;
        },
      }),
    );
    assert.deepEqual([...result.answers.keys()], [key(1)]);
    assert.equal(result.answers.get(key(1))!.text, 'honest');
  });

  it('drops an output line over the byte bound unread; its sample fails, the others are read', async () => {
    await server.close();
    server = await startBatchApiServer({ chat: (body) => (body.messages[0]!.content === 'question 2' ? 'x'.repeat(5000) : 'short') });
    const result = await runOpenAIBatches(options([1, 2, 4].map((n) => request(n)), { api: openAIBatchApi({ baseUrl: server.baseUrl, maxLineBytes: 1000 }) }));
    assert.deepEqual([...result.answers.keys()].sort(), [key(1), key(4)].sort());
    assert.match(result.errors.get(key(2))!, /ended completed without an answer/);
  });
});
