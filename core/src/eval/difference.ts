/**
 * The change of a model's rate against a reference (the baseline fine-tune), with its 95% interval.
 *
 * When both were evaluated on the same items the estimates are correlated (an item that elicits the behaviour from
 * one model tends to elicit it from the other), and an interval that ignores this is too wide. Every interval here
 * is a MOVER interval (method of variance estimates recovery, Zou & Donner 2008, Stat Med 27:1693–1702): the
 * limits [lₐ, uₐ], [l_b, u_b] of each rate are combined with the correlation r of the two estimates,
 *
 *   d = p̂ₐ − p̂_b
 *   lower = d − √( (p̂ₐ − lₐ)² + (u_b − p̂_b)² − 2r (p̂ₐ − lₐ)(u_b − p̂_b) )
 *   upper = d + √( (uₐ − p̂ₐ)² + (p̂_b − l_b)² − 2r (uₐ − p̂ₐ)(p̂_b − l_b) )
 *
 * - paired, one sample per item (k = 1): the limits are Wilson's and r is Newcombe's corrected φ of the 2×2 table
 *   of pairs, which makes this exactly Newcombe's method 10 for paired data (Newcombe 1998, Stat Med 17:2635–2650);
 * - paired, k > 1 samples per item: the limits are the design-effect Wilson limits of `rates.ts` (critical value
 *   t_{0.975, I−1}·√deff over the I kept pairs) and r is the
 *   correlation of the two estimates estimated over items from the per-item residuals eᵢ = yᵢ − p̂·mᵢ,
 *   r = Σ eₐᵢ e_bᵢ / √(Σ eₐᵢ² · Σ e_bᵢ²), with Newcombe's correction applied to the numerator (at k = 1 this is φ);
 * - items differ: r = 0, giving Newcombe's method 10 for independent proportions (k = 1, `check/stats.ts`) or its
 *   design-effect version (Zou & Donner 2004).
 *
 * Pairs whose samples failed on one side are dropped and counted (`pairing`).
 */
import { newcombeDifference, wilsonInterval, Z_95 } from '../check/stats';
import { clampInterval, type Estimate } from './methods';
import { clusteredCritical, oneSamplePerItem, rateWithInterval, type RateResult } from './rates';
import { droppedPairs, pairByItem, validateTallies, type ItemPair, type ItemTally, type PairingReport } from './tallies';

/** A difference of two rates (side A minus side B) with its interval. */
export interface DifferenceResult extends Estimate {
  method: 'newcombe-paired' | 'mover-paired-clustered' | 'newcombe-independent' | 'mover-independent-clustered';
  ci: [number, number];
  /** The two rates on exactly the samples the difference used (for a paired difference: the kept pairs). */
  a: RateResult;
  b: RateResult;
  /** The correlation between the two estimates that the interval used (0 for independent samples). */
  correlation: number;
  /** What pairing by item kept and dropped; null for an unpaired comparison. */
  pairing: PairingReport | null;
}

/** A 2×2 table of paired binary outcomes: both, A only, B only, neither. */
export interface PairedTable {
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

/**
 * Newcombe's method 10 for the difference of paired proportions, (onlyA − onlyB)/n, from the 2×2 table of pairs.
 * No pairs: the difference reads 0 with the interval [−1, 1].
 */
export function newcombePaired(table: PairedTable): { estimate: number; ci: [number, number]; correlation: number } {
  const { both, onlyA, onlyB, neither } = table;
  for (const [name, value] of Object.entries(table)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`paired table: ${name}=${value} must be a whole number >= 0`);
  }
  const n = both + onlyA + onlyB + neither;
  if (n === 0) return { estimate: 0, ci: [-1, 1], correlation: 0 };
  // Residual cross-products of the 2×2 table: Σ eₐ e_b = (ad − bc)/n, Σ eₐ² = (a+b)(c+d)/n, Σ e_b² = (a+c)(b+d)/n.
  const cross = (both * neither - onlyA * onlyB) / n;
  const varianceA = ((both + onlyA) * (onlyB + neither)) / n;
  const varianceB = ((both + onlyB) * (onlyA + neither)) / n;
  return mover(both + onlyA, n, both + onlyB, n, Z_95, Z_95, correctedCorrelation(cross, varianceA, varianceB));
}

