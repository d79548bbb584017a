/**
 * What `inoculate eval` plugs into the engine for its models: the serving backend of command-trained adapters (vLLM,
 * started and stopped around the run) and, with `--batch` / `eval.batch`, the batch routes: OpenAI's Batch API for
 * models requested at an OpenAI-compatible endpoint, vLLM's batch runner for adapters.
 */
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import type { BatchRouting } from '../../core/src/eval/engine';
import type { EvalResultPaths } from '../../core/src/eval/layout';
import type { EvalModel } from '../../core/src/eval/models';
import type { PreparedEvaluation } from '../../core/src/eval/setup';
import { evalBatchRouting as coreBatchRouting } from '../../core/src/eval/batch/routing';
import { nodeCommandHost } from '../../core/src/node/commandHost';
import { createVllmServing } from '../../core/src/train/serving/vllm';
import { SERVE_DEFAULTS } from '../../core/src/train/settings';
import type { ServingBackend } from '../../core/src/train/types';
import type { CliIO } from './io';
import { terminalText } from './terminalText';

/** What the backends need from the command. */
export interface EvalBackendContext {
  evaluation: PreparedEvaluation;
  io: CliIO;
  paths: EvalResultPaths;
}

/** The batch routes of an evaluation (core's), their status lines on stderr. */
export function evalBatchRouting(context: EvalBackendContext & { keyFor: (url: string) => string | undefined; models: readonly EvalModel[] }): BatchRouting {
  const { evaluation, io, paths, keyFor, models } = context;
  return coreBatchRouting({
    evaluation,
    paths,
    models,
    keyFor,
    env: io.env,
    host: nodeCommandHost,
    fs: nodeResultsFileSystem,
    onStatus: (line) => io.stderr.write(`inoculate eval: ${terminalText(line)}\n`),
  });
}

/** The serving backend for adapters trained by a command backend: vLLM, as `train.serve` says. */
export function evalServing(context: EvalBackendContext): ServingBackend {
  return createVllmServing({
    host: nodeCommandHost,
    settings: context.evaluation.config.train.serve ?? { preset: 'vllm', ...SERVE_DEFAULTS },
    workspaceTrusted: true,
    workDir: `${context.paths.evalDir}/serve`,
    // One marker folder for the workspace: an evaluation stops the servers any crashed evaluation left running.
    markerDir: `${context.paths.resultsRoot}/serve`,
    env: context.io.env,
  });
}
