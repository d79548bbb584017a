/**
 * How the results view writes an arm's figures, shared by the arms table and the forest plot's text alternative so
 * that a screen reader hears the same figures in both. The numbers themselves are written by the core's
 * `formatMeasurement`, as in the code lens, the hover and the CLI.
 */
import { formatLift, formatRate, liftAboveZero } from '../../../core/src/check/formatMeasurement';
import type { ArmResult } from '../../../core/src/check/types';

/** The words that mark a lift whose 95% interval lies above 0 (shown beside the lift, not by colour alone). */
export const ABOVE_ZERO = 'above 0';

/** The rate cell: `34% [22%, 48%] (17/50)`. */
export function rateText(arm: Pick<ArmResult, 'rate' | 'ci' | 'k' | 'n'>): string {
  return formatRate(arm);
}

/** The lift cell without its mark: `+12 pts [+3, +21]`, or null for a control (no lift). */
export function liftText(arm: Pick<ArmResult, 'lift' | 'liftCi'>): string | null {
  return arm.lift === null || arm.lift === undefined ? null : formatLift(arm.lift, arm.liftCi);
}

/** True when the candidate's lift interval lies above 0 (the view marks it green and in words). */
export function isAboveZero(arm: Pick<ArmResult, 'liftCi'>): boolean {
  return liftAboveZero(arm.liftCi);
}

/** An arm in one line for the plot's text alternative, e.g. `a: 34% [22%, 48%] (17/50), lift +12 pts [+3, +21], above 0`. */
export function armText(arm: Pick<ArmResult, 'name' | 'control' | 'rate' | 'ci' | 'k' | 'n' | 'lift' | 'liftCi'>): string {
  const lift = liftText(arm);
  return `${arm.name}${arm.control ? ' (control)' : ''}: ${rateText(arm)}${lift ? `, lift ${lift}${isAboveZero(arm) ? `, ${ABOVE_ZERO}` : ''}` : ''}`;
}
