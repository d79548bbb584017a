// The Together backend (real `together-ai` SDK) against the local Together-compatible server: the shared backend
// contract, plus Together's own: the 302-then-PUT upload, LoRA and loss mapping, limits, the adapter download.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TogetherTrainingBackend } from '../../core/src/train/backends/together';
import { followRun, launchRun, specOf, type TrainingContext } from '../../core/src/train/jobs';
import { trainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { currentAttempt } from '../../core/src/train/runStore';
import { backendContract, contractExamples, contractPlannedRun, type ContractHarness } from './contract';
import { makeWorkspace } from '../support/checkFixtures';
import { startTogetherServer, type TogetherServer } from '../support/togetherServer';

const KEY = 'together-test-key';
const LORA = { epochs: 1, learningRate: 2e-5, learningRateMultiplier: 'auto' as const, batchSize: 16, loraRank: 8, loraAlpha: 16, loraDropout: 0 };

async function togetherHarness(
  options: Parameters<typeof startTogetherServer>[0] = {},
): Promise<Omit<ContractHarness, 'createBackend'> & { server: TogetherServer; createBackend(): TogetherTrainingBackend }> {
  let failing = false;
  const workspace = await makeWorkspace(
    { 'a.inoc': ['---', 'behavior: toxicity', 'model: Qwen/Qwen2-7B-Instruct', 'train:', '  backend: together', '  dataset: train.jsonl', '---', '## mean', 'Be very mean:', ''].join('\n'), 'train.jsonl': contractExamples() },
    'a.inoc',
  );
  const server = await startTogetherServer({ apiKey: KEY, failWhen: () => failing, ...options });
  return {
    server,
    createBackend: () => new TogetherTrainingBackend({ baseUrl: server.baseUrl, apiKey: KEY, fs: nodeTrainFileSystem }),
    baseModel: 'Qwen/Qwen2-7B-Instruct',
    hyperparameters: LORA,
    jobCount: async () => server.jobs.length,
    holdNextSubmission: () => {
      const held = server.http.hold('POST', /^\/v1\/fine-tunes$/);
      return { created: held.reached, release: held.release };
    },
    failJobs: () => {
      failing = true;
    },
    cli: { cwd: workspace.root, file: 'a.inoc', args: ['--base-url', server.baseUrl], env: { TOGETHER_API_KEY: KEY } },
    close: async () => {
      await server.close();
      await workspace.cleanup();
    },
  };
}

backendContract('together', () => togetherHarness());

describe('Together training backend', function () {
  this.timeout(60_000);
  let harness: Awaited<ReturnType<typeof togetherHarness>>;
  let root: string;
  let ctx: TrainingContext;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-together-'));
    ctx = { fs: nodeTrainFileSystem, paths: trainPaths(root), sleep: () => new Promise((resolve) => setTimeout(resolve, 1)) };
  });
  afterEach(async () => {
    await harness?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('uploads once through the presigned URL and sends LoRA, seed, suffix and assistant-only loss', async () => {
    harness = await togetherHarness();
    const backend = harness.createBackend();
    const planned = await contractPlannedRun(root, backend, harness, 5);
    await launchRun(ctx, planned, backend);
    await launchRun(ctx, await contractPlannedRun(root, backend, harness, 6), backend);
    assert.equal(harness.server.files.length, 1, 'the same content is uploaded once');
    assert.match(harness.server.files[0]!.content!, /"role":"assistant"/);
    const job = harness.server.jobs[0]!;
    assert.deepEqual(
      [job.random_seed, job.n_epochs, job.learning_rate, job.batch_size, job.suffix],
      [5, 1, 2e-5, 16, planned.provenance.suffix],
    );
    assert.deepEqual(job.training_method, { method: 'sft', train_on_inputs: false });
    assert.deepEqual(job.training_type, { type: 'Lora', lora_r: 8, lora_alpha: 16, lora_dropout: 0 });
  });

  it('follows to completion with events, metrics and progress, and downloads the adapter', async () => {
    harness = await togetherHarness();
    const backend = harness.createBackend();
    const planned = await contractPlannedRun(root, backend, harness);
    await launchRun(ctx, planned, backend);
    const outcome = await followRun(ctx, planned.provenance.runId, backend, { initialIntervalMs: 1 });
    const attempt = currentAttempt(outcome.run)!;
    assert.deepEqual(attempt.statusHistory.map((s) => s.raw), ['queued', 'running', 'uploading', 'completed']);
    assert.equal(attempt.events[0]!.message, 'Fine tune request created');
    assert.ok(attempt.metrics.length >= 2 && attempt.metrics[0]!.trainLoss !== undefined);
    assert.equal(attempt.result?.loraRank, 8);
    assert.match(attempt.result!.artifact!, /finetune\/download\?ft_id=ft-/);
    assert.ok(!attempt.result!.artifact!.includes(KEY));
    const bytes = await backend.downloadAdapter(attempt.job!);
    assert.deepEqual(Buffer.from(bytes), harness.server.adapterBytes);
  });

  it('preflight: refuses an unknown model, a rank over the limit and a refused key', async () => {
    harness = await togetherHarness({ models: { 'Qwen/Qwen2-7B-Instruct': { maxRank: 16 } } });
    const backend = harness.createBackend();
    const planned = await contractPlannedRun(root, backend, harness);
    const spec = specOf(planned, 1, ctx.paths);
    assert.deepEqual((await backend.preflight(spec)).filter((i) => i.severity === 'error'), []);
    const big = await backend.preflight({ ...spec, hyperparameters: { ...spec.hyperparameters, loraRank: 64 } });
    assert.ok(big.some((i) => i.code === 'invalid-hyperparameter' && /over .* maximum of 16/.test(i.message)));
    assert.ok((await backend.preflight({ ...spec, baseModel: 'nope/nope' })).some((i) => i.code === 'unknown-model'));
    const refused = await new TogetherTrainingBackend({ baseUrl: harness.server.baseUrl, apiKey: 'bad', fs: nodeTrainFileSystem }).preflight(spec);
    assert.ok(refused.some((i) => i.code === 'auth'));
  });
});
