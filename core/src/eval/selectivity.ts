/**
 * Selectivity (Tan et al. 2025, arXiv 2510.04340): an inoculation should lower the undesired behaviour B without
 * lowering the capability C. This puts the two changes against the baseline side by side, each with its own interval
 * (from `difference.ts` for one run, or `seeds.ts` across seeds), and flags the outcomes a reader must not miss.
 */
import type { Estimate } from './methods';

/** An estimate of change (model − baseline) with its interval; any result of `difference.ts` or `seeds.ts`. */
export type Change = Pick<Estimate, 'estimate' | 'ci' | 'method' | 'note'>;

/** The behaviour and capability changes side by side, and what they show. */
export interface Selectivity {
  /** Change of the rate of B, model − baseline (negative: less of the behaviour). */
  behavior: Change;
  /** Change of the rate of C, model − baseline (negative: capability lost). */
  capability: Change;
  /** The interval of the B change lies below 0: the inoculation lowered the behaviour. */
  behaviorReduced: boolean;
  /** The interval of the C change lies below 0: the inoculation also cost capability. */
  capabilityCost: boolean;
  /** One sentence for a reader. */
  summary: string;
}

/** Puts a B change and a C change (both model − baseline) side by side, with the two flags. */
export function selectivity(behavior: Change, capability: Change): Selectivity {
  const behaviorReduced = behavior.ci !== null && behavior.ci[1] < 0;
  const behaviorRaised = behavior.ci !== null && behavior.ci[0] > 0;
  const capabilityCost = capability.ci !== null && capability.ci[1] < 0;
  const points = (change: Change) => `${change.estimate >= 0 ? '+' : '−'}${Math.abs(change.estimate * 100).toFixed(1)} pts`;
  const b = behavior.ci === null
    ? `B ${points(behavior)} (no interval)`
    : behaviorReduced
      ? `B ${points(behavior)}, lowered`
      : behaviorRaised
        ? `B ${points(behavior)}, raised`
        : `B ${points(behavior)}, not distinguishable from no change`;
  const c = capability.ci === null
    ? `C ${points(capability)} (no interval)`
    : capabilityCost
      ? `C ${points(capability)}: the inoculation also cost capability`
      : `C ${points(capability)}, no capability loss shown at the 95% level`;
  return { behavior, capability, behaviorReduced, capabilityCost, summary: `${b}; ${c}` };
}
