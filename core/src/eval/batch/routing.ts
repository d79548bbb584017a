/**
 * The batch routes of an evaluation (`eval.batch: true`, `inoculate eval --batch`), shared by the CLI and the editor:
 * models requested at an OpenAI-compatible endpoint go through that endpoint's Batch API (one route per endpoint);
 * models served by vLLM (adapters, merged models, the base beside them) through `vllm run-batch`, one run per base
 * model. The IO is injected: the environment (keys to keep out of text, the poll interval, the runner's environment),
 * the command host, the results file system, and a callback told each batch's status as a line of text.
 */
import { secretRedactor } from '../../check/keyPolicy';
import type { ResultsFileSystem } from '../../check/resultsFs';
import type { CommandHost } from '../../train/command/host';
import { scrubEnvironment } from '../../train/command/slots';
import type { TrainedModel } from '../../train/types';
import type { BatchRoute, BatchRouting } from '../engine';
import type { EvalResultPaths } from '../layout';
import type { EvalModel } from '../models';
import type { PreparedEvaluation } from '../setup';
import { runOpenAIBatches, type BatchApi } from './openaiBatch';
import { openAIBatchApi } from './openaiBatchApi';
import { runVllmBatch } from './vllmBatch';

/** What the batch routes need from their caller. */
export interface EvalBatchRoutingOptions {
  evaluation: PreparedEvaluation;
  paths: EvalResultPaths;
  /** The models of the run (the adapters of each vLLM base are taken from them). */
  models: readonly EvalModel[];
  /** The key for an endpoint (already decided by the caller's key policy), or undefined. */
  keyFor: (url: string) => string | undefined;
  /**
   * The environment: OPENAI_API_KEY and TOGETHER_API_KEY are redacted from text kept from endpoints,
   * INOCULATE_BATCH_POLL_MS sets the first wait between polls (default 5 s), and the runner gets it scrubbed.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Other secrets to redact (keys the editor keeps in its secret storage). */
  secrets?: ReadonlyArray<string | undefined>;
  host: Pick<CommandHost, 'run' | 'readText' | 'writeText' | 'mkdir'>;
  fs: ResultsFileSystem;
  /** Told when a batch is created, resumed or changes status: `batch <id> <status or note> (<endpoint>)`. */
  onStatus?: (line: string) => void;
  /** The Batch API client of an endpoint (default: `openAIBatchApi`; tests pass their own). */
  batchApi?: (baseUrl: string, apiKey: string | undefined) => BatchApi;
}

/** The poll interval INOCULATE_BATCH_POLL_MS asks for (a positive number of ms), else undefined (the default). */
export function batchPollMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const value = Number(env.INOCULATE_BATCH_POLL_MS);
  return value > 0 ? value : undefined;
}

/** The batch routes of an evaluation; see the module comment. */
export function evalBatchRouting(options: EvalBatchRoutingOptions): BatchRouting {
  const { evaluation, paths, keyFor, models, env } = options;
  const redact = secretRedactor([env.OPENAI_API_KEY?.trim(), env.TOGETHER_API_KEY?.trim(), ...(options.secrets ?? [])]);
  const pollMs = batchPollMs(env);
  const apiOf =
    options.batchApi ?? ((baseUrl: string, apiKey: string | undefined) => openAIBatchApi({ baseUrl, apiKey, maxLineBytes: evaluation.sampling.maxResponseBytes + 64 * 1024 }));
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
            api: apiOf(baseUrl, keyFor(baseUrl)),
            requests,
            fs: options.fs,
            ledgerPath: paths.batches,
            batchDir: paths.batchDir,
            metadata: { inoculate_file: paths.relativeFile.slice(0, 500) },
            signal,
            redact,
            pollMs,
            onStatus: (batch, note) => options.onStatus?.(redact(`batch ${batch.id} ${note === 'status' ? batch.status : note} (${baseUrl})`)),
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
            return await runVllmBatch({ host: options.host, baseModel, adapters, requests, workDir: paths.batchDir, env: scrubEnvironment(env), signal });
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
