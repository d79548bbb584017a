/**
 * Retries with exponential backoff and jitter, honouring `Retry-After` / `retry-after-ms`, a per-attempt timeout,
 * and cancellation that stops waiting at once. Providers classify errors (`ProviderError.retryable`); this decides
 * when to try again.
 */
import { abortReason, cancelledError, ProviderError, providerMessages } from './providers/types';

/** How often and how long to retry, and how long one attempt may take. */
export interface RetryPolicy {
  /** Further attempts after the first (0: try once). */
  retries: number;
  /** Per-attempt timeout in ms; the attempt's signal aborts with a `timeout` ProviderError. */
  timeoutMs: number;
  /** First backoff step in ms (doubles each retry). Default 500. */
  baseDelayMs?: number;
  /** Cap of one computed backoff in ms. Default 20 s. */
  maxDelayMs?: number;
  /** Cap on a server's `Retry-After` in ms (a server asking for an hour is not waited for). Default 120 s. */
  maxRetryAfterMs?: number;
  /** For timeout messages: the endpoint. */
  endpoint?: string;
  /** Jitter source (tests pass a seeded one). Default Math.random. */
  random?: () => number;
}

/** Told before each wait, so callers can show or count retries. */
export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

/** Anything with a `get(name)` like fetch's `Headers`, or a plain object of header values. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wait a server asked for, in ms: `retry-after-ms`, else `Retry-After` as seconds or as an HTTP date.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Number(ms));
  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `attempt` (1-based): the server's `Retry-After` when given (capped, plus
 * up to 10% jitter so clients told the same time do not return together), else exponential backoff with
 * "equal jitter" (half fixed, half random).
 */
export function retryDelay(attempt: number, error: ProviderError, policy: RetryPolicy): number {
  const random = policy.random ?? Math.random;
  const asked = error.details.retryAfterMs;
  if (asked !== undefined) {
    const capped = Math.min(asked, policy.maxRetryAfterMs ?? 120_000);
    return capped + capped * 0.1 * random();
  }
  const step = Math.min(policy.maxDelayMs ?? 20_000, (policy.baseDelayMs ?? 500) * 2 ** (attempt - 1));
  return step / 2 + (step / 2) * random();
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or runs out of retries. Each
 * attempt gets its own signal that aborts on timeout (with a `timeout` ProviderError as reason) or when `signal`
 * aborts; an attempt that ignores its signal is abandoned all the same. Rejects with `cancelled` at once when
 * `signal` aborts, also while waiting.
 */
export async function withRetries<T>(
  attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry?: (notice: RetryNotice) => void,
): Promise<T> {
  for (let number = 1; ; number++) {
    if (signal.aborted) throw cancelledError();
    let error: unknown;
    try {
      return await runAttempt(attempt, number, policy, signal);
    } catch (caught) {
      error = caught;
    }
    if (signal.aborted) throw cancelledError();
    if (!(error instanceof ProviderError) || !error.retryable || number > policy.retries) throw error;
    const delayMs = retryDelay(number, error, policy);
    onRetry?.({ attempt: number, delayMs, error });
    await sleep(delayMs, signal);
  }
}

function runAttempt<T>(
  attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
  number: number,
  policy: RetryPolicy,
  outer: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new ProviderError('timeout', providerMessages.timeout(policy.endpoint ?? 'the endpoint', policy.timeoutMs / 1000))),
    policy.timeoutMs,
  );
  const onOuterAbort = () => controller.abort(cancelledError());
  outer.addEventListener('abort', onOuterAbort, { once: true });
  return new Promise<T>((resolve, reject) => {
    // Settle on abort even if the attempt ignores its signal: a stalled request must not hold a worker.
    controller.signal.addEventListener('abort', () => reject(abortReason(controller.signal)), { once: true });
    attempt(controller.signal, number).then(resolve, reject);
  }).finally(() => {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuterAbort);
  });
}
