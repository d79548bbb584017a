/**
 * What an evaluation samples: its **cells** (a model under a condition, with the instruction that condition inserts)
 * and, per cell, every dataset item `samplesPerItem` times. Items and sample indices are the same in every cell, so
 * any two cells are paired by item.
 *
 * The instruction of a cell, always inserted with `buildMessages` (the placement, separator and template slot the
 * check and training use):
 * - `neutral`: the file's `neutral` prompt;
 * - `safety`: `eval.safetyPrompt`;
 * - `inoculated`: for an inoculated fine-tune, the instruction it was trained with; for the base, baseline and extra
 *   models, each candidate evaluated (one cell per candidate), so every inoculated model has a baseline cell under
 *   exactly its own prompt to be compared with.
 */
import { createHash } from 'node:crypto';
import { cacheKey, stableStringify } from '../check/cache';
import type { ChatMessage } from '../format/dataset';
import { buildMessages } from '../format/prompt';
import { instructionHash } from '../check/arms';
import type { EvalModel } from './models';
import type { PreparedEvaluation } from './setup';
import type { EvalCondition } from './settings';

/** One model under one condition (and, for `inoculated`, one candidate's instruction). */
export interface EvalCell {
  /** Unique in an evaluation. */
  key: string;
  model: EvalModel;
  condition: EvalCondition;
  /** For `inoculated`: the variant whose instruction is inserted. */
  prompt: string | null;
  instruction: string;
  instructionHash: string;
}

/** The key of a cell. */
export function cellKey(modelKey: string, condition: EvalCondition, prompt: string | null): string {
  return JSON.stringify([modelKey, condition, prompt]);
}

/** The cells of an evaluation, model by model, conditions in the order given. */
export function evalCells(evaluation: Pick<PreparedEvaluation, 'conditions' | 'config' | 'safetyPrompt' | 'candidates' | 'variants'>, models: readonly EvalModel[]): EvalCell[] {
  const cells: EvalCell[] = [];
  const make = (model: EvalModel, condition: EvalCondition, prompt: string | null, instruction: string): EvalCell => ({
    key: cellKey(model.key, condition, prompt),
    model,
    condition,
    prompt,
    instruction,
    instructionHash: instructionHash(instruction),
  });
  // Candidates whose fine-tunes are evaluated; without any, every candidate of the file (as filtered).
  const trained = new Set(models.filter((model) => model.role === 'inoculated').map((model) => model.name));
  const prompts = evaluation.candidates.filter((arm) => trained.size === 0 || trained.has(arm.name));
  for (const model of models) {
    for (const condition of evaluation.conditions) {
      if (condition === 'neutral') cells.push(make(model, condition, null, evaluation.config.neutral));
      else if (condition === 'safety') cells.push(make(model, condition, null, evaluation.safetyPrompt ?? ''));
      else if (model.role === 'inoculated') cells.push(make(model, condition, model.name, model.trainedInstruction ?? evaluation.variants.get(model.name) ?? ''));
      else for (const arm of prompts) cells.push(make(model, condition, arm.name, arm.instruction));
    }
  }
  return cells;
}

/** One sample to obtain: a cell, a dataset item (its index in `items`) and the sample index. */
export interface EvalTask {
  cell: EvalCell;
  itemIndex: number;
  sample: number;
}

/**
 * Every task, sample-major (every cell's sample 0 of every item, then sample 1, ...), so a run stopped early leaves
 * the cells with about the same number of samples of the same items.
 */
export function* evalTasks(cells: readonly EvalCell[], itemCount: number, samplesPerItem: number): Generator<EvalTask> {
  for (let sample = 0; sample < samplesPerItem; sample++) {
    for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
      for (const cell of cells) yield { cell, itemIndex, sample };
    }
  }
}

/** The messages a task sends. */
export function taskMessages(evaluation: Pick<PreparedEvaluation, 'items' | 'placement'>, task: EvalTask): ChatMessage[] {
  return buildMessages(evaluation.items[task.itemIndex]!.value, task.cell.instruction, evaluation.placement);
}

/** The response-cache key of a task at `endpoint` (the same scheme as a check's samples: the sample index is part of it). */
export function taskCacheKey(evaluation: Pick<PreparedEvaluation, 'sampling'>, endpoint: string, model: string, messages: ChatMessage[], sample: number): string {
  return cacheKey({
    kind: 'chat',
    endpoint,
    model,
    messages,
    temperature: evaluation.sampling.temperature,
    maxTokens: evaluation.sampling.maxTokens,
    sampleIndex: sample,
  });
}

/** sha256 (16 hex) of the messages sent. */
export function messagesHash(messages: ChatMessage[]): string {
  return createHash('sha256').update(stableStringify(messages), 'utf8').digest('hex').slice(0, 16);
}

/**
 * A model's identity in cache keys. A served adapter's address changes with every start of the server (a new port),
 * so it is named by its training run (`vllm:<run>`), and the base model served beside adapters by its name
 * (`vllm:base:<model>`); any other model by its endpoint's base URL.
 */
export function cacheEndpointFor(model: Pick<EvalModel, 'serving' | 'runId' | 'role' | 'model'>, endpointId: string, baseServedByVllm: boolean): string {
  if (model.serving === 'vllm') return `vllm:${model.runId}`;
  if (model.role === 'base' && baseServedByVllm) return `vllm:base:${model.model}`;
  return endpointId;
}

/** Whether the base model is requested from the vLLM server of the adapters (no endpoint named for it, same base). */
export function baseServedByVllm(models: readonly EvalModel[], baseUrlGiven: boolean): boolean {
  const base = models.find((model) => model.role === 'base');
  return !!base && !baseUrlGiven && models.some((model) => model.serving === 'vllm' && model.trained?.baseModel === base.model);
}
