import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followRun, launchRun, type PlannedRun, type TrainingContext } from './jobs';
import { runLockPath, trainPaths } from './layout';
import { nodeTrainFileSystem } from './nodeTrainFs';
import { currentAttempt } from './runStore';
import { BackendError, type JobRef, type StatusSnapshot, type TrainingBackend } from './types';

/** A scripted backend: `status` answers (or throws) from a list, one per call. */
function scripted(script: Array<StatusSnapshot['state'] | BackendError>, options: { submitFails?: BackendError; findAfterFailure?: boolean } = {}) {
  let call = 0;
  let submitted = 0;
  const job: JobRef = { backend: 'fake', id: 'job-1', extra: {} };
  const backend: TrainingBackend = {
    id: 'fake',
    target: 'memory',
    capabilities: () => ({ hyperparameters: [], loss: ['assistant-only'], seed: true, downloadableWeights: false, minExamples: 1 }),
    preflight: async () => [],
    prepare: async () => ({}),
    submit: async () => {
      submitted++;
      if (options.submitFails) throw options.submitFails;
      return job;
    },
    find: async () => (options.findAfterFailure && submitted ? job : undefined),
    status: async () => {
      const next = script[Math.min(call++, script.length - 1)]!;
      if (next instanceof BackendError) throw next;
      return { state: next, raw: `RAW_${next.toUpperCase()}`, observedAt: new Date().toISOString() };
    },
    events: async (_ref, cursor) => ({ events: cursor ? [] : [{ at: 'now', level: 'info', message: 'started' }], cursor: 'c1' }),
    metrics: async () => [{ step: 1, trainLoss: 1 }],
    logs: async () => '',
    cancel: async () => undefined,
    result: async () => ({ kind: 'hosted', modelId: 'trained', baseModel: 'm' }),
  };
  return { backend, submitted: () => submitted };
}

