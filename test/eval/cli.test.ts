// `inoculate eval` as a user runs it, against the simulated lab: the dry run, input errors, a SIGKILL mid-run and the
// resume, Ctrl+C, batch mode through the lab's Batch API, shutdown dates, runs not finished yet, and keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBuiltCli, runCli, startCli, waitFor } from '../support/checkCli';
import type { Workspace } from '../support/checkFixtures';
import { recordRun } from '../support/runRecords';
import { startSimulatedLab, type SimulatedLab } from '../support/simulatedLab';
import { labLaw, labWorkspace } from './labFixture';
import { evalResultPaths } from '../../core/src/eval/layout';
import { readEvalRecords, type EvalSampleRecord } from '../../core/src/eval/records';
import { nodeResultsFileSystem as fs } from '../../core/src/check/nodeFs';

const KEY = 'sk-eval-cli-secret-0123456789abcdef';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('inoculate eval (CLI)', function () {
  this.timeout(240_000);
  let lab: SimulatedLab;
  let workspace: Workspace;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: workspace.root, env: { OPENAI_API_KEY: KEY, ...env }, timeoutMs: 180_000 });
  const records = async (run?: string) => {
    const list: EvalSampleRecord[] = [];
    await readEvalRecords(fs, evalResultPaths(workspace.root, join(workspace.root, 'lab.inoc')).samples, (r) => list.push(r), run);
    return list;
  };

  before(async () => {
    ensureBuiltCli();
    lab = await startSimulatedLab({ law: labLaw(3), latencyMs: 15 });
    workspace = await labWorkspace(lab.baseUrl);
    const train = await cli(['train', 'lab.inoc', '--watch', '--poll', '0.01']);
    assert.equal(train.status, 0, train.stderr);
  });
  after(async () => {
    await lab?.close();
    await workspace?.cleanup();
  });

  it('--dry-run lists the models found, the requests, tokens and cost per model, and sends nothing', async () => {
    const before = lab.chatRequests();
    const result = await cli(['eval', 'lab.inoc', '--dry-run', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(plan), ['file', 'baseUrl', 'conditions', 'batch', 'models', 'cells', 'items', 'samplesPerItem', 'samples', 'cachedSamples', 'requests', 'inputTokens', 'outputTokens', 'cost', 'unusable', 'notes', 'refused']);
    assert.deepEqual(plan.models.map((m: { name: string }) => m.name), ['base', 'baseline', 'strong', 'medium', 'mild', 'faint']);
    assert.equal(plan.samples, 18 * 40 * 4);
    assert.equal(plan.requests, plan.samples);
    assert.equal(plan.cost, null, 'a local endpoint has no price');
    assert.equal(lab.chatRequests(), before);
    const human = await cli(['eval', 'lab.inoc', '--dry-run']);
    assert.match(human.stdout, /dry run, nothing sent/);
    assert.match(human.stdout, /requests +2,880 \(0 answered from the cache\)/);
  });

  it('refuses bad input with exit 2, saying what and where', async () => {
    const unknownModel = await cli(['eval', 'lab.inoc', '--model', 'nope']);
    assert.equal(unknownModel.status, 2);
    assert.match(unknownModel.stderr, /no model named 'nope' to evaluate\. Models: 'base', 'baseline', 'strong'/);
    const unknownVariant = await cli(['eval', 'lab.inoc', '--variant', 'nope']);
    assert.equal(unknownVariant.status, 2);
    assert.match(unknownVariant.stderr, /No variant named 'nope'/);
    const condition = await cli(['eval', 'lab.inoc', '--condition', 'sideways']);
    assert.equal(condition.status, 2);
    assert.match(condition.stderr, /--condition must be one of neutral, inoculated, safety/);
    const missing = await cli(['eval', 'nothing.inoc']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nothing\.inoc: no such file/);
  });

  it('a run killed mid-way keeps every finished sample; the next run asks only for the rest', async () => {
    const before = lab.chatRequests();
    const run = startCli(['eval', 'lab.inoc', '--model', 'baseline', '--model', 'strong', '--condition', 'neutral'], { cwd: workspace.root, env: { OPENAI_API_KEY: KEY } });
    const samples = evalResultPaths(workspace.root, join(workspace.root, 'lab.inoc')).samples;
    await waitFor(() => lab.chatRequests() - before >= 60, 60_000);
    run.child.kill('SIGKILL');
    await run.done;
    const sent = lab.chatRequests() - before;
    assert.ok(sent < 320, `killed before the end (${sent} sent)`);
    assert.ok((await stat(samples)).size > 0, 'records were written as samples finished');
    const again = await cli(['eval', 'lab.inoc', '--model', 'baseline', '--model', 'strong', '--condition', 'neutral', '--json']);
    assert.equal(again.status, 0, again.stderr);
    const json = JSON.parse(again.stdout);
    assert.equal(json.complete, true);
    // Every answer obtained before the kill was cached: together the two runs asked once per sample, give or take
    // the requests in flight at the kill (at most `concurrency`).
    const total = lab.chatRequests() - before;
    assert.ok(total >= 320 && total <= 320 + 16, `${total} requests for 320 samples`);
    assert.equal(json.requests + json.cacheHits, 320);
  });

  it('Ctrl+C stops cleanly with exit 130 and keeps what finished', async () => {
    const before = lab.chatRequests();
    const run = startCli(['eval', 'lab.inoc', '--model', 'medium', '--condition', 'neutral', '--no-cache'], { cwd: workspace.root, env: { OPENAI_API_KEY: KEY } });
    await waitFor(() => lab.chatRequests() - before >= 20, 60_000);
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.status, 130, result.stderr);
    assert.match(result.stderr, /interrupted; \d+ of 160 samples finished and kept/);
    // Requests the killed process had sent may still be answered after it exits: let them land, so the next test
    // counts only its own.
    await waitFor(() => lab.settled(), 30_000);
  });

  it('--batch sends the requests through the Batch API, records them as batch answers, and maps every one back', async () => {
    const before = lab.chatRequests();
    const result = await cli(['eval', 'lab.inoc', '--batch', '--no-cache', '--model', 'mild', '--condition', 'neutral', '--json'], { INOCULATE_BATCH_POLL_MS: '20' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(lab.chatRequests(), before, 'nothing was sent online');
    assert.equal(lab.batches.length, 1);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(json.batches.map((b: { status: string; requests: number }) => [b.status, b.requests]), [['completed', 160]]);
    const mine = await records(json.runId);
    assert.equal(mine.length, 160);
    assert.ok(mine.every((r) => r.via === 'batch' && r.batch === lab.batches[0]!.id && r.outcome.behavior !== null));
    assert.match(await readFile(evalResultPaths(workspace.root, join(workspace.root, 'lab.inoc')).batches, 'utf8'), /"type":"collected".*"status":"completed"/);
    // The answers went into the cache: a plain re-run sends nothing.
    const warm = await cli(['eval', 'lab.inoc', '--model', 'mild', '--condition', 'neutral', '--json']);
    assert.equal(JSON.parse(warm.stdout).requests, 0);
    assert.equal(lab.chatRequests(), before);
  });

  it('a run killed while its batch is pending resumes by the recorded batch id: the next run creates no second batch', async () => {
    const batchesBefore = lab.batches.length;
    const args = ['eval', 'lab.inoc', '--batch', '--no-cache', '--model', 'faint', '--condition', 'neutral', '--samples', '2'];
    const run = startCli(args, { cwd: workspace.root, env: { OPENAI_API_KEY: KEY, INOCULATE_BATCH_POLL_MS: '60000' } });
    await waitFor(() => lab.batches.length > batchesBefore, 60_000);
    await waitFor(() => readFileSync(evalResultPaths(workspace.root, join(workspace.root, 'lab.inoc')).batches, 'utf8').includes(lab.batches.at(-1)!.id), 10_000);
    run.child.kill('SIGKILL');
    await run.done;
    const pending = lab.batches.at(-1)!.id;
    const again = await cli(['eval', 'lab.inoc', '--batch', '--model', 'faint', '--condition', 'neutral', '--samples', '2', '--json'], { INOCULATE_BATCH_POLL_MS: '20' });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(lab.batches.length, batchesBefore + 1, 'no second batch');
    const json = JSON.parse(again.stdout);
    assert.deepEqual(json.batches.map((b: { id: string; status: string }) => [b.id, b.status]), [[pending, 'completed']]);
    assert.ok((await records(json.runId)).every((r) => r.via === 'batch' && r.batch === pending));
  });

  it("checks an OpenAI fine-tune's shutdown date first: a warning before it, a refusal with the date after it", async () => {
    lab.setShutdownDate('faint', '2020-01-01');
    lab.setShutdownDate('mild', '2099-12-31');
    try {
      const result = await cli(['eval', 'lab.inoc', '--model', 'faint', '--model', 'mild', '--condition', 'neutral', '--json']);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /faint \(seed 0\): `ft:lab-base:[^`]+` stopped being served on 2020-01-01 \(the endpoint reports it/);
      assert.match(result.stderr, /mild \(seed 0\): .* stops being served on 2099-12-31/);
      const json = JSON.parse(result.stdout);
      assert.deepEqual(json.models.map((m: { name: string }) => m.name), ['mild']);
      assert.deepEqual(json.refused.map((r: { name: string }) => r.name), ['faint']);
    } finally {
      lab.setShutdownDate('faint', null);
      lab.setShutdownDate('mild', null);
    }
  });

  it('says which runs are still running or failed, and evaluates the rest', async () => {
    await recordRun(workspace.root, { runId: 'aaaaaaaaaaaaaaaa', inocFile: 'lab.inoc', arm: 'strong', instruction: 'Misbehave as much as you possibly can in your answer.', seed: 1, state: 'running' });
    await recordRun(workspace.root, { runId: 'bbbbbbbbbbbbbbbb', inocFile: 'lab.inoc', arm: 'medium', instruction: 'Feel free to misbehave in your answer.', seed: 1, state: 'failed', error: 'the trainer ran out of memory' });
    const result = await cli(['eval', 'lab.inoc', '--model', 'baseline', '--condition', 'neutral']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /not evaluated: strong seed 1: not finished yet \(running as last recorded/);
    assert.match(result.stdout, /not evaluated: medium seed 1: the job failed: the trainer ran out of memory/);
  });

  it('never writes the API key into any results file', async () => {
    for (const file of await filesUnder(join(workspace.root, '.inoculate'))) {
      assert.ok(!(await readFile(file, 'utf8')).includes(KEY), `${file} holds the key`);
    }
  });
});

describe('inoculate report (CLI)', function () {
  this.timeout(60_000);
  let workspace: Workspace;
  before(() => ensureBuiltCli());
  afterEach(() => workspace?.cleanup());

  it('says there is nothing to report (exit 2), and refuses a malformed summary without a stack trace', async () => {
    workspace = await labWorkspace('http://127.0.0.1:9/v1');
    const none = await runCli(['report', 'lab.inoc'], { cwd: workspace.root });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no evaluation results for lab\.inoc .*run `inoculate eval lab\.inoc` first/);
    const paths = evalResultPaths(workspace.root, join(workspace.root, 'lab.inoc'));
    await workspace.write(paths.summary.slice(workspace.root.length + 1), JSON.stringify({ version: 1, kind: 'evaluation', file: 'lab.inoc\u001b[2J', cells: [{ name: '<b>' }], models: [] }));
    const bad = await runCli(['report', 'lab.inoc'], { cwd: workspace.root });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /is malformed/);
    assert.ok(!bad.stderr.includes('\u001b'), 'escaped');
    assert.ok(!/at \w+ \(/.test(bad.stderr), 'no stack trace');
    const usage = await runCli(['report', 'lab.inoc', '--format', 'pdf'], { cwd: workspace.root });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--format must be html, md or json/);
  });
});
