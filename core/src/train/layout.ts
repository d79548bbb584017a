/**
 * Where training lives under the results folder (`<workspace>/.inoculate/`, as for checks):
 *
 *   train/files/<sha256>.jsonl     content-addressed training files (OpenAI chat JSONL), never built twice
 *   train/models.json              what the last preflights learned about models (e.g. OpenAI's shutdown_date)
 *   runs/<runId>/record.jsonl      one run's append-only record (provenance, attempts, job, status, events...)
 *   runs/<runId>/record.lock/      while a process appends after reading the record (a lock folder, see jobs.ts)
 *   runs/<runId>/                  also the run's folder for command backends (logs, exit code, metrics, output)
 */
import { join, resolve } from 'node:path';
import { RESULTS_DIR_NAME } from '../check/layout';

/** The training paths under one results root. */
export interface TrainPaths {
  resultsRoot: string;
  filesDir: string;
  runsDir: string;
  modelsCache: string;
}

/** Paths under `resultsRoot` (default `<workspaceRoot>/.inoculate`). */
export function trainPaths(workspaceRoot: string, resultsRoot?: string): TrainPaths {
  const root = resolve(resultsRoot ?? join(workspaceRoot, RESULTS_DIR_NAME));
  return { resultsRoot: root, filesDir: join(root, 'train', 'files'), runsDir: join(root, 'runs'), modelsCache: join(root, 'train', 'models.json') };
}

/** A run id is hex (see `runs.ts`); anything else is refused before it becomes a path. */
export function isRunId(value: string): boolean {
  return /^[0-9a-f]{16}$/.test(value);
}

/** The folder of run `runId`. */
export function runDir(paths: TrainPaths, runId: string): string {
  if (!isRunId(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)}`);
  return join(paths.runsDir, runId);
}

/** The record of run `runId`. */
export function runRecordPath(paths: TrainPaths, runId: string): string {
  return join(runDir(paths, runId), 'record.jsonl');
}

/** The lock folder of run `runId`'s record (held by whoever reads the record to decide what to append). */
export function runLockPath(paths: TrainPaths, runId: string): string {
  return join(runDir(paths, runId), 'record.lock');
}

/** The content-addressed training file with this sha256. */
export function trainingFilePath(paths: TrainPaths, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
  return join(paths.filesDir, `${sha256}.jsonl`);
}
