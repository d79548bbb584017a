/**
 * Agreement between a judge grader and a person's hand labels: Cohen's kappa (Cohen 1960),
 *
 *   p_o = Σᵢ pᵢᵢ     p_e = Σᵢ pᵢ. p.ᵢ     κ = (p_o − p_e) / (1 − p_e)
 *
 * (pᵢⱼ: share of responses the judge put in class i and the person in class j).
 *
 * Interval: the Wilson interval [l_o, u_o] of the observed agreement (agreements out of n), mapped through κ with the
 * chance agreement held at its observed value:
 *
 *   [ (l_o − p_e)/(1 − p_e),  (u_o − p_e)/(1 − p_e) ]   clipped to [−1, 1]
 *
 * This conditions on the margins, as Cohen's (1960) own variance does. It was chosen by simulation (docs/evaluation.md)
 * over the two usual alternatives: the Wald interval with the large-sample variance of Fleiss, Cohen & Everitt (1969,
 * Psychol Bull 72:323–327; what SAS, R's irr/psych and statsmodels print) covered as little as 65% with 20 labels at a
 * 15% prevalence, and collapses to a point at perfect agreement; the percentile bootstrap covered 22–72% when the true
 * kappa is 0.95 (most resamples agree perfectly). The Wilson version stays within 91–99% over the same grid: it is
 * conservative at a low prevalence with a low kappa and slightly short with 20 labels near κ = 1. The
 * Fleiss–Cohen–Everitt standard error is still reported, for comparison with other tools.
 *
 * Degenerate tables are reported, not hidden: no labels, or both raters using one and the same class (p_e = 1:
 * kappa is undefined although agreement is 100%); a rater using a single class gives κ = 0 whatever the agreement
 * (the prevalence paradox, Feinstein & Cicchetti 1990), said in the note.
 */
import { wilsonInterval } from '../check/stats';
import { clampInterval, type Estimate } from './methods';

/** One hand-labelled response: the judge's verdict and the person's label (same vocabulary). */
export interface LabelPair {
  judge: string | boolean;
  person: string | boolean;
}

/** Cohen's kappa with its interval and the table it came from. */
export interface KappaResult extends Omit<Estimate, 'estimate'> {
  /** null when kappa is undefined (see `note`). */
  estimate: number | null;
  method: 'kappa-wilson-agreement' | 'none';
  /** Labelled responses. */
  n: number;
  /** Observed and chance agreement. */
  observedAgreement: number;
  chanceAgreement: number;
  /** Fleiss–Cohen–Everitt large-sample standard error, for comparison with other tools (null when undefined). */
  standardError: number | null;
  /** The classes seen, and counts[judge class][person class]. */
  classes: string[];
  counts: number[][];
}

/**
 * Turns agree/disagree verdicts on binary grades into label pairs: a person who disagrees with a grade gives it the
 * other value.
 */
export function labelsFromVerdicts(grades: readonly boolean[], agrees: readonly boolean[]): LabelPair[] {
  if (grades.length !== agrees.length) throw new RangeError(`${grades.length} grades but ${agrees.length} verdicts`);
  return grades.map((grade, i) => ({ judge: grade, person: agrees[i] ? grade : !grade }));
}

/** Cohen's kappa between judge and person over the labelled responses, with its 95% interval. */
export function cohenKappa(pairs: readonly LabelPair[]): KappaResult {
  const n = pairs.length;
  const classes = [...new Set(pairs.flatMap((pair) => [String(pair.judge), String(pair.person)]))].sort();
  const index = new Map(classes.map((name, i) => [name, i]));
  const counts = classes.map(() => classes.map(() => 0));
  for (const pair of pairs) counts[index.get(String(pair.judge))!]![index.get(String(pair.person))!]!++;
  const base = { n, classes, counts };
  if (n === 0) {
    return { ...base, estimate: null, ci: null, method: 'none', note: 'no hand labels yet', observedAgreement: 0, chanceAgreement: 0, standardError: null };
  }
  const c = classes.length;
  const p = counts.map((row) => row.map((count) => count / n));
  const row = p.map((r) => r.reduce((sum, value) => sum + value, 0));
  const column = classes.map((_, j) => p.reduce((sum, r) => sum + r[j]!, 0));
  let observed = 0;
  let chance = 0;
  for (let i = 0; i < c; i++) {
    observed += p[i]![i]!;
    chance += row[i]! * column[i]!;
  }
  const agreement = { observedAgreement: observed, chanceAgreement: chance };
  if (c === 1) {
    return {
      ...base, ...agreement, estimate: null, ci: null, method: 'none', standardError: null,
      note: `all ${n} labels and verdicts are '${classes[0]}': agreement is 100% but kappa is undefined (chance agreement is 1); label responses of the other class too`,
    };
  }
  const kappa = (observed - chance) / (1 - chance);
  let a = 0;
  let b = 0;
  for (let i = 0; i < c; i++) {
    a += p[i]![i]! * (1 - (row[i]! + column[i]!) * (1 - kappa)) ** 2;
    for (let j = 0; j < c; j++) if (i !== j) b += p[i]![j]! * (column[i]! + row[j]!) ** 2;
  }
  b *= (1 - kappa) ** 2;
  const correction = (kappa - chance * (1 - kappa)) ** 2;
  const variance = Math.max(0, (a + b - correction) / (n * (1 - chance) ** 2));
  const standardError = Math.sqrt(variance);
  const notes: string[] = [];
  const agreements = counts.reduce((sum, r, i) => sum + r[i]!, 0);
  const [low, high] = wilsonInterval(agreements, n);
  const ci = clampInterval([(low - chance) / (1 - chance), (high - chance) / (1 - chance)], -1, 1);
  const singleClass = (margins: number[]) => margins.filter((share) => share > 0).length === 1;
  if (singleClass(row) || singleClass(column)) {
    notes.push(
      `${singleClass(row) ? 'the grader' : 'the person'} used a single class: kappa is 0 whatever the agreement ` +
        `(${(observed * 100).toFixed(0)}% here); label responses of every class`,
    );
  }
  if (n < 30) notes.push(`only ${n} labels: the interval is wide`);
  return { ...base, ...agreement, estimate: kappa, ci, method: 'kappa-wilson-agreement', standardError, note: notes.join('; ') };
}

/** The kappa below which a judge's rates are flagged. */
export const KAPPA_WARN_BELOW = 0.6;

/** Whether a judge's agreement with hand labels is good enough to show its rates without a warning. */
export function kappaLevel(result: KappaResult, threshold = KAPPA_WARN_BELOW): { level: 'ok' | 'warn' | 'unknown'; message: string } {
  if (result.estimate === null) return { level: 'unknown', message: `grader agreement unknown (n=${result.n}): ${result.note}` };
  const interval = result.ci ? ` [${result.ci[0].toFixed(2)}, ${result.ci[1].toFixed(2)}]` : '';
  const figure = `κ = ${result.estimate.toFixed(2)}${interval}, n=${result.n}`;
  if (result.estimate < threshold) {
    const why = result.note ? ` (${result.note})` : '';
    return { level: 'warn', message: `grader agreement with hand labels is low (${figure}, below ${threshold}): treat this grader's rates with caution${why}` };
  }
  return { level: 'ok', message: `grader agreement with hand labels ${figure}` };
}
