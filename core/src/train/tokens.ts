/**
 * Token counts of training examples. For model families whose tokenizer is known (OpenAI's: o200k_base for the
 * gpt-4o / gpt-4.1 / gpt-5 / o-series, cl100k_base for gpt-4 and gpt-3.5) a real tokenizer counts them
 * (`gpt-tokenizer`, loaded on first use only: its tables are a few MB, which the language server never loads);
 * otherwise the count is an estimate, characters / 4, and says so.
 *
 * Chat overhead follows OpenAI's cookbook count of chat messages: 3 tokens per message plus 3 per example.
 */
import type { ChatMessage } from '../format/dataset';

/** How an example's tokens are counted. */
export interface TokenCounter {
  /** `o200k_base`, `cl100k_base`, or `characters/4`. */
  name: string;
  counted: 'tokenizer' | 'estimate';
  /** Tokens of one training example (all its messages). */
  count(messages: readonly ChatMessage[]): number;
}

const PER_MESSAGE = 3;
const PER_EXAMPLE = 3;

/** The estimate used when no tokenizer is known for a model. */
export const ESTIMATE_COUNTER: TokenCounter = {
  name: 'characters/4',
  counted: 'estimate',
  count: (messages) => messages.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + PER_MESSAGE, PER_EXAMPLE),
};

/** The OpenAI encoding of a model id (`ft:` ids by their base), or undefined when unknown. */
export function openAIEncodingOf(model: string): 'o200k_base' | 'cl100k_base' | undefined {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model;
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/.test(base)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5)/.test(base)) return 'cl100k_base';
  return undefined;
}

type CountTokens = (text: string) => number;

/** Loads an encoding's `countTokens` (a separate, lazily loaded chunk of the package). */
async function loadEncoding(name: 'o200k_base' | 'cl100k_base'): Promise<CountTokens> {
  const module = name === 'o200k_base' ? await import('gpt-tokenizer/encoding/o200k_base') : await import('gpt-tokenizer/encoding/cl100k_base');
  return (text) => module.countTokens(text, { allowedSpecial: 'all' });
}

const loaded = new Map<string, Promise<CountTokens>>();

/** The counter for `model` on `backend`: a real tokenizer where the family is known, else the estimate. */
export async function tokenCounterFor(backend: string, model: string): Promise<TokenCounter> {
  const encoding = backend === 'openai' ? openAIEncodingOf(model) : undefined;
  if (!encoding) return ESTIMATE_COUNTER;
  let load = loaded.get(encoding);
  if (!load) {
    load = loadEncoding(encoding);
    loaded.set(encoding, load);
  }
  const countTokens = await load;
  return {
    name: encoding,
    counted: 'tokenizer',
    count: (messages) => messages.reduce((sum, m) => sum + countTokens(m.content) + PER_MESSAGE, PER_EXAMPLE),
  };
}
