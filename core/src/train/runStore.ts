/**
 * Run records: one append-only JSONL file per run (`.inoculate/runs/<runId>/record.jsonl`). The first line is the
 * run's provenance; every later line is something that happened (an attempt, the submission, a status change with
 * the backend's raw state, events, metrics, the result). Reading folds the lines into a `RunState`; a cut last line
 * (a crash mid-write) is ignored, so a killed process never corrupts a record. Records hold no secrets: keys never
 * reach the core, and every value written comes from the file, the backend or the orchestrator.
 */
import { openJsonlLog } from '../check/store';
import type { AppendHandle } from '../check/resultsFs';
import { isRunId, runRecordPath, type TrainPaths } from './layout';
import type { RunProvenance } from './runs';
import type { JobEvent, JobRef, MetricPoint, PreflightIssue, StatusSnapshot, TrainedModel } from './types';
import type { TrainFileSystem } from './trainFs';

/** One line of a run record. `at` is the ISO time it was written. */
export type RunRecordLine =
  | { type: 'created'; at: string; provenance: RunProvenance }
  | { type: 'attempt'; at: string; attempt: number; forced: boolean }
  | { type: 'preflight'; at: string; attempt: number; issues: PreflightIssue[] }
  | { type: 'prepared'; at: string; attempt: number; prepared: Record<string, string> }
  /** Written just before `submit`: if no `submitted` follows, the process died mid-submit (see `jobs.ts`). */
  | { type: 'submitting'; at: string; attempt: number; submissionKey: string }
  /** `recovered`: found with `backend.find` after an interrupted submit, not submitted again. */
  | { type: 'submitted'; at: string; attempt: number; job: JobRef; recovered: boolean }
  | { type: 'status'; at: string; attempt: number; status: StatusSnapshot }
  | { type: 'events'; at: string; attempt: number; events: JobEvent[]; cursor?: string }
  /** The whole curve as known now (replaces earlier `metrics` lines of the attempt). */
  | { type: 'metrics'; at: string; attempt: number; metrics: MetricPoint[] }
  | { type: 'result'; at: string; attempt: number; model: TrainedModel }
  | { type: 'cancel'; at: string; attempt: number }
  | { type: 'error'; at: string; attempt: number; stage: string; message: string };

/** One attempt of a run, folded from its lines. */
export interface AttemptState {
  attempt: number;
  forced: boolean;
  startedAt: string;
  preflight: PreflightIssue[];
  prepared?: Record<string, string>;
  /** Set when a submission started; without `job` it was interrupted. */
  submittingAt?: string;
  submissionKey?: string;
  job?: JobRef;
  recovered: boolean;
  /** Every distinct status observed, oldest first (raw states kept). */
  statusHistory: StatusSnapshot[];
  status?: StatusSnapshot;
  events: JobEvent[];
  eventsCursor?: string;
  metrics: MetricPoint[];
  result?: TrainedModel;
  cancelRequestedAt?: string;
  errors: Array<{ at: string; stage: string; message: string }>;
}

/** A run as read from its record. */
export interface RunState {
  runId: string;
  provenance: RunProvenance;
  /** Attempts, oldest first; the last one is the current one. */
  attempts: AttemptState[];
  recordPath: string;
}

/** The current (last) attempt of a run, if any. */
export function currentAttempt(run: RunState): AttemptState | undefined {
  return run.attempts[run.attempts.length - 1];
}

/** Folds record lines into a run; undefined when the first line is not a `created` provenance. */
export function foldRun(lines: RunRecordLine[], recordPath: string): RunState | undefined {
  const first = lines[0];
  if (!first || first.type !== 'created') return undefined;
  const run: RunState = { runId: first.provenance.runId, provenance: first.provenance, attempts: [], recordPath };
  const attemptOf = (number: number, at: string): AttemptState => {
    let attempt = run.attempts.find((a) => a.attempt === number);
    if (!attempt) {
      attempt = { attempt: number, forced: false, startedAt: at, preflight: [], recovered: false, statusHistory: [], events: [], metrics: [], errors: [] };
      run.attempts.push(attempt);
      run.attempts.sort((a, b) => a.attempt - b.attempt);
    }
    return attempt;
  };
  for (const line of lines.slice(1)) {
    if (line.type === 'created') continue;
    const attempt = attemptOf(line.attempt, line.at);
    switch (line.type) {
      case 'attempt':
        attempt.forced = line.forced;
        attempt.startedAt = line.at;
        break;
      case 'preflight':
        attempt.preflight = line.issues;
        break;
      case 'prepared':
        attempt.prepared = line.prepared;
        break;
      case 'submitting':
        attempt.submittingAt = line.at;
        attempt.submissionKey = line.submissionKey;
        break;
      case 'submitted':
        attempt.job = line.job;
        attempt.recovered = line.recovered;
        break;
      case 'status':
        attempt.statusHistory.push(line.status);
        attempt.status = line.status;
        break;
      case 'events':
        attempt.events.push(...line.events);
        if (line.cursor !== undefined) attempt.eventsCursor = line.cursor;
        break;
      case 'metrics':
        attempt.metrics = line.metrics;
        break;
      case 'result':
        attempt.result = line.model;
        break;
      case 'cancel':
        attempt.cancelRequestedAt = line.at;
        break;
      case 'error':
        attempt.errors.push({ at: line.at, stage: line.stage, message: line.message });
        break;
    }
  }
  return run;
}

