// Test code only. Shared state of the fake schedulers (test/fakebin/sbatch, sacct, squeue, scancel, sky, kubectl):
// one folder per test ($FAKE_SCHEDULER_DIR) holding every call's argv (calls.jsonl), one JSON record per job
// (jobs/<kind>-<id>.json, updated under a lock) and the jobs' logs. Jobs run for real, in the background, through
// fakes/runner.mjs: the scheduler fakes record and run; they never decide a job's outcome themselves.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));

/** The state folder of this test (required: a fake run outside a test refuses to do anything). */
export function stateDir() {
  const dir = process.env.FAKE_SCHEDULER_DIR;
  if (!dir) {
    process.stderr.write('fake scheduler: FAKE_SCHEDULER_DIR is not set (these executables exist for tests only)\n');
    process.exit(99);
  }
  mkdirSync(join(dir, 'jobs'), { recursive: true });
  return dir;
}

/** Appends one call to calls.jsonl (every fake records its argv). */
export function recordCall(tool, argv, extra = {}) {
  appendFileSync(join(stateDir(), 'calls.jsonl'), `${JSON.stringify({ tool, argv, cwd: process.cwd(), at: new Date().toISOString(), ...extra })}\n`);
}

/** True when the test raised a flag (a file named `name` in the state folder), e.g. `sacct-lag`. */
export function flag(name) {
  return existsSync(join(stateDir(), name));
}

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `action` holding the state folder's lock (a directory: mkdir is atomic). */
export function withLock(action) {
  const lock = join(stateDir(), 'lock');
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (attempt > 2000) throw new Error('fake scheduler: lock held for too long');
      sleepSync(5);
    }
  }
  try {
    return action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const jobPath = (kind, id) => join(stateDir(), 'jobs', `${kind}-${id}.json`);

export function readJob(kind, id) {
  try {
    return JSON.parse(readFileSync(jobPath(kind, id), 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeJob(job) {
  const path = jobPath(job.kind, job.id);
  writeFileSync(`${path}.tmp`, JSON.stringify(job, null, 2));
  renameSync(`${path}.tmp`, path);
}

/** Updates a job under the lock; `change` returns the new record (or undefined to leave it). */
export function updateJob(kind, id, change) {
  return withLock(() => {
    const job = readJob(kind, id);
    if (!job) return undefined;
    const next = change(job);
    if (next) writeJob(next);
    return next ?? job;
  });
}

export function listJobs(kind) {
  return readdirSync(join(stateDir(), 'jobs'))
    .filter((name) => name.startsWith(`${kind}-`) && name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(stateDir(), 'jobs', name), 'utf8')));
}

/**
 * Registers a new job (ids 4242, 4243, ... per kind) and starts its runner, as one step seen from outside: the
 * runner is started before the record becomes visible, so a fake killed right after registering (a test killing a
 * submitter mid-submit) leaves a job that runs, as a real scheduler would. `fields(id)` gives the record's fields.
 */
export function newJob(kind, fields, firstId = 4242) {
  return withLock(() => {
    const ids = listJobs(kind).map((job) => Number(job.id)).filter(Number.isFinite);
    const id = String(ids.length ? Math.max(...ids) + 1 : firstId);
    const job = { kind, id, state: 'PENDING', submittedAt: Date.now(), ...fields(id) };
    startRunner(job);
    writeJob(job);
    return job;
  });
}

/**
 * Starts the detached runner that waits `pendingMs`, runs the job's `payload` ({argv, env, cwd, log}) and records
 * RUNNING, then COMPLETED / FAILED with the exit code (a cancelled job stays CANCELLED).
 */
export function startRunner(job) {
  const child = spawn(process.execPath, [join(here, 'runner.mjs'), job.kind, job.id], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, FAKE_SCHEDULER_DIR: stateDir() },
  });
  child.unref();
}

/** Stops a job's payload (its own process group) and records `state`. */
export function killJob(kind, id, state, extra = {}) {
  const job = updateJob(kind, id, (current) => ({ ...current, state, endedAt: Date.now(), ...extra }));
  if (job?.payloadPid) {
    try {
      process.kill(-job.payloadPid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  return job;
}

export const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** Sleeps synchronously (a fake that must hold still, e.g. to be killed mid-submit). */
export { sleepSync };

/** Prints to stderr and exits with `code`. */
export function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

export function ensureDir(path) {
  mkdirSync(path, { recursive: true });
}
