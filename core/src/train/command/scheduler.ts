/**
 * The part of the command backend that differs per preset: how a job is submitted, found again, observed, cancelled
 * and its log read, on one existing scheduler. Everything else (trust, slots, the training data, metrics, result)
 * is shared in `backend.ts`. Schedulers make single calls only: no loops, no waiting for a job.
 */
import type { CommandPreset, CommandSettings } from '../settings';
import { mapStatus, STATUS_TABLES } from '../status';
import { BackendError, type JobRef, type StatusSnapshot, type TrainingSpec } from '../types';
import { CommandNotFoundError, type CommandHost, type RunResult } from './host';
import type { RunLayout } from './slots';

/** What every scheduler receives from the backend. */
export interface SchedulerContext {
  host: CommandHost;
  settings: CommandSettings;
  /** The environment of scheduler commands (this process's, scrubbed of model-service keys). */
  env: Record<string, string>;
  /** Folder of the `.inoc` file: `settings.template` is relative to it. */
  baseDir: string;
  /** The shipped templates (`templates/train/`). */
  templatesDir: string;
  /** Limit of one scheduler command (status, cancel, logs). */
  commandTimeoutMs: number;
  /** Limit of a submission (`sky jobs launch` may wait for its controller). */
  submitTimeoutMs: number;
  /** How long a cancelled local process (or vLLM server) has between SIGTERM and SIGKILL. */
  killGraceMs: number;
  now: () => Date;
}

/** One run, ready to submit. */
export interface SubmitInput {
  spec: TrainingSpec;
  layout: RunLayout;
  /** The trainer's argument list, slots filled. */
  trainerArgv: string[];
  /** The job's own environment: `INOCULATE_*` plus the file's `env:` (not this process's environment). */
  jobEnv: Record<string, string>;
  /** `settings.submitArgs`, slots filled. */
  submitArgs: string[];
}

/** A preset: one existing scheduler. */
export interface Scheduler {
  readonly preset: CommandPreset;
  /** Executables the preset needs on PATH (checked by preflight). */
  readonly executables: readonly string[];
  submit(input: SubmitInput, signal?: AbortSignal): Promise<JobRef>;
  find(input: SubmitInput, signal?: AbortSignal): Promise<JobRef | undefined>;
  status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot>;
  /** Idempotent; a no-op on a terminal job. */
  cancel(ref: JobRef, signal?: AbortSignal): Promise<void>;
  logs(ref: JobRef, signal?: AbortSignal): Promise<string>;
  /** Problems to report before submitting (beyond missing executables). */
  preflight?(input: SubmitInput, signal?: AbortSignal): Promise<Array<{ severity: 'error' | 'warning' | 'info'; code: string; message: string }>>;
}

/** How much of a log a status message or an error quotes. */
export const LOG_TAIL_BYTES = 64 * 1024;

/** The last `lines` lines of `text`. */
export function tailLines(text: string, lines: number): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/** A status snapshot from a raw state through the preset's table. */
export function snapshot(table: keyof typeof STATUS_TABLES, raw: string, now: Date, extra: { message?: string; cancelRequested?: boolean } = {}): StatusSnapshot {
  const mapped = mapStatus(STATUS_TABLES[table]!, raw);
  const result: StatusSnapshot = { state: mapped.state, raw, observedAt: now.toISOString() };
  if (mapped.cancelRequested || extra.cancelRequested) result.cancelRequested = true;
  if (extra.message) result.message = extra.message;
  return result;
}

/** The first line of a command's complaint, for error messages. */
export function firstLine(result: RunResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Runs one scheduler command. A missing executable is permanent (a person must install it or fix PATH); a timeout
 * is transient (the scheduler may be slow or restarting: the job is not lost). The exit code is left to the caller.
 */
export async function runCommand(context: SchedulerContext, argv: string[], options: { input?: string; timeoutMs?: number; env?: Record<string, string>; cwd?: string; signal?: AbortSignal } = {}): Promise<RunResult> {
  let result: RunResult;
  try {
    result = await context.host.run(argv, {
      env: options.env ?? context.env,
      cwd: options.cwd,
      input: options.input,
      timeoutMs: options.timeoutMs ?? context.commandTimeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new BackendError('permanent', `${error.command} was not found on PATH: install it (or run Inoculate where it is installed) to use the ${context.settings.preset} preset`);
    }
    throw error;
  }
  if (result.timedOut) throw new BackendError('transient', `${argv[0]} did not answer within ${Math.round((options.timeoutMs ?? context.commandTimeoutMs) / 1000)} s`);
  return result;
}

/** A non-zero exit of a scheduler command, as an error that keeps the job (transient) unless told otherwise. */
export function commandFailed(argv: string[], result: RunResult, kind: 'transient' | 'permanent' = 'transient'): BackendError {
  return new BackendError(kind, `${argv.slice(0, 3).join(' ')} failed (exit ${result.exitCode ?? result.signal}): ${firstLine(result)}`);
}

/** Reads `extra[key]` of a job reference, or fails clearly (a record edited by hand, or from another backend). */
export function extraOf(ref: JobRef, key: string): string {
  const value = ref.extra[key];
  if (typeof value !== 'string' || !value) throw new BackendError('permanent', `job ${ref.id}: its record lacks "${key}" (was it submitted by ${ref.backend}?)`);
  return value;
}

/**
 * A Python program (fixed text: no value is ever spliced into it) that executes the JSON argument list in
 * INOCULATE_TRAINER_ARGV without a shell. SkyPilot's `run` and Ray's `entrypoint` are shell strings; this keeps the
 * run's values (model names, paths) out of them.
 */
export const PYTHON_ARGV_LAUNCHER = 'import json, os; argv = json.loads(os.environ["INOCULATE_TRAINER_ARGV"]); os.execvp(argv[0], argv)';
