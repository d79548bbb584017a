/**
 * Estimated training cost, where the backend publishes prices. OpenAI bills training tokens: the tokens of the
 * training file times the epochs. Prices below are OpenAI's list prices per million training tokens for
 * supervised fine-tuning (openai.com/api/pricing, as of `TRAINING_PRICES_AS_OF`; the gpt-4o and gpt-4o-mini
 * figures were confirmed by a third-party page verified in 2026-04). Verify them before budgeting.
 *
 * Together bills per token too, at a rate per model-size bracket and method (LoRA/full) published on its pricing
 * page, which we do not keep (it depends on the model's size, which its id does not say); its API can estimate a
 * job once the file is uploaded. Command backends run on your own compute. Both say "no published price".
 */
import { isOpenAIEndpoint } from '../check/providers/openai';
import { baseSnapshotOf } from './modelDates';
import type { Hyperparameters } from './types';

export const TRAINING_PRICES_AS_OF = '2025-08';

/** USD per million training tokens, by base model (dated snapshots match their family). */
export const OPENAI_TRAINING_PRICES: Readonly<Record<string, number>> = {
  'gpt-4o': 25,
  'gpt-4o-mini': 3,
  'gpt-4.1': 25,
  'gpt-4.1-mini': 5,
  'gpt-4.1-nano': 1.5,
};

/** Epochs assumed for `epochs: auto` when estimating (OpenAI picks by dataset size; small sets usually get 3). */
export const AUTO_EPOCHS_ASSUMED = 3;

/** A cost estimate, or why there is none. */
export type CostEstimate =
  | { kind: 'estimate'; usd: number; trainedTokens: number; epochs: number; epochsAssumed: boolean; pricePerMillion: number; note: string }
  | { kind: 'none'; note: string };

function familyPrice(model: string): { family: string; price: number } | undefined {
  const snapshot = baseSnapshotOf(model);
  let best: string | undefined;
  for (const family of Object.keys(OPENAI_TRAINING_PRICES)) {
    const matches = snapshot === family || (snapshot.startsWith(`${family}-`) && /^\d{4}-\d{2}-\d{2}$/.test(snapshot.slice(family.length + 1)));
    if (matches && (!best || family.length > best.length)) best = family;
  }
  return best ? { family: best, price: OPENAI_TRAINING_PRICES[best]! } : undefined;
}

/** The estimated cost of training `tokens` (one pass over the file) on `backend` at `target`. */
export function estimateTrainingCost(backend: string, target: string, model: string, tokens: number, hyperparameters: Hyperparameters): CostEstimate {
  if (backend !== 'openai') {
    return { kind: 'none', note: backend === 'together' ? 'no published price in our table (Together prices by model size: together.ai/pricing)' : 'no published price (your own compute)' };
  }
  if (!isOpenAIEndpoint(target)) return { kind: 'none', note: `no published price for ${target}` };
  const found = familyPrice(model);
  if (!found) return { kind: 'none', note: `no published training price for ${model} in our table (as of ${TRAINING_PRICES_AS_OF})` };
  const epochsAssumed = hyperparameters.epochs === 'auto';
  const epochs = epochsAssumed ? AUTO_EPOCHS_ASSUMED : (hyperparameters.epochs as number);
  const trainedTokens = tokens * epochs;
  return {
    kind: 'estimate',
    usd: (trainedTokens / 1_000_000) * found.price,
    trainedTokens,
    epochs,
    epochsAssumed,
    pricePerMillion: found.price,
    note: `OpenAI list price for ${found.family} training as of ${TRAINING_PRICES_AS_OF}: $${found.price}/1M training tokens × ${epochs} epoch${epochs === 1 ? '' : 's'}${epochsAssumed ? ' (auto: 3 assumed)' : ''}`,
  };
}
