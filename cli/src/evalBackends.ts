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
import { runVllmBatch } from '../../core/src/eval/batch/vllmBatch';
import { nodeCommandHost } from '../../core/src/node/commandHost';
import { scrubEnvironment } from '../../core/src/train/command/slots';
import { createVllmServing } from '../../core/src/train/serving/vllm';
import { SERVE_DEFAULTS } from '../../core/src/train/settings';
import type { ServingBackend, TrainedModel } from '../../core/src/train/types';
import type { CliIO } from './io';

/** What the backends need from the command. */
export interface EvalBackendContext {
  evaluation: PreparedEvaluation;
  io: CliIO;
  paths: EvalResultPaths;
}

/** The batch routes of an evaluation. */
export async function evalBatchRouting(context: EvalBackendContext & { keyFor: (url: string) => string | undefined; models: readonly EvalModel[] }): Promise<BatchRouting> {
  const { evaluation, io, paths, keyFor, models } = context;
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
  /** One `vllm run-batch` per base model, with the adapters of that base the evaluation has. */
  const vllmRoute = (baseModel: string): BatchRoute => {
    const key = `vllm:${baseModel}`;
    let route = routes.get(key);
    if (!route) {
      const adapters = models.map((m) => m.trained).filter((t): t is TrainedModel => !!t && t.kind === 'lora-adapter' && t.baseModel === baseModel);
      route = {
        key,
        label: `vllm run-batch for ${baseModel}`,
        run: async (requests, signal) => {
          try {
            return await runVllmBatch({ host: nodeCommandHost, baseModel, adapters, requests, workDir: paths.batchDir, env: scrubEnvironment(io.env), signal });
          } catch (error) {
            // A runner that cannot start (vllm not installed, an unreadable adapter): every request fails with why.
            const message = `vllm run-batch could not run: ${error instanceof Error ? error.message : String(error)}`;
            return { answers: new Map(), errors: new Map(requests.map((request) => [request.customId, message])), batches: [{ id: key, endpoint: key, requests: requests.length, status: 'failed' }] };
          }
        },
      };
      routes.set(key, route);
    }
    return route;
  };
  return {
    routeFor(model: EvalModel, baseUrl: string) {
      if (model.serving === 'vllm') {
        // A merged model is a base of its own; an adapter runs on its base; the base model beside them on itself.
        const trained = model.trained;
        return vllmRoute(trained?.kind === 'merged' ? trained.artifact ?? trained.modelId : trained?.baseModel ?? model.model);
      }
      return openAIRoute(baseUrl);
    },
  };
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
