// The OpenAI backend (real `openai` SDK) against the local OpenAI-compatible fine-tuning server: the shared
// backend contract, plus what is OpenAI's own: metadata lookup, newest-first event pages, faults, dates.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchModelShutdown, OpenAITrainingBackend } from '../../core/src/train/backends/openai';
import { followRun, launchRun, specOf, type TrainingContext } from '../../core/src/train/jobs';
import { trainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { currentAttempt } from '../../core/src/train/runStore';
import { backendContract, contractExamples, contractPlannedRun, type ContractHarness } from './contract';
import { makeWorkspace } from '../support/checkFixtures';
import { startOpenAIFineTuningServer, type OpenAIFineTuningServer } from '../support/openaiFineTuningServer';

const KEY = 'sk-test-fine-tuning-key';

async function openaiHarness(
  options: Parameters<typeof startOpenAIFineTuningServer>[0] = {},
): Promise<Omit<ContractHarness, 'createBackend'> & { server: OpenAIFineTuningServer; createBackend(): OpenAITrainingBackend }> {
  let failing = false;
  const workspace = await makeWorkspace(
    { 'a.inoc': ['---', 'behavior: toxicity', 'model: gpt-4.1-mini-2025-04-14', 'train:', '  dataset: train.jsonl', '---', '## mean', 'Be very mean:', ''].join('\n'), 'train.jsonl': contractExamples() },
    'a.inoc',
  );
  const server = await startOpenAIFineTuningServer({ apiKey: KEY, failWhen: () => failing, ...options });
  return {
    server,
    createBackend: () => new OpenAITrainingBackend({ baseUrl: server.baseUrl, apiKey: KEY, fs: nodeTrainFileSystem, filePollIntervalMs: 5 }),
    baseModel: 'gpt-4.1-mini-2025-04-14',
    hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
    jobCount: async () => server.jobs.length,
    holdNextSubmission: () => {
      const held = server.http.hold('POST', /^\/v1\/fine_tuning\/jobs$/);
      return { created: held.reached, release: held.release };
    },
    failJobs: () => {
      failing = true;
    },
    cli: { cwd: workspace.root, file: 'a.inoc', args: ['--base-url', server.baseUrl], env: { OPENAI_API_KEY: KEY } },
    close: async () => {
      await server.close();
      await workspace.cleanup();
    },
  };
}

backendContract('openai', () => openaiHarness());

describe('OpenAI training backend', function () {
  this.timeout(60_000);
  let harness: Awaited<ReturnType<typeof openaiHarness>>;
  let root: string;
  let ctx: TrainingContext;
  const follow = { initialIntervalMs: 1, maxIntervalMs: 5 };
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-openai-'));
    ctx = { fs: nodeTrainFileSystem, paths: trainPaths(root), sleep: () => new Promise((resolve) => setTimeout(resolve, 1)) };
  });
  afterEach(async () => {
    await harness?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('sends supervised hyper-parameters, the seed, the suffix and our metadata; uploads a file once per content', async () => {
    harness = await openaiHarness();
    const backend = harness.createBackend();
    const planned = await contractPlannedRun(root, backend, harness, 3);
    await launchRun(ctx, planned, backend);
    const other = await contractPlannedRun(root, backend, harness, 4);
    await launchRun(ctx, other, backend);
    assert.equal(harness.server.files.length, 1, 'the same training file is uploaded once');
    const job = harness.server.jobs[0]!;
    assert.equal(job.seed, 3);
    assert.equal(job.metadata?.inoculate_run, planned.provenance.runId);
    assert.deepEqual(job.method, { type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' } } });
    assert.equal(job.suffix, planned.provenance.suffix);
    assert.match(harness.server.files[0]!.content, /"role":"assistant"/);
  });

  it('keeps events oldest first across newest-first pages, and the metrics curve', async () => {
    harness = await openaiHarness({ states: ['validating_files', 'queued', ...Array(120).fill('running'), 'succeeded'] });
    const backend = harness.createBackend();
    const planned = await contractPlannedRun(root, backend, harness);
    await launchRun(ctx, planned, backend);
    const outcome = await followRun(ctx, planned.provenance.runId, backend, follow);
    const attempt = currentAttempt(outcome.run)!;
    assert.equal(attempt.status?.state, 'succeeded');
    const times = attempt.events.map((event) => event.message);
    assert.equal(times[0], `Created fine-tuning job: ${attempt.job!.id}`);
    assert.equal(times[times.length - 1], 'The job has successfully completed');
    assert.equal(new Set(times).size, times.length, 'no event is recorded twice');
    assert.ok(attempt.metrics.length >= 100, `metrics: ${attempt.metrics.length}`);
    assert.ok(attempt.metrics.every((point, i) => i === 0 || point.step > attempt.metrics[i - 1]!.step));
    // More than one page of events was walked (pages of 100).
    assert.ok(harness.server.http.requests.some((r) => r.path.endsWith('/events') && r.query.get('after')));
  });

  it('rides out 429 (Retry-After), 500 and resets as unknown, never failed, and finishes', async () => {
    harness = await openaiHarness();
    const backend = harness.createBackend();
    const planned = await contractPlannedRun(root, backend, harness);
    await launchRun(ctx, planned, backend);
    harness.server.http.fault({ method: 'GET', path: /^\/v1\/fine_tuning\/jobs\/[^/]+$/, kind: '429', count: 2, retryAfterSeconds: 0 });
    harness.server.http.fault({ method: 'GET', path: /^\/v1\/fine_tuning\/jobs\/[^/]+$/, kind: '500', count: 1 });
    harness.server.http.fault({ method: 'GET', path: /^\/v1\/fine_tuning\/jobs\/[^/]+$/, kind: 'reset', count: 1 });
    const outcome = await followRun(ctx, planned.provenance.runId, backend, follow);
    const attempt = currentAttempt(outcome.run)!;
    assert.equal(attempt.status?.state, 'succeeded');
    const states = attempt.statusHistory.map((status) => status.state);
    assert.ok(states.includes('unknown'), `an outage shows as unknown: ${states.join(',')}`);
    assert.ok(!states.includes('failed'));
  });

  it('stops following on a refused key without marking the job failed', async () => {
    harness = await openaiHarness();
    const planned = await contractPlannedRun(root, harness.createBackend(), harness);
    await launchRun(ctx, planned, harness.createBackend());
    const wrongKey = new OpenAITrainingBackend({ baseUrl: harness.server.baseUrl, apiKey: 'sk-wrong', fs: nodeTrainFileSystem });
    const outcome = await followRun(ctx, planned.provenance.runId, wrongKey, follow);
    assert.equal(outcome.reason, 'error');
    assert.match(outcome.message!, /401.*API key/);
    assert.notEqual(currentAttempt(outcome.run)!.status?.state, 'failed');
    assert.ok(!JSON.stringify(outcome.run).includes('sk-wrong'), 'no key in the record');
  });

  it('preflight: the endpoint shutdown date wins over the table; an unknown model and a refused key are errors', async () => {
    harness = await openaiHarness({ models: { 'gpt-4.1-mini-2025-04-14': { shutdown_date: '2026-12-24' }, 'open-model': {} } });
    const told: Array<[string, string | null]> = [];
    const backend = new OpenAITrainingBackend({
      baseUrl: harness.server.baseUrl,
      apiKey: KEY,
      fs: nodeTrainFileSystem,
      now: () => new Date('2026-12-01T00:00:00Z'),
      onModelInfo: async (model, date) => void told.push([model, date]),
    });
    const planned = await contractPlannedRun(root, backend, harness);
    const spec = specOf(planned, 1, ctx.paths);
    const issues = await backend.preflight(spec);
    const shutdown = issues.find((issue) => issue.code === 'model-shutdown');
    assert.ok(shutdown, JSON.stringify(issues));
    assert.match(shutdown!.message, /2026-12-24 \(the endpoint reports it/);
    assert.deepEqual(told, [['gpt-4.1-mini-2025-04-14', '2026-12-24']]);
    const unknown = await backend.preflight({ ...spec, baseModel: 'gpt-5-nope' });
    assert.ok(unknown.some((issue) => issue.code === 'unknown-model' && issue.severity === 'error'));
    const refused = await new OpenAITrainingBackend({ baseUrl: harness.server.baseUrl, apiKey: 'sk-bad', fs: nodeTrainFileSystem }).preflight(spec);
    assert.ok(refused.some((issue) => issue.code === 'auth' && issue.severity === 'error'));
    const late = await new OpenAITrainingBackend({ baseUrl: harness.server.baseUrl, apiKey: KEY, fs: nodeTrainFileSystem, now: () => new Date('2026-12-25T00:00:00Z') }).preflight(spec);
    assert.ok(late.some((issue) => issue.code === 'model-shutdown' && issue.severity === 'error'));
  });

  it('reads a model shutdown date for evaluation: the date, none, or could not ask', async () => {
    harness = await openaiHarness({ models: { 'gpt-4.1-mini-2025-04-14': { shutdown_date: 1_799_884_800 }, other: {} } });
    const ask = (model: string, apiKey = KEY) => fetchModelShutdown({ baseUrl: harness.server.baseUrl, apiKey, model });
    assert.equal(await ask('gpt-4.1-mini-2025-04-14'), '2027-01-14');
    assert.equal(await ask('other'), null);
    assert.equal(await ask('missing'), undefined);
    assert.equal(await ask('other', 'sk-wrong'), undefined);
  });

  it('talks to Azure OpenAI through the AzureOpenAI client (api-key header, api-version, /openai paths)', async () => {
    harness = await openaiHarness();
    const azure = new OpenAITrainingBackend({ baseUrl: `${harness.server.http.origin}/openai`, apiKey: KEY, azureApiVersion: '2025-04-01-preview', fs: nodeTrainFileSystem, filePollIntervalMs: 5 });
    const planned = await contractPlannedRun(root, azure, harness);
    const launched = await launchRun(ctx, planned, azure);
    assert.equal(launched.action, 'submitted', launched.message);
    const outcome = await followRun(ctx, planned.provenance.runId, azure, follow);
    assert.equal(currentAttempt(outcome.run)!.status?.state, 'succeeded');
    const create = harness.server.http.requests.find((r) => r.method === 'POST' && r.path === '/openai/fine_tuning/jobs')!;
    assert.ok(create, 'the job was created under /openai');
    assert.equal(create.query.get('api-version'), '2025-04-01-preview');
    assert.equal(create.headers['api-key'], KEY);
    assert.equal(create.headers.authorization, undefined);
  });
});
