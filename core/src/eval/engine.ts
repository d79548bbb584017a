/**
 * The evaluation engine: every model under every condition on every item, `samplesPerItem` times, through the parts
 * checks use (`check/session.ts`, `sample.ts`, `grade.ts`, `record.ts`, `pool.ts`): a bounded pool, retries,
 * the response and grade caches (an unchanged re-run sends nothing; a killed run resumes with only the missing
 * samples), cancellation that keeps what finished, and one append-only record per sample. Then the `EvalSummary`
 * (`summary.ts`), signed and written atomically.
 *
 * Models trained by a command backend are served by the injected `ServingBackend` (vLLM) for the run: started before
 * the first request and always released after, also on failure or cancellation. With `batch`, requests go through
 * the injected batch routes first (the OpenAI Batch API, `vllm run-batch`); their answers enter the cache and the
 * rest of the run is the same.
 */
import { gradeResponse, graderEnvironment, itemHashOf, prepareGrader } from '../check/grade';
import type { Grader, GraderEnvironment } from '../check/graders/types';
import { runPool } from '../check/pool';
import type { ResultOrigin } from '../check/provenance';
import type { ChatResponse, ModelProvider, ProviderError } from '../check/providers/types';
import { RecordLog } from '../check/record';
import type { ResultsFileSystem } from '../check/resultsFs';
import type { RetryNotice, RetryPolicy } from '../check/retry';
import { isChatResponse, obtainResponse, type ObtainedResponse } from '../check/sample';
import { RunSession } from '../check/session';
import { CheckSetupError } from '../check/setup';
import { newRunId, type RecordedGrade } from '../check/store';
import type { CheckSummary } from '../check/types';
import type { ServedEndpoint, ServingBackend } from '../train/types';
import type { BatchGroupResult, BatchRequest } from './batch/types';
import { baseServedByVllm, cacheEndpointFor, evalCells, evalTasks, messagesHash, taskCacheKey, taskMessages, type EvalCell, type EvalTask } from './cells';
import { readLabels, graderAgreement, type LabelledGrader } from './labels';
import { evalResultPathsSafe, type EvalResultPaths } from './layout';
import type { EvalModel, FoundModels } from './models';
import { evalRecordId, type EvalSampleRecord } from './records';
import type { PreparedEvaluation } from './setup';
import { signEvalSummary, writeEvalSummary } from './store';
import { buildEvalSummary, type EvalSummary, type GraderInfo, type ItemCounts } from './summary';

/** Progress of a run, reported after every sample. */
export interface EvalProgress {
  total: number;
  done: number;
  cached: number;
  failed: number;
  requests: number;
  retries: number;
  /** What the run is doing: serving models, waiting for batches, sampling. */
  phase: 'serving' | 'batch' | 'sampling';
}

/** A batch route for a group of requests (one endpoint, or one vLLM base model). */
export interface BatchRoute {
  /** Requests with the same key go into the same batches. */
  key: string;
  /** Shown in messages. */
  label: string;
  run(requests: BatchRequest[], signal: AbortSignal): Promise<BatchGroupResult>;
}

/** Decides which models' requests go through a batch route (`batch: true`); undefined: online. */
export interface BatchRouting {
  routeFor(model: EvalModel, baseUrl: string): BatchRoute | undefined;
}

/** What `runEvaluation` needs. */
export interface RunEvaluationOptions {
  evaluation: PreparedEvaluation;
  /** The models (from `findEvalModels`, after the shutdown-date checks). */
  found: FoundModels;
  /** The file's endpoint (the base model's, and every model's without its own). */
  provider: ModelProvider;
  /** The provider for another base URL (a hosted fine-tune's, an extra model's, a served adapter's, a judge's). */
  providerFor: (baseUrl: string) => ModelProvider;
  graders: { behavior: (environment: GraderEnvironment) => Grader; capability: ((environment: GraderEnvironment) => Grader) | null };
  /** Serves the models trained by a command backend (vLLM); required when there are any. */
  serving?: ServingBackend;
  /** Batch routes (`batch: true`). */
  batch?: BatchRouting;
  fs: ResultsFileSystem;
  paths: EvalResultPaths;
  useCache?: boolean;
  workspaceTrusted?: boolean;
  requireSandbox?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
  onRetry?: (notice: RetryNotice) => void;
  warn?: (message: string) => void;
  now?: () => Date;
  retryPolicy?: Partial<RetryPolicy>;
  /** The check summary for the figure, where it is (relative to the workspace) and whether this user measured it. */
  check?: { summary: CheckSummary; path: string; origin: ResultOrigin } | null;
  /** The predicted elicitation score of a candidate's instruction. */
  predict?: (arm: string, instruction: string) => number | null;
}

