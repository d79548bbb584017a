/** The confirmation shown before a check sends anything: the dry-run numbers in words. Pure. */
import type { CheckPlan } from '../../core/src/check/plan';

const number = (value: number) => value.toLocaleString('en-US');
const money = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

/** What the modal dialog says: a one-line question and the details. */
export interface ConfirmationText {
  message: string;
  detail: string;
}

/** The dialog for running `arms` (names) of `file` on `model` at `endpoint` (a base URL, or `VS Code language models`). */
export function checkConfirmation(file: string, arms: string[], model: string, endpoint: string, plan: CheckPlan): ConfirmationText {
  const message =
    plan.requests === 0
      ? `Check ${file}? Every sample is already cached: nothing will be sent.`
      : `Check ${file}? This sends ${number(plan.requests)} request${plan.requests === 1 ? '' : 's'} to ${model}.`;
  const lines = [
    `Endpoint: ${endpoint}`,
    `Arms: ${plan.arms} (${arms.join(', ')}), ${number(plan.samplesPerArm)} samples each`,
    `Requests: ${number(plan.requests)} (${number(plan.cachedSamples)} of ${number(plan.samples)} samples answered from the cache)`,
    `Tokens: ~${number(plan.inputTokens)} input; ~${number(plan.outputTokens.typical)} output typical, at most ${number(plan.outputTokens.max)}`,
    plan.cost ? `Cost: ~${money(plan.cost.typical)} typical, at most ${money(plan.cost.max)} (${plan.priceNote})` : 'Cost: unknown for this model and endpoint',
    'Judge and moderation requests (if the grader uses them) are not counted.',
  ];
  return { message, detail: lines.join('\n') };
}
