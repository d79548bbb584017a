/**
 * The statistics of evaluation, in one import: rates, changes against the baseline (paired by item where the pairing
 * holds), seeds, the elicitation-versus-effect figure, judge agreement and selectivity. Pure (no IO) and
 * deterministic (bootstraps are seeded). Every interval is 95% and every result names its method (`METHOD_DESCRIPTIONS`);
 * formulas, choices and measured coverages are in docs/evaluation.md, "Statistics".
 */
export { CONFIDENCE } from './distributions';
export { METHOD_DESCRIPTIONS, type Estimate, type MethodId } from './methods';
export { tallyByItem, pairByItem, totals, type ItemTally, type SampleOutcome, type PairingReport } from './tallies';
export { rateWithInterval, designEffect, type RateResult, type DesignEffect } from './rates';
export {
  rateDifference,
  pairedDifference,
  independentDifference,
  chooseDifferenceMethod,
  newcombePaired,
  type DifferenceResult,
  type DifferenceChoice,
  type PairedTable,
} from './difference';
export { summariseSeeds, seedChange, tInterval, type SeedRun, type SeedSummary, type SeedChange, type BetweenSeedEstimate } from './seeds';
export {
  effectFigure,
  correlationWithInterval,
  pearson,
  spearman,
  midranks,
  DEFAULT_RESAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  type FigurePoint,
  type EffectFigure,
  type CorrelationResult,
  type BootstrapOptions,
} from './correlation';
export { cohenKappa, kappaLevel, labelsFromVerdicts, KAPPA_WARN_BELOW, type KappaResult, type LabelPair } from './agreement';
export { selectivity, type Selectivity, type Change } from './selectivity';
