/**
 * Every backend's raw job states mapped onto the common ones. The mapping is data, one table per backend, so a new
 * raw state is a one-line change; a raw state missing from its table maps to `unknown`, which is never terminal
 * (a scheduler that reports something new, or cannot be reached, has not failed the job).
 */
import type { JobState, ObservedState } from './types';

/** One backend's table: raw state (matched case-insensitively) → common state; `cancelRequested` marks states like `cancel_requested`. */
export interface StatusTable {
  /** Raw state → common state. */
  states: Readonly<Record<string, JobState>>;
  /** Raw states that mean "a cancellation was asked for and is under way" (mapped state stays non-terminal). */
  cancelRequested?: readonly string[];
  /** Turns a raw value into the key looked up (e.g. Slurm's `CANCELLED by 1000` → `CANCELLED`). */
  normalize?: (raw: string) => string;
}

const upperFirstWord = (raw: string) => (raw.trim().split(/[\s+]/)[0] ?? '').toUpperCase();

/** The tables, from each backend's documentation (see docs/training.md, "Status mapping"). */
export const STATUS_TABLES: Readonly<Record<string, StatusTable>> = {
  openai: {
    states: {
      validating_files: 'queued',
      queued: 'queued',
      paused: 'queued',
      running: 'running',
      succeeded: 'succeeded',
      failed: 'failed',
      cancelled: 'cancelled',
    },
  },
  together: {
    states: {
      pending: 'queued',
      queued: 'queued',
      running: 'running',
      compressing: 'running',
      uploading: 'running',
      cancel_requested: 'running',
      completed: 'succeeded',
      error: 'failed',
      cancelled: 'cancelled',
    },
    cancelRequested: ['cancel_requested'],
  },
  slurm: {
    // sacct/squeue states; a suffix ("CANCELLED by 1000") and a trailing "+" are dropped.
    normalize: upperFirstWord,
    states: {
      PENDING: 'queued',
      CONFIGURING: 'queued',
      REQUEUED: 'queued',
      REQUEUE_HOLD: 'queued',
      REQUEUE_FED: 'queued',
      RESV_DEL_HOLD: 'queued',
      PREEMPTED: 'failed',
      RUNNING: 'running',
      COMPLETING: 'running',
      STAGE_OUT: 'running',
      SIGNALING: 'running',
      RESIZING: 'running',
      SUSPENDED: 'running',
      STOPPED: 'running',
      COMPLETED: 'succeeded',
      FAILED: 'failed',
      TIMEOUT: 'failed',
      OUT_OF_MEMORY: 'failed',
      NODE_FAIL: 'failed',
      BOOT_FAIL: 'failed',
      DEADLINE: 'failed',
      SPECIAL_EXIT: 'failed',
      REVOKED: 'failed',
      CANCELLED: 'cancelled',
    },
  },
  skypilot: {
    normalize: upperFirstWord,
    states: {
      PENDING: 'queued',
      SUBMITTED: 'queued',
      STARTING: 'queued',
      RUNNING: 'running',
      RECOVERING: 'running',
      WINDING_DOWN: 'running',
      CANCELLING: 'running',
      SUCCEEDED: 'succeeded',
      CANCELLED: 'cancelled',
      FAILED: 'failed',
      FAILED_SETUP: 'failed',
      FAILED_PRECHECKS: 'failed',
      FAILED_NO_RESOURCE: 'failed',
      FAILED_CONTROLLER: 'failed',
    },
    cancelRequested: ['CANCELLING'],
  },
  ray: {
    normalize: upperFirstWord,
    states: { PENDING: 'queued', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', STOPPED: 'cancelled' },
  },
  // Kubernetes Jobs have no single state word: the backend derives one of these from conditions and pod phases.
  kubernetes: {
    states: { Pending: 'queued', Suspended: 'queued', Running: 'running', Complete: 'succeeded', Failed: 'failed', Deleted: 'cancelled' },
  },
  // A local process: the backend derives these from its pid, exit-code file and cancellation marker.
  local: {
    states: { starting: 'queued', running: 'running', exited0: 'succeeded', exited: 'failed', vanished: 'failed', cancelled: 'cancelled' },
  },
};

/** Maps `raw` with `table`: the common state, or `unknown` when the table does not know the value. */
export function mapStatus(table: StatusTable, raw: string): { state: ObservedState; cancelRequested: boolean } {
  const key = table.normalize ? table.normalize(raw) : raw.trim();
  const state = lookup(table.states, key);
  const cancelRequested = (table.cancelRequested ?? []).some((value) => value.toLowerCase() === key.toLowerCase());
  return { state: state ?? 'unknown', cancelRequested };
}

function lookup(states: Readonly<Record<string, JobState>>, key: string): JobState | undefined {
  // Own properties only: a raw state named `constructor` must not find Object.prototype's.
  if (Object.prototype.hasOwnProperty.call(states, key)) return states[key];
  const lower = key.toLowerCase();
  for (const name of Object.keys(states)) if (name.toLowerCase() === lower) return states[name];
  return undefined;
}
