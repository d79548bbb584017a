import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptedHost } from '../../../../test/support/scriptedHost';
import type { CommandSettings } from '../settings';
import { BackendError, type TrainingSpec } from '../types';
import { CommandBackend, eventsOfLog, UNTRUSTED_MESSAGE } from './backend';

const TEMPLATES = join(__dirname, '../../../../templates/train');
const DATA = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}\n';
const SHA = createHash('sha256').update(DATA).digest('hex');

const spec = (overrides: Partial<TrainingSpec> = {}): TrainingSpec => ({
  runId: 'r1',
  attempt: 1,
  submissionKey: 'r1',
  jobName: 'very-mean-s0-abc',
  baseModel: 'Qwen/Qwen2-7B',
  trainingFile: { path: `/w/.inoculate/train/files/${SHA}.jsonl`, sha256: SHA, examples: 1, tokens: { total: 4, counted: 'estimate' } },
  hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto', loraRank: 8, loraAlpha: 16 },
  loss: 'assistant-only',
  seed: 0,
  metadata: {},
  runDir: '/w/.inoculate/runs/r1',
  ...overrides,
});

function backend(settings: Partial<CommandSettings> = {}, trusted = true) {
  const host = scriptedHost({ executables: ['sh', 'sbatch', 'sacct', 'squeue', 'trl', 'python'] });
  host.files.set(`${TEMPLATES}/trl-sft.yaml`, readFileSync(`${TEMPLATES}/trl-sft.yaml`, 'utf8'));
  host.files.set(spec().trainingFile.path, DATA);
  const instance = new CommandBackend({ host, settings: { preset: 'local', ...settings }, workspaceTrusted: trusted, baseDir: '/w', templatesDir: TEMPLATES, env: { PATH: '/usr/bin', OPENAI_API_KEY: 'sk-secret' } });
  return { host, instance };
}

