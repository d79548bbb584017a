import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { makeWorkspace, type Workspace } from '../../../../test/support/checkFixtures';
import { startBatchApiServer, type BatchApiServer } from '../../../../test/support/batchApiServer';
import { nodeResultsFileSystem as fs } from '../../check/nodeFs';
import { CommandNotFoundError } from '../../train/command/host';
import type { TrainedModel } from '../../train/types';
import { evalResultPaths } from '../layout';
import type { EvalModel } from '../models';
import type { PreparedEvaluation } from '../setup';
import { pendingBatches } from './openaiBatch';
import { batchPollMs, evalBatchRouting, type EvalBatchRoutingOptions } from './routing';
import type { BatchRequest } from './types';

const key = (n: number) => createHash('sha256').update(String(n)).digest('hex');
const request = (n: number, model: string): BatchRequest => ({ customId: key(n), model, messages: [{ role: 'user', content: `question ${n}` }], temperature: 1, maxTokens: 20 });
const evaluation = { sampling: { maxResponseBytes: 64 * 1024 } } as PreparedEvaluation;

function model(fields: Partial<EvalModel> & Pick<EvalModel, 'key' | 'model'>): EvalModel {
  return { name: fields.key, role: 'extra', seed: null, runId: null, trainedInstruction: null, trainedInstructionHash: null, stale: false, baseUrl: undefined, serving: 'endpoint', backend: null, trained: null, baseModel: null, ...fields } as EvalModel;
}
const adapter = (name: string, baseModel: string): TrainedModel => ({ kind: 'lora-adapter', modelId: name, baseModel, artifact: `/runs/${name}/output`, loraRank: 8 });