/** How a run ended. */
export interface EvalOutcome {
  summary: EvalSummary;
  runId: string;
  cancelled: boolean;
  fatal?: ProviderError;
  firstFailure?: string;
  /** False when nothing was graded (the previous summary was left in place). */
  summaryWritten: boolean;
  counts: { total: number; graded: number; failed: number };
}

/** Where a model's requests go, and its identity in cache keys. */
interface ModelRoute {
  provider: ModelProvider;
  /** The model id requested. */
  model: string;
  /** The endpoint shown (its base URL). */
  endpoint: string;
  /** Its identity in cache keys: the base URL, or `vllm:<run>` for a served adapter (stable across restarts). */
  cacheEndpoint: string;
  batch: BatchRoute | undefined;
}

/** Thrown when the models trained by a command backend cannot be served; the run sent nothing. */
export class ServingError extends Error {
  override readonly name = 'ServingError';
}

/** Runs the evaluation and writes its summary; see the module comment. Rejects on setup problems, serving failures and IO errors. */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvalOutcome> {
  const { evaluation, fs, paths, found } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = newRunId(startedAt);
  const models = found.models;
  if (models.length === 0) throw new CheckSetupError('There is no model to evaluate (no base model, no trained run that succeeded, no extra model).');
  await evalResultPathsSafe(fs, paths);
  const session = await RunSession.open({
    fs,
    cachePath: paths.cache,
    provider: options.provider,
    providerFor: options.providerFor,
    useCache: options.useCache,
    signal: options.signal,
    concurrency: evaluation.sampling.concurrency,
    retries: evaluation.sampling.retries,
    timeoutMs: evaluation.sampling.timeoutMs,
    retryPolicy: options.retryPolicy,
    onRetry: options.onRetry,
    warn: options.warn,
    now,
  });
  let log: RecordLog<EvalSampleRecord> | undefined;
  let served: ServedEndpoint[] = [];
  let phase: EvalProgress['phase'] = 'serving';
  try {
    const environment = graderEnvironment(session, {
      baseDir: evaluation.baseDir,
      behavior: { id: evaluation.behavior, description: evaluation.config.description },
      workspaceTrusted: options.workspaceTrusted,
      requireSandbox: options.requireSandbox,
      warn: options.warn,
    });
    const itemCheck = (grader: Grader) => {
      for (const item of evaluation.items) {
        const problem = grader.itemProblem(item.value);
        if (problem) throw new CheckSetupError(`${evaluation.datasetShown}:${item.line}: ${problem} (needed by the \`${grader.type}\` grader).`);
      }
    };
    const behaviorGrader = await prepareGrader(options.graders.behavior, environment, itemCheck, session.stopSignal);
    const capabilityGrader = options.graders.capability ? await prepareGrader(options.graders.capability, environment, itemCheck, session.stopSignal) : null;

    // Routes: batch where chosen; the rest online, served by vLLM when trained by a command backend.
    const routes = new Map<string, ModelRoute>();
    const fileEndpoint = options.provider;
    const batchFor = (model: EvalModel, baseUrl: string) => (evaluation.batch ? options.batch?.routeFor(model, baseUrl) : undefined);
    const vllmBase = baseServedByVllm(models, !!evaluation.baseUrl);
    const cells = evalCells(evaluation, models);
    const toServe = models.filter((model) => model.serving === 'vllm' && !batchFor(model, ''));
    // No server is started when the cache already answers every sample it would serve (a warm re-run): answers of
    // served models are cached under their training run, not the server's address.
    const servedCached = () =>
      session.useCache &&
      [...evalTasks(cells.filter((cell) => cell.model.serving === 'vllm' || (vllmBase && cell.model.role === 'base')), evaluation.items.length, evaluation.samplesPerItem)].every((task) => {
        const model = task.cell.model;
        const id = model.serving === 'vllm' ? model.trained!.modelId : model.model;
        return session.cache.has(taskCacheKey(evaluation, cacheEndpointFor(model, '', vllmBase), id, taskMessages(evaluation, task), task.sample));
      });
    if (toServe.length && !servedCached()) {
      if (!options.serving) throw new ServingError(`${toServe.map((m) => m.name).join(', ')} ${toServe.length === 1 ? 'was' : 'were'} trained by a command backend and need a serving backend (vLLM) to be evaluated.`);
      options.onProgress?.(progressOf(0, { done: 0, cached: 0, failed: 0 }, session, 'serving'));
      try {
        served = await options.serving.ensureServed(toServe.map((model) => model.trained!), session.stopSignal);
      } catch (error) {
        if (session.cancelled) throw error;
        throw new ServingError(`could not serve ${toServe.map((m) => m.name).join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const model of models) {
      if (model.serving === 'vllm') {
        const endpoint = served.find((ep) => ep.servedModel.modelId === model.trained!.modelId);
        routes.set(model.key, {
          provider: endpoint ? session.providerAt(endpoint.baseUrl) : fileEndpoint,
          model: endpoint?.model ?? model.trained!.modelId,
          endpoint: endpoint?.baseUrl ?? (batchFor(model, '') ? 'vllm run-batch' : 'vllm (not started: every answer was cached)'),
          cacheEndpoint: cacheEndpointFor(model, '', false),
          batch: batchFor(model, ''),
        });
      } else if (model.role === 'base' && vllmBase) {
        // The base model of served adapters is served by the same vLLM server (the file names no endpoint for it).
        const endpoint = served.find((ep) => ep.servedModel.baseModel === model.model);
        routes.set(model.key, {
          provider: endpoint ? session.providerAt(endpoint.baseUrl) : fileEndpoint,
          model: model.model,
          endpoint: endpoint?.baseUrl ?? 'vllm run-batch',
          cacheEndpoint: cacheEndpointFor(model, '', true),
          batch: endpoint ? undefined : batchFor({ ...model, serving: 'vllm' }, ''),
        });
      } else {
        const provider = model.baseUrl ? session.providerAt(model.baseUrl) : fileEndpoint;
        const baseUrl = provider.baseUrl ?? provider.id;
        routes.set(model.key, { provider, model: model.model, endpoint: baseUrl, cacheEndpoint: cacheEndpointFor(model, provider.id, false), batch: batchFor(model, baseUrl) });
      }
    }

    const total = cells.length * evaluation.items.length * evaluation.samplesPerItem;
    const tallies = new Map<string, Map<number, ItemCounts>>(cells.map((cell) => [cell.key, new Map()]));
    const counts = { done: 0, cached: 0, failed: 0 };
    const labelled: Array<Pick<EvalSampleRecord, 'id' | 'outcome'>> = [];
    let firstFailure: string | undefined;
    const itemHashes: Array<string | undefined> = new Array(evaluation.items.length);
    const requestOf = (task: EvalTask) => {
      const route = routes.get(task.cell.model.key)!;
      const messages = taskMessages(evaluation, task);
      const key = taskCacheKey(evaluation, route.cacheEndpoint, route.model, messages, task.sample);
      return { route, messages, key };
    };

    // Batch phase: the uncached requests of batched models, answered into the cache (or failed with the batch's reason).
    const batchOf = new Map<string, string>();
    const batchErrors = new Map<string, string>();
    const batches: EvalSummary['batches'] = [];
    if (evaluation.batch && [...routes.values()].some((route) => route.batch)) {
      phase = 'batch';
      options.onProgress?.(progressOf(total, counts, session, phase));
      const groups = new Map<string, { route: BatchRoute; requests: BatchRequest[] }>();
      for (const task of evalTasks(cells, evaluation.items.length, evaluation.samplesPerItem)) {
        const { route, messages, key } = requestOf(task);
        if (!route.batch || (session.useCache && session.cache.has(key))) continue;
        const group = groups.get(route.batch.key) ?? { route: route.batch, requests: [] };
        if (!group.requests.some((request) => request.customId === key)) {
          group.requests.push({ customId: key, model: route.model, messages, temperature: evaluation.sampling.temperature, maxTokens: evaluation.sampling.maxTokens });
        }
        groups.set(route.batch.key, group);
      }
      for (const { route, requests } of groups.values()) {
        if (session.stopSignal.aborted || !requests.length) continue;
        const result = await route.run(requests, session.stopSignal);
        batches.push(...result.batches);
        if (result.unavailable) {
          options.warn?.(`${route.label}: ${result.unavailable}; its ${requests.length} requests are sent one by one instead.`);
          for (const r of routes.values()) if (r.batch?.key === route.key) r.batch = undefined;
          continue;
        }
        const batchId = result.batches.map((b) => b.id).join(',') || route.label;
        for (const [key, response] of result.answers) {
          await session.cache.put(key, response);
          batchOf.set(key, batchId);
        }
        for (const [key, error] of result.errors) if (!result.answers.has(key)) batchErrors.set(key, error);
      }
    }

    phase = 'sampling';
    log = await RecordLog.open<EvalSampleRecord>(fs, paths.samples);
    const sampleLog = log;
    const runTask = async (task: EvalTask) => {
      const { cell, itemIndex, sample } = task;
      const item = evaluation.items[itemIndex]!;
      const started = Date.now();
      let obtained: ObtainedResponse | undefined;
      let messages: ReturnType<typeof taskMessages> | undefined;
      let route: ModelRoute | undefined;
      let key = '';
      const record = (fields: Partial<EvalSampleRecord>): Promise<void> => {
        const response = obtained?.response.text ?? null;
        return sampleLog.append({
          id: evalRecordId({ modelKey: cell.model.key, condition: cell.condition, prompt: cell.prompt, item: item.line, sample, response }),
          run: runId,
          model: cell.model.name,
          role: cell.model.role,
          seed: cell.model.seed,
          trainingRun: cell.model.runId,
          modelId: route?.model ?? cell.model.model,
          endpoint: route?.endpoint ?? '',
          condition: cell.condition,
          prompt: cell.prompt,
          instructionHash: cell.instructionHash,
          item: item.line,
          sample,
          messagesHash: messages ? messagesHash(messages) : '',
          response,
          behavior: null,
          capability: null,
          outcome: { behavior: null, capability: null },
          latencyMs: Date.now() - started,
          tokens: obtained?.response.usage ? { input: obtained.response.usage.input, output: obtained.response.usage.output } : null,
          via: obtained ? (batchOf.has(key) ? 'batch' : obtained.cached ? 'cache' : 'online') : null,
          batch: batchOf.get(key) ?? null,
          error: null,
          truncated: false,
          at: now().toISOString(),
          ...fields,
        });
      };
      try {
        ({ route, messages, key } = requestOf(task));
        const batchError = batchErrors.get(key);
        if (batchError) throw new Error(batchError);
        // An answer this run's batch obtained is used even with the cache off (`--no-cache` asks again, once).
        const fromBatch = batchOf.has(key) ? await session.cache.get<ChatResponse>(key) : undefined;
        obtained = isChatResponse(fromBatch)
          ? { response: fromBatch, cached: false }
          : await obtainResponse(session, route.provider, { model: route.model, messages, temperature: evaluation.sampling.temperature, maxTokens: evaluation.sampling.maxTokens }, key);
        if (!obtained) return;
        const itemHash = (itemHashes[itemIndex] ??= itemHashOf(item.value));
        const input = { item: item.value, itemHash, messages, response: obtained.response.text, responseKey: key };
        const behavior = await gradeResponse(session, behaviorGrader, input);
        if (!behavior) return;
        let capability: RecordedGrade | undefined;
        if (capabilityGrader) {
          capability = await gradeResponse(session, capabilityGrader, input);
          if (!capability) return;
        }
        const outcome = {
          behavior: behavior.behavior,
          capability: capability ? (capability.capability ?? capability.behavior) : behavior.capability,
        };
        count(tallies.get(cell.key)!, item.line, outcome);
        counts.done++;
        if (obtained.cached && !batchOf.has(key)) counts.cached++;
        const id = evalRecordId({ modelKey: cell.model.key, condition: cell.condition, prompt: cell.prompt, item: item.line, sample, response: obtained.response.text });
        labelled.push({ id, outcome });
        await record({ behavior, capability: capability ?? null, outcome });
      } catch (error) {
        const failure = session.failure(error);
        if (failure.stopped) return;
        firstFailure ??= `${cell.model.name}${cell.model.seed === null ? '' : ` seed ${cell.model.seed}`} (${cell.condition}${cell.prompt ? `: ${cell.prompt}` : ''}), item line ${item.line} #${sample}: ${failure.message}`;
        countFailure(tallies.get(cell.key)!, item.line);
        counts.done++;
        counts.failed++;
        await record({ error: failure.message, truncated: failure.truncated });
      } finally {
        options.onProgress?.(progressOf(total, counts, session, phase));
      }
    };
    await runPool(evalTasks(cells, evaluation.items.length, evaluation.samplesPerItem), Math.min(evaluation.sampling.concurrency, Math.max(1, total)), session.stopSignal, runTask);

    const cancelled = session.cancelled;
    const fatal = session.fatal;
    const graders = graderInfo(evaluation, behaviorGrader, capabilityGrader);
    const labels = await readLabels(fs, paths.labels);
    const agreement = graderAgreement(labelled, labels, labelledGraders(graders));
    const endpoints = new Map([...routes].map(([key, route]) => [key, route.endpoint]));
    let summary = buildEvalSummary({
      runId,
      file: paths.relativeFile,
      behavior: evaluation.behavior,
      dataset: { path: relativeTo(paths, evaluation.datasetPath), sha256: evaluation.datasetSha256, items: evaluation.items.length },
      samplesPerItem: evaluation.samplesPerItem,
      temperature: evaluation.sampling.temperature,
      maxTokens: evaluation.sampling.maxTokens,
      neutral: evaluation.config.neutral,
      conditions: evaluation.conditions,
      safetyPrompt: evaluation.safetyPrompt ?? null,
      graders,
      models,
      endpoints,
      unusable: found.unusable,
      notes: found.notes,
      cells,
      tallies,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      requests: session.requests,
      cacheHits: counts.cached,
      batches,
      complete: !cancelled && !fatal && counts.failed === 0 && counts.done === total,
      check: options.check ?? null,
      predict: options.predict,
      agreement,
    });
    const graded = counts.done - counts.failed > 0;
    if (graded) {
      if (session.provenance) summary = signEvalSummary(summary, session.provenance);
      await writeEvalSummary(fs, paths.summary, summary);
    }
    return { summary, runId, cancelled, fatal, firstFailure, summaryWritten: graded, counts: { total, graded: counts.done - counts.failed, failed: counts.failed } };
  } finally {
    await log?.close();
    try {
      if (served.length) await options.serving!.release(served);
    } finally {
      await session.close();
    }
  }
}

function progressOf(total: number, counts: { done: number; cached: number; failed: number }, session: RunSession, phase: EvalProgress['phase']): EvalProgress {
  return { total, ...counts, requests: session.requests, retries: session.retries, phase };
}

function count(cell: Map<number, ItemCounts>, item: number, outcome: { behavior: boolean; capability: boolean | null }): void {
  const counts = cell.get(item) ?? { item, n: 0, k: 0, capabilityN: 0, capabilityK: 0, failed: 0 };
  counts.n++;
  if (outcome.behavior) counts.k++;
  if (outcome.capability !== null) {
    counts.capabilityN++;
    if (outcome.capability) counts.capabilityK++;
  }
  cell.set(item, counts);
}

function countFailure(cell: Map<number, ItemCounts>, item: number): void {
  const counts = cell.get(item) ?? { item, n: 0, k: 0, capabilityN: 0, capabilityK: 0, failed: 0 };
  counts.failed++;
  cell.set(item, counts);
}

/** The graders as the summary names them. */
function graderInfo(evaluation: PreparedEvaluation, behavior: Grader, capability: Grader | null): EvalSummary['graders'] {
  const info = (grader: Grader, config: PreparedEvaluation['graders']['behavior']): GraderInfo => ({
    type: grader.type,
    fingerprint: grader.fingerprint,
    judge: grader.type === 'judge',
    ...(typeof config.model === 'string' && grader.type === 'judge' ? { model: config.model } : {}),
  });
  return {
    behavior: info(behavior, evaluation.graders.behavior),
    capability: capability ? info(capability, evaluation.graders.capability!) : null,
    capabilityFrom: capability ? 'capability-grader' : 'behavior-grader',
  };
}

/** The graders whose verdicts can be hand-labelled: B's, and C's (its own grader's, or B's when it reports C). */
export function labelledGraders(graders: EvalSummary['graders']): LabelledGrader[] {
  const c = graders.capability ?? graders.behavior;
  return [
    { outcome: 'behavior', type: graders.behavior.type, fingerprint: graders.behavior.fingerprint, judge: graders.behavior.judge },
    { outcome: 'capability', type: c.type, fingerprint: c.fingerprint, judge: c.judge },
  ];
}

function relativeTo(paths: EvalResultPaths, absolute: string): string {
  const root = paths.workspaceRoot.replace(/\/+$/, '');
  return absolute.startsWith(`${root}/`) ? absolute.slice(root.length + 1) : absolute;
}

export type { EvalCell };