function isRecordLine(value: unknown): value is RunRecordLine {
  const line = value as { type?: unknown; at?: unknown; attempt?: unknown } | null;
  if (!line || typeof line !== 'object' || typeof line.type !== 'string' || typeof line.at !== 'string') return false;
  return line.type === 'created' || typeof line.attempt === 'number';
}

/** The lines of a record file (cut or foreign lines skipped); undefined when the file does not exist. */
export async function readRecordLines(fs: Pick<TrainFileSystem, 'scanLines'>, path: string): Promise<RunRecordLine[] | undefined> {
  const lines: RunRecordLine[] = [];
  const scan = await fs.scanLines(path, (text) => {
    if (!text.startsWith('{')) return;
    try {
      const value: unknown = JSON.parse(text);
      if (isRecordLine(value)) lines.push(value);
    } catch {
      // a cut line from a crash: ignored
    }
  });
  return scan ? lines : undefined;
}

/** The run `runId`, or undefined when it has no (readable) record. */
export async function readRun(fs: TrainFileSystem, paths: TrainPaths, runId: string): Promise<RunState | undefined> {
  if (!isRunId(runId)) return undefined;
  const path = runRecordPath(paths, runId);
  const lines = await readRecordLines(fs, path);
  return lines ? foldRun(lines, path) : undefined;
}

/** Filters for `listRuns`. */
export interface RunFilter {
  /** Only runs of this `.inoc` file (relative to the workspace root, as in the provenance). */
  inocFile?: string;
  /** Only runs of this arm (`baseline` for the baseline). */
  arm?: string;
  seed?: number;
}

/**
 * Every readable run under `paths`, oldest first, optionally filtered: what the Jobs view, code lenses and
 * evaluation read (by file, variant and seed).
 */
export async function listRuns(fs: TrainFileSystem, paths: TrainPaths, filter: RunFilter = {}): Promise<RunState[]> {
  const runs: RunState[] = [];
  for (const name of await fs.listDir(paths.runsDir)) {
    if (!isRunId(name)) continue;
    const run = await readRun(fs, paths, name);
    if (!run) continue;
    const p = run.provenance;
    if (filter.inocFile !== undefined && p.inocFile !== filter.inocFile) continue;
    if (filter.arm !== undefined && p.arm.name !== filter.arm) continue;
    if (filter.seed !== undefined && p.seed !== filter.seed) continue;
    runs.push(run);
  }
  return runs.sort((a, b) => (a.provenance.createdAt < b.provenance.createdAt ? -1 : a.provenance.createdAt > b.provenance.createdAt ? 1 : a.runId < b.runId ? -1 : 1));
}

/** Finds runs by a prefix of their id (as users type them); exact matches win. */
export async function findRunsByPrefix(fs: TrainFileSystem, paths: TrainPaths, prefix: string): Promise<string[]> {
  if (!/^[0-9a-f]{1,16}$/.test(prefix)) return [];
  const ids = (await fs.listDir(paths.runsDir)).filter(isRunId);
  if (ids.includes(prefix)) return [prefix];
  return ids.filter((id) => id.startsWith(prefix));
}

/** Appends lines to one run's record (one whole line per write; safe against crashes and concurrent writers). */
export class RunRecorder {
  private constructor(
    private readonly handle: AppendHandle,
    readonly path: string,
    private readonly now: () => Date,
  ) {}

  static async open(fs: TrainFileSystem, paths: TrainPaths, runId: string, now: () => Date = () => new Date()): Promise<RunRecorder> {
    const path = runRecordPath(paths, runId);
    return new RunRecorder(await openJsonlLog(fs, path), path, now);
  }

  /** Appends one line, stamped with the current time. */
  async append<T extends RunRecordLine['type']>(type: T, fields: Omit<Extract<RunRecordLine, { type: T }>, 'type' | 'at'>): Promise<RunRecordLine> {
    const line = { type, at: this.now().toISOString(), ...fields } as unknown as RunRecordLine;
    await this.handle.append(`${JSON.stringify(line)}\n`);
    return line;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
