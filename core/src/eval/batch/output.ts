/**
 * Reading batch output: one JSON line per request, `{id, custom_id, response: {status_code, request_id, body}, error}`
 * (the OpenAI Batch API's output and error files, and vLLM's `run-batch` output). Only custom ids that were requested
 * are accepted, so a hostile or broken endpoint cannot plant answers for other samples in the cache; a body that is
 * not a valid chat completion is an error for that sample, never an answer.
 */
import { readCompletion } from '../../check/providers/openai';
import { ProviderError, type ChatResponse } from '../../check/providers/types';

/** What one output line says. */
export type BatchOutcome = { customId: string; response: ChatResponse } | { customId: string; error: string };

/** The most characters of an error message kept (an endpoint's text). */
const MAX_ERROR = 500;

/**
 * Parses one output line; undefined for a line that is not an output record or names a custom id that was not
 * requested. `redact` removes secrets from the text kept.
 */
export function parseBatchOutputLine(line: string, requested: ReadonlySet<string>, endpoint: string, redact: (text: string) => string = (t) => t): BatchOutcome | undefined {
  if (!line.trim().startsWith('{')) return undefined;
  let value: { custom_id?: unknown; response?: { status_code?: unknown; body?: unknown } | null; error?: { message?: unknown; code?: unknown } | null };
  try {
    value = JSON.parse(line) as typeof value;
  } catch {
    return undefined;
  }
  const customId = value?.custom_id;
  if (typeof customId !== 'string' || !requested.has(customId)) return undefined;
  const clip = (text: string) => redact(text).slice(0, MAX_ERROR);
  if (value.error && typeof value.error === 'object') {
    const message = typeof value.error.message === 'string' ? value.error.message : JSON.stringify(value.error);
    return { customId, error: `the batch could not answer this request: ${clip(message)}` };
  }
  const response = value.response;
  if (!response || typeof response !== 'object') return { customId, error: 'the batch output has no response for this request' };
  const status = typeof response.status_code === 'number' ? response.status_code : 0;
  if (status !== 200) {
    const body = response.body as { error?: { message?: unknown } } | undefined;
    const message = typeof body?.error?.message === 'string' ? body.error.message : `status ${status}`;
    return { customId, error: `the batch answered ${status || 'without a status'} for this request: ${clip(message)}` };
  }
  try {
    const completion = readCompletion(response.body, endpoint);
    completion.text = redact(completion.text);
    return { customId, response: completion };
  } catch (error) {
    return { customId, error: error instanceof ProviderError ? clip(error.message) : 'the batch answer is not a chat completion' };
  }
}
