/**
 * The name of every interval evaluation reports, with a one-line description and its reference, so each number
 * can say how it was computed (shown in tables, tooltips and exported files; documented in docs/evaluation.md).
 */

/** Every interval method evaluation uses. */
export type MethodId =
  | 'wilson'
  | 'wilson-design-effect'
  | 'newcombe-paired'
  | 'mover-paired-clustered'
  | 'newcombe-independent'
  | 'mover-independent-clustered'
  | 't-between-seeds'
  | 'paired-t-seeds'
  | 'welch-t-seeds'
  | 'pooled-t-seeds'
  | 'bootstrap-bca'
  | 'kappa-wilson-agreement'
  | 'none';

/** An estimate with its 95% interval (null when none can be given, with the reason in `note`) and its method. */
export interface Estimate {
  estimate: number;
  ci: [number, number] | null;
  method: MethodId;
  /** Why there is no interval, or what the reader must know about this one; '' when nothing. */
  note: string;
}

/** One line per method: what it is and where it comes from. */
export const METHOD_DESCRIPTIONS: Readonly<Record<MethodId, string>> = {
  wilson: 'Wilson score interval (Wilson 1927), one sample per item',
  'wilson-design-effect':
    'Wilson score interval with the design effect of k samples per item (z·√deff, deff from the one-way ANOVA ' +
    'intraclass correlation; Zou & Donner 2004)',
  'newcombe-paired':
    'Newcombe hybrid score interval for paired proportions, method 10 (Newcombe 1998, Stat Med 17:2635)',
  'mover-paired-clustered':
    'MOVER for paired proportions with k samples per item: design-effect Wilson limits combined with the ' +
    'between-estimate correlation (Zou & Donner 2008; reduces to Newcombe method 10 at k = 1)',
  'newcombe-independent':
    'Newcombe hybrid score interval for independent proportions, method 10 (Newcombe 1998, Stat Med 17:873)',
  'mover-independent-clustered':
    'Newcombe/MOVER interval for independent proportions with design-effect Wilson limits (Zou & Donner 2004)',
  't-between-seeds': 'mean of per-seed values, Student t interval with seeds − 1 degrees of freedom',
  'paired-t-seeds': 'mean of per-seed differences (seeds paired by seed), Student t with seeds − 1 df',
  'welch-t-seeds': 'difference of per-seed means, Welch t interval (Welch–Satterthwaite df)',
  'pooled-t-seeds': 'difference of per-seed means, pooled-variance t interval (one arm has a single seed)',
  'bootstrap-bca': 'bias-corrected and accelerated (BCa) bootstrap over candidates (Efron 1987; Efron & Tibshirani 1993, ch. 14)',
  'kappa-wilson-agreement':
    "Cohen's kappa, interval from the Wilson interval of the observed agreement with the chance agreement held at " +
    'its observed value (conditional on the margins, as Cohen 1960)',
  none: 'no interval',
};

/** Clamps an interval into [low, high] (estimates of rates and differences cannot leave their range). */
export function clampInterval(ci: [number, number], low: number, high: number): [number, number] {
  return [Math.min(high, Math.max(low, ci[0])), Math.max(low, Math.min(high, ci[1]))];
}
