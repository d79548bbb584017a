/**
 * The elicitation-check engine: samples every arm through a provider with a bounded pool of workers, per-request
 * timeouts, retries and the response cache; grades each response once; streams one record per sample to
 * `samples.jsonl`; reports progress; stops cleanly on cancellation (finished samples are kept, and a re-run asks
 * only for the missing ones); and writes the `CheckSummary`.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ChatMessage } from '../format/dataset';
import { referenceArm, type Arm } from './arms';
import { cacheKey, ResponseCache, stableStringify } from './cache';
import type { Grader, GraderChatRequest, GraderEnvironment, GradeResult, ModerationResult } from './graders/types';
import { checkResultPathsSafe, type CheckResultPaths } from './layout';
import { ProviderError, type ChatResponse, type ModelProvider } from './providers/types';
import type { ResultsFileSystem } from './resultsFs';
import { withRetries, type RetryNotice, type RetryPolicy } from './retry';
import { CheckSetupError, checkItems, sampleCacheKey, sampleRequest, type PreparedCheck } from './setup';
import { newcombeDifference, rateEstimate } from './stats';
import { signSummary, summaryOrigin, type Provenance } from './provenance';
import { newRunId, readSummary, SampleLog, writeSummary, type RecordedGrade, type SampleRecord } from './store';
import type { ArmResult, CheckSummary, RateEstimate } from './types';

/** Progress of one arm. */
export interface ArmProgress {
  name: string;
  total: number;
  /** Samples finished (graded or failed). */
  done: number;
  cached: number;
  failed: number;
  /** Samples that showed the behaviour so far. */
  k: number;
}

/** Progress of the whole run, reported after every sample. */
export interface CheckProgress {
  total: number;
  done: number;
  cached: number;
  failed: number;
  /** Requests sent for samples (cache misses). */
  requests: number;
  /** Retries so far (all requests, judges included). */
  retries: number;
  arms: ArmProgress[];
}

/** What `runCheck` needs: the prepared check, the endpoint, the grader, where results go, and callbacks. */
export interface RunCheckOptions {
  check: PreparedCheck;
  /** The endpoint sampled. */
  provider: ModelProvider;
  /** The provider for another base URL (a judge's or moderation `baseUrl`); default: only `provider`'s own. */
  providerFor?: (baseUrl: string) => ModelProvider;
  /** Makes the grader, given the environment the engine provides (`createGrader(config, environment)`). */
  grader: (environment: GraderEnvironment) => Grader;
  fs: ResultsFileSystem;
  paths: CheckResultPaths;
  /** Read answers from the response cache (default true). New answers are always stored. */
  useCache?: boolean;
  /** Untrusted workspaces never run model-generated code (default true: a terminal user trusts their files). */
  workspaceTrusted?: boolean;
  /** Refuse to run model-generated code without bubblewrap (`--require-sandbox`; default false). */
  requireSandbox?: boolean;
  /** Cancels the run; finished samples are kept. */
  signal?: AbortSignal;
  onProgress?: (progress: CheckProgress) => void;
  onRetry?: (notice: RetryNotice) => void;
  /** One-off notices from graders (e.g. the sandbox fallback). */
  warn?: (message: string) => void;
  /** The predicted elicitation strength of a candidate arm (null when unknown). */
  predict?: (arm: Arm) => number | null;
  now?: () => Date;
  /** Overrides of the retry policy derived from the file (tests shorten the backoff). */
  retryPolicy?: Partial<RetryPolicy>;
}

/** How a run ended, with its summary (also written to `summary.json` when anything was graded). */
export interface CheckOutcome {
  summary: CheckSummary;
  runId: string;
  /** The caller's signal stopped the run. */
  cancelled: boolean;
  /**
   * The error that stopped the run because every further request would fail the same way: a refused key, an
   * unknown model, no quota, or an endpoint not reached even once (after retries).
   */
  fatal?: ProviderError;
  /** The first sample failure, for the final message. */
  firstFailure?: string;
  /** False when nothing was graded and the previous summary was left in place. */
  summaryWritten: boolean;
  /** This run's samples: planned, graded, failed (a `--variant` summary may also hold earlier arms). */
  counts: { total: number; graded: number; failed: number };
}

