/**
 * How a measured rate and its lift are written, everywhere one is shown (code lens, hover, CLI table, results view):
 * `34% [22%, 48%] (17/50)` and `+12 pts [+3, +21]`. Whole percentages, because a 95% interval over tens of samples is
 * many points wide; a value that would round to 0% or 100% without being exactly that keeps one decimal (`0.4%`),
 * so an interval never looks closed when it is not. Pure and small on purpose: it is shared by every adapter.
 */

/** The figures of one arm's measurement (an `ArmResult`, a `VariantMeasurement`). */
export interface MeasurementFigures {
  rate: number;
  ci: readonly [number, number];
  k: number;
  n: number;
  /** Candidate minus control, in [-1, 1]; null or absent for a control or without one. */
  lift?: number | null;
  liftCi?: readonly [number, number] | null;
}

const MINUS = '\u2212';

/** A number of percent (0..100) with no decimal, or one when rounding would hide that it is not 0 or 100 exactly. */
function whole(points: number): string {
  const rounded = Math.round(points);
  const hidden = (rounded === 0 && points !== 0) || (Math.abs(rounded) === 100 && Math.abs(points) !== 100);
  return hidden ? points.toFixed(1).replace(/\.0$/, '') : String(rounded);
}

/** A proportion as a percentage: `0.343` → `34%`, `0.004` → `0.4%`. */
export function formatPercent(value: number): string {
  return `${whole(value * 100)}%`;
}

/** A difference of proportions in signed percentage points (no unit): `0.12` → `+12`, `-0.05` → `−5`, `0` → `0`. */
export function formatPoints(value: number): string {
  const text = whole(Math.abs(value) * 100);
  if (text === '0') return '0';
  return `${value < 0 ? MINUS : '+'}${text}`;
}

/** A rate with its 95% interval and counts: `34% [22%, 48%] (17/50)`. */
export function formatRate(m: Pick<MeasurementFigures, 'rate' | 'ci' | 'k' | 'n'>): string {
  return `${formatPercent(m.rate)} [${formatPercent(m.ci[0])}, ${formatPercent(m.ci[1])}] (${m.k}/${m.n})`;
}

/** A lift over the control with its 95% interval: `+12 pts [+3, +21]`; without an interval, `+12 pts`. */
export function formatLift(lift: number, liftCi?: readonly [number, number] | null): string {
  return `${formatPoints(lift)} pts${liftCi ? ` [${formatPoints(liftCi[0])}, ${formatPoints(liftCi[1])}]` : ''}`;
}

/** True when the lift's whole 95% interval lies above 0: the candidate elicits more than the control, clearly. */
export function liftAboveZero(liftCi: readonly [number, number] | null | undefined): boolean {
  return !!liftCi && liftCi[0] > 0;
}

/** The whole measurement on one line: `34% [22%, 48%] (17/50), lift +12 pts [+3, +21]`. */
export function formatMeasurement(m: MeasurementFigures): string {
  return m.lift === null || m.lift === undefined ? formatRate(m) : `${formatRate(m)}, lift ${formatLift(m.lift, m.liftCi)}`;
}
