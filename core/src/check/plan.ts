/**
 * The dry run: what a check would send and roughly what it would cost, without sending anything.
 *
 * Estimates, said plainly: input tokens are counted as characters / 4 (a common rule of thumb for English with
 * OpenAI tokenizers; code and other languages differ); output tokens are bounded by `maxTokens` per request, and the
 * "typical" figure assumes `TYPICAL_OUTPUT_TOKENS` per response (capped by `maxTokens`). Judge and moderation
 * requests made by graders are not included.
 */
import { isOpenAIEndpoint } from './providers/openai';
import type { ResponseCache } from './cache';
import { sampleCacheKey, sampleRequest, type PreparedCheck } from './setup';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** When the price table was taken from OpenAI's public list prices (standard tier); verify before budgeting. */
export const PRICES_AS_OF = '2025-08';

/** OpenAI list prices (standard tier, USD per 1M tokens) as of `PRICES_AS_OF`, longest matching prefix wins. */
export const OPENAI_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
};

/** Output tokens assumed for a typical response when estimating. */
export const TYPICAL_OUTPUT_TOKENS = 256;

/**
 * The list price of `model` at `baseUrl`: only on OpenAI's own endpoint (a local server naming a model `gpt-4o`
 * costs nothing), only for base models (fine-tuned `ft:` models are priced differently), matching dated snapshots
 * (`gpt-4.1-mini-2025-04-14`) by prefix. Undefined when unknown.
 */
export function priceOf(model: string, baseUrl: string): ModelPrice | undefined {
  if (!isOpenAIEndpoint(baseUrl) || model.startsWith('ft:')) return undefined;
  let best: string | undefined;
  for (const name of Object.keys(OPENAI_PRICES)) {
    const matches = model === name || (model.startsWith(`${name}-`) && /^\d{4}-\d{2}-\d{2}$/.test(model.slice(name.length + 1)));
    if (matches && (!best || name.length > best.length)) best = name;
  }
  return best ? OPENAI_PRICES[best] : undefined;
}

/** What a run would send and cost (see the module comment for how the estimates are made). */
export interface CheckPlan {
  arms: number;
  samplesPerArm: number;
  /** arms × samples per arm. */
  samples: number;
  /** Samples the cache already answers. */
  cachedSamples: number;
  /** Requests the run would send (samples minus cache hits). */
  requests: number;
  /** Estimated input tokens of those requests (characters / 4). */
  inputTokens: number;
  /** Output tokens of those requests: the `maxTokens` bound and a typical estimate. */
  outputTokens: { max: number; typical: number };
  /** USD, when the model's price is known. */
  cost: { typical: number; max: number; price: ModelPrice } | null;
  /** "price unknown", or where the price comes from. */
  priceNote: string;
}

/** Plans `check` against the endpoint `endpointId` (its base URL); `cache` is consulted unless null (`--no-cache`). */
export async function planCheck(check: PreparedCheck, baseUrl: string, endpointId: string, cache: ResponseCache | null): Promise<CheckPlan> {
  let cachedSamples = 0;
  let inputCharacters = 0;
  for (const arm of check.arms) {
    for (let sample = 0; sample < check.samplesPerArm; sample++) {
      const { messages } = sampleRequest(check, arm, sample);
      if (cache?.has(sampleCacheKey(check, endpointId, messages, sample))) {
        cachedSamples++;
        continue;
      }
      for (const message of messages) inputCharacters += message.content.length;
    }
  }
  const samples = check.arms.length * check.samplesPerArm;
  const requests = samples - cachedSamples;
  const inputTokens = Math.ceil(inputCharacters / 4);
  const outputTokens = { max: requests * check.sampling.maxTokens, typical: requests * Math.min(check.sampling.maxTokens, TYPICAL_OUTPUT_TOKENS) };
  const price = priceOf(check.model, baseUrl);
  const dollars = (tokens: number, perMillion: number) => (tokens / 1_000_000) * perMillion;
  return {
    arms: check.arms.length,
    samplesPerArm: check.samplesPerArm,
    samples,
    cachedSamples,
    requests,
    inputTokens,
    outputTokens,
    cost: price
      ? {
          typical: dollars(inputTokens, price.input) + dollars(outputTokens.typical, price.output),
          max: dollars(inputTokens, price.input) + dollars(outputTokens.max, price.output),
          price,
        }
      : null,
    priceNote: price ? `OpenAI list price of ${check.model} as of ${PRICES_AS_OF}: $${price.input}/1M input, $${price.output}/1M output tokens` : 'price unknown',
  };
}
