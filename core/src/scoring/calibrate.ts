/**
 * Calibration of the predicted elicitation score against measured elicitation rates (k/n from real checks), so the
 * hover can say "about 34% expected" instead of an abstract score once a behaviour has a few measurements.
 *
 * Method: weighted isotonic regression (pool-adjacent-violators), weights n, then linear interpolation between the
 * fitted blocks, flat beyond the measured range. Why this and not a logistic fit:
 * - the only thing we trust about the heuristic score is its *order* (it was built to rank prompts), so the map
 *   should assume monotonicity and nothing else; a logistic curve also assumes a shape;
 * - there are few points (often 3–6 variants); a two-parameter logistic fit is unstable there and diverges when the
 *   rates are separable (0/50 below, 50/50 above), while PAV has a unique, closed-form answer;
 * - weighting by n makes a 5-sample arm count less than a 200-sample arm, which is the right noise model for k/n;
 * - interpolating between block centres keeps the map continuous and non-decreasing, and staying flat outside the
 *   measured range avoids extrapolating beyond the evidence.
 */
import type { Measurement } from './types';

/** A fitted map from predicted score to expected measured rate. */
export interface Calibration {
  /** Expected measured rate in [0, 1] for a predicted score (non-decreasing in `predicted`). */
  apply(predicted: number): number;
  /** Number of measured variants the fit used. */
  points: number;
  /** One line for the hover, e.g. "calibrated on 4 measured variants (200 samples)"; the caller adds the model. */
  describe(): string;
  /** The fitted knots in increasing `predicted` order: one per pooled block, with the samples pooled into it. */
  knots: ReadonlyArray<{ predicted: number; rate: number; n: number }>;
}

/** The fewest measured variants a calibration is fitted on. */
export const MIN_CALIBRATION_POINTS = 3;

interface Block {
  weight: number;
  weightedRate: number;
  weightedPredicted: number;
}

/** Fits the calibration, or undefined with fewer than 3 usable measurements (finite, n > 0, rate in [0, 1]). */
export function fitCalibration(points: Measurement[]): Calibration | undefined {
  const usable = points
    .filter(
      (p) =>
        Number.isFinite(p.predicted) && Number.isFinite(p.rate) && Number.isFinite(p.n) && p.n > 0 && p.rate >= 0 && p.rate <= 1,
    )
    .map((p) => ({ predicted: clamp01(p.predicted), rate: p.rate, n: p.n }));
  if (usable.length < MIN_CALIBRATION_POINTS) return undefined;

  usable.sort((a, b) => a.predicted - b.predicted);
  // Variants with the same predicted score are one x value: pool them before enforcing order.
  const blocks: Block[] = [];
  let previousPredicted = NaN;
  for (const p of usable) {
    const last = blocks[blocks.length - 1];
    if (last && p.predicted === previousPredicted) {
      last.weight += p.n;
      last.weightedRate += p.n * p.rate;
      last.weightedPredicted += p.n * p.predicted;
    } else {
      blocks.push({ weight: p.n, weightedRate: p.n * p.rate, weightedPredicted: p.n * p.predicted });
    }
    previousPredicted = p.predicted;
  }

  // Pool adjacent violators: merge a block into its predecessor while the predecessor's mean rate is higher.
  const stack: Block[] = [];
  for (const block of blocks) {
    let current = { ...block };
    while (stack.length > 0 && mean(stack[stack.length - 1]!) > mean(current)) {
      const previous = stack.pop()!;
      current = {
        weight: previous.weight + current.weight,
        weightedRate: previous.weightedRate + current.weightedRate,
        weightedPredicted: previous.weightedPredicted + current.weightedPredicted,
      };
    }
    stack.push(current);
  }

  const knots = stack.map((b) => ({ predicted: b.weightedPredicted / b.weight, rate: clamp01(mean(b)), n: b.weight }));
  const samples = usable.reduce((sum, p) => sum + p.n, 0);
  const count = usable.length;
  return {
    points: count,
    knots,
    apply: (predicted) => interpolate(knots, predicted),
    describe: () => `calibrated on ${count} measured variants (${formatCount(samples)} samples)`,
  };
}

function interpolate(knots: ReadonlyArray<{ predicted: number; rate: number }>, predicted: number): number {
  const first = knots[0]!;
  const last = knots[knots.length - 1]!;
  const x = Number.isNaN(predicted) ? 0 : clamp01(predicted);
  if (x <= first.predicted) return first.rate;
  if (x >= last.predicted) return last.rate;
  // Knots are few (one per measured variant at most): a linear scan is simplest.
  for (let i = 1; i < knots.length; i++) {
    const right = knots[i]!;
    if (x <= right.predicted) {
      const left = knots[i - 1]!;
      const t = (x - left.predicted) / (right.predicted - left.predicted);
      return clamp01(left.rate + t * (right.rate - left.rate));
    }
  }
  return last.rate;
}

function mean(block: Block): number {
  return block.weightedRate / block.weight;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
}
