/**
 * The one-line summary of a candidate's evaluation, for the editor's code lens above the variant (and anywhere a short
 * form is wanted): `inoculated: B 12% (−31 pts) · C 78% (−2 pts)`, from the neutral condition; with several seeds,
 * the mean over seeds and `3 seeds`. Percentages and points as everywhere else (`formatMeasurement.ts`).
 */
import { formatPercent, formatPoints } from '../check/formatMeasurement';
import type { EvalSummary } from './summary';

/** The lens text of `variant`, or undefined when the summary has no evaluation of its fine-tunes. */
export function evalLensText(summary: Pick<EvalSummary, 'arms'>, variant: string): string | undefined {
  const arm = summary.arms.find((a) => a.arm === variant && a.condition === 'neutral');
  if (!arm) return undefined;
  const seeds = arm.behavior.perSeed.length;
  const b = `B ${formatPercent(arm.behavior.mean.estimate)}${arm.change.behavior ? ` (${formatPoints(arm.change.behavior.estimate)} pts)` : ''}`;
  const c = arm.capability ? ` · C ${formatPercent(arm.capability.mean.estimate)}${arm.change.capability ? ` (${formatPoints(arm.change.capability.estimate)} pts)` : ''}` : '';
  return `inoculated: ${b}${c}${seeds > 1 ? ` · ${seeds} seeds` : ''}`;
}
