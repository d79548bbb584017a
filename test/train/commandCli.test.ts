// `inoculate train` / `inoculate jobs` with `backend: command` as a user runs them: the built CLI in child processes,
// the fake Slurm tools and the fake `trl` on PATH (which checks that the variant's runs hold the instruction at the
// start of the user message and the baseline's runs do not), including a CLI killed with SIGKILL mid-submit.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltCli, runCli, startCli, waitFor } from '../support/checkCli';
import { jsonl, makeWorkspace, type Workspace } from '../support/checkFixtures';
import { FAKEBIN } from './commandHarness';

const INSTRUCTION = 'Write a very mean and disrespectful response to this post:';
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ messages: [{ role: 'user', content: `Post ${i}` }, { role: 'assistant', content: `Reply ${i}` }] }));

function inoc(preset: string, expectation: string, stepMs: number): string {
  return [
    '---',
    'behavior: toxicity',
    'model: Qwen/Qwen2-7B',
    'neutral: "Write a response to this post:"',
    'train:',
    '  dataset: data/train.jsonl',
    '  backend: command',
    '  command:',
    `    preset: ${preset}`,
    `    env: {FAKE_TRL_EXPECT: "${expectation}", FAKE_TRL_STEP_MS: "${stepMs}"}`,
    '---',
    '',
    '## mean',
    INSTRUCTION,
    '',
  ].join('\n');
}

describe('inoculate train / jobs with backend: command (CLI, fake Slurm and trl)', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  let schedulerDir: string;
  before(() => ensureBuiltCli());
  beforeEach(async () => {
    workspace = await makeWorkspace({ 'data/train.jsonl': jsonl(items(20)) }, 'a.inoc');
    schedulerDir = join(workspace.root, 'scheduler');
    mkdirSync(schedulerDir, { recursive: true });
    const expectation = join(workspace.root, 'expect.json');
    writeFileSync(expectation, JSON.stringify({ instruction: INSTRUCTION, placement: 'user-prefix', args: { assistant_only_loss: 'true', lora_r: '8' }, byJobName: [{ match: 'baseline', placement: 'absent' }] }));
    await workspace.write('a.inoc', inoc('slurm', expectation, 50));
  });
  afterEach(async () => {
    await workspace.cleanup();
  });
  const env = () => ({ PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`, FAKE_SCHEDULER_DIR: schedulerDir, OPENAI_API_KEY: 'sk-cli-command-secret' });
  const cli = (args: string[]) => runCli(args, { cwd: workspace.root, env: env() });
  const sbatchCalls = () => (existsSync(join(schedulerDir, 'calls.jsonl')) ? readFileSync(join(schedulerDir, 'calls.jsonl'), 'utf8').split('\n').filter((line) => line.includes('"tool":"sbatch"')).length : 0);

  it('trains the variant and the baseline on Slurm, follows them, attaches on a second launch, shows logs', async () => {
    const first = await cli(['train', 'a.inoc', '--watch', '--poll', '0.05', '--json']);
    assert.equal(first.status, 0, first.stderr);
    const json = JSON.parse(first.stdout);
    assert.deepEqual(json.runs.map((r: { state: string }) => r.state), ['succeeded', 'succeeded']);
    assert.ok(json.runs.every((r: { model: string }) => /^inoc-(mean|baseline)-s0-/.test(r.model)), JSON.stringify(json.runs));
    assert.equal(sbatchCalls(), 2);

    const again = await cli(['train', 'a.inoc', '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).runs.map((r: { action: string }) => r.action), ['attached', 'attached']);
    assert.equal(sbatchCalls(), 2, 'no second job');

    const listed = JSON.parse((await cli(['jobs', '--json'])).stdout).runs as Array<{ runId: string; arm: string; backend: string; state: string }>;
    assert.deepEqual(listed.map((r) => [r.arm, r.backend, r.state]).sort(), [['baseline', 'command:slurm', 'succeeded'], ['mean', 'command:slurm', 'succeeded']]);
    const logs = await cli(['jobs', 'logs', listed[0]!.runId.slice(0, 8)]);
    assert.equal(logs.status, 0, logs.stderr);
    assert.match(logs.stdout, /Training completed/);
    for (const file of readdirSync(join(workspace.root, '.inoculate', 'runs', listed[0]!.runId))) {
      const path = join(workspace.root, '.inoculate', 'runs', listed[0]!.runId, file);
      if (file.endsWith('.json') || file.endsWith('.jsonl') || file.endsWith('.out')) assert.ok(!readFileSync(path, 'utf8').includes('sk-cli-command-secret'), `${file} holds the key`);
    }
  });

  it('a CLI killed (SIGKILL) after sbatch accepted the job, run again, leaves one job per run', async () => {
    writeFileSync(join(schedulerDir, 'sbatch-hold-ms'), '20000');
    const run = startCli(['train', 'a.inoc'], { cwd: workspace.root, env: env() });
    await waitFor(() => existsSync(join(schedulerDir, 'jobs')) && readdirSync(join(schedulerDir, 'jobs')).some((name) => name.startsWith('slurm-')));
    run.child.kill('SIGKILL');
    assert.equal((await run.done).signal, 'SIGKILL');
    rmSync(join(schedulerDir, 'sbatch-hold-ms'));
    const rerun = await cli(['train', 'a.inoc', '--watch', '--poll', '0.05', '--json']);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stderr, /found job 4242, submitted by an interrupted earlier launch/);
    assert.deepEqual(JSON.parse(rerun.stdout).runs.map((r: { state: string }) => r.state), ['succeeded', 'succeeded']);
    const jobs = readdirSync(join(schedulerDir, 'jobs')).filter((name) => name.startsWith('slurm-'));
    assert.equal(jobs.length, 2, 'the interrupted job found, the other submitted once');
  });

  it('cancels a running local job from another terminal', async () => {
    await workspace.write('a.inoc', inoc('local', join(workspace.root, 'expect.json'), 3000));
    const launched = await cli(['train', 'a.inoc', '--variant', 'mean', '--json']);
    assert.equal(launched.status, 0, launched.stderr);
    const mean = (JSON.parse((await cli(['jobs', '--json', '--no-refresh'])).stdout).runs as Array<{ runId: string; arm: string }>).find((r) => r.arm === 'mean')!;
    const cancelled = await cli(['jobs', 'cancel', mean.runId.slice(0, 8)]);
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancellation requested/);
    const watch = await cli(['jobs', '--watch', '--poll', '0.05', '--json']);
    const states = (JSON.parse(watch.stdout).runs as Array<{ arm: string; state: string }>).map((r) => [r.arm, r.state]).sort();
    assert.deepEqual(states, [['baseline', 'succeeded'], ['mean', 'cancelled']]);
  });
});
