/**
 * Where evaluation results live, beside check results under the same results root:
 *
 *   evals/<slug>/samples.jsonl    one record per sample, every run, append-only (`EvalSampleRecord`)
 *   evals/<slug>/summary.json     the latest `EvalSummary`, replaced atomically, signed
 *   evals/<slug>/labels.jsonl     hand labels of graded samples (agree/disagree), append-only (`labels.ts`)
 *   evals/<slug>/batches.jsonl    Batch API jobs created and collected (resume by batch id)
 *   evals/<slug>/batch/           the request and output files of batch runs
 *   cache/responses.jsonl         the response cache shared with checks
 *
 * `<slug>` is the check's (`checkSlug`): the `.inoc` path made filename-safe plus 8 hex of its hash.
 */
import { join, resolve } from 'node:path';
import { checkSlug, relativeInocPath, RESULTS_DIR_NAME } from '../check/layout';
import type { ResultsFileSystem } from '../check/resultsFs';

/** Every path of one file's evaluation results. */
export interface EvalResultPaths {
  /** The workspace root (files are named relative to it). */
  workspaceRoot: string;
  resultsRoot: string;
  /** Below this nothing may be a symbolic link (the workspace root, or the `--results-dir` given). */
  trustedRoot: string;
  /** The `.inoc` file relative to the workspace root, forward slashes. */
  relativeFile: string;
  evalDir: string;
  samples: string;
  summary: string;
  labels: string;
  batches: string;
  batchDir: string;
  cache: string;
}

/** Where the evaluation results of `inocFile` go. `resultsRoot` overrides `<workspaceRoot>/.inoculate`. */
export function evalResultPaths(workspaceRoot: string, inocFile: string, resultsRoot?: string): EvalResultPaths {
  const root = resolve(resultsRoot ?? join(workspaceRoot, RESULTS_DIR_NAME));
  const relativeFile = relativeInocPath(workspaceRoot, inocFile);
  const evalDir = join(root, 'evals', checkSlug(relativeFile));
  return {
    workspaceRoot: resolve(workspaceRoot),
    resultsRoot: root,
    trustedRoot: resultsRoot === undefined ? resolve(workspaceRoot) : root,
    relativeFile,
    evalDir,
    samples: join(evalDir, 'samples.jsonl'),
    summary: join(evalDir, 'summary.json'),
    labels: join(evalDir, 'labels.jsonl'),
    batches: join(evalDir, 'batches.jsonl'),
    batchDir: join(evalDir, 'batch'),
    cache: join(root, 'cache', 'responses.jsonl'),
  };
}

/** Refuses, before anything is written, results paths with a symbolic link or a wrong type below the trusted root. */
export async function evalResultPathsSafe(fs: Pick<ResultsFileSystem, 'checkResultsPath'>, paths: EvalResultPaths): Promise<void> {
  for (const path of [paths.samples, paths.summary, paths.labels, paths.batches, join(paths.batchDir, 'x'), paths.cache]) {
    await fs.checkResultsPath(paths.trustedRoot, path);
  }
}
