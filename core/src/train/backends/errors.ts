/**
 * Turns an SDK or fetch failure into a `BackendError`: unreachable, 408/409/429/5xx and timeouts are `transient`
 * (try again later; the job is not failed), 400/401/403/404/422 are `permanent` (a person must act). Messages name
 * the endpoint and never carry a key (the SDKs do not put it in messages; we add nothing from headers but Retry-After).
 */
import { parseRetryAfter, type HeaderSource } from '../../check/retry';
import { BackendError } from '../types';

/** A classified error for a failed call to `endpoint` (a base URL) while doing `what`. */
export function backendErrorFrom(error: unknown, endpoint: string, what: string): BackendError {
  if (error instanceof BackendError) return error;
  const e = error as { status?: unknown; headers?: unknown; message?: unknown; name?: unknown; cause?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const raw = typeof e?.message === 'string' ? e.message : String(error);
  const message = raw.replace(/\s+/g, ' ').slice(0, 500);
  if (status === undefined) {
    const aborted = e?.name === 'AbortError' || /abort/i.test(String(e?.name));
    return new BackendError('transient', `${what}: could not reach ${endpoint}${aborted ? ' (cancelled)' : ''}: ${message}`);
  }
  const retryAfterMs = e?.headers ? parseRetryAfter(e.headers as HeaderSource) : undefined;
  if (status === 408 || status === 409 || status === 429 || status >= 500) {
    return new BackendError('transient', `${what}: ${endpoint} answered ${status}: ${message}`, { status, retryAfterMs });
  }
  const hint =
    status === 401 || status === 403
      ? ' Check the API key (an environment variable or "Inoculate: Set API Key").'
      : status === 404
        ? ' Check the model name, the base URL and that the job exists there.'
        : '';
  return new BackendError('permanent', `${what}: ${endpoint} answered ${status}: ${message}${hint}`, { status });
}
