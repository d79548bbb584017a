/**
 * Obtaining one response: from the response cache when it holds a signed answer for the request, else from the
 * provider with the session's retries and per-request timeout, storing the new answer in the cache before it is
 * used (so a run killed right after still has it).
 */
import type { ChatRequest, ChatResponse, ModelProvider } from './providers/types';
import { withRetries } from './retry';
import type { RunSession } from './session';

/** A response and whether the cache answered it. */
export interface ObtainedResponse {
  response: ChatResponse;
  cached: boolean;
}

/**
 * The response to `request` at `provider`, cached under `key` (see `sampleCacheKey`). Undefined when the run was
 * stopped before a request had to be sent. Rejects with the provider's error after retries.
 */
export async function obtainResponse(session: RunSession, provider: ModelProvider, request: ChatRequest, key: string): Promise<ObtainedResponse | undefined> {
  if (session.useCache) {
    const hit = await session.cache.get<ChatResponse>(key);
    if (isChatResponse(hit)) return { response: hit, cached: true };
  }
  if (session.stopSignal.aborted) return undefined;
  session.requests++;
  const response = await withRetries((attempt) => provider.complete(request, attempt), session.policyFor(provider), session.stopSignal, session.onRetry);
  session.answered++;
  await session.cache.put(key, response);
  return { response, cached: false };
}

/** Whether a cached value is a chat response (anything else in the cache is a miss, never a wrong answer). */
export function isChatResponse(value: unknown): value is ChatResponse {
  return !!value && typeof value === 'object' && typeof (value as ChatResponse).text === 'string';
}