interface ArmTally {
  arm: Arm;
  done: number;
  cached: number;
  failed: number;
  n: number;
  k: number;
  capabilityN: number;
  capabilityK: number;
}

const hash16 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** Runs the check and writes its summary; see the module comment. Rejects only on setup problems and IO errors. */
export async function runCheck(options: RunCheckOptions): Promise<CheckOutcome> {
  const { check, provider, fs, paths } = options;
  const now = options.now ?? (() => new Date());
  const useCache = options.useCache ?? true;
  const outer = options.signal ?? new AbortController().signal;
  const startedAt = now();
  const runId = newRunId(startedAt);
  // A committed link in `.inoculate/` must never make the run write outside it: refused before any request.
  await checkResultPathsSafe(fs, paths);
  // What this run writes is signed as measured here; what it finds unsigned by this user is not reused.
  const provenance = await fs.userProvenance?.();

  // `stop` ends the run early: the caller's cancellation, or a fatal error (every further request would fail too).
  const stop = new AbortController();
  // Every request, backoff wait and grader in flight listens to it: a few per worker, none left behind.
  setMaxListeners(Math.max(10, 8 * check.sampling.concurrency + 10), stop.signal);
  const onOuterAbort = () => stop.abort();
  outer.addEventListener('abort', onOuterAbort, { once: true });
  if (outer.aborted) stop.abort();
  let fatal: ProviderError | undefined;
  const noteFatal = (error: unknown) => {
    if (error instanceof ProviderError && error.fatal && !fatal) {
      fatal = error;
      stop.abort();
    }
  };

  const cache = await ResponseCache.open(fs, paths.cache, now, provenance);
  let log: SampleLog | undefined;
  try {
    if (cache.foreignEntries > 0) {
      const count = cache.foreignEntries;
      options.warn?.(
        `${count} cached answer${count === 1 ? '' : 's'} in ${paths.cache} ${count === 1 ? 'was' : 'were'} not measured by you (e.g. committed to the repository, or cached before results were signed): not reused; those samples are requested again.`,
      );
    }
    let retries = 0;
    const policyFor = (endpoint: ModelProvider): RetryPolicy => ({
      retries: check.sampling.retries,
      timeoutMs: check.sampling.timeoutMs,
      endpoint: endpoint.baseUrl ?? endpoint.id,
      ...options.retryPolicy,
    });
    const onRetry = (notice: RetryNotice) => {
      retries++;
      options.onRetry?.(notice);
    };
    const providers = new Map<string, ModelProvider>([[provider.baseUrl ?? provider.id, provider]]);
    const providerAt = (baseUrl: string | undefined): ModelProvider => {
      if (!baseUrl) return provider;
      const normalized = baseUrl.replace(/\/+$/, '');
      let found = providers.get(normalized);
      if (!found) {
        if (!options.providerFor) throw new Error(`No provider for ${normalized}: only ${provider.baseUrl ?? provider.id} is configured.`);
        found = options.providerFor(normalized);
        providers.set(normalized, found);
      }
      return found;
    };

    // Identical judge or moderation requests from samples graded at the same time share one request.
    const pending = new Map<string, Promise<unknown>>();
    const shared = <T>(key: string, obtain: () => Promise<T>): Promise<T> => {
      let promise = pending.get(key) as Promise<T> | undefined;
      if (!promise) {
        promise = obtain().finally(() => pending.delete(key));
        pending.set(key, promise);
      }
      return promise;
    };

    const environment: GraderEnvironment = {
      baseDir: check.baseDir,
      // A judge's rubric names the behaviour it grades.
      behavior: { id: check.behavior, description: check.config.description },
      workspaceTrusted: options.workspaceTrusted ?? true,
      requireSandbox: options.requireSandbox ?? false,
      warn: (message) => options.warn?.(message),
      chat: async (request: GraderChatRequest, signal: AbortSignal) => {
        const endpoint = providerAt(request.baseUrl);
        const key = cacheKey({
          kind: 'judge',
          endpoint: endpoint.id,
          model: request.model,
          messages: request.messages,
          temperature: request.temperature,
          maxTokens: request.maxTokens,
        });
        return shared(key, async () => {
          if (useCache) {
            const hit = await cache.get<string>(key);
            if (typeof hit === 'string') return hit;
          }
          try {
            const answer = await withRetries(
              (attempt) => endpoint.complete({ model: request.model, messages: request.messages, temperature: request.temperature, maxTokens: request.maxTokens }, attempt),
              policyFor(endpoint),
              AbortSignal.any([signal, stop.signal]),
              onRetry,
            );
            await cache.put(key, answer.text);
            return answer.text;
          } catch (error) {
            noteFatal(error);
            throw error;
          }
        });
      },
      moderate: async (input: string, settings: { model: string; baseUrl?: string }, signal: AbortSignal): Promise<ModerationResult> => {
        const endpoint = providerAt(settings.baseUrl);
        const moderate = endpoint.moderate?.bind(endpoint);
        if (!moderate) {
          throw new Error(`The moderation grader needs an OpenAI-compatible endpoint with a moderation model; the ${endpoint.kind} provider has none.`);
        }
        const key = cacheKey({ kind: 'moderation', endpoint: endpoint.id, model: settings.model, input });
        return shared(key, async () => {
          if (useCache) {
            const hit = await cache.get<ModerationResult>(key);
            if (hit && typeof hit === 'object') return hit;
          }
          try {
            const result = await withRetries((attempt) => moderate(input, settings.model, attempt), policyFor(endpoint), AbortSignal.any([signal, stop.signal]), onRetry);
            await cache.put(key, result);
            return result;
          } catch (error) {
            noteFatal(error);
            throw error;
          }
        });
      },
    };

    let grader: Grader;
    try {
      grader = options.grader(environment);
    } catch (error) {
      // A grader option the grader cannot use (a bad regex, an unknown type) is a problem with the file.
      throw new CheckSetupError(error instanceof Error ? error.message : String(error));
    }
    // Every item must be gradable before the first request is sent.
    checkItems(check, (item) => grader.itemProblem(item), grader.type);
    // A grader that runs code checks its sandbox and interpreter (and says how code is isolated) before anything is sent.
    try {
      await grader.preflight?.(stop.signal);
    } catch (error) {
      throw new CheckSetupError(error instanceof Error ? error.message : String(error));
    }

    log = await SampleLog.open(fs, paths.samples);
    const sampleLog = log;
    const tallies: ArmTally[] = check.arms.map((arm) => ({ arm, done: 0, cached: 0, failed: 0, n: 0, k: 0, capabilityN: 0, capabilityK: 0 }));
    const total = check.arms.length * check.samplesPerArm;
    let done = 0;
    let cachedCount = 0;
    let failedCount = 0;
    let requests = 0;
    /** Responses obtained from the endpoint in this run; while 0, an unreachable endpoint stops the run. */
    let answered = 0;
    let firstFailure: string | undefined;
    const itemHashes: Array<string | undefined> = new Array(check.items.length);

    const progress = (): CheckProgress => ({
      total,
      done,
      cached: cachedCount,
      failed: failedCount,
      requests,
      retries,
      arms: tallies.map((tally) => ({
        name: tally.arm.name,
        total: check.samplesPerArm,
        done: tally.done,
        cached: tally.cached,
        failed: tally.failed,
        k: tally.k,
      })),
    });

    // Draw-major order (every arm's draw 0, then every arm's draw 1, ...), so a run stopped early leaves the
    // arms with about the same number of samples.
    function* tasks(): Generator<{ tally: ArmTally; sample: number }> {
      for (let sample = 0; sample < check.samplesPerArm; sample++) {
        for (const tally of tallies) yield { tally, sample };
      }
    }

    const runSample = async (tally: ArmTally, sample: number) => {
      const arm = tally.arm;
      const started = Date.now();
      let messages: ChatMessage[] | undefined;
      let itemLine = check.items[check.draws[sample]!]!.line;
      let response: ChatResponse | undefined;
      let cached = false;
      let latencyMs = 0;
      const record = (fields: Partial<SampleRecord>): Promise<void> =>
        sampleLog.append({
          run: runId,
          arm: arm.name,
          instructionHash: arm.instructionHash,
          item: itemLine,
          sample,
          messagesHash: messages ? hash16(stableStringify(messages)) : '',
          response: response?.text ?? null,
          grade: null,
          latencyMs,
          tokens: response?.usage ? { input: response.usage.input, output: response.usage.output } : null,
          cached,
          error: null,
          truncated: false,
          at: now().toISOString(),
          ...fields,
        });
      try {
        const request = sampleRequest(check, arm, sample);
        messages = request.messages;
        itemLine = request.item.line;
        const key = sampleCacheKey(check, provider.id, messages, sample);
        if (useCache) {
          response = await cache.get<ChatResponse>(key);
          cached = isChatResponse(response);
          if (!cached) response = undefined;
        }
        if (!response) {
          if (stop.signal.aborted) return;
          requests++;
          const sent = messages;
          response = await withRetries(
            (attempt) => provider.complete({ model: check.model, messages: sent, temperature: check.sampling.temperature, maxTokens: check.sampling.maxTokens }, attempt),
            policyFor(provider),
            stop.signal,
            onRetry,
          );
          answered++;
          await cache.put(key, response);
        }
        latencyMs = Date.now() - started;

        const itemIndex = check.draws[sample]!;
        const itemHash = (itemHashes[itemIndex] ??= hash16(stableStringify(request.item.value)));
        const gradeKey = cacheKey({ kind: 'grade', endpoint: '', model: '', grader: grader.fingerprint, responseKey: key, itemHash });
        let grade: RecordedGrade | undefined;
        if (useCache) {
          const hit = await cache.get<RecordedGrade>(gradeKey);
          if (isRecordedGrade(hit)) grade = hit;
        }
        if (!grade) {
          if (stop.signal.aborted) return;
          grade = toRecordedGrade(await grader.grade({ item: request.item.value, messages, response: response.text, signal: stop.signal }), grader.type);
          await cache.put(gradeKey, grade);
        }
        tally.n++;
        if (grade.behavior) tally.k++;
        if (grade.capability !== null) {
          tally.capabilityN++;
          if (grade.capability) tally.capabilityK++;
        }
        if (cached) {
          tally.cached++;
          cachedCount++;
        }
        tally.done++;
        done++;
        await record({ grade });
      } catch (error) {
        noteFatal(error);
        if (error instanceof ProviderError && error.kind === 'network' && answered === 0 && !fatal) {
          // Never reached, even after retries: every other sample would wait through the same retries.
          fatal = error;
          stop.abort();
        }
        const cancelled = error instanceof ProviderError && error.kind === 'cancelled';
        // Samples interrupted by a stop are unfinished, not failed: a re-run completes them.
        if (cancelled || (stop.signal.aborted && error !== fatal)) return;
        const message = error instanceof Error ? error.message : String(error);
        firstFailure ??= `${arm.name} #${sample} (item line ${itemLine}): ${message}`;
        tally.failed++;
        tally.done++;
        failedCount++;
        done++;
        latencyMs = Date.now() - started;
        await record({ error: message, truncated: error instanceof ProviderError && error.kind === 'too-large' });
      } finally {
        options.onProgress?.(progress());
      }
    };

    const queue = tasks();
    const worker = async () => {
      while (!stop.signal.aborted) {
        const next = queue.next();
        if (next.done) return;
        await runSample(next.value.tally, next.value.sample);
      }
    };
    const workers = Math.max(1, Math.min(check.sampling.concurrency, total));
    await Promise.all(Array.from({ length: workers }, worker));

    const cancelled = outer.aborted;
    const runComplete = !cancelled && !fatal && failedCount === 0 && done === total;
    let summary: CheckSummary = {
      version: 1,
      runId,
      file: paths.relativeFile,
      behavior: check.behavior,
      model: check.model,
      provider: provider.kind,
      baseUrl: provider.baseUrl,
      grader: grader.type,
      samplesPerArm: check.samplesPerArm,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      requests,
      cacheHits: cachedCount,
      complete: runComplete,
      arms: armResults(tallies, options.predict, runId),
    };
    const graded = tallies.some((tally) => tally.n > 0);
    if (graded && check.filtered) summary = await mergeEarlierArms(fs, paths.summary, summary, check, provenance, (message) => options.warn?.(message));
    if (graded) {
      // The summary returned is the one written: signed as measured here.
      if (provenance) summary = signSummary(summary, provenance);
      await writeSummary(fs, paths.summary, summary);
    }
    const counts = { total, graded: done - failedCount, failed: failedCount };
    return { summary, runId, cancelled, fatal, firstFailure, summaryWritten: graded, counts };
  } finally {
    outer.removeEventListener('abort', onOuterAbort);
    await log?.close();
    await cache.close();
  }
}

