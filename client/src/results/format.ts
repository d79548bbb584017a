/**
 * How the results view writes numbers, shared by the arms table and the forest plot's text alternative so that a
 * screen reader hears the same figures in both.
 */

/** A proportion as a percentage with one decimal, e.g. `0.675` → `67.5%`. */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** A difference of proportions in percentage points with its sign, e.g. `0.1` → `+10.0`, `-0.05` → `−5.0`. */
export function signedPoints(value: number): string {
  return `${value >= 0 ? '+' : '−'}${(Math.abs(value) * 100).toFixed(1)}`;
}

/** A 95% interval, e.g. `52.0%–80.4%`. */
export function interval(ci: readonly [number, number]): string {
  return `${percent(ci[0])}–${percent(ci[1])}`;
}
