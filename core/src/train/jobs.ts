/**
 * The training orchestrator: launch (preflight → prepare → `submitting` record → submit → `submitted` record),
 * follow (poll with capped, jittered backoff; events and metrics into the record; stop at terminal states), cancel,
 * and re-attach from records in a new process. Backends make single calls; every loop, wait and record is here.
 *
 * Two rules make jobs hard to lose or duplicate:
 * - A process that dies between `submitting` and `submitted` left a job that may or may not exist: the next launch
 *   asks `backend.find(spec)` (by the submission key every backend carries into its job) before submitting again.
 * - Whoever reads a run's record to decide what to append holds the run's lock folder (`runs/<runId>/record.lock`)
 *   from the read to the append: two launches of one run submit once (the second waits, then attaches), and two
 *   followers (the editor and `inoculate jobs --watch`) never both append the same change or append after the end.
 * - A backend that cannot be reached, answers 429 or 5xx, or reports a state we do not know is `unknown`: never
 *   failed, never terminal; polling goes on (honouring `Retry-After`) and the job stays in the record.
 */
import { runDir, runLockPath, type TrainPaths } from './layout';
import { attemptSuffixOf, jobNameOf, modelSuffixOf, submissionKeyOf, type RunProvenance } from './runs';
import { currentAttempt, readRun, RunRecorder, type AttemptState, type RunState } from './runStore';
import { LockBusyError, type HeldLock, type TrainFileSystem } from './trainFs';
import {
  BackendError,
  isTerminal,
  type JobRef,
  type MetricPoint,
  type PreflightIssue,
  type StatusSnapshot,
  type TrainingBackend,
  type TrainingFileRef,
  type TrainingSpec,
} from './types';

/** How long a launch waits for another launch of the same run (which may be uploading a large training file). */
const LAUNCH_LOCK_WAIT_MS = 15 * 60_000;
/** How long a follower waits for another follower's poll before skipping its own (it polls again later). */
const FOLLOW_LOCK_WAIT_MS = 60_000;

/** Takes run `runId`'s record lock (its folder exists: the record was opened). */
function lockRun(ctx: TrainingContext, runId: string, signal: AbortSignal | undefined, maxWaitMs: number): Promise<HeldLock> {
  return ctx.fs.lock(ctx.paths.resultsRoot, runLockPath(ctx.paths, runId), { signal, maxWaitMs });
}

