/**
 * The choices of "Inoculate: Evaluate", pure: which models the picker offers and preselects, and the confirmation
 * that shows the plan (models × conditions × samples, requests, tokens, cost when known) before anything is sent; in
 * batch mode it says which models go through the Batch API (or `vllm run-batch`) and prices them at the batch price.
 */
import type { EvalModel } from '../../../core/src/eval/models';
import type { EvalPlan } from '../../../core/src/eval/plan';

/** One entry of the model picker. */
export interface ModelPickItem {
  /** `EvalModel.key`. */
  key: string;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

/** What the command was started on: a file (everything), or an arm or a run in the Jobs view. */
export interface EvalFocus {
  arm?: string;
  runId?: string;
}

const ROLE_WORDS: Record<EvalModel['role'], string> = {
  base: 'base model (not fine-tuned)',
  baseline: 'baseline fine-tune (no inoculation)',
  inoculated: 'inoculated fine-tune',
  extra: 'extra model (eval.models)',
};

/**
 * The picker's entries, in discovery order. Preselected: every model when started on a file; started on an arm or a
 * run, that arm's (or run's) fine-tunes and the baseline (every change is measured against it) and the base model.
 */
export function modelPickItems(models: readonly EvalModel[], focus: EvalFocus = {}): ModelPickItem[] {
  const focused = (model: EvalModel) =>
    focus.runId !== undefined ? model.runId === focus.runId : focus.arm !== undefined ? model.name === focus.arm || (focus.arm === 'baseline' && model.role === 'baseline') : true;
  return models.map((model) => ({
    key: model.key,
    label: `${model.name}${model.seed === null ? '' : ` · seed ${model.seed}`}`,
    description: `${ROLE_WORDS[model.role]}${model.stale ? ' · trained on an earlier text' : ''}`,
    detail: `${model.model}${model.serving === 'vllm' ? ' (served by vLLM for the evaluation)' : ''}`,
    picked: focused(model) || model.role === 'baseline' || (model.role === 'base' && (focus.arm !== undefined || focus.runId !== undefined)),
  }));
}

const number = (value: number) => value.toLocaleString('en-US');
const money = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

/** The modal dialog's question and details for evaluating `file` as `plan` says. */
export function evalConfirmation(file: string, plan: EvalPlan, conditions: readonly string[], endpoint: string): { message: string; detail: string } {
  const batched = plan.models.filter((m) => m.batch);
  const viaBatch = !batched.length
    ? ''
    : batched.length === plan.models.length
      ? ' as batch jobs (answers may take up to 24 hours)'
      : `, ${batched.length} of them as batch jobs (answers may take up to 24 hours)`;
  const message =
    plan.requests === 0
      ? `Evaluate ${file}? Every sample is already cached: nothing will be sent.`
      : `Evaluate ${file}? This sends ${number(plan.requests)} request${plan.requests === 1 ? '' : 's'} to ${plan.models.length} model${plan.models.length === 1 ? '' : 's'}${viaBatch}.`;
  const batchPriced = batched.some((m) => m.cost);
  const lines = [
    `Models: ${plan.models.length} × conditions: ${conditions.join(', ')} = ${plan.cells} cells`,
    `Samples: ${number(plan.items)} items × ${plan.samplesPerItem} per cell = ${number(plan.samples)} (${number(plan.cachedSamples)} answered from the cache)`,
    `Requests: ${number(plan.requests)}; tokens ~${number(plan.inputTokens)} input, ~${number(plan.outputTokens.typical)} output typical, at most ${number(plan.outputTokens.max)}`,
    plan.cost
      ? `Cost: ~${money(plan.cost.typical)} typical, at most ${money(plan.cost.max)}${plan.cost.complete ? '' : ' (for the models with a known price)'}${batchPriced ? '; batch jobs at the Batch API price (50% of list)' : ''}`
      : 'Cost: unknown for these models and endpoints',
    `Endpoint: ${endpoint}`,
    ...plan.models.map(
      (m) =>
        `  ${m.name}${m.seed === null ? '' : ` seed ${m.seed}`}: ${m.model} at ${m.endpoint}, ${number(m.requests)} requests${m.batch ? (m.endpoint === 'vllm' ? ' by vllm run-batch' : ' in batch jobs') : ''}${m.cost ? ` (~${money(m.cost.typical)}${m.batch ? ', batch price' : ''})` : ''}`,
    ),
    'Judge and moderation requests are not counted; prices are list prices, verify before budgeting.',
  ];
  return { message, detail: lines.join('\n') };
}