/**
 * Newcombe's corrected correlation: the cross-product Σ eₐ e_b is shrunk by ½ towards 0 when positive (ad − bc − n/2
 * in Newcombe's notation), and r is 0 when either side has no variation.
 */
function correctedCorrelation(cross: number, varianceA: number, varianceB: number): number {
  if (!(varianceA > 0 && varianceB > 0)) return 0;
  const corrected = cross > 0.5 ? cross - 0.5 : cross >= 0 ? 0 : cross;
  return Math.max(-1, Math.min(1, corrected / Math.sqrt(varianceA * varianceB)));
}

/** The MOVER combination of two Wilson-type intervals (critical values zA, zB) with correlation r. */
function mover(kA: number, nA: number, kB: number, nB: number, zA: number, zB: number, r: number) {
  const pA = kA / nA;
  const pB = kB / nB;
  const [lA, uA] = wilsonInterval(kA, nA, zA);
  const [lB, uB] = wilsonInterval(kB, nB, zB);
  const estimate = pA - pB;
  const below = Math.sqrt(Math.max(0, (pA - lA) ** 2 + (uB - pB) ** 2 - 2 * r * (pA - lA) * (uB - pB)));
  const above = Math.sqrt(Math.max(0, (uA - pA) ** 2 + (pB - lB) ** 2 - 2 * r * (uA - pA) * (pB - lB)));
  return { estimate, ci: clampInterval([estimate - below, estimate + above], -1, 1), correlation: r };
}

/**
 * The paired difference A − B over the items graded on both sides: Newcombe's method 10 for paired data when every
 * kept item has one graded sample on each side, the clustered MOVER interval otherwise.
 */
export function pairedDifference(a: readonly ItemTally[], b: readonly ItemTally[]): DifferenceResult {
  const { pairs, report } = pairByItem(a, b);
  const notes = pairingNotes(report);
  const keptA = pairs.map((pair) => pair.a);
  const keptB = pairs.map((pair) => pair.b);
  const rateA = rateWithInterval(keptA, 'side A');
  const rateB = rateWithInterval(keptB, 'side B');
  if (pairs.length === 0) {
    notes.push('no item was graded on both sides: nothing is known about the difference');
    return { estimate: 0, ci: [-1, 1], method: 'newcombe-paired', note: notes.join('; '), a: rateA, b: rateB, correlation: 0, pairing: report };
  }
  if (pairs.length < 10) notes.push(`only ${pairs.length} paired item(s): the interval rests on few items`);
  if (oneSamplePerItem(keptA) && oneSamplePerItem(keptB)) {
    const result = newcombePaired(pairedTable(pairs));
    return { ...result, method: 'newcombe-paired', note: notes.join('; '), a: rateA, b: rateB, pairing: report };
  }
  const result = mover(
    rateA.k, rateA.n, rateB.k, rateB.n,
    clusteredCritical(pairs.length, rateA.designEffect),
    clusteredCritical(pairs.length, rateB.designEffect),
    clusteredCorrelation(pairs, rateA.estimate, rateB.estimate),
  );
  return { ...result, method: 'mover-paired-clustered', note: notes.join('; '), a: rateA, b: rateB, pairing: report };
}

/** The 2×2 table of pairs with one sample per side. */
function pairedTable(pairs: readonly ItemPair[]): PairedTable {
  const table: PairedTable = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (const { a, b } of pairs) {
    if (a.k === 1 && b.k === 1) table.both++;
    else if (a.k === 1) table.onlyA++;
    else if (b.k === 1) table.onlyB++;
    else table.neither++;
  }
  return table;
}

/** Correlation of the two ratio estimates over items (linearisation), with Newcombe's correction. */
function clusteredCorrelation(pairs: readonly ItemPair[], pA: number, pB: number): number {
  let cross = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (const { a, b } of pairs) {
    const eA = a.k - pA * a.n;
    const eB = b.k - pB * b.n;
    cross += eA * eB;
    varianceA += eA * eA;
    varianceB += eB * eB;
  }
  return correctedCorrelation(cross, varianceA, varianceB);
}

