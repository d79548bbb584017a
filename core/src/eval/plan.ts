/**
 * The cost preview of an evaluation, before anything is sent: per model, the samples, how many the cache already
 * answers, the requests left, tokens (input estimated as characters / 4, output bounded by `maxTokens` and a typical
 * 256), and the price where it is known:
 *
 * - base models on OpenAI's endpoint: the check's table (`OPENAI_PRICES`);
 * - OpenAI fine-tunes (`ft:<base>:...`): OpenAI's list prices for fine-tuned models (`OPENAI_FINE_TUNED_PRICES`);
 * - with `batch`, OpenAI's Batch API price: half of each (its documented 50% discount);
 * - anything else (a local server, Together, vLLM-served adapters): "price unknown" (your own compute, or a price we
 *   do not keep).
 *
 * Judge and moderation requests made by graders are not included.
 */
import type { ResponseCache } from '../check/cache';
import { priceOf, PRICES_AS_OF, TYPICAL_OUTPUT_TOKENS, type ModelPrice } from '../check/plan';
import { isOpenAIEndpoint } from '../check/providers/openai';
import { baseSnapshotOf } from '../train/modelDates';
import { baseServedByVllm, cacheEndpointFor, evalCells, evalTasks, taskCacheKey, taskMessages } from './cells';
import type { EvalModel } from './models';
import type { PreparedEvaluation } from './setup';

/** OpenAI list prices of fine-tuned models (standard tier, USD per 1M tokens) as of `PRICES_AS_OF`, by base snapshot family. */
export const OPENAI_FINE_TUNED_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4.1': { input: 3, output: 12 },
  'gpt-4.1-mini': { input: 0.8, output: 3.2 },
  'gpt-4.1-nano': { input: 0.2, output: 0.8 },
  'gpt-4o': { input: 3.75, output: 15 },
  'gpt-4o-mini': { input: 0.3, output: 1.2 },
};

/** The Batch API's price as a share of the standard one (OpenAI documents a 50% discount). */
export const BATCH_PRICE_SHARE = 0.5;

/** The list price of a model at an endpoint, with where it comes from; undefined when unknown. */
export function evalPriceOf(model: string, baseUrl: string, batch: boolean): { price: ModelPrice; note: string } | undefined {
  let price: ModelPrice | undefined;
  let what: string;
  if (model.startsWith('ft:')) {
    if (!isOpenAIEndpoint(baseUrl)) return undefined;
    const snapshot = baseSnapshotOf(model);
    const family = Object.keys(OPENAI_FINE_TUNED_PRICES)
      .filter((name) => snapshot === name || snapshot.startsWith(`${name}-20`))
      .sort((a, b) => b.length - a.length)[0];
    price = family ? OPENAI_FINE_TUNED_PRICES[family] : undefined;
    what = `OpenAI list price of fine-tuned ${family ?? snapshot}`;
  } else {
    price = priceOf(model, baseUrl);
    what = `OpenAI list price of ${model}`;
  }
  if (!price) return undefined;
  const share = batch ? BATCH_PRICE_SHARE : 1;
  return {
    price: { input: price.input * share, output: price.output * share },
    note: `${what} as of ${PRICES_AS_OF}${batch ? ', Batch API (50%)' : ''}: $${+(price.input * share).toFixed(4)}/1M input, $${+(price.output * share).toFixed(4)}/1M output tokens`,
  };
}

/** One model's share of the plan. */
export interface ModelPlan {
  name: string;
  role: EvalModel['role'];
  seed: number | null;
  model: string;
  /** Where it is requested (`vllm` for adapters served for the run). */
  endpoint: string;
  samples: number;
  cachedSamples: number;
  requests: number;
  inputTokens: number;
  outputTokens: { max: number; typical: number };
  cost: { typical: number; max: number } | null;
  priceNote: string;
  batch: boolean;
}

/** What an evaluation would send and cost. */
export interface EvalPlan {
  models: ModelPlan[];
  cells: number;
  items: number;
  samplesPerItem: number;
  samples: number;
  cachedSamples: number;
  requests: number;
  inputTokens: number;
  outputTokens: { max: number; typical: number };
  /** The sum over models whose price is known; `complete` false when some are not priced. */
  cost: { typical: number; max: number; complete: boolean } | null;
}

