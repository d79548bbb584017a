/**
 * From tallies to a check's summary: each arm's counts as samples finish (`countGraded`, `countFailed`), its rate
 * with the Wilson interval, its lift over the reference control with the Newcombe interval, its capability rate;
 * for a `--variant` run, the other arms kept from the previous summary when they were measured the same way and by
 * this user (`mergeEarlierArms`).
 */
import { referenceArm, type Arm } from './arms';
import { summaryOrigin, type Provenance } from './provenance';
import type { ResultsFileSystem } from './resultsFs';
import type { PreparedCheck } from './setup';
import { newcombeDifference, rateEstimate } from './stats';
import { readSummary, type RecordedGrade } from './store';
import type { ArmResult, CheckSummary, RateEstimate } from './types';

/** One arm's counts so far. */
export interface ArmTally {
  arm: Arm;
  /** Samples finished (graded or failed). */
  done: number;
  cached: number;
  failed: number;
  /** Graded samples, and those that showed the behaviour. */
  n: number;
  k: number;
  /** Graded samples whose grade could tell the capability, and those that showed it. */
  capabilityN: number;
  capabilityK: number;
}

/** An empty tally for `arm`. */
export function newArmTally(arm: Arm): ArmTally {
  return { arm, done: 0, cached: 0, failed: 0, n: 0, k: 0, capabilityN: 0, capabilityK: 0 };
}

/** Counts a graded sample. */
export function countGraded(tally: ArmTally, grade: RecordedGrade, cached: boolean): void {
  tally.n++;
  if (grade.behavior) tally.k++;
  if (grade.capability !== null) {
    tally.capabilityN++;
    if (grade.capability) tally.capabilityK++;
  }
  if (cached) tally.cached++;
  tally.done++;
}

/** Counts a failed sample (not in `n`). */
export function countFailed(tally: ArmTally): void {
  tally.failed++;
  tally.done++;
}

/** Per-arm results: rate with its Wilson interval, lift over the reference control with its Newcombe interval. */
export function armResults(tallies: readonly ArmTally[], predict: ((arm: Arm) => number | null) | undefined, run: string): ArmResult[] {
  const reference = referenceArm(tallies.map((tally) => tally.arm));
  const base = tallies.find((tally) => tally.arm === reference);
  return tallies.map((tally) => {
    const estimate = rateEstimate(tally.k, tally.n);
    const difference = !tally.arm.control && base ? newcombeDifference(tally.k, tally.n, base.k, base.n) : undefined;
    const capability: RateEstimate | null = tally.capabilityN > 0 ? rateEstimate(tally.capabilityK, tally.capabilityN) : null;
    return {
      name: tally.arm.name,
      run,
      control: tally.arm.control,
      instruction: tally.arm.instruction,
      instructionHash: tally.arm.instructionHash,
      ...estimate,
      lift: difference ? difference.difference : null,
      liftCi: difference ? difference.ci : null,
      predicted: tally.arm.control ? null : (predict?.(tally.arm) ?? null),
      capability,
      failed: tally.failed,
    };
  });
}

/**
 * A `--variant` run measures only some arms: keep the other arms' results from the previous summary when they were
 * measured the same way (model, endpoint, grader, samples, same reference control text) and their text has not
 * changed since, in file order.
 */
export async function mergeEarlierArms(
  fs: Pick<ResultsFileSystem, 'readText'>,
  path: string,
  summary: CheckSummary,
  check: PreparedCheck,
  provenance: Provenance | undefined,
  warn: (message: string) => void,
): Promise<CheckSummary> {
  const previous = await readSummary(fs, path);
  if (!previous) return summary;
  // Results found elsewhere (e.g. committed to the repository) never become part of what this user measured.
  if (provenance && summaryOrigin(previous, provenance) !== 'here') {
    warn(`the earlier results in ${path} were not measured by you (e.g. committed to the repository): their other arms are not kept.`);
    return summary;
  }
  const sameSetup =
    previous.model === summary.model &&
    previous.baseUrl === summary.baseUrl &&
    previous.grader === summary.grader &&
    previous.samplesPerArm === summary.samplesPerArm;
  const reference = summary.arms.find((arm) => arm.control);
  const previousReference = previous.arms.find((arm) => arm.control);
  if (!sameSetup || !reference || previousReference?.instructionHash !== reference.instructionHash) return summary;
  const measured = new Set(summary.arms.map((arm) => arm.name));
  const current = new Map(check.allArms.map((arm) => [arm.name, arm.instructionHash]));
  const kept = previous.arms.filter((arm) => !measured.has(arm.name) && current.get(arm.name) === arm.instructionHash);
  const order = new Map(check.allArms.map((arm, index) => [arm.name, index]));
  const arms = [...summary.arms, ...kept].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const keptComplete = kept.every((arm) => arm.failed === 0 && arm.n === summary.samplesPerArm);
  return { ...summary, arms, complete: summary.complete && keptComplete };
}