describe('train/command/backend', () => {
  it('refuses every call that would run something in an untrusted workspace, and runs nothing', async () => {
    const { host, instance } = backend({}, false);
    const ref = { backend: 'command:local', id: '1', extra: { runDir: '/w/.inoculate/runs/r1' } };
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['prepare', () => instance.prepare(spec())],
      ['submit', () => instance.submit(spec(), {})],
      ['find', () => instance.find(spec())],
      ['status', () => instance.status(ref)],
      ['events', () => instance.events(ref, undefined)],
      ['metrics', () => instance.metrics(ref)],
      ['logs', () => instance.logs(ref)],
      ['cancel', () => instance.cancel(ref)],
      ['result', () => instance.result(ref)],
    ];
    for (const [name, call] of calls) {
      await assert.rejects(call(), (error: unknown) => error instanceof BackendError && error.kind === 'permanent' && error.message === UNTRUSTED_MESSAGE, name);
    }
    assert.deepEqual(await instance.preflight(spec()), [{ severity: 'error', code: 'untrusted-workspace', message: UNTRUSTED_MESSAGE }]);
    assert.equal(host.calls.length, 0);
  });

  it("runs the shipped trl sft argv with the run's values and the paper's defaults", async () => {
    const { host, instance } = backend();
    await instance.prepare(spec());
    const ref = await instance.submit(spec(), {});
    const argv = host.calls[0]!.argv;
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    const trainer = argv.slice(5);
    const flag = (name: string) => trainer[trainer.indexOf(name) + 1];
    assert.deepEqual(trainer.slice(0, 2), ['trl', 'sft']);
    assert.equal(flag('--model_name_or_path'), 'Qwen/Qwen2-7B');
    assert.equal(flag('--dataset_name'), '/w/.inoculate/runs/r1/data');
    assert.equal(flag('--output_dir'), '/w/.inoculate/runs/r1/output');
    assert.equal(flag('--lora_r'), '8');
    assert.equal(flag('--lora_alpha'), '16');
    assert.equal(flag('--lora_dropout'), '0');
    assert.equal(flag('--learning_rate'), '0.00002');
    assert.equal(flag('--num_train_epochs'), '1');
    assert.equal(flag('--per_device_train_batch_size'), '16');
    assert.equal(flag('--assistant_only_loss'), 'true');
    assert.equal(flag('--seed'), '0');
    assert.equal(host.files.get('/w/.inoculate/runs/r1/data/train.jsonl'), DATA);
    assert.deepEqual(ref.extra, { runDir: '/w/.inoculate/runs/r1', pid: '5000', startTime: String(1_700_000_005_000), baseModel: 'Qwen/Qwen2-7B', modelName: 'very-mean-s0-abc' });
    const provenance = JSON.parse(host.files.get('/w/.inoculate/runs/r1/command.json')!) as { env: Record<string, string> };
    assert.equal(provenance.env.INOCULATE_ASSISTANT_ONLY_LOSS, 'true');
    assert.ok(!JSON.stringify(provenance).includes('sk-secret'));
  });

  it('refuses a training file that changed after it was built', async () => {
    const { host, instance } = backend();
    host.files.set(spec().trainingFile.path, `${DATA}tampered\n`);
    await assert.rejects(instance.prepare(spec()), /changed after it was built/);
  });

  it('reports what preflight finds: the multiplier ignored, the defaults used, a bad slot, a missing scheduler', async () => {
    const { instance } = backend();
    const issues = await instance.preflight(spec({ hyperparameters: { ...spec().hyperparameters, learningRateMultiplier: 2 } }));
    assert.deepEqual(issues.map((issue) => issue.code), ['ignored-hyperparameter', 'paper-defaults']);
    assert.match(issues[1]!.message, /learningRate 0.00002/);
    const custom = backend({ argv: ['python', 'train.py', '--data', '{{trainingFil}}'] }).instance;
    const codes = (await custom.preflight(spec())).map((issue) => `${issue.code}:${issue.severity}`);
    assert.deepEqual(codes, ['own-trainer:info', 'invalid-command:error']);
    const missing = backend({ argv: ['accelerate', 'launch', 'train.py'] }).instance;
    assert.deepEqual((await missing.preflight(spec())).filter((issue) => issue.severity === 'error').map((issue) => issue.code), ['trainer-not-found']);
    const slurm = backend({ preset: 'slurm' }).instance;
    assert.deepEqual((await slurm.preflight(spec())).filter((issue) => issue.severity === 'error').map((issue) => issue.message), ['scancel is not on PATH: the slurm preset needs it']);
  });

  it("refuses env names that would override Inoculate's or are not names", async () => {
    await assert.rejects(backend({ env: { INOCULATE_BASE_MODEL: 'x' } }).instance.submit(spec(), {}), /set by Inoculate/);
    await assert.rejects(backend({ env: { 'A=B': 'x' } }).instance.submit(spec(), {}), /not a valid environment variable name/);
  });

  it('reads events from the local logs by byte offset, whole lines only', async () => {
    const { host, instance } = backend();
    const ref = { backend: 'command:local', id: '1', extra: { runDir: '/w/r' } };
    host.files.set('/w/r/stdout.log', "{'loss': 2.1}\nTraceback (most recent call last):\npart");
    host.files.set('/w/r/stderr.log', 'warning: slow\n');
    const first = await instance.events(ref, undefined);
    assert.deepEqual(first.events.map((event) => [event.level, event.message]), [
      ['info', "{'loss': 2.1}"],
      ['error', 'Traceback (most recent call last):'],
      ['warn', 'warning: slow'],
    ]);
    host.files.set('/w/r/stdout.log', "{'loss': 2.1}\nTraceback (most recent call last):\npartial line done\n");
    const second = await instance.events(ref, first.cursor);
    assert.deepEqual(second.events.map((event) => event.message), ['partial line done']);
    assert.deepEqual((await instance.events(ref, second.cursor)).events, []);
  });

  it('follows a remote log tail that slides: each line once, the newest when the cursor slid out of the window', async () => {
    let logs = 'step 1\nstep 2\n';
    const host = scriptedHost({ fetch: async () => new Response(JSON.stringify({ logs }), { status: 200 }) });
    const ray = new CommandBackend({ host, settings: { preset: 'ray', address: 'http://head:8265' }, workspaceTrusted: true, baseDir: '/w', templatesDir: TEMPLATES, env: {} });
    const ref = { backend: 'command:ray', id: 'r1', extra: { runDir: '/w/r', address: 'http://head:8265' } };
    const first = await ray.events(ref, undefined);
    assert.deepEqual(first.events.map((event) => event.message), ['step 1', 'step 2']);
    logs = 'step 2\nstep 3\nstep 4\n'; // the window slid: step 1 fell out
    const second = await ray.events(ref, first.cursor);
    assert.deepEqual(second.events.map((event) => event.message), ['step 3', 'step 4']);
    assert.deepEqual((await ray.events(ref, second.cursor)).events, []);
    logs = Array.from({ length: 80 }, (_, i) => `line ${i + 100}`).join('\n'); // a gap larger than the window
    assert.deepEqual((await ray.events(ref, second.cursor)).events.map((event) => event.message).slice(0, 2), ['line 130', 'line 131']);
  });

  it('splits progress bars and drops colours in log events', () => {
    assert.deepEqual(eventsOfLog('\u001b[32m 10%|█\r 20%|██\r\n\n', 'now').map((event) => event.message), [' 10%|█', ' 20%|██']);
  });
});