/**
 * The difference A − B of two independent samples (different items): Newcombe's method 10 for independent
 * proportions with one sample per item, its design-effect version otherwise.
 */
export function independentDifference(a: readonly ItemTally[], b: readonly ItemTally[]): DifferenceResult {
  validateTallies(a, 'side A');
  validateTallies(b, 'side B');
  const rateA = rateWithInterval(a, 'side A');
  const rateB = rateWithInterval(b, 'side B');
  const notes: string[] = [];
  if (rateA.n === 0 || rateB.n === 0) notes.push('a side has no graded sample: nothing is known about the difference');
  if (oneSamplePerItem(a) && oneSamplePerItem(b)) {
    const { difference, ci } = newcombeDifference(rateA.k, rateA.n, rateB.k, rateB.n);
    return { estimate: difference, ci, method: 'newcombe-independent', note: notes.join('; '), a: rateA, b: rateB, correlation: 0, pairing: null };
  }
  if (rateA.n === 0 || rateB.n === 0) {
    return { estimate: 0, ci: [-1, 1], method: 'mover-independent-clustered', note: notes.join('; '), a: rateA, b: rateB, correlation: 0, pairing: null };
  }
  const result = mover(
    rateA.k, rateA.n, rateB.k, rateB.n,
    clusteredCritical(rateA.items, rateA.designEffect), clusteredCritical(rateB.items, rateB.designEffect), 0,
  );
  return { ...result, method: 'mover-independent-clustered', note: notes.join('; '), a: rateA, b: rateB, pairing: null };
}

/** Which interval a comparison of two sides uses, and why. */
export interface DifferenceChoice {
  paired: boolean;
  method: DifferenceResult['method'];
  reason: string;
}

/**
 * Decides how to compare two sides: paired when both list exactly the same items (items whose samples failed on a
 * side are still listed, and only their pairs are dropped), independent when the item sets differ, because pairing
 * only the shared items would silently discard the rest.
 */
export function chooseDifferenceMethod(a: readonly ItemTally[], b: readonly ItemTally[]): DifferenceChoice {
  const { pairs, report } = pairByItem(a, b);
  if (report.onlyA > 0 || report.onlyB > 0) {
    const single = oneSamplePerItem(a) && oneSamplePerItem(b);
    return {
      paired: false,
      method: single ? 'newcombe-independent' : 'mover-independent-clustered',
      reason: `the items differ (${report.onlyA} only on side A, ${report.onlyB} only on side B): compared as independent samples`,
    };
  }
  const single = pairs.every((pair) => pair.a.n === 1 && pair.b.n === 1);
  return {
    paired: true,
    method: single ? 'newcombe-paired' : 'mover-paired-clustered',
    reason: single
      ? 'the same items, one sample per item on each side: paired 2×2 table'
      : 'the same items, several samples per item: paired by item, clustered by item',
  };
}

/** A − B with the interval `chooseDifferenceMethod` picks. */
export function rateDifference(a: readonly ItemTally[], b: readonly ItemTally[]): DifferenceResult {
  const choice = chooseDifferenceMethod(a, b);
  if (choice.paired) return pairedDifference(a, b);
  const result = independentDifference(a, b);
  return { ...result, note: [choice.reason, result.note].filter(Boolean).join('; ') };
}

function pairingNotes(report: PairingReport): string[] {
  const notes: string[] = [];
  const dropped = droppedPairs(report);
  if (dropped > 0) {
    notes.push(
      `${dropped} item pair(s) dropped because their samples failed (side A: ${report.droppedUngradedA}, ` +
        `side B: ${report.droppedUngradedB}, both: ${report.droppedUngradedBoth})`,
    );
  }
  if (report.onlyA > 0 || report.onlyB > 0) {
    notes.push(`${report.onlyA + report.onlyB} item(s) on one side only were left out of the pairs`);
  }
  return notes;
}