/** What the orchestrator needs from its surroundings (injected; tests pass fakes of the clock and the waits). */
export interface TrainingContext {
  fs: TrainFileSystem;
  paths: TrainPaths;
  now?: () => Date;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/** A run ready to launch: its provenance and the training file it trains on. */
export interface PlannedRun {
  provenance: RunProvenance;
  trainingFile: TrainingFileRef;
}

/** The spec of `planned`'s attempt `attempt`: what the backend receives. */
export function specOf(planned: PlannedRun, attempt: number, paths: TrainPaths): TrainingSpec {
  const p = planned.provenance;
  const submissionKey = submissionKeyOf(p.runId, attempt);
  return {
    runId: p.runId,
    attempt,
    submissionKey,
    jobName: jobNameOf(p.arm.name, p.seed, p.runId, attempt),
    baseModel: p.baseModel,
    trainingFile: planned.trainingFile,
    hyperparameters: p.hyperparameters,
    loss: p.loss,
    seed: p.seed,
    suffix: attemptSuffixOf(p.suffix, attempt),
    // Metadata values come from the file (variant names): backends must treat them as data, never as commands.
    metadata: {
      inoculate_run: submissionKey,
      inoculate_arm: p.arm.name.slice(0, 64),
      inoculate_instruction: p.arm.instructionHash,
      inoculate_seed: String(p.seed),
    },
    runDir: runDir(paths, p.runId),
  };
}

/** The planned run of an existing record (for re-attaching: the training file need not exist any more). */
export function plannedFromRecord(run: RunState, paths: TrainPaths): PlannedRun {
  const file = run.provenance.trainingFile;
  return { provenance: run.provenance, trainingFile: { ...file, path: file.path.startsWith('/') ? file.path : `${paths.resultsRoot}/${file.path}` } };
}

/** What a launch did. */
export interface LaunchOutcome {
  runId: string;
  attempt: number;
  /**
   * `submitted`: a new job; `attached`: the run already had a job (nothing sent); `recovered`: a job submitted by an
   * interrupted earlier launch was found and recorded; `refused`: preflight found errors; `failed`: the submission
   * failed (the message says why; the record keeps it).
   */
  action: 'submitted' | 'attached' | 'recovered' | 'refused' | 'failed';
  job?: JobRef;
  issues: PreflightIssue[];
  message?: string;
  /** For `failed`: whether trying again later may work (`transient`), and the HTTP status when there was one. */
  failure?: { kind: 'transient' | 'permanent'; status?: number };
  run: RunState;
}

/** Options of `launchRun`. */
export interface LaunchOptions {
  /** Submit a new attempt even when the run already has a job. */
  force?: boolean;
  signal?: AbortSignal;
}

function classify(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError('transient', message);
}

/**
 * Launches `planned` on `backend`: attaches to its existing job unless `force`, recovers a job an interrupted launch
 * submitted, else preflight → prepare → submit, recording each step.
 */
export async function launchRun(ctx: TrainingContext, planned: PlannedRun, backend: TrainingBackend, options: LaunchOptions = {}): Promise<LaunchOutcome> {
  const { fs, paths } = ctx;
  const now = ctx.now ?? (() => new Date());
  const runId = planned.provenance.runId;
  const recorder = await RunRecorder.open(fs, paths, runId, now);
  let lock: HeldLock | undefined;
  try {
    // Held until this launch has recorded its outcome: a concurrent launch of this run waits, then attaches.
    lock = await lockRun(ctx, runId, options.signal, LAUNCH_LOCK_WAIT_MS);
    let run = await readRun(fs, paths, runId);
    if (!run) {
      await recorder.append('created', { provenance: planned.provenance });
      await recorder.append('attempt', { attempt: 1, forced: false });
      run = (await readRun(fs, paths, runId))!;
    }
    let attempt = currentAttempt(run);
    if (attempt?.job && !options.force) {
      return { runId, attempt: attempt.attempt, action: 'attached', job: attempt.job, issues: [], run };
    }
    if (attempt && options.force && attempt.submittingAt && !attempt.job) {
      // The attempt being replaced was interrupted mid-submit: record its job if it exists, so it is not orphaned.
      const orphan = await backend.find(specOf(planned, attempt.attempt, paths), options.signal).catch(() => undefined);
      if (orphan) await recorder.append('submitted', { attempt: attempt.attempt, job: orphan, recovered: true });
    }
    if (!attempt || options.force) {
      const number = (attempt?.attempt ?? 0) + 1;
      await recorder.append('attempt', { attempt: number, forced: !!options.force && number > 1 });
      run = (await readRun(fs, paths, runId))!;
      attempt = currentAttempt(run)!;
    }
    const spec = specOf(planned, attempt.attempt, paths);

    // An earlier launch died after `submitting`: the job may exist. Ask before submitting again.
    if (attempt.submittingAt && !attempt.job) {
      const found = await backend.find(spec, options.signal);
      if (found) {
        await recorder.append('submitted', { attempt: attempt.attempt, job: found, recovered: true });
        return { runId, attempt: attempt.attempt, action: 'recovered', job: found, issues: [], run: (await readRun(fs, paths, runId))! };
      }
    }

    const issues = await backend.preflight(spec, options.signal);
    await recorder.append('preflight', { attempt: attempt.attempt, issues });
    if (issues.some((issue) => issue.severity === 'error')) {
      const message = issues.filter((issue) => issue.severity === 'error').map((issue) => issue.message).join(' ');
      await recorder.append('error', { attempt: attempt.attempt, stage: 'preflight', message });
      return { runId, attempt: attempt.attempt, action: 'refused', issues, message, run: (await readRun(fs, paths, runId))! };
    }

    let prepared: Record<string, string>;
    try {
      prepared = await backend.prepare(spec, options.signal);
    } catch (error) {
      const failure = classify(error);
      await recorder.append('error', { attempt: attempt.attempt, stage: 'prepare', message: failure.message });
      return { runId, attempt: attempt.attempt, action: 'failed', issues, message: failure.message, failure: { kind: failure.kind, status: failure.details.status }, run: (await readRun(fs, paths, runId))! };
    }
    await recorder.append('prepared', { attempt: attempt.attempt, prepared });
    await recorder.append('submitting', { attempt: attempt.attempt, submissionKey: spec.submissionKey });
    let job: JobRef;
    try {
      job = await backend.submit(spec, prepared, options.signal);
    } catch (error) {
      const failure = classify(error);
      // Interrupted (Ctrl+C, the editor closing): stop at once. The record ends in `submitting`, so the next launch
      // asks the backend whether the job was created before submitting again.
      if (options.signal?.aborted) {
        return { runId, attempt: attempt.attempt, action: 'failed', issues, message: 'interrupted during the submission', run: (await readRun(fs, paths, runId))! };
      }
      // The request may have created the job before the connection failed: look once before reporting.
      const found = failure.kind === 'transient' ? await backend.find(spec).catch(() => undefined) : undefined;
      if (found) {
        await recorder.append('submitted', { attempt: attempt.attempt, job: found, recovered: true });
        return { runId, attempt: attempt.attempt, action: 'recovered', job: found, issues, run: (await readRun(fs, paths, runId))! };
      }
      await recorder.append('error', { attempt: attempt.attempt, stage: 'submit', message: failure.message });
      return { runId, attempt: attempt.attempt, action: 'failed', issues, message: failure.message, failure: { kind: failure.kind, status: failure.details.status }, run: (await readRun(fs, paths, runId))! };
    }
    await recorder.append('submitted', { attempt: attempt.attempt, job, recovered: false });
    return { runId, attempt: attempt.attempt, action: 'submitted', job, issues, run: (await readRun(fs, paths, runId))! };
  } finally {
    await lock?.release();
    await recorder.close();
  }
}

/** How `followRun` polls. */
export interface FollowOptions {
  signal?: AbortSignal;
  /** First wait between polls (ms). Default 5 s. */
  initialIntervalMs?: number;
  /** Cap of the wait (ms). Default 60 s. */
  maxIntervalMs?: number;
  /** Cap of a server's `Retry-After` (ms). Default 5 min. */
  maxRetryAfterMs?: number;
  /** Poll once and return (a refresh). */
  once?: boolean;
  /** Called after every poll with the run as recorded. */
  onUpdate?: (run: RunState, snapshot: StatusSnapshot) => void;
}

/** Why `followRun` returned. */
export interface FollowOutcome {
  run: RunState;
  /** `terminal`: the job ended; `once`: one poll done; `cancelled`: the signal aborted; `no-job`: nothing to follow; `error`: a permanent error (e.g. a refused key). */
  reason: 'terminal' | 'once' | 'cancelled' | 'no-job' | 'error';
  message?: string;
}

/** Text from a backend is untrusted and unbounded: records keep at most this much of one message. */
const MAX_RECORDED_TEXT = 4000;
const capText = (text: string, max = MAX_RECORDED_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A snapshot with its backend text capped, so a hostile endpoint cannot bloat the record. */
function capped(snapshot: StatusSnapshot): StatusSnapshot {
  return { ...snapshot, raw: capText(snapshot.raw, 300), ...(snapshot.message !== undefined ? { message: capText(snapshot.message) } : {}) };
}

function sameStatus(a: StatusSnapshot | undefined, b: StatusSnapshot): boolean {
  return !!a && a.state === b.state && a.raw === b.raw && !!a.cancelRequested === !!b.cancelRequested && a.message === b.message;
}

function sameMetrics(a: MetricPoint[], b: MetricPoint[]): boolean {
  return a.length === b.length && JSON.stringify(a[a.length - 1]) === JSON.stringify(b[b.length - 1]);
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Follows run `runId` on `backend` until its job ends (or once): status, events and metrics go into the record
 * (a status line only when something changed, raw states kept), and the result when it succeeded. A transient
 * failure is recorded as `unknown` and polled again later; only a permanent one (a refused key, an unknown job)
 * stops following, and never marks the job failed. Several followers may follow one run (the editor and
 * `inoculate jobs --watch`): each compares with the record as re-read before it appends, so nothing lands after
 * the job's end except another terminal state the backend settles on, and no status is appended twice in a row.
 */
export async function followRun(ctx: TrainingContext, runId: string, backend: TrainingBackend, options: FollowOptions = {}): Promise<FollowOutcome> {
  const { fs, paths } = ctx;
  const now = ctx.now ?? (() => new Date());
  const sleep = ctx.sleep ?? defaultSleep;
  const random = ctx.random ?? Math.random;
  const initial = options.initialIntervalMs ?? 5_000;
  const cap = options.maxIntervalMs ?? 60_000;
  let run = await readRun(fs, paths, runId);
  if (!run) throw new Error(`no run ${runId} under ${paths.runsDir}`);
  const attempt = currentAttempt(run);
  const job = attempt?.job;
  if (!attempt || !job) return { run, reason: 'no-job' };
  const recorder = await RunRecorder.open(fs, paths, runId, now);
  let last = attempt.status;
  let metrics = attempt.metrics;
  let cursor = attempt.eventsCursor;
  let interval = initial;
  let failures = 0;
  let polls = 0;
  const reread = async () => (run = (await readRun(fs, paths, runId))!);
  /** Compares `snapshot` with the record and appends what changed; called with the run's lock held. */
  const recordObservation = async (snapshot: StatusSnapshot, permanent: string | undefined) => {
    const recorded = (await reread()).attempts.find((a) => a.attempt === attempt.attempt);
    last = recorded?.status;
    cursor = recorded?.eventsCursor;
    metrics = recorded?.metrics ?? metrics;
    if (last && isTerminal(last.state) && (!isTerminal(snapshot.state) || snapshot.state === last.state)) {
      const modelMissing = last.state === 'succeeded' && !recorded?.result;
      const outage = permanent === undefined && snapshot.state === 'unknown' && snapshot.raw.startsWith('unreachable');
      if (modelMissing && outage) return { kind: 'wait' as const };
      if (modelMissing) await recordResult(backend, job, attempt.attempt, recorder, options.signal);
      return { kind: 'return' as const, outcome: { run: await reread(), reason: 'terminal' as const } };
    }
    if (permanent !== undefined) {
      await recorder.append('error', { attempt: attempt.attempt, stage: 'status', message: permanent });
      return { kind: 'return' as const, outcome: { run: await reread(), reason: 'error' as const, message: permanent } };
    }
    const changed = !sameStatus(last, snapshot);
    if (changed) {
      // Repeated "unreachable" observations with different messages are one outage, not a history of states.
      const repeatOutage = last?.state === 'unknown' && snapshot.state === 'unknown' && last.raw.startsWith('unreachable') && snapshot.raw.startsWith('unreachable');
      if (!repeatOutage) await recorder.append('status', { attempt: attempt.attempt, status: snapshot });
      last = snapshot;
    }
    if (snapshot.state !== 'unknown' || !snapshot.raw.startsWith('unreachable')) {
      await collect(async () => {
        const page = await backend.events(job, cursor, options.signal);
        if (page.events.length || page.cursor !== cursor) {
          const events = page.events.slice(-1000).map((event) => ({ ...event, message: capText(event.message) }));
          await recorder.append('events', { attempt: attempt.attempt, events, cursor: page.cursor });
          cursor = page.cursor;
        }
      });
      // Curves can be long (OpenAI lists them as events): read them on a change, at the end, and every 5th poll.
      if (changed || isTerminal(snapshot.state) || polls % 5 === 0) await collect(async () => {
        const points = (await backend.metrics(job, options.signal)).slice(-100_000);
        if (!sameMetrics(metrics, points)) {
          await recorder.append('metrics', { attempt: attempt.attempt, metrics: points });
          metrics = points;
        }
      });
    }
    if (isTerminal(snapshot.state)) {
      if (snapshot.state === 'succeeded' && !recorded?.result) await recordResult(backend, job, attempt.attempt, recorder, options.signal);
      return { kind: 'return' as const, outcome: { run: await reread(), reason: 'terminal' as const } };
    }
    return { kind: 'next' as const, changed };
  };
  try {
    for (;;) {
      if (options.signal?.aborted) return { run: await reread(), reason: 'cancelled' };
      polls++;
      let snapshot: StatusSnapshot;
      let waitMs: number | undefined;
      let permanent: string | undefined;
      try {
        snapshot = capped(await backend.status(job, options.signal));
        failures = 0;
      } catch (error) {
        if (options.signal?.aborted) return { run: await reread(), reason: 'cancelled' };
        const failure = classify(error);
        if (failure.kind === 'permanent') permanent = failure.message;
        failures++;
        snapshot = { state: 'unknown', raw: `unreachable: ${failure.message}`.slice(0, 300), observedAt: now().toISOString() };
        const backoff = Math.min(cap, initial * 2 ** Math.min(failures, 10));
        waitMs = failure.details.retryAfterMs !== undefined ? Math.min(failure.details.retryAfterMs, options.maxRetryAfterMs ?? 300_000) : backoff;
      }
      // Another follower of this run (the editor's Jobs view and `inoculate jobs --watch` may both follow it) may
      // have recorded since our last look: compare with the record, not with what this follower last saw, so a late
      // poll never appends an older state, an outage or a duplicate after the job's end. The run's lock is held from
      // that read to the last append, so two followers polling at the same moment cannot both append.
      let lock: HeldLock;
      try {
        lock = await lockRun(ctx, runId, options.signal, FOLLOW_LOCK_WAIT_MS);
      } catch (error) {
        if (options.signal?.aborted) return { run: await reread(), reason: 'cancelled' };
        if (!(error instanceof LockBusyError)) throw error;
        // Another follower has held the record for a minute (a slow backend): record nothing now, poll again later.
        if (options.once) return { run: await reread(), reason: 'once' };
        try {
          await sleep(Math.min(cap, initial) * (1 + 0.1 * random()), options.signal);
        } catch {
          return { run: await reread(), reason: 'cancelled' };
        }
        continue;
      }
      let step: { kind: 'return'; outcome: FollowOutcome } | { kind: 'wait' } | { kind: 'next'; changed: boolean };
      try {
        step = await recordObservation(snapshot, permanent);
      } finally {
        await lock.release();
      }
      if (step.kind === 'return') {
        if (step.outcome.reason === 'terminal') options.onUpdate?.(step.outcome.run, step.outcome.run.attempts.find((a) => a.attempt === attempt.attempt)?.status ?? snapshot);
        return step.outcome;
      }
      if (step.kind === 'wait') {
        // The job succeeded but the backend cannot be reached to read its model: ask again later, recording nothing.
        if (options.once) return { run, reason: 'once' };
        try {
          await sleep(waitMs! + waitMs! * 0.1 * random(), options.signal);
        } catch {
          return { run: await reread(), reason: 'cancelled' };
        }
        continue;
      }
      const changed = step.changed;
      options.onUpdate?.(await reread(), snapshot);
      if (options.once) return { run, reason: 'once' };
      if (waitMs === undefined) {
        interval = changed ? initial : Math.min(cap, interval * 1.5);
        waitMs = interval;
      }
      // Up to 10% jitter, so many followers do not poll in step.
      const jittered = waitMs + waitMs * 0.1 * random();
      try {
        await sleep(jittered, options.signal);
      } catch {
        return { run: await reread(), reason: 'cancelled' };
      }
    }
  } finally {
    await recorder.close();
  }
}

/** Records the trained model of a job that succeeded, or why it could not be read. */
async function recordResult(backend: TrainingBackend, job: JobRef, attempt: number, recorder: RunRecorder, signal?: AbortSignal): Promise<void> {
  try {
    const model = await backend.result(job, signal);
    await recorder.append('result', { attempt, model });
  } catch (error) {
    await recorder.append('error', { attempt, stage: 'result', message: classify(error).message });
  }
}

/** Events and metrics are extras: a failure to read them never stops following the job. */
async function collect(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch {
    // read again at the next poll
  }
}

/** What `cancelRun` did. */
export interface CancelOutcome {
  run: RunState;
  /** `requested`: the backend was asked; `already-ended`: the job had ended (nothing sent); `no-job`: nothing submitted. */
  action: 'requested' | 'already-ended' | 'no-job';
}

/**
 * Cancels run `runId`'s current job. A no-op on a job that already ended (checked with the backend, not only the
 * record); the cancellation is recorded, and one status poll records how the backend took it.
 */
export async function cancelRun(ctx: TrainingContext, runId: string, backend: TrainingBackend, signal?: AbortSignal): Promise<CancelOutcome> {
  const { fs, paths } = ctx;
  let run = await readRun(fs, paths, runId);
  if (!run) throw new Error(`no run ${runId} under ${paths.runsDir}`);
  const attempt: AttemptState | undefined = currentAttempt(run);
  if (!attempt?.job) return { run, action: 'no-job' };
  if (attempt.status && isTerminal(attempt.status.state)) return { run, action: 'already-ended' };
  const current = await backend.status(attempt.job, signal).catch(() => undefined);
  if (current && isTerminal(current.state)) {
    await followRun(ctx, runId, backend, { once: true, signal });
    return { run: (await readRun(fs, paths, runId))!, action: 'already-ended' };
  }
  await backend.cancel(attempt.job, signal);
  const recorder = await RunRecorder.open(fs, paths, runId, ctx.now);
  try {
    await recorder.append('cancel', { attempt: attempt.attempt });
  } finally {
    await recorder.close();
  }
  await followRun(ctx, runId, backend, { once: true, signal }).catch(() => undefined);
  run = (await readRun(fs, paths, runId))!;
  return { run, action: 'requested' };
}

/** The suffix a run's models get (kept here so plans and records agree). */
export { modelSuffixOf };