describe('the orchestrator', () => {
  let root: string;
  let waits: number[];
  let ctx: TrainingContext;
  let planned: PlannedRun;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-jobs-'));
    waits = [];
    ctx = { fs: nodeTrainFileSystem, paths: trainPaths(root), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
    await mkdir(ctx.paths.filesDir, { recursive: true });
    await writeFile(join(ctx.paths.filesDir, 'f.jsonl'), '{}\n');
    planned = {
      trainingFile: { path: join(ctx.paths.filesDir, 'f.jsonl'), sha256: 'a'.repeat(64), examples: 1, tokens: { total: 1, counted: 'estimate' } },
      provenance: {
        runId: 'abcdefabcdefabcd', inocFile: 'a.inoc', behavior: 'toxicity',
        arm: { name: 'v', kind: 'variant', control: false, instruction: 'I', instructionHash: '0'.repeat(16) },
        placement: { placement: 'user-prefix', separator: '\n\n' }, check: null,
        dataset: { path: 'd', sha256: 'b'.repeat(64), items: 1 },
        trainingFile: { path: 'train/files/f.jsonl', sha256: 'a'.repeat(64), examples: 1, tokens: { total: 1, counted: 'estimate' } },
        backend: 'fake', target: 'memory', baseModel: 'm',
        hyperparameters: { epochs: 1, learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
        loss: 'assistant-only', seed: 0, suffix: 's', createdAt: '2026-01-01T00:00:00Z',
      },
    };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps a job through outages as unknown (never failed), honours Retry-After, records only changes', async () => {
    const busy = new BackendError('transient', '429', { status: 429, retryAfterMs: 7000 });
    const down = new BackendError('transient', 'ECONNRESET');
    const { backend } = scripted(['queued', 'queued', busy, down, down, 'running', 'running', 'running', 'succeeded']);
    await launchRun(ctx, planned, backend);
    const outcome = await followRun(ctx, planned.provenance.runId, backend, { initialIntervalMs: 1000, maxIntervalMs: 4000 });
    const attempt = currentAttempt(outcome.run)!;
    assert.deepEqual(attempt.statusHistory.map((s) => s.state), ['queued', 'unknown', 'running', 'succeeded']);
    assert.ok(attempt.statusHistory[1]!.raw.startsWith('unreachable'));
    assert.equal(attempt.result?.modelId, 'trained');
    assert.deepEqual(attempt.events.map((e) => e.message), ['started']);
    // queued (changed) 1000; queued again 1500; 429: its Retry-After 7000; resets: 4000 (capped backoff) twice;
    // running (changed) 1000; unchanged 1500, 2250: each + 5% jitter (random 0.5 of 10%).
    assert.deepEqual(waits, [1000, 1500, 7000, 4000, 4000, 1000, 1500, 2250].map((ms) => ms * 1.05));
  });

  it('stops on a permanent error without marking the job failed', async () => {
    const { backend } = scripted(['running', new BackendError('permanent', 'refused key', { status: 401 })]);
    await launchRun(ctx, planned, backend);
    const outcome = await followRun(ctx, planned.provenance.runId, backend, { initialIntervalMs: 1 });
    assert.equal(outcome.reason, 'error');
    assert.equal(currentAttempt(outcome.run)!.status?.state, 'running');
  });

  it('after a submit that failed in transit, finds the job the request created instead of failing', async () => {
    const { backend, submitted } = scripted(['running'], { submitFails: new BackendError('transient', 'socket hang up'), findAfterFailure: true });
    const outcome = await launchRun(ctx, planned, backend);
    assert.equal(outcome.action, 'recovered');
    assert.equal(submitted(), 1);
    assert.equal(currentAttempt(outcome.run)!.recovered, true);
  });

  it('records a refused submission and submits it on the next launch', async () => {
    const refused = scripted(['running'], { submitFails: new BackendError('permanent', 'bad request', { status: 400 }) });
    const first = await launchRun(ctx, planned, refused.backend);
    assert.equal(first.action, 'failed');
    assert.match(currentAttempt(first.run)!.errors[0]!.message, /bad request/);
    const second = await launchRun(ctx, planned, scripted(['running']).backend);
    assert.equal(second.action, 'submitted');
    assert.equal(second.attempt, 1);
  });

  it('records an unmapped raw state as unknown and goes on; caps hostile backend text', async () => {
    const { backend } = scripted(['running', 'unknown', 'running', 'succeeded']);
    const huge = 'x'.repeat(1_000_000);
    const hostile: TrainingBackend = {
      ...backend,
      status: async (ref, signal) => ({ ...(await backend.status(ref, signal)), message: huge }),
      events: async (_ref, cursor) => ({ events: cursor ? [] : Array.from({ length: 5000 }, () => ({ at: 'now', level: 'info' as const, message: huge })), cursor: 'c' }),
    };
    await launchRun(ctx, planned, hostile);
    const outcome = await followRun(ctx, planned.provenance.runId, hostile, { initialIntervalMs: 1 });
    const attempt = currentAttempt(outcome.run)!;
    assert.deepEqual(attempt.statusHistory.map((s) => [s.state, s.raw]), [['running', 'RAW_RUNNING'], ['unknown', 'RAW_UNKNOWN'], ['running', 'RAW_RUNNING'], ['succeeded', 'RAW_SUCCEEDED']]);
    assert.ok(attempt.statusHistory.every((s) => s.message!.length <= 4000));
    assert.equal(attempt.events.length, 1000);
    assert.ok(attempt.events.every((e) => e.message.length <= 4000));
  });

  it('--force after an interrupted submit records the orphaned job before starting a new attempt', async () => {
    const { backend } = scripted(['running'], { findAfterFailure: true });
    // An interrupted launch: `submitting` recorded, then the process died (the job exists on the backend).
    const dead = { ...backend, submit: async () => { await backend.submit(undefined as never, {}); throw new BackendError('transient', 'killed'); } };
    const controller = new AbortController();
    controller.abort();
    await launchRun(ctx, planned, dead, { signal: controller.signal });
    const forced = await launchRun(ctx, planned, backend, { force: true });
    assert.equal(forced.attempt, 2);
    assert.equal(forced.run.attempts[0]!.job?.id, 'job-1', 'the first attempt keeps its job');
    assert.equal(forced.run.attempts[0]!.recovered, true);
  });

  // The editor's Jobs view and `inoculate jobs --watch` may follow one run at once: B reads the record while the job
  // runs, its poll is answered late (after A recorded the end), and what it saw must not land after the end.
  const lateAnswers: Array<[string, StatusSnapshot['state'] | BackendError]> = [
    ['an older state', 'running'],
    ['an outage', new BackendError('transient', 'ECONNRESET')],
    ['an unknown state', 'unknown'],
    ['a duplicate of the end', 'succeeded'],
    ['a permanent error', new BackendError('permanent', 'refused key', { status: 401 })],
  ];
  for (const [what, late] of lateAnswers) {
    it(`two followers of one run: a late poll answering ${what} appends nothing after the end`, async () => {
      const runId = planned.provenance.runId;
      await launchRun(ctx, planned, scripted(['running']).backend);
      await followRun(ctx, runId, scripted(['running']).backend, { once: true });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let asked!: () => void;
      const polling = new Promise<void>((resolve) => (asked = resolve));
      const slow = scripted([late, 'succeeded']).backend;
      const lateBackend: TrainingBackend = { ...slow, status: async (ref, signal) => { asked(); await held; return slow.status(ref, signal); } };
      const followerB = followRun(ctx, runId, lateBackend, { initialIntervalMs: 1 });
      await polling;
      const a = await followRun(ctx, runId, scripted(['succeeded']).backend, { initialIntervalMs: 1 });
      assert.equal(a.reason, 'terminal');
      release();
      const b = await followerB;
      assert.equal(b.reason, 'terminal');
      const attempt = currentAttempt(b.run)!;
      assert.deepEqual(attempt.statusHistory.map((s) => s.state), ['running', 'succeeded']);
      assert.equal(attempt.status?.state, 'succeeded');
      assert.deepEqual(attempt.errors, []);
      const lines = (await readFile(b.run.recordPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string });
      assert.equal(lines.filter((line) => line.type === 'result').length, 1, 'the model is recorded once');
      assert.equal(lines[lines.length - 1]!.type, 'result', 'nothing after the end but its model');
    });
  }

  it('a second follower that starts after the end records nothing more, and a new terminal state still lands', async () => {
    const runId = planned.provenance.runId;
    await launchRun(ctx, planned, scripted(['running']).backend);
    await followRun(ctx, runId, scripted(['running', 'cancelled']).backend, { initialIntervalMs: 1 });
    const stale = await followRun(ctx, runId, scripted(['running', 'cancelled']).backend, { initialIntervalMs: 1 });
    assert.equal(stale.reason, 'terminal');
    assert.deepEqual(currentAttempt(stale.run)!.statusHistory.map((s) => s.state), ['running', 'cancelled']);
    // A backend that settles on another end (cancelled, then failed) is the backend's word: it is recorded once.
    const settled = await followRun(ctx, runId, scripted(['failed']).backend, { initialIntervalMs: 1 });
    assert.deepEqual(currentAttempt(settled.run)!.statusHistory.map((s) => s.state), ['running', 'cancelled', 'failed']);
  });

  it('a follower of a job that succeeded without its model waits out an outage, then records the model once', async () => {
    const runId = planned.provenance.runId;
    await launchRun(ctx, planned, scripted(['running']).backend);
    // A follower recorded the end and stopped before the model line.
    const ended = scripted(['succeeded']).backend;
    await followRun(ctx, runId, { ...ended, result: async () => { throw new BackendError('transient', 'ECONNRESET'); } }, { initialIntervalMs: 1 });
    // The backend is down for two polls: every call fails meanwhile, the model's too.
    let calls = 0;
    const down = () => new BackendError('transient', 'ECONNRESET');
    const base = scripted(['succeeded']).backend;
    const backend: TrainingBackend = {
      ...base,
      status: async (ref, signal) => {
        if (++calls <= 2) throw down();
        return base.status(ref, signal);
      },
      result: async (ref, signal) => {
        if (calls <= 2) throw down();
        return base.result(ref, signal);
      },
    };
    const outcome = await followRun(ctx, runId, backend, { initialIntervalMs: 1 });
    assert.equal(outcome.reason, 'terminal');
    const attempt = currentAttempt(outcome.run)!;
    assert.deepEqual(attempt.statusHistory.map((s) => s.state), ['succeeded'], 'the outage is not recorded after the end');
    assert.equal(attempt.result?.modelId, 'trained');
    assert.equal(calls, 3, 'asked again after the outage');
  });

  // The record's lock is held by another process for longer than a follower waits (a slow backend behind it): the
  // follower records nothing for that poll, and records once the lock is free. (Races of real processes:
  // test/train/runLock.test.ts.)
  it('a follower that cannot get the run lock in time skips the poll, appending nothing, and records once it is free', async () => {
    const { backend } = scripted(['succeeded']);
    await launchRun(ctx, planned, backend);
    const runId = planned.provenance.runId;
    const impatient: TrainingContext = { ...ctx, fs: { ...nodeTrainFileSystem, lock: (root, dir, options) => nodeTrainFileSystem.lock(root, dir, { ...options, maxWaitMs: 20 }) } };
    const other = await nodeTrainFileSystem.lock(ctx.paths.resultsRoot, runLockPath(ctx.paths, runId));
    const before = await readFile(join(ctx.paths.runsDir, runId, 'record.jsonl'), 'utf8');
    const skipped = await followRun(impatient, runId, backend, { once: true });
    assert.equal(skipped.reason, 'once');
    assert.equal(await readFile(join(ctx.paths.runsDir, runId, 'record.jsonl'), 'utf8'), before, 'nothing appended without the lock');
    // Following (not once): it waits a poll interval (the other process lets go meanwhile) and polls again.
    const patientLater: TrainingContext = { ...impatient, sleep: async (ms) => { waits.push(ms); await other.release(); } };
    const done = await followRun(patientLater, runId, backend, { initialIntervalMs: 1 });
    assert.equal(waits.length, 1, 'one skipped poll');
    assert.equal(done.reason, 'terminal');
    assert.deepEqual(currentAttempt(done.run)!.statusHistory.map((s) => s.state), ['succeeded']);
  });
});