describe('the batch routes of an evaluation (shared by the CLI and the editor)', () => {
  let workspace: Workspace;
  let server: BatchApiServer;
  beforeEach(async () => {
    workspace = await makeWorkspace({});
    server = await startBatchApiServer({ chat: (body) => `answer by ${body.model}` });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });
  const options = (extra: Partial<EvalBatchRoutingOptions> = {}): EvalBatchRoutingOptions => ({
    evaluation,
    paths: evalResultPaths(workspace.root, `${workspace.root}/prompts.inoc`),
    models: [],
    keyFor: () => undefined,
    env: { INOCULATE_BATCH_POLL_MS: '5' },
    host: {
      run: async () => {
        throw new CommandNotFoundError('vllm');
      },
      readText: async () => undefined,
      writeText: async () => {},
      mkdir: async () => {},
    },
    fs,
    ...extra,
  });

  it('reads the poll interval from the environment: a positive number, else the default', () => {
    assert.equal(batchPollMs({ INOCULATE_BATCH_POLL_MS: '20' }), 20);
    for (const value of [undefined, '', '0', '-5', 'soon']) assert.equal(batchPollMs({ INOCULATE_BATCH_POLL_MS: value }), undefined, String(value));
  });

  it('one route per endpoint; one vllm run-batch per base model (adapters on their base, merged models on their own)', () => {
    const models = [
      model({ key: 'a', model: 'ft-a', serving: 'vllm', trained: adapter('a', 'base-1') }),
      model({ key: 'b', model: 'ft-b', serving: 'vllm', trained: adapter('b', 'base-1') }),
      model({ key: 'm', model: 'merged', serving: 'vllm', trained: { kind: 'merged', modelId: 'merged', baseModel: 'base-1', artifact: '/runs/m/merged' } as TrainedModel }),
      model({ key: 'base', model: 'base-1', serving: 'vllm' }),
    ];
    const routing = evalBatchRouting(options({ models }));
    const [a, b, merged, base] = models.map((m) => routing.routeFor(m, 'ignored')!);
    assert.equal(a, b, 'two adapters of one base share a run');
    assert.equal(a!.key, 'vllm:base-1');
    assert.equal(base, a, 'the base model beside its adapters runs with them');
    assert.equal(merged!.key, 'vllm:/runs/m/merged');
    const x = routing.routeFor(model({ key: 'x', model: 'gpt-x' }), 'https://one.example/v1');
    assert.equal(routing.routeFor(model({ key: 'y', model: 'gpt-y' }), 'https://one.example/v1'), x);
    assert.notEqual(routing.routeFor(model({ key: 'z', model: 'gpt-z' }), 'https://two.example/v1'), x);
    assert.equal(x!.label, 'the Batch API at https://one.example/v1');
  });

  it('a vllm runner that cannot start fails every request with why, as one failed batch', async () => {
    const routing = evalBatchRouting(options({ models: [model({ key: 'a', model: 'ft-a', serving: 'vllm', trained: adapter('a', 'base-1') })] }));
    const route = routing.routeFor(model({ key: 'a', model: 'ft-a', serving: 'vllm', trained: adapter('a', 'base-1') }), '')!;
    const result = await route.run([request(1, 'a'), request(2, 'a')], new AbortController().signal);
    assert.equal(result.answers.size, 0);
    assert.deepEqual([...result.errors.keys()], [key(1), key(2)]);
    assert.match(result.errors.get(key(1))!, /^vllm run-batch could not run: .*vllm/);
    assert.deepEqual(result.batches, [{ id: 'vllm:base-1', endpoint: 'vllm:base-1', requests: 2, status: 'failed' }]);
  });

  it('runs the Batch API with the endpoint key, tells each status as a line, and redacts the keys it was given', async () => {
    const secret = 'sk-stored-in-the-editor-0123456789';
    const lines: string[] = [];
    const routing = evalBatchRouting(
      options({
        keyFor: (url) => (url === server.baseUrl ? secret : undefined),
        secrets: [secret],
        onStatus: (line) => lines.push(line),
      }),
    );
    const route = routing.routeFor(model({ key: 'x', model: 'gpt-x' }), server.baseUrl)!;
    const result = await route.run([request(1, 'gpt-x'), request(2, 'gpt-x')], new AbortController().signal);
    assert.equal(result.answers.get(key(1))?.text, 'answer by gpt-x');
    assert.deepEqual(result.batches.map((b) => b.status), ['completed']);
    const id = server.batches[0]!.id;
    assert.deepEqual(lines, [`batch ${id} created (${server.baseUrl})`, `batch ${id} in_progress (${server.baseUrl})`, `batch ${id} finalizing (${server.baseUrl})`, `batch ${id} completed (${server.baseUrl})`]);
    assert.ok(server.http.requests.length > 0 && server.http.requests.every((seen) => seen.headers.authorization === `Bearer ${secret}`), 'the endpoint key on every call');
    // A hostile endpoint echoing the key back in its batch id: the line does not carry it.
    const redacted: string[] = [];
    const again = evalBatchRouting(options({ secrets: [secret], onStatus: (line) => redacted.push(line), batchApi: () => ({
      endpoint: server.baseUrl,
      upload: async () => 'file-1',
      create: async () => ({ id: `batch_${secret}`, status: 'completed', outputFileId: null, errorFileId: null, errors: [] }),
      retrieve: async () => ({ id: `batch_${secret}`, status: 'completed', outputFileId: null, errorFileId: null, errors: [] }),
      download: async () => {},
    }) }));
    await again.routeFor(model({ key: 'x', model: 'gpt-x' }), server.baseUrl)!.run([request(3, 'gpt-x')], new AbortController().signal);
    assert.equal(redacted.length, 1);
    assert.ok(!redacted[0]!.includes(secret), redacted[0]);
    assert.match(redacted[0]!, /^batch batch_.*created/);
  });

  it('a cancelled wait leaves the batch in the ledger, so the next run resumes it by id', async () => {
    const controller = new AbortController();
    const paths = evalResultPaths(workspace.root, `${workspace.root}/prompts.inoc`);
    const routing = evalBatchRouting(options({ env: { INOCULATE_BATCH_POLL_MS: '60000' }, onStatus: (line) => line.includes(' created ') && controller.abort() }));
    const route = routing.routeFor(model({ key: 'x', model: 'gpt-x' }), server.baseUrl)!;
    const first = await route.run([request(1, 'gpt-x')], controller.signal);
    assert.equal(first.answers.size, 0);
    assert.deepEqual((await pendingBatches(fs, paths.batches, server.baseUrl)).map((b) => b.id), [server.batches[0]!.id]);
    const lines: string[] = [];
    const second = await evalBatchRouting(options({ onStatus: (line) => lines.push(line) })).routeFor(model({ key: 'x', model: 'gpt-x' }), server.baseUrl)!.run([request(1, 'gpt-x')], new AbortController().signal);
    assert.equal(server.batches.length, 1, 'no second batch');
    assert.equal(second.answers.get(key(1))?.text, 'answer by gpt-x');
    assert.equal(lines[0], `batch ${server.batches[0]!.id} resumed (${server.baseUrl})`);
  });
});
