/**
 * The elicitation-check engine: samples every arm through a provider with a bounded pool of workers, per-request
 * timeouts, retries and the response cache; grades each response once; streams one record per sample to
 * `samples.jsonl`; reports progress; stops cleanly on cancellation (finished samples are kept, and a re-run asks
 * only for the missing ones); and writes the `CheckSummary`.
 *
 * `runCheck` composes the parts evaluations share: `session.ts` (stop, cache, retries, failure rules), `sample.ts`
 * (obtain a response), `grade.ts` (grade it, with the grade cache), `record.ts` (the append-only log), `pool.ts`
 * (the bounded pool) and `summarise.ts` (tallies → summary).
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../format/dataset';
import type { Arm } from './arms';
import { stableStringify } from './cache';
import { gradeResponse, graderEnvironment, itemHashOf, prepareGrader } from './grade';
import type { Grader, GraderEnvironment } from './graders/types';
import { checkResultPathsSafe, type CheckResultPaths } from './layout';
import { runPool } from './pool';
import { signSummary } from './provenance';
import type { ProviderError, ModelProvider } from './providers/types';
import type { ResultsFileSystem } from './resultsFs';
import type { RetryNotice, RetryPolicy } from './retry';
import { obtainResponse, type ObtainedResponse } from './sample';
import { RunSession } from './session';
import { checkItems, sampleCacheKey, sampleRequest, type PreparedCheck } from './setup';
import { newRunId, SampleLog, writeSummary, type SampleRecord } from './store';
import { armResults, countFailed, countGraded, mergeEarlierArms, newArmTally, type ArmTally } from './summarise';
import type { CheckSummary } from './types';

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

const hash16 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** Runs the check and writes its summary; see the module comment. Rejects only on setup problems and IO errors. */
export async function runCheck(options: RunCheckOptions): Promise<CheckOutcome> {
  const { check, provider, fs, paths } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = newRunId(startedAt);
  // A committed link in `.inoculate/` must never make the run write outside it: refused before any request.
  await checkResultPathsSafe(fs, paths);
  const session = await RunSession.open({
    fs,
    cachePath: paths.cache,
    provider,
    providerFor: options.providerFor,
    useCache: options.useCache,
    signal: options.signal,
    concurrency: check.sampling.concurrency,
    retries: check.sampling.retries,
    timeoutMs: check.sampling.timeoutMs,
    retryPolicy: options.retryPolicy,
    onRetry: options.onRetry,
    warn: options.warn,
    now,
  });
  let log: SampleLog | undefined;
  try {
    const environment = graderEnvironment(session, {
      baseDir: check.baseDir,
      // A judge's rubric names the behaviour it grades.
      behavior: { id: check.behavior, description: check.config.description },
      workspaceTrusted: options.workspaceTrusted,
      requireSandbox: options.requireSandbox,
      warn: options.warn,
    });
    // Every item must be gradable, and the grader able to run here, before the first request is sent.
    const grader = await prepareGrader(options.grader, environment, (made) => checkItems(check, (item) => made.itemProblem(item), made.type), session.stopSignal);

    log = await SampleLog.open(fs, paths.samples);
    const sampleLog = log;
    const tallies = check.arms.map(newArmTally);
    const total = check.arms.length * check.samplesPerArm;
    let firstFailure: string | undefined;
    const itemHashes: Array<string | undefined> = new Array(check.items.length);
    const totals = () => tallies.reduce((sum, tally) => ({ done: sum.done + tally.done, cached: sum.cached + tally.cached, failed: sum.failed + tally.failed }), { done: 0, cached: 0, failed: 0 });

    const progress = (): CheckProgress => ({
      total,
      ...totals(),
      requests: session.requests,
      retries: session.retries,
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
      let obtained: ObtainedResponse | undefined;
      let latencyMs = 0;
      const record = (fields: Partial<SampleRecord>): Promise<void> =>
        sampleLog.append({
          run: runId,
          arm: arm.name,
          instructionHash: arm.instructionHash,
          item: itemLine,
          sample,
          messagesHash: messages ? hash16(stableStringify(messages)) : '',
          response: obtained?.response.text ?? null,
          grade: null,
          latencyMs,
          tokens: obtained?.response.usage ? { input: obtained.response.usage.input, output: obtained.response.usage.output } : null,
          cached: obtained?.cached ?? false,
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
        obtained = await obtainResponse(session, provider, { model: check.model, messages, temperature: check.sampling.temperature, maxTokens: check.sampling.maxTokens }, key);
        if (!obtained) return;
        latencyMs = Date.now() - started;
        const itemIndex = check.draws[sample]!;
        const itemHash = (itemHashes[itemIndex] ??= itemHashOf(request.item.value));
        const grade = await gradeResponse(session, grader, { item: request.item.value, itemHash, messages, response: obtained.response.text, responseKey: key });
        if (!grade) return;
        countGraded(tally, grade, obtained.cached);
        await record({ grade });
      } catch (error) {
        const failure = session.failure(error);
        if (failure.stopped) return;
        firstFailure ??= `${arm.name} #${sample} (item line ${itemLine}): ${failure.message}`;
        countFailed(tally);
        latencyMs = Date.now() - started;
        await record({ error: failure.message, truncated: failure.truncated });
      } finally {
        options.onProgress?.(progress());
      }
    };

    await runPool(tasks(), Math.min(check.sampling.concurrency, total), session.stopSignal, ({ tally, sample }) => runSample(tally, sample));

    const { done, cached: cachedCount, failed: failedCount } = totals();
    const cancelled = session.cancelled;
    const fatal = session.fatal;
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
      requests: session.requests,
      cacheHits: cachedCount,
      complete: runComplete,
      arms: armResults(tallies, options.predict, runId),
    };
    const graded = tallies.some((tally) => tally.n > 0);
    if (graded && check.filtered) summary = await mergeEarlierArms(fs, paths.summary, summary, check, session.provenance, (message) => options.warn?.(message));
    if (graded) {
      // The summary returned is the one written: signed as measured here.
      if (session.provenance) summary = signSummary(summary, session.provenance);
      await writeSummary(fs, paths.summary, summary);
    }
    const counts = { total, graded: done - failedCount, failed: failedCount };
    return { summary, runId, cancelled, fatal, firstFailure, summaryWritten: graded, counts };
  } finally {
    await log?.close();
    await session.close();
  }
}