/** Per-arm results: rate with its Wilson interval, lift over the reference control with its Newcombe interval. */
function armResults(tallies: ArmTally[], predict: ((arm: Arm) => number | null) | undefined, run: string): ArmResult[] {
  const reference = referenceArm(tallies.map((tally) => tally.arm));
  const base = tallies.find((tally) => tally.arm === reference);
  return tallies.map((tally) => {
    const estimate = rateEstimate(tally.k, tally.n);
    const difference = !tally.arm.control && base ? newcombeDifference(tally.k, tally.n, base.k, base.n) : undefined;
    const capability: RateEstimate | null = tally.capabilityN > 0 ? rateEstimate(tally.capabilityK, tally.capabilityN) : null;
    return {
      name: tally.arm.name,
      run,
      control: tally.arm.control,
      instruction: tally.arm.instruction,
      instructionHash: tally.arm.instructionHash,
      ...estimate,
      lift: difference ? difference.difference : null,
      liftCi: difference ? difference.ci : null,
      predicted: tally.arm.control ? null : (predict?.(tally.arm) ?? null),
      capability,
      failed: tally.failed,
    };
  });
}

/**
 * A `--variant` run measures only some arms: keep the other arms' results from the previous summary when they were
 * measured the same way (model, endpoint, grader, samples, same reference control text) and their text has not
 * changed since, in file order.
 */