/**
 * Plans `evaluation` for `models`; `fileEndpoint` is the file's endpoint (its base URL and cache identity), `batched`
 * says which models would go through a batch route, `cache` is consulted unless null (`--no-cache`).
 */
export function planEvaluation(
  evaluation: PreparedEvaluation,
  models: readonly EvalModel[],
  fileEndpoint: string,
  batched: (model: EvalModel) => boolean,
  cache: Pick<ResponseCache, 'has'> | null,
): EvalPlan {
  const cells = evalCells(evaluation, models);
  const vllmBase = baseServedByVllm(models, !!evaluation.baseUrl);
  const plans = new Map<string, ModelPlan & { characters: number }>();
  for (const model of models) {
    const endpoint = model.serving === 'vllm' || (model.role === 'base' && vllmBase) ? 'vllm' : (model.baseUrl ?? fileEndpoint).replace(/\/+$/, '');
    const batch = batched(model);
    const priced = endpoint === 'vllm' ? undefined : evalPriceOf(model.model, endpoint, batch);
    plans.set(model.key, {
      name: model.name,
      role: model.role,
      seed: model.seed,
      model: model.model,
      endpoint,
      samples: 0,
      cachedSamples: 0,
      requests: 0,
      inputTokens: 0,
      outputTokens: { max: 0, typical: 0 },
      cost: null,
      priceNote: priced?.note ?? (endpoint === 'vllm' ? 'your own compute (served by vLLM)' : 'price unknown'),
      batch,
      characters: 0,
    });
  }
  for (const task of evalTasks(cells, evaluation.items.length, evaluation.samplesPerItem)) {
    const model = task.cell.model;
    const plan = plans.get(model.key)!;
    plan.samples++;
    const messages = taskMessages(evaluation, task);
    const endpointId = cacheEndpointFor(model, (model.baseUrl ?? fileEndpoint).replace(/\/+$/, ''), vllmBase);
    const requested = model.serving === 'vllm' ? model.trained?.modelId ?? model.model : model.model;
    if (cache?.has(taskCacheKey(evaluation, endpointId, requested, messages, task.sample))) {
      plan.cachedSamples++;
      continue;
    }
    plan.requests++;
    for (const message of messages) plan.characters += message.content.length;
  }
  const maxTokens = evaluation.sampling.maxTokens;
  const result: ModelPlan[] = [];
  for (const model of models) {
    const { characters, ...plan } = plans.get(model.key)!;
    plan.inputTokens = Math.ceil(characters / 4);
    plan.outputTokens = { max: plan.requests * maxTokens, typical: plan.requests * Math.min(maxTokens, TYPICAL_OUTPUT_TOKENS) };
    const priced = plan.endpoint === 'vllm' ? undefined : evalPriceOf(model.model, plan.endpoint, plan.batch);
    if (priced) {
      const dollars = (tokens: number, perMillion: number) => (tokens / 1_000_000) * perMillion;
      plan.cost = {
        typical: dollars(plan.inputTokens, priced.price.input) + dollars(plan.outputTokens.typical, priced.price.output),
        max: dollars(plan.inputTokens, priced.price.input) + dollars(plan.outputTokens.max, priced.price.output),
      };
    }
    result.push(plan);
  }
  const sum = (pick: (plan: ModelPlan) => number) => result.reduce((total, plan) => total + pick(plan), 0);
  const priced = result.filter((plan) => plan.cost);
  return {
    models: result,
    cells: cells.length,
    items: evaluation.items.length,
    samplesPerItem: evaluation.samplesPerItem,
    samples: sum((plan) => plan.samples),
    cachedSamples: sum((plan) => plan.cachedSamples),
    requests: sum((plan) => plan.requests),
    inputTokens: sum((plan) => plan.inputTokens),
    outputTokens: { max: sum((plan) => plan.outputTokens.max), typical: sum((plan) => plan.outputTokens.typical) },
    cost: priced.length
      ? { typical: priced.reduce((t, p) => t + p.cost!.typical, 0), max: priced.reduce((t, p) => t + p.cost!.max, 0), complete: result.every((p) => p.requests === 0 || p.cost) }
      : null,
  };
}
