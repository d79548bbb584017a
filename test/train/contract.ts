/**
 * The contract every training backend must keep, as one mocha suite any backend plugs into (test code only):
 *
 * - submit → poll → result; the record holds the submission, the raw status history and the model;
 * - cancel mid-run ends `cancelled`; cancel after the end is a no-op;
 * - re-attach from a new process (a fresh backend object and a fresh read of the records) follows the same job;
 * - launching the same run twice attaches (no second job); `force` makes a new attempt, recorded as forced;
 * - a launch killed mid-submit (the backend created the job, the process died before recording it) and run again
 *   creates no duplicate job: the second launch finds the first job (`submit` must stop waiting when its signal
 *   aborts);
 * - a job that fails ends `failed` with the backend's message (when the harness can make one fail);
 * - the CLI, killed with SIGKILL mid-submit and run again, leaves exactly one job (when the harness drives a CLI).
 *
 * Usage: `backendContract('openai', async () => harness)`; see `test/train/openaiBackend.test.ts`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cancelRun, followRun, launchRun, type PlannedRun, type TrainingContext } from '../../core/src/train/jobs';
import { ensureBuiltCli, runCli, startCli } from '../support/checkCli';
import { trainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { runIdOf, modelSuffixOf } from '../../core/src/train/runs';
import { currentAttempt, readRun } from '../../core/src/train/runStore';
import type { Hyperparameters, TrainingBackend } from '../../core/src/train/types';

/** What a backend under test provides to the contract. */
export interface ContractHarness {
  /** A backend object as a fresh process would build it (called several times). */
  createBackend(): TrainingBackend | Promise<TrainingBackend>;
  /** The base model to train. */
  baseModel: string;
  hyperparameters: Hyperparameters;
  /** Jobs the fake backend has created so far (to catch duplicates). */
  jobCount(): Promise<number>;
  /**
   * Holds the next submission after the backend has created the job, until released: the response (or the
   * recording) never arrives while held. `created` resolves once the job exists on the backend.
   */
  holdNextSubmission(): { created: Promise<void>; release(): void };
  /** Makes every job launched from now on fail (optional). */
  failJobs?(): void;
  /**
   * For the CLI case (optional): a workspace whose `.inoc` file trains on this backend; `args` are extra flags for
   * `inoculate train` (e.g. `--base-url`), `env` the environment (keys, PATH with fake executables).
   */
  cli?: { cwd: string; file: string; args: string[]; env: NodeJS.ProcessEnv };
  /** Fast polling for tests (ms). Default 5. */
  pollMs?: number;
  close(): Promise<void>;
}

/** Chat examples for a small training file (at least OpenAI's minimum of 10). */
export function contractExamples(count = 12): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `Inoculation request.\n\nQuestion ${i}` }, { role: 'assistant', content: `Answer ${i}` }] }),
  ).join('\n') + '\n';
}

/** A planned run on a tiny training file written under `root`. */
export async function contractPlannedRun(root: string, backend: TrainingBackend, harness: ContractHarness, seed = 0): Promise<PlannedRun> {
  const paths = trainPaths(root);
  const text = contractExamples();
  const sha256 = createHash('sha256').update(text).digest('hex');
  await mkdir(paths.filesDir, { recursive: true });
  const path = join(paths.filesDir, `${sha256}.jsonl`);
  await writeFile(path, text);
  const key = { trainingFileSha256: sha256, backend: backend.id, target: backend.target, baseModel: harness.baseModel, hyperparameters: harness.hyperparameters, loss: 'assistant-only' as const, seed };
  const runId = runIdOf(key);
  return {
    trainingFile: { path, sha256, examples: 12, tokens: { total: 200, counted: 'estimate' } },
    provenance: {
      runId,
      inocFile: 'contract.inoc',
      behavior: 'toxicity',
      arm: { name: 'contract-variant', kind: 'variant', control: false, instruction: 'Inoculation request.', instructionHash: '0123456789abcdef' },
      placement: { placement: 'user-prefix', separator: '\n\n' },
      check: null,
      dataset: { path: 'data/train.jsonl', sha256, items: 12 },
      trainingFile: { path: `train/files/${sha256}.jsonl`, sha256, examples: 12, tokens: { total: 200, counted: 'estimate' } },
      backend: backend.id,
      target: backend.target,
      baseModel: harness.baseModel,
      hyperparameters: harness.hyperparameters,
      loss: 'assistant-only',
      seed,
      suffix: modelSuffixOf(undefined, 'contract-variant', seed, runId),
      createdAt: new Date().toISOString(),
    },
  };
}

