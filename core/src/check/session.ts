/**
 * One run of the engine (a check or an evaluation): what every part of a run shares. It owns
 *
 * - the **stop** signal: the caller's cancellation, or a fatal error (a refused key, an unknown model, no quota, an
 *   endpoint never reached) after which every further request would fail the same way;
 * - the **response cache** (signed with the user's key; answers found unsigned or signed by someone else are counted
 *   and ignored, see provenance.ts);
 * - the **retry policy** per endpoint and the retry count, the providers by base URL, and the counts of requests
 *   sent and answers obtained;
 * - the rule that tells a sample that **failed** from one that was merely **interrupted** by a stop (`failure`).
 *
 * The parts of a run take a session: `sample.ts` (obtain a response), `grade.ts` (grade it), `record.ts` (append
 * the record), `summarise.ts` (tallies → summary), `pool.ts` (the bounded pool of workers).
 */
import { setMaxListeners } from 'node:events';
import { ResponseCache } from './cache';
import type { Provenance } from './provenance';
import { ProviderError, type ModelProvider } from './providers/types';
import type { ResultsFileSystem } from './resultsFs';
import type { RetryNotice, RetryPolicy } from './retry';

/** What a run needs to open its session. */
export interface SessionOptions {
  fs: ResultsFileSystem;
  /** The response cache file (`.inoculate/cache/responses.jsonl`). */
  cachePath: string;
  /** The endpoint sampled (its base URL is also where graders' requests go unless they name another). */
  provider: ModelProvider;
  /** The provider for another base URL (a judge's or moderation `baseUrl`, another model's endpoint). */
  providerFor?: (baseUrl: string) => ModelProvider;
  /** Read answers from the cache (default true). New answers are always stored. */
  useCache?: boolean;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** Requests in flight at once (sizes the listener budget of the stop signal). */
  concurrency: number;
  /** Retries and per-attempt timeout from the file. */
  retries: number;
  timeoutMs: number;
  /** Overrides of the retry policy (tests shorten the backoff). */
  retryPolicy?: Partial<RetryPolicy>;
  onRetry?: (notice: RetryNotice) => void;
  warn?: (message: string) => void;
  now?: () => Date;
}

/** Why a sample's work did not finish: interrupted by a stop (not failed; a re-run completes it), or failed. */
export type SampleFailure = { stopped: true } | { stopped: false; message: string; truncated: boolean };

/** One run's shared state; see the module comment. Open with `RunSession.open`, always `close`. */
export class RunSession {
  /** Requests sent for samples (cache misses). */
  requests = 0;
  /** Responses obtained from an endpoint in this run; while 0, an unreachable endpoint stops the run. */
  answered = 0;
  /** Retries so far (all requests, graders' included). */
  retries = 0;
  /** The error that stopped the run, when one did. */
  fatal: ProviderError | undefined;
  private readonly stopController = new AbortController();
  private readonly providers = new Map<string, ModelProvider>();
  private readonly onOuterAbort = () => this.stopController.abort();
  private readonly outer: AbortSignal;

  private constructor(
    readonly options: SessionOptions,
    readonly cache: ResponseCache,
    /** Whose signature this run's cache lines and summaries carry (undefined where no key can be kept). */
    readonly provenance: Provenance | undefined,
  ) {
    this.outer = options.signal ?? new AbortController().signal;
    // Every request, backoff wait and grader in flight listens to the stop signal: a few per worker, none left behind.
    setMaxListeners(Math.max(10, 8 * options.concurrency + 10), this.stopController.signal);
    this.outer.addEventListener('abort', this.onOuterAbort, { once: true });
    if (this.outer.aborted) this.stopController.abort();
    this.providers.set(options.provider.baseUrl ?? options.provider.id, options.provider);
  }

  /**
   * Opens the session: the user's provenance key, then the cache (saying how many cached answers were not measured
   * by this user and will be requested again). The caller checks its results paths before (nothing is written here).
   */
  static async open(options: SessionOptions): Promise<RunSession> {
    const provenance = await options.fs.userProvenance?.();
    const now = options.now ?? (() => new Date());
    const cache = await ResponseCache.open(options.fs, options.cachePath, now, provenance);
    const session = new RunSession(options, cache, provenance);
    if (cache.foreignEntries > 0) {
      const count = cache.foreignEntries;
      options.warn?.(
        `${count} cached answer${count === 1 ? '' : 's'} in ${options.cachePath} ${count === 1 ? 'was' : 'were'} not measured by you (e.g. committed to the repository, or cached before results were signed): not reused; those samples are requested again.`,
      );
    }
    return session;
  }

  /** Aborts when the caller cancels or a fatal error stops the run. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** The caller cancelled. */
  get cancelled(): boolean {
    return this.outer.aborted;
  }

  /** Whether cached answers may be used. */
  get useCache(): boolean {
    return this.options.useCache ?? true;
  }

  /** Stops the run (every worker finishes its current step and takes no new one). */
  stop(): void {
    this.stopController.abort();
  }

  /** The retry policy for requests to `endpoint`. */
  policyFor(endpoint: ModelProvider): RetryPolicy {
    return { retries: this.options.retries, timeoutMs: this.options.timeoutMs, endpoint: endpoint.baseUrl ?? endpoint.id, ...this.options.retryPolicy };
  }

  /** Counts a retry and tells the caller. */
  readonly onRetry = (notice: RetryNotice): void => {
    this.retries++;
    this.options.onRetry?.(notice);
  };

  /** The provider at `baseUrl` (the run's own when undefined); made once per base URL with `providerFor`. */
  providerAt(baseUrl: string | undefined): ModelProvider {
    const own = this.options.provider;
    if (!baseUrl) return own;
    const normalized = baseUrl.replace(/\/+$/, '');
    let found = this.providers.get(normalized);
    if (!found) {
      if (!this.options.providerFor) throw new Error(`No provider for ${normalized}: only ${own.baseUrl ?? own.id} is configured.`);
      found = this.options.providerFor(normalized);
      this.providers.set(normalized, found);
    }
    return found;
  }

  /** Stops the run at an error that every further request would repeat (a refused key, an unknown model, no quota). */
  noteFatal(error: unknown): void {
    if (error instanceof ProviderError && error.fatal && !this.fatal) {
      this.fatal = error;
      this.stop();
    }
  }

  /**
   * Classifies what a sample's work threw. Notes a fatal error; an endpoint never reached (after retries, before any
   * answer) stops the run too, since every other sample would wait through the same retries. Work interrupted by a
   * stop is unfinished, not failed: a re-run completes it.
   */
  failure(error: unknown): SampleFailure {
    this.noteFatal(error);
    if (error instanceof ProviderError && error.kind === 'network' && this.answered === 0 && !this.fatal) {
      this.fatal = error;
      this.stop();
    }
    const cancelled = error instanceof ProviderError && error.kind === 'cancelled';
    if (cancelled || (this.stopSignal.aborted && error !== this.fatal)) return { stopped: true };
    return {
      stopped: false,
      message: error instanceof Error ? error.message : String(error),
      truncated: error instanceof ProviderError && error.kind === 'too-large',
    };
  }

  /** Releases the caller's signal and closes the cache. */
  async close(): Promise<void> {
    this.outer.removeEventListener('abort', this.onOuterAbort);
    await this.cache.close();
  }
}
