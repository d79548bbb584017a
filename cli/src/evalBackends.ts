/**
 * What `inoculate eval` plugs into the engine for its models: the serving backend of command-trained adapters (vLLM,
 * started and stopped around the run) and, with `--batch` / `eval.batch`, the batch routes: OpenAI's Batch API for
 * models requested at an OpenAI-compatible endpoint, vLLM's batch runner for adapters.
 */
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { secretRedactor } from '../../core/src/check/keyPolicy';
import type { BatchRoute, BatchRouting } from '../../core/src/eval/engine';
import type { EvalResultPaths } from '../../core/src/eval/layout';
import type { EvalModel } from '../../core/src/eval/models';
import type { PreparedEvaluation } from '../../core/src/eval/setup';
import { runOpenAIBatches } from '../../core/src/eval/batch/openaiBatch';
import { openAIBatchApi } from '../../core/src/eval/batch/openaiBatchApi';
import type { ServingBackend } from '../../core/src/train/types';
import type { CliIO } from './io';

/** What the backends need from the command. */
export interface EvalBackendContext {
  evaluation: PreparedEvaluation;
  io: CliIO;
  paths: EvalResultPaths;
}

/** The batch routes of an evaluation. */
export async function evalBatchRouting(context: EvalBackendContext & { keyFor: (url: string) => string | undefined }): Promise<BatchRouting> {
  const { evaluation, io, paths, keyFor } = context;
  const redact = secretRedactor([io.env.OPENAI_API_KEY?.trim(), io.env.TOGETHER_API_KEY?.trim()]);
  const pollMs = Number(io.env.INOCULATE_BATCH_POLL_MS) > 0 ? Number(io.env.INOCULATE_BATCH_POLL_MS) : undefined;
  const routes = new Map<string, BatchRoute>();
  const openAIRoute = (baseUrl: string): BatchRoute => {
    const key = `openai:${baseUrl}`;
    let route = routes.get(key);
    if (!route) {
      route = {
        key,
        label: `the Batch API at ${baseUrl}`,
        run: (requests, signal) =>
          runOpenAIBatches({
            api: openAIBatchApi({ baseUrl, apiKey: keyFor(baseUrl), maxLineBytes: evaluation.sampling.maxResponseBytes + 64 * 1024 }),
            requests,
            fs: nodeResultsFileSystem,
            ledgerPath: paths.batches,
            batchDir: paths.batchDir,
            metadata: { inoculate_file: paths.relativeFile.slice(0, 500) },
            signal,
            redact,
            pollMs,
            onStatus: (batch, note) => io.stderr.write(`inoculate eval: batch ${batch.id} ${note === 'status' ? batch.status : note} (${baseUrl})\n`),
          }),
      };
      routes.set(key, route);
    }
    return route;
  };
  return {
    routeFor(model: EvalModel, baseUrl: string) {
      if (model.serving === 'vllm') return undefined;
      return openAIRoute(baseUrl);
    },
  };
}

/** The serving backend for adapters trained by a command backend. */
export function evalServing(_context: EvalBackendContext): ServingBackend | undefined {
  return undefined;
}
