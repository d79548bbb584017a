// Races on one training run between processes (the editor's Jobs view and `inoculate jobs --watch`; two
// `inoculate train` launches): real child processes, lined up with a barrier on their stdin, against the fake
// OpenAI fine-tuning server. Without the run lock the follower and launch races fail (run the racers with
// `noLock: true` to see it); with it, each change is appended once and each run is submitted once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTrainingBackend } from '../../core/src/train/backends';
import { launchRun, type PlannedRun } from '../../core/src/train/jobs';
import { runLockPath, trainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { readRecordLines } from '../../core/src/train/runStore';
import { isTerminal } from '../../core/src/train/types';
import { ensureBuiltCli, ROOT, runCli, startCli } from '../support/checkCli';
import { jsonl, makeWorkspace } from '../support/checkFixtures';
import { startOpenAIFineTuningServer, type OpenAIFineTuningServer } from '../support/openaiFineTuningServer';
import { provenanceOf } from '../support/runRecords';
import { trainingJsonl, writeTrainingFile } from '../support/trainSpec';

const KEY = 'sk-run-lock-secret-0123456789';
const ROUNDS = 12;
const RACERS = 3;

/** A racer process (test/support/runLockRacer.ts): its `ready`, result and `held` lines arrive in order. */
interface Racer {
  child: ChildProcess;
  next(): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

async function startRacer(dir: string, name: string, request: object): Promise<Racer> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(request));
  // `node --import tsx`, not the tsx wrapper: a SIGKILL must reach the process that holds the lock.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'runLockRacer.ts'), file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`racer ${name} ended early: ${(await exited).stderr}`);
    return line.value;
  };
  return { child, next, exited };
}

/** Runs `racers` round by round: every racer reports ready, then all are released at once; returns each round's answers. */
async function race(racers: Racer[], rounds: number): Promise<Array<Array<Record<string, unknown>>>> {
  const answers: Array<Array<Record<string, unknown>>> = [];
  for (let round = 0; round < rounds; round++) {
    for (const racer of racers) assert.equal(await racer.next(), `ready ${round}`);
    for (const racer of racers) racer.child.stdin!.write('go\n');
    answers.push(await Promise.all(racers.map(async (racer) => JSON.parse(await racer.next()) as Record<string, unknown>)));
  }
  for (const racer of racers) assert.equal((await racer.exited).code, 0, (await racer.exited).stderr);
  return answers;
}

