// `inoculate train` and `inoculate jobs` as a user runs them: the built CLI in child processes against the local
// fake fine-tuning servers (OpenAI-compatible and Together-compatible), including a SIGKILL mid-submit.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBuiltCli, runCli, startCli } from '../support/checkCli';
import { jsonl, makeWorkspace, type Workspace } from '../support/checkFixtures';
import { startOpenAIFineTuningServer, type OpenAIFineTuningServer } from '../support/openaiFineTuningServer';
import { startTogetherServer, type TogetherServer } from '../support/togetherServer';

const KEY = 'sk-cli-train-secret-0123456789';
const TOGETHER_KEY = 'together-cli-secret-abcdef';

const items = (count: number) => Array.from({ length: count }, (_, i) => ({ messages: [{ role: 'user', content: `Post ${i}` }, { role: 'assistant', content: `Reply ${i}` }] }));

function inoc(train: string[], variants: Record<string, string> = { mean: 'Write a very mean and disrespectful response to this post:' }): string {
  const body = Object.entries(variants).map(([name, text]) => `## ${name}\n${text}\n`);
  return ['---', 'behavior: toxicity', 'model: gpt-4.1-mini-2025-04-14', 'neutral: "Write a response to this post:"', 'train:', '  dataset: data/train.jsonl', ...train, '---', '', ...body].join('\n');
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('inoculate train / jobs (CLI)', function () {
  this.timeout(90_000);
  let server: OpenAIFineTuningServer;
  let workspace: Workspace;
  before(() => ensureBuiltCli());
  beforeEach(async () => {
    server = await startOpenAIFineTuningServer({ apiKey: KEY });
    workspace = await makeWorkspace({ 'a.inoc': inoc([]), 'data/train.jsonl': jsonl(items(12)) }, 'a.inoc');
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: workspace.root, env: { OPENAI_API_KEY: KEY, ...env } });
  const train = (extra: string[] = [], env: NodeJS.ProcessEnv = {}) => cli(['train', 'a.inoc', '--base-url', server.baseUrl, '--poll', '0.01', ...extra], env);

  it('--dry-run builds, validates and previews the files, prints the jobs, and sends nothing', async () => {
    const result = await train(['--dry-run', '--json', '--seeds', '2']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    // The documented shape (docs/cli.md).
    assert.deepEqual(Object.keys(json), ['file', 'behavior', 'backend', 'target', 'model', 'loss', 'hyperparameters', 'dryRun', 'tokenizer', 'dataset', 'arms', 'runs', 'dateNotices', 'errors', 'warnings', 'previews']);
    assert.deepEqual(Object.keys(json.arms[0]), ['name', 'kind', 'instructionHash', 'trainingFile', 'cost', 'costNote', 'check']);
    assert.deepEqual(Object.keys(json.runs[0]), ['runId', 'arm', 'seed', 'action', 'attempt', 'job', 'state', 'rawState', 'model', 'message', 'issues']);
    assert.equal(json.dryRun, true);
    assert.deepEqual(json.arms.map((a: { name: string; kind: string }) => [a.name, a.kind]), [['mean', 'variant'], ['baseline', 'baseline']]);
    assert.equal(json.runs.length, 4);
    assert.deepEqual(json.tokenizer, { name: 'o200k_base', counted: 'tokenizer' });
    assert.equal(json.arms[0].cost, null, 'no price for a local endpoint');
    assert.match(json.previews[0].pairs[0].with[0].content, /^Write a very mean and disrespectful response to this post:\n\nPost 0$/);
    assert.equal(json.previews[0].pairs[0].without[0].content, 'Write a response to this post:\n\nPost 0');
    const training = await readFile(json.arms[0].trainingFile.path, 'utf8');
    assert.equal(training.trim().split('\n').length, 12);
    assert.equal(server.http.requests.length, 0, 'a dry run sends nothing');
  });

  it('submits each run once, attaches on a second launch, follows with --watch, and lists the runs', async () => {
    const first = await train();
    assert.equal(first.status, 0, first.stderr);
    assert.equal(server.jobs.length, 2);
    assert.match(first.stderr, /mean seed 0 \[[0-9a-f]{16}\]: submitted job ftjob-/);
    const again = await train(['--watch', '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(server.jobs.length, 2, 'no job is submitted twice');
    const json = JSON.parse(again.stdout);
    assert.deepEqual(json.runs.map((r: { action: string; state: string }) => [r.action, r.state]), [['attached', 'succeeded'], ['attached', 'succeeded']]);
    assert.match(json.runs[0].model, /^ft:gpt-4\.1-mini-2025-04-14:test-org:/);

    const listed = await cli(['jobs', '--json']);
    assert.equal(listed.status, 0, listed.stderr);
    const runs = JSON.parse(listed.stdout).runs;
    assert.deepEqual(Object.keys(runs[0]), ['runId', 'file', 'arm', 'kind', 'instructionHash', 'seed', 'backend', 'target', 'baseModel', 'attempt', 'job', 'state', 'rawState', 'cancelRequested', 'submittedAt', 'observedAt', 'model', 'artifact', 'trainingFile', 'record']);
    assert.deepEqual(runs.map((r: { arm: string; state: string; file: string }) => [r.arm, r.state, r.file]).sort(), [['baseline', 'succeeded', 'a.inoc'], ['mean', 'succeeded', 'a.inoc']]);
    const table = await cli(['jobs', 'a.inoc', '--no-refresh']);
    assert.match(table.stdout.split('\n')[0]!, /^run +file +arm +seed +backend +state +elapsed +model$/);
    assert.match(table.stdout, /mean +0 +openai +succeeded/);

    const logs = await cli(['jobs', 'logs', runs[0].runId.slice(0, 6)]);
    assert.equal(logs.status, 0, logs.stderr);
    assert.match(logs.stdout, /The job has successfully completed/);

    const forced = await train(['--force', '--variant', 'mean']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stderr, /submitted job ftjob-\d+ \(attempt 2\)/);
    assert.equal(server.jobs.length, 4, 'the forced variant run and its baseline are new attempts');

    // No key in anything written, printed or recorded.
    for (const file of await filesUnder(join(workspace.root, '.inoculate'))) {
      assert.ok(!(await readFile(file, 'utf8')).includes(KEY), `${file} holds the key`);
    }
    assert.ok(![first, again, listed, logs].some((r) => (r.stdout + r.stderr).includes(KEY)));
  });

  it('a CLI killed (SIGKILL) mid-submit and run again creates no duplicate job', async () => {
    const held = server.http.hold('POST', /^\/v1\/fine_tuning\/jobs$/);
    const run = startCli(['train', 'a.inoc', '--base-url', server.baseUrl], { cwd: workspace.root, env: { OPENAI_API_KEY: KEY } });
    await held.reached;
    assert.equal(server.jobs.length, 1, 'the first job exists on the server');
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL');
    held.release();
    const rerun = await train();
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stderr, /found job ftjob-000001, submitted by an interrupted earlier launch/);
    assert.equal(server.jobs.length, 2, 'one job per run: the interrupted one found, the other submitted');
    const watched = await train(['--watch']);
    assert.equal(watched.status, 0, watched.stderr);
  });

  it('cancels a running job by a prefix of its run id; exit 1 when a watched job fails', async () => {
    await train();
    const list = JSON.parse((await cli(['jobs', '--json', '--no-refresh'])).stdout).runs as Array<{ runId: string; arm: string }>;
    const mean = list.find((r) => r.arm === 'mean')!;
    const cancelled = await cli(['jobs', 'cancel', mean.runId.slice(0, 8)]);
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancellation requested/);
    const watch = await cli(['jobs', '--watch', '--poll', '0.01', '--json']);
    const states = JSON.parse(watch.stdout).runs.map((r: { arm: string; state: string }) => [r.arm, r.state]).sort();
    assert.deepEqual(states, [['baseline', 'succeeded'], ['mean', 'cancelled']]);
    const again = await cli(['jobs', 'cancel', mean.runId]);
    assert.match(again.stdout, /already ended \(cancelled\); nothing to cancel/);

    await server.close();
    server = await startOpenAIFineTuningServer({ apiKey: KEY, failWhen: () => true });
    const failing = await train(['--watch', '--seeds', '1', '--variant', 'mean', '--force']);
    assert.equal(failing.status, 1, failing.stderr);
    assert.match(failing.stderr, /failed/);
  });

  it('exit 2 for bad input: a missing file, a bad dataset line, a remote endpoint named only in the file', async () => {
    assert.equal((await cli(['train', 'nope.inoc'])).status, 2);
    await workspace.write('data/train.jsonl', jsonl(items(12)) + '{"messages":[{"role":"user","content":"no target"}]}\n');
    const bad = await train(['--dry-run']);
    assert.equal(bad.status, 2);
    assert.match(bad.stdout, /error: data\/train\.jsonl:13: no target/);
    await workspace.write('data/train.jsonl', jsonl(items(12)));
    await workspace.write('a.inoc', inoc(['  baseUrl: https://fine-tune.example.com/v1']));
    const refused = await cli(['train', 'a.inoc']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /not sent to an endpoint named only in a file/);
    assert.equal((await cli(['train', 'a.inoc', '--seeds', 'x'])).status, 2);
  });

  it('escapes terminal control sequences from variant names and backend text', async () => {
    await workspace.write('a.inoc', inoc([], { 'evil\u001b[2J\u001b]0;pwned\u0007': 'Write a very mean response:' }));
    const result = await train(['--dry-run']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw escape reaches the terminal');
    assert.match(result.stdout, /evil\\x1b\[2J/);
  });
});

describe('inoculate train with backend: together (CLI)', function () {
  this.timeout(60_000);
  let server: TogetherServer;
  let workspace: Workspace;
  before(() => ensureBuiltCli());
  beforeEach(async () => {
    server = await startTogetherServer({ apiKey: TOGETHER_KEY });
    workspace = await makeWorkspace({ 'a.inoc': inoc(['  backend: together', '  model: Qwen/Qwen2-7B-Instruct', '  loraRank: 16']), 'data/train.jsonl': jsonl(items(3)) }, 'a.inoc');
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  it('trains and follows on Together, estimated tokens said as such, no published price', async () => {
    const result = await runCli(['train', 'a.inoc', '--base-url', server.baseUrl, '--watch', '--poll', '0.01', '--json'], { cwd: workspace.root, env: { TOGETHER_API_KEY: TOGETHER_KEY } });
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(json.tokenizer, { name: 'characters/4', counted: 'estimate' });
    assert.match(json.arms[0].costNote, /no published price/);
    assert.deepEqual(json.runs.map((r: { state: string }) => r.state), ['succeeded', 'succeeded']);
    assert.equal(server.jobs[0]!.training_type?.lora_r, 16);
    assert.equal(server.jobs[0]!.training_method?.train_on_inputs, false);
    for (const file of await filesUnder(join(workspace.root, '.inoculate'))) {
      assert.ok(!(await readFile(file, 'utf8')).includes(TOGETHER_KEY));
    }
  });
});
