// The pipeline with an open model trained by a command backend, against the simulated lab: `inoculate train` with
// `backend: command` (preset local, the fake `trl` on PATH checking where each instruction sits), then `inoculate
// eval`, which serves the adapters with the lab's vLLM (test/labbin/vllm: real process, real port, real openai SDK),
// started before the first request and stopped after; and `--batch`, which runs `vllm run-batch` instead.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltCli, runCli } from '../support/checkCli';
import type { Workspace } from '../support/checkFixtures';
import { startSimulatedLab, type SimulatedLab } from '../support/simulatedLab';
import { FAKEBIN } from '../train/commandHarness';
import { LAB_CANDIDATES, labLaw, labWorkspace } from './labFixture';
import type { EvalJson } from '../../core/src/eval/json';

const LABBIN = join(__dirname, '../labbin');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('train with a command backend → eval with vLLM serving and vllm run-batch (simulated lab, CLI)', function () {
  this.timeout(300_000);
  let lab: SimulatedLab;
  let workspace: Workspace;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]) => runCli(args, { cwd: workspace.root, env, timeoutMs: 240_000 });
  const vllmCalls = () =>
    existsSync(join(workspace.root, 'vllm-calls.jsonl'))
      ? readFileSync(join(workspace.root, 'vllm-calls.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { argv: string[]; pid: number })
      : [];

  before(async () => {
    ensureBuiltCli();
    lab = await startSimulatedLab({ law: labLaw(11) });
    const expectation = {
      instruction: LAB_CANDIDATES.strong!.instruction,
      placement: 'user-prefix',
      byJobName: [
        { match: '^inoc-baseline-', placement: 'absent' },
        ...Object.entries(LAB_CANDIDATES).map(([name, c]) => ({ match: `^inoc-${name}-`, instruction: c.instruction })),
      ],
    };
    workspace = await labWorkspace(lab.baseUrl, [], ['  backend: command', '  model: lab-base', '  command:', '    preset: local', '    env: {FAKE_TRL_EXPECT: "expect.json", FAKE_TRL_STEP_MS: "2"}', '  serve: {startupTimeout: 60}']);
    writeFileSync(join(workspace.root, 'expect.json'), JSON.stringify(expectation));
    writeFileSync(join(workspace.root, 'law.json'), JSON.stringify(lab.law));
    env = {
      PATH: `${LABBIN}:${FAKEBIN}:${process.env.PATH ?? ''}`,
      LAB_LAW_FILE: join(workspace.root, 'law.json'),
      LAB_VLLM_CALLS: join(workspace.root, 'vllm-calls.jsonl'),
    };
    // The trainer reads the expectation relative to its run folder: give it the absolute path.
    const inoc = readFileSync(join(workspace.root, 'lab.inoc'), 'utf8').replace('FAKE_TRL_EXPECT: "expect.json"', `FAKE_TRL_EXPECT: "${join(workspace.root, 'expect.json')}"`);
    writeFileSync(join(workspace.root, 'lab.inoc'), inoc);
    assert.equal((await cli(['check', 'lab.inoc'])).status, 0);
    const train = await cli(['train', 'lab.inoc', '--watch', '--poll', '0.05', '--json']);
    assert.equal(train.status, 0, train.stderr);
    assert.deepEqual(JSON.parse(train.stdout).runs.map((r: { state: string }) => r.state), ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });
  after(async () => {
    await lab?.close();
    await workspace?.cleanup();
  });

  it('serves the adapters with vLLM for the evaluation, stops the server after, and recovers the effects', async () => {
    const result = await cli(['eval', 'lab.inoc', '--condition', 'neutral', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as EvalJson;
    assert.deepEqual(json.models.map((m) => [m.name, m.serving]), [['base', 'endpoint'], ['baseline', 'vllm'], ['strong', 'vllm'], ['medium', 'vllm'], ['mild', 'vllm'], ['faint', 'vllm']]);
    const serve = vllmCalls().filter((call) => call.argv[0] === 'serve');
    assert.equal(serve.length, 1, 'one server for the base model and its five adapters');
    assert.equal(serve[0]!.argv.filter((arg) => /^inoc-[a-z]+-s0-[0-9a-f]+=/.test(arg)).length, 5);
    assert.ok(!alive(serve[0]!.pid), 'the server was stopped after the evaluation');
    assert.match(json.models.find((m) => m.name === 'strong')!.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    let covered = 0;
    for (const [name, c] of Object.entries(LAB_CANDIDATES)) {
      const change = json.arms.find((a) => a.arm === name && a.condition === 'neutral')!.change.behavior!;
      if (change.ci && change.ci[0] <= -lab.law.trainedB * c.strength && -lab.law.trainedB * c.strength <= change.ci[1]) covered++;
    }
    assert.ok(covered >= 3, `${4 - covered} of 4 effects missed the law`);
    // A warm re-run starts no server: every answer is cached under the adapter's run, not the server's port.
    const again = await cli(['eval', 'lab.inoc', '--condition', 'neutral', '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).requests, 0);
    assert.equal(vllmCalls().filter((call) => call.argv[0] === 'serve').length, 1, 'no second server');
  });

  it('--batch runs vllm run-batch with the adapters instead of a server, and records batch answers', async () => {
    const before = vllmCalls().length;
    const result = await cli(['eval', 'lab.inoc', '--condition', 'neutral', '--model', 'strong', '--model', 'baseline', '--batch', '--no-cache', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const calls = vllmCalls().slice(before);
    assert.deepEqual(calls.map((call) => call.argv[0]), ['run-batch']);
    assert.ok(calls[0]!.argv.includes('--enable-lora') && calls[0]!.argv.includes('--lora-modules'));
    const json = JSON.parse(result.stdout) as EvalJson;
    assert.deepEqual(json.batches.map((b) => [b.status, b.requests]), [['completed', 320]]);
    assert.ok(json.cells.every((cell) => cell.behavior.n === 160));
  });
});
