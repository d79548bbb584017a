/**
 * The resolved `eval:` block (frontmatter validated, defaults applied, the old `withInoculation` read into
 * `conditions`): what evaluation reads. The keys are declared with the others in `format/schema.ts` and validated in
 * `format/evalConfig.ts`; this is the typed result.
 */
import type { GraderConfig, SamplingConfig } from '../format/config';

/**
 * The prompt a model is evaluated under, always inserted with the check's and training's `buildMessages` (same
 * placement, separator and template slot):
 * - `neutral`: the file's `neutral` prompt, as the baseline was trained and as the model is used (the default);
 * - `inoculated`: a candidate's instruction present at test time (for an inoculated model, its own; for the other
 *   models, each candidate evaluated): the trigger risk;
 * - `safety`: a safety instruction (`safetyPrompt`) in the instruction's place at test time: the PTST baseline.
 */
export type EvalCondition = 'neutral' | 'inoculated' | 'safety';

/** The conditions in the order they are reported. */
export const EVAL_CONDITIONS: readonly EvalCondition[] = ['neutral', 'inoculated', 'safety'];

/** A model evaluated beside the trained ones: a name, the model id to request, and its endpoint (default the file's). */
export interface ExtraModel {
  name: string;
  model: string;
  baseUrl?: string;
}

/** The resolved `eval:` block. */
export interface EvalSettings extends SamplingConfig {
  /** JSONL, relative to the `.inoc` file. */
  dataset?: string;
  /** Samples per dataset item (k), the same for every model and condition. */
  samples: number;
  /** The grader of the behaviour B (it may report the capability C too, like `code-tests`). */
  grader: GraderConfig;
  /** The grader of the capability C; null when `grader` is to report it (or C is not measured). */
  capability: GraderConfig | null;
  conditions: EvalCondition[];
  /** The instruction of the `safety` condition. */
  safetyPrompt?: string;
  /** Models evaluated beside the base model and the fine-tunes. */
  models: ExtraModel[];
  /** Also evaluate the base model (the file's `model` at its endpoint). */
  base: boolean;
  /** Send through the Batch API where the endpoint offers it (OpenAI), or vLLM's batch runner for served adapters. */
  batch: boolean;
}

/** The reserved model names: the base model and the no-inoculation baseline. */
export const BASE_MODEL_NAME = 'base';
export const BASELINE_MODEL_NAME = 'baseline';