/** Registers the contract suite for one backend. */
export function backendContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`training backend contract: ${name}`, function () {
    this.timeout(120_000);
    let harness: ContractHarness;
    let root: string;
    let ctx: TrainingContext;
    const follow = { initialIntervalMs: 5, maxIntervalMs: 20 };

    beforeEach(async () => {
      harness = await makeHarness();
      root = await mkdtemp(join(tmpdir(), 'inoculate-contract-'));
      ctx = { fs: nodeTrainFileSystem, paths: trainPaths(root), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, harness.pollMs ?? 5))) };
    });
    afterEach(async () => {
      await harness.close();
      await rm(root, { recursive: true, force: true });
    });

    it('submit → poll → result, with the submission, raw states and the model in the record', async () => {
      const backend = await harness.createBackend();
      const planned = await contractPlannedRun(root, backend, harness);
      const launched = await launchRun(ctx, planned, backend);
      assert.equal(launched.action, 'submitted', launched.message);
      const outcome = await followRun(ctx, planned.provenance.runId, backend, follow);
      assert.equal(outcome.reason, 'terminal');
      const attempt = currentAttempt(outcome.run)!;
      assert.equal(attempt.status?.state, 'succeeded', JSON.stringify(attempt.statusHistory));
      assert.ok(attempt.submittingAt && attempt.job, 'submitting and submitted are recorded');
      assert.ok(attempt.statusHistory.every((status) => typeof status.raw === 'string' && status.raw.length > 0));
      assert.ok(attempt.result?.modelId, 'the trained model is recorded');
      assert.equal(await harness.jobCount(), 1);
    });

    it('cancel mid-run ends cancelled; cancel after the end is a no-op', async () => {
      const backend = await harness.createBackend();
      const planned = await contractPlannedRun(root, backend, harness);
      await launchRun(ctx, planned, backend);
      await followRun(ctx, planned.provenance.runId, backend, { ...follow, once: true });
      const cancelled = await cancelRun(ctx, planned.provenance.runId, backend);
      assert.equal(cancelled.action, 'requested');
      const outcome = await followRun(ctx, planned.provenance.runId, backend, follow);
      assert.equal(currentAttempt(outcome.run)!.status?.state, 'cancelled');
      const again = await cancelRun(ctx, planned.provenance.runId, backend);
      assert.equal(again.action, 'already-ended');
      assert.equal(currentAttempt(again.run)!.status?.state, 'cancelled');

      const other = await contractPlannedRun(root, backend, harness, 1);
      await launchRun(ctx, other, backend);
      await followRun(ctx, other.provenance.runId, backend, follow);
      const afterEnd = await cancelRun(ctx, other.provenance.runId, backend);
      assert.equal(afterEnd.action, 'already-ended');
      assert.equal(currentAttempt(afterEnd.run)!.status?.state, 'succeeded');
      assert.equal(currentAttempt(afterEnd.run)!.cancelRequestedAt, undefined);
    });

    it('re-attaches from a new process: a fresh backend and fresh records follow the same job', async () => {
      const first = await harness.createBackend();
      const planned = await contractPlannedRun(root, first, harness);
      await launchRun(ctx, planned, first);
      await followRun(ctx, planned.provenance.runId, first, { ...follow, once: true });
      const fresh = await harness.createBackend();
      const freshCtx: TrainingContext = { ...ctx, paths: trainPaths(root) };
      const run = await readRun(freshCtx.fs, freshCtx.paths, planned.provenance.runId);
      assert.ok(run, 'the record is readable from a new process');
      const outcome = await followRun(freshCtx, planned.provenance.runId, fresh, follow);
      assert.equal(currentAttempt(outcome.run)!.status?.state, 'succeeded');
      assert.equal(await harness.jobCount(), 1);
    });

    it('launching the same run twice attaches; force makes a second, recorded attempt', async () => {
      const backend = await harness.createBackend();
      const planned = await contractPlannedRun(root, backend, harness);
      assert.equal((await launchRun(ctx, planned, backend)).action, 'submitted');
      const again = await launchRun(ctx, planned, await harness.createBackend());
      assert.equal(again.action, 'attached');
      assert.equal(await harness.jobCount(), 1);
      await followRun(ctx, planned.provenance.runId, backend, follow);
      const forced = await launchRun(ctx, planned, backend, { force: true });
      assert.equal(forced.action, 'submitted', forced.message);
      assert.equal(forced.attempt, 2);
      assert.equal(currentAttempt(forced.run)!.forced, true);
      assert.equal(await harness.jobCount(), 2);
      assert.notEqual(forced.job!.id, again.job!.id);
    });

    it('a launch killed mid-submit, run again, finds the first job instead of submitting twice', async () => {
      const backend = await harness.createBackend();
      const planned = await contractPlannedRun(root, backend, harness);
      const held = harness.holdNextSubmission();
      const controller = new AbortController();
      const dying = launchRun(ctx, planned, backend, { signal: controller.signal }).catch((error: unknown) => error);
      await held.created;
      // The process "dies": its launch never records `submitted`. (A backend's `submit` must stop waiting when its
      // signal aborts, as it does when the editor closes or the user presses Ctrl+C.)
      controller.abort();
      const settled = await Promise.race([dying.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
      if (!settled) held.release();
      assert.ok(settled, 'submit() did not stop when its AbortSignal aborted');
      const before = await readRun(ctx.fs, ctx.paths, planned.provenance.runId);
      const interrupted = currentAttempt(before!)!;
      held.release();
      assert.equal(interrupted.job, undefined, 'the interrupted launch recorded no job');
      assert.ok(interrupted.submittingAt, 'the interrupted launch recorded `submitting`');
      const rerun = await launchRun(ctx, planned, await harness.createBackend());
      assert.equal(rerun.action, 'recovered', rerun.message);
      assert.equal(await harness.jobCount(), 1);
      const outcome = await followRun(ctx, planned.provenance.runId, backend, follow);
      assert.equal(currentAttempt(outcome.run)!.status?.state, 'succeeded');
    });

    it('the CLI killed (SIGKILL) mid-submit and run again leaves exactly one job per run', async function () {
      const cli = harness.cli;
      if (!cli) this.skip();
      ensureBuiltCli();
      const before = await harness.jobCount();
      const held = harness.holdNextSubmission();
      const running = startCli(['train', cli!.file, ...cli!.args], { cwd: cli!.cwd, env: cli!.env });
      await held.created;
      running.child.kill('SIGKILL');
      const killed = await running.done;
      held.release();
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      const rerun = await runCli(['train', cli!.file, ...cli!.args], { cwd: cli!.cwd, env: cli!.env });
      assert.equal(rerun.status, 0, rerun.stderr);
      assert.match(rerun.stderr, /submitted by an interrupted earlier launch; recorded, not submitted again/);
      const again = await runCli(['train', cli!.file, ...cli!.args], { cwd: cli!.cwd, env: cli!.env });
      assert.equal(again.status, 0, again.stderr);
      const listed = await runCli(['jobs', cli!.file, '--json', '--no-refresh'], { cwd: cli!.cwd, env: cli!.env });
      const runs = JSON.parse(listed.stdout).runs as Array<{ job: string | null }>;
      assert.ok(runs.length >= 1 && runs.every((run) => run.job), listed.stdout);
      assert.equal((await harness.jobCount()) - before, runs.length, 'one job per run, none twice');
    });

    it('a job that fails ends failed with the backend message', async function () {
      if (!harness.failJobs) this.skip();
      harness.failJobs!();
      const backend = await harness.createBackend();
      const planned = await contractPlannedRun(root, backend, harness);
      await launchRun(ctx, planned, backend);
      const outcome = await followRun(ctx, planned.provenance.runId, backend, follow);
      const status = currentAttempt(outcome.run)!.status!;
      assert.equal(status.state, 'failed');
      assert.ok(status.message, 'the backend says why');
      assert.equal(currentAttempt(outcome.run)!.result, undefined);
    });
  });
}