describe('run lock: concurrent followers and launches of one run (processes)', function () {
  this.timeout(120_000);
  let server: OpenAIFineTuningServer;
  let workspace: string;
  const paths = () => trainPaths(workspace);

  /** A planned run on the fake server, with its own run id. */
  const plannedRun = (index: number): PlannedRun => {
    const runId = (0xa000000000000000n + BigInt(index)).toString(16);
    const provenance = provenanceOf({ runId, arm: 'mean', instruction: 'Be mean.', seed: index, target: server.baseUrl, baseModel: 'gpt-4.1-mini-2025-04-14', state: 'planned' });
    return { provenance, trainingFile: writeTrainingFile(join(workspace, 'train'), trainingJsonl(12, 'user-prefix')) };
  };
  const request = (action: string, rounds: Array<{ runId: string; planned?: PlannedRun }>) => ({ action, workspace, baseUrl: server.baseUrl, apiKey: KEY, rounds });

  beforeEach(async () => {
    // A job is `succeeded` from its first poll on: every poll of every follower sees the end.
    server = await startOpenAIFineTuningServer({ apiKey: KEY, states: ['validating_files', 'succeeded'] });
    workspace = await mkdtemp(join(tmpdir(), 'inoculate-runlock-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it(`${RACERS} followers polling one ended job at the same moment append its end and its model once (${ROUNDS} rounds)`, async () => {
    const backend = createTrainingBackend({ id: 'openai', target: server.baseUrl }, { fs: nodeTrainFileSystem, apiKey: KEY });
    const runs: PlannedRun[] = [];
    for (let index = 0; index < ROUNDS; index++) {
      const planned = plannedRun(index);
      assert.equal((await launchRun({ fs: nodeTrainFileSystem, paths: paths() }, planned, backend)).action, 'submitted');
      runs.push(planned);
    }
    const rounds = runs.map((planned) => ({ runId: planned.provenance.runId }));
    const racers = await Promise.all(Array.from({ length: RACERS }, (_, i) => startRacer(workspace, `follower-${i}`, request('follow', rounds))));
    const answers = await race(racers, ROUNDS);
    for (const [index, planned] of runs.entries()) {
      assert.deepEqual(answers[index]!.map((a) => a.reason), Array(RACERS).fill('terminal'));
      const lines = (await readRecordLines(nodeTrainFileSystem, join(paths().runsDir, planned.provenance.runId, 'record.jsonl')))!;
      const statuses = lines.flatMap((line) => (line.type === 'status' ? [line.status.state] : []));
      assert.deepEqual(statuses, ['succeeded'], `round ${index}: one status line, the end`);
      assert.equal(lines.filter((line) => line.type === 'result').length, 1, `round ${index}: the model recorded once`);
      const end = lines.findIndex((line) => line.type === 'status' && isTerminal(line.status.state));
      assert.ok(lines.slice(end + 1).every((line) => line.type === 'events' || line.type === 'metrics' || line.type === 'result'), `round ${index}: nothing but the end's details after the end`);
      assert.equal(lines.filter((line) => line.type === 'events').length <= 1, true, `round ${index}: the events once`);
      assert.ok(!existsSync(runLockPath(paths(), planned.provenance.runId)), 'the lock is released');
    }
  });

  it(`${RACERS} launches of one run at the same moment submit one job; the others attach to it (${ROUNDS} rounds)`, async () => {
    const runs = Array.from({ length: ROUNDS }, (_, index) => plannedRun(index));
    const rounds = runs.map((planned) => ({ runId: planned.provenance.runId, planned }));
    const racers = await Promise.all(Array.from({ length: RACERS }, (_, i) => startRacer(workspace, `launcher-${i}`, request('launch', rounds))));
    const answers = await race(racers, ROUNDS);
    for (const [index, planned] of runs.entries()) {
      const actions = answers[index]!.map((a) => a.action).sort();
      assert.deepEqual(actions, ['attached', 'attached', 'submitted'], `round ${index}`);
      assert.equal(new Set(answers[index]!.map((a) => a.job)).size, 1, `round ${index}: every launch names the same job`);
      const lines = (await readRecordLines(nodeTrainFileSystem, join(paths().runsDir, planned.provenance.runId, 'record.jsonl')))!;
      assert.equal(lines.filter((line) => line.type === 'created').length, 1, `round ${index}: created once`);
      assert.equal(lines.filter((line) => line.type === 'submitting').length, 1, `round ${index}: submitted once`);
    }
    assert.equal(server.jobs.length, ROUNDS, 'one job per run at the server');
  });

  it('a lock left by a SIGKILLed process is taken over once stale; the follower then records the end', async () => {
    const backend = createTrainingBackend({ id: 'openai', target: server.baseUrl }, { fs: nodeTrainFileSystem, apiKey: KEY });
    const planned = plannedRun(0);
    await launchRun({ fs: nodeTrainFileSystem, paths: paths() }, planned, backend);
    const runId = planned.provenance.runId;
    const holder = await startRacer(workspace, 'holder', request('hold', [{ runId }]));
    assert.equal(await holder.next(), 'ready 0');
    holder.child.stdin!.write('go\n');
    assert.equal(await holder.next(), 'held');
    holder.child.kill('SIGKILL');
    assert.equal((await holder.exited).signal, 'SIGKILL');
    assert.ok(existsSync(runLockPath(paths(), runId)), 'a killed holder cannot remove its lock');

    // No clock tricks: the follower waits while the dead holder's lock is fresh and takes it over once stale (10 s).
    const follower = await startRacer(workspace, 'follower', request('follow', [{ runId }]));
    const started = Date.now();
    const [answers] = await race([follower], 1);
    assert.equal(answers![0]!.reason, 'terminal');
    assert.ok(Date.now() - started >= 5_000, 'a fresh lock of a holder that may be alive is not taken at once');
    const lines = (await readRecordLines(nodeTrainFileSystem, join(paths().runsDir, runId, 'record.jsonl')))!;
    assert.deepEqual(lines.flatMap((line) => (line.type === 'status' ? [line.status.state] : [])), ['succeeded']);
    assert.ok(!existsSync(runLockPath(paths(), runId)));
  });
});

describe('run lock: two `inoculate train` of the same runs at once (CLI)', function () {
  this.timeout(120_000);
  before(() => ensureBuiltCli());

  it('submits each run once: one job per run at the fake server, the other launch attaches', async () => {
    const server = await startOpenAIFineTuningServer({ apiKey: KEY });
    const inoc = ['---', 'behavior: toxicity', 'model: gpt-4.1-mini-2025-04-14', 'neutral: "Write a response to this post:"', 'train:', '  dataset: data/train.jsonl', '---', '', '## mean', 'Write a very mean and disrespectful response to this post:', ''].join('\n');
    const items = Array.from({ length: 12 }, (_, i) => ({ messages: [{ role: 'user', content: `Post ${i}` }, { role: 'assistant', content: `Reply ${i}` }] }));
    const ws = await makeWorkspace({ 'a.inoc': inoc, 'data/train.jsonl': jsonl(items) }, 'a.inoc');
    try {
      const args = ['train', 'a.inoc', '--base-url', server.baseUrl, '--json'];
      const env = { OPENAI_API_KEY: KEY };
      const launches = [startCli(args, { cwd: ws.root, env }), startCli(args, { cwd: ws.root, env })];
      const results = await Promise.all(launches.map((launch) => launch.done));
      for (const result of results) assert.equal(result.status, 0, result.stderr);
      const runs = results.map((result) => JSON.parse(result.stdout).runs as Array<{ runId: string; action: string; job: string }>);
      assert.equal(server.jobs.length, 2, 'one job per run (the variant and the baseline)');
      for (const run of runs[0]!) {
        const other = runs[1]!.find((r) => r.runId === run.runId)!;
        assert.deepEqual([run.action, other.action].sort(), ['attached', 'submitted']);
        assert.equal(run.job, other.job);
      }
      const listed = await runCli(['jobs', '--json'], { cwd: ws.root, env });
      assert.equal(listed.status, 0, listed.stderr);
    } finally {
      await server.close();
      await ws.cleanup();
    }
  });
});
