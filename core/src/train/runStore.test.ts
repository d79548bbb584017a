import * as assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRecordPath, trainPaths, type TrainPaths } from './layout';
import { nodeTrainFileSystem } from './nodeTrainFs';
import type { RunProvenance } from './runs';
import { currentAttempt, findRunsByPrefix, listRuns, readRun, RunRecorder } from './runStore';

const provenance = (runId: string, arm: string, seed: number, createdAt: string): RunProvenance => ({
  runId,
  inocFile: 'a.inoc',
  behavior: 'toxicity',
  arm: { name: arm, kind: 'variant', control: false, instruction: 'Be mean.', instructionHash: '0'.repeat(16) },
  placement: { placement: 'user-prefix', separator: '\n\n' },
  check: null,
  dataset: { path: 'd.jsonl', sha256: 'f'.repeat(64), items: 1 },
  trainingFile: { path: 'train/files/x.jsonl', sha256: 'e'.repeat(64), examples: 1, tokens: { total: 1, counted: 'estimate' } },
  backend: 'openai',
  target: 'http://127.0.0.1:1/v1',
  baseModel: 'm',
  hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
  loss: 'assistant-only',
  seed,
  suffix: 's',
  createdAt,
});

describe('run records', () => {
  let root: string;
  let paths: TrainPaths;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-runs-'));
    paths = trainPaths(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('fold into attempts with the status history, ignoring a line cut by a crash', async () => {
    const id = '0123456789abcdef';
    const recorder = await RunRecorder.open(nodeTrainFileSystem, paths, id);
    await recorder.append('created', { provenance: provenance(id, 'v', 0, '2026-01-01T00:00:00Z') });
    await recorder.append('attempt', { attempt: 1, forced: false });
    await recorder.append('submitting', { attempt: 1, submissionKey: id });
    await recorder.append('submitted', { attempt: 1, job: { backend: 'openai', id: 'ftjob-1', extra: {} }, recovered: false });
    await recorder.append('status', { attempt: 1, status: { state: 'queued', raw: 'validating_files', observedAt: 'x' } });
    await recorder.close();
    await appendFile(runRecordPath(paths, id), '{"type":"status","at":"x","attempt":1,"status":{"state":"fai');
    // A later writer seals the cut line and appends whole lines.
    const next = await RunRecorder.open(nodeTrainFileSystem, paths, id);
    await next.append('status', { attempt: 1, status: { state: 'running', raw: 'running', observedAt: 'y' } });
    await next.close();
    const run = (await readRun(nodeTrainFileSystem, paths, id))!;
    const attempt = currentAttempt(run)!;
    assert.equal(attempt.job?.id, 'ftjob-1');
    assert.deepEqual(attempt.statusHistory.map((s) => s.raw), ['validating_files', 'running']);
  });

  it('lists runs of a file by arm and seed, oldest first, skipping foreign folders and symlinks', async () => {
    const ids = ['1111111111111111', '2222222222222222', '3333333333333333'];
    const specs: Array<[string, number, string]> = [['b', 1, '2026-01-03'], ['a', 0, '2026-01-01'], ['a', 1, '2026-01-02']];
    for (const [i, id] of ids.entries()) {
      const recorder = await RunRecorder.open(nodeTrainFileSystem, paths, id);
      await recorder.append('created', { provenance: provenance(id, specs[i]![0], specs[i]![1], specs[i]![2]) });
      await recorder.close();
    }
    await mkdir(join(paths.runsDir, 'not-a-run'), { recursive: true });
    await symlink(join(paths.runsDir, ids[0]!), join(paths.runsDir, '4444444444444444'));
    const all = await listRuns(nodeTrainFileSystem, paths);
    assert.deepEqual(all.map((r) => r.runId), [ids[1], ids[2], ids[0]]);
    assert.deepEqual((await listRuns(nodeTrainFileSystem, paths, { arm: 'a', seed: 1 })).map((r) => r.runId), [ids[2]]);
    assert.deepEqual(await findRunsByPrefix(nodeTrainFileSystem, paths, '22'), [ids[1]]);
    assert.deepEqual(await findRunsByPrefix(nodeTrainFileSystem, paths, '../x'), []);
    assert.equal(await readRun(nodeTrainFileSystem, paths, '../../etc'), undefined);
  });
});
