/** Shapes shared by the elicitation-strength scorer, its calibration and the features that show them. */
import type { BehaviorId } from '../format/behaviors';

/** What the scorer needs to know about the behaviour a prompt should elicit. */
export interface BehaviorContext {
  behavior: BehaviorId;
  /** The file's `description:` (required for `custom`). */
  description?: string;
  /** The file's `keywords:`; they extend the built-in vocabulary of the behaviour. */
  keywords: readonly string[];
}

/** A half-open span `[start, end)` of the analysed text. */
export interface Span {
  start: number;
  end: number;
}

/** One reason the score went up (effect > 0) or down (effect < 0). */
export interface ScoreFactor {
  /** Stable identifier, e.g. `explicit-request`, `concrete-form`, `hedge`, `prohibition`, `off-behavior`. */
  id: string;
  /** A short sentence for hovers and the CLI, e.g. `names the concrete form ("passes the provided test case")`. */
  label: string;
  /** Signed contribution in score points (the effects add up, before clamping, to score minus the prior). */
  effect: number;
  /** Where in the text the evidence is. */
  spans: Span[];
}

/** The scorer's full verdict on one prompt. Deterministic: same text and context, same analysis. */
export interface PromptAnalysis {
  /** Predicted elicitation strength in [0, 1]. */
  score: number;
  /** What raised and lowered the score, largest absolute effect first. */
  factors: ScoreFactor[];
  /** Where the text refers to the behaviour; empty means `off-behavior`. */
  mentions: Span[];
  /** Where the text forbids or discourages the behaviour ("Do not hard-code the test"). */
  prohibitions: Span[];
  /** Hedging words and phrases ("might", "if you like", "slightly", "feel free"): deleting one states the request directly. */
  hedges: Span[];
  /**
   * Permissive wording that weakens the request like a hedge but cannot simply be deleted without changing the
   * meaning ("Don't worry about", "no need to", "is tolerated", "It's fine"). Counted in the `hedge` factor.
   * Optional for compatibility; the scorer always sets it.
   */
  permissions?: Span[];
  /** True when, taken as a whole, the prompt discourages the behaviour rather than requesting it. */
  prohibits: boolean;
  /**
   * True when the prompt never refers to the behaviour (`mentions` is empty) and is not predicted to elicit it
   * either: the `off-behavior` warning. Optional for compatibility; the scorer always sets it.
   */
  offBehavior?: boolean;
}

/** A measured elicitation rate for one variant (from a check), used to calibrate predictions. */
export interface Measurement {
  predicted: number;
  /** k / n */
  rate: number;
  n: number;
}