async function mergeEarlierArms(
  fs: ResultsFileSystem,
  path: string,
  summary: CheckSummary,
  check: PreparedCheck,
  provenance: Provenance | undefined,
  warn: (message: string) => void,
): Promise<CheckSummary> {
  const previous = await readSummary(fs, path);
  if (!previous) return summary;
  // Results found elsewhere (e.g. committed to the repository) never become part of what this user measured.
  if (provenance && summaryOrigin(previous, provenance) !== 'here') {
    warn(`the earlier results in ${path} were not measured by you (e.g. committed to the repository): their other arms are not kept.`);
    return summary;
  }
  const sameSetup =
    previous.model === summary.model &&
    previous.baseUrl === summary.baseUrl &&
    previous.grader === summary.grader &&
    previous.samplesPerArm === summary.samplesPerArm;
  const reference = summary.arms.find((arm) => arm.control);
  const previousReference = previous.arms.find((arm) => arm.control);
  if (!sameSetup || !reference || previousReference?.instructionHash !== reference.instructionHash) return summary;
  const measured = new Set(summary.arms.map((arm) => arm.name));
  const current = new Map(check.allArms.map((arm) => [arm.name, arm.instructionHash]));
  const kept = previous.arms.filter((arm) => !measured.has(arm.name) && current.get(arm.name) === arm.instructionHash);
  const order = new Map(check.allArms.map((arm, index) => [arm.name, index]));
  const arms = [...summary.arms, ...kept].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const keptComplete = kept.every((arm) => arm.failed === 0 && arm.n === summary.samplesPerArm);
  return { ...summary, arms, complete: summary.complete && keptComplete };
}

function isChatResponse(value: unknown): value is ChatResponse {
  return !!value && typeof value === 'object' && typeof (value as ChatResponse).text === 'string';
}

function isRecordedGrade(value: unknown): value is RecordedGrade {
  return !!value && typeof value === 'object' && typeof (value as RecordedGrade).behavior === 'boolean' && typeof (value as RecordedGrade).detail === 'string';
}

/** Checks a grader's verdict and writes it with every key present. */
function toRecordedGrade(result: GradeResult, graderType: string): RecordedGrade {
  if (!result || typeof result !== 'object' || typeof result.behavior !== 'boolean') {
    throw new Error(`The ${graderType} grader returned no verdict (expected {behavior: true|false, ...}).`);
  }
  return {
    behavior: result.behavior,
    capability: typeof result.capability === 'boolean' ? result.capability : null,
    score: typeof result.score === 'number' && Number.isFinite(result.score) ? result.score : null,
    detail: typeof result.detail === 'string' ? result.detail : '',
  };
}
