/** The confirmation shown before a check sends anything: the dry-run numbers in words. Pure. */
import type { CheckPlan } from '../../core/src/check/plan';
import { DEFAULT_MODERATION_MODEL } from '../../core/src/check/graders/moderation';
import type { GraderConfig } from '../../core/src/format/config';

const number = (value: number) => value.toLocaleString('en-US');
const money = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

/** What the modal dialog says: a one-line question and the details. */
export interface ConfirmationText {
  message: string;
  detail: string;
}

/** What else the dialog must say: whom the grader calls, and what the workspace's settings chose. */
export interface ConfirmationExtras {
  /** The grader's line (`graderCalls`). */
  grader?: string;
  /** Why the workspace's settings need the user's agreement (`workspaceConsentText`). */
  workspace?: string;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/**
 * Whom the grader calls, for the dialog: a moderation or judge grader sends its own requests, to its own `baseUrl` or
 * else to the sampled endpoint (`sampled`: a base URL, or null for VS Code's language models); the others run here.
 */
export function graderCalls(grader: GraderConfig, sampled: string | null): string {
  const own = text(grader.baseUrl);
  const endpoint = own ?? sampled ?? "VS Code's language models";
  switch (grader.type) {
    case 'moderation':
      if (!own && sampled === null) {
        return "Grader: moderation, but VS Code's language models have no moderation model: set `check.grader.baseUrl` to a moderation endpoint (e.g. https://api.openai.com/v1).";
      }
      return `Grader: moderation (${text(grader.model) ?? DEFAULT_MODERATION_MODEL}) at ${endpoint}${own ? '' : ' (the same endpoint)'}: one more request per sample not cached, not counted above.`;
    case 'judge':
      return `Grader: judge (${text(grader.model) ?? 'its default model'}) at ${endpoint}${own ? '' : ' (the same endpoint)'}: one more request per sample not cached, not counted above.`;
    case 'code-tests':
      return "Grader: code-tests, on this machine: each answer's code runs in the sandbox, without network.";
    default:
      return `Grader: ${grader.type}, on this machine (no request).`;
  }
}

/** The dialog for running `arms` (names) of `file` on `model` at `endpoint` (a base URL, or `VS Code language models`). */
export function checkConfirmation(file: string, arms: string[], model: string, endpoint: string, plan: CheckPlan, extras: ConfirmationExtras = {}): ConfirmationText {
  const message =
    plan.requests === 0
      ? `Check ${file}? Every sample is already cached: nothing will be sent.`
      : `Check ${file}? This sends ${number(plan.requests)} request${plan.requests === 1 ? '' : 's'} to ${model}.`;
  const lines = [
    `Endpoint: ${endpoint}`,
    ...(extras.grader ? [extras.grader] : []),
    `Arms: ${plan.arms} (${arms.join(', ')}), ${number(plan.samplesPerArm)} samples each`,
    `Requests: ${number(plan.requests)} (${number(plan.cachedSamples)} of ${number(plan.samples)} samples answered from the cache)`,
    `Tokens: ~${number(plan.inputTokens)} input; ~${number(plan.outputTokens.typical)} output typical, at most ${number(plan.outputTokens.max)}`,
    plan.cost ? `Cost: ~${money(plan.cost.typical)} typical, at most ${money(plan.cost.max)} (${plan.priceNote})` : 'Cost: unknown for this model and endpoint',
    ...(extras.grader ? [] : ['Judge and moderation requests (if the grader uses them) are not counted.']),
    ...(extras.workspace ? ['', extras.workspace] : []),
  ];
  return { message, detail: lines.join('\n') };
}
