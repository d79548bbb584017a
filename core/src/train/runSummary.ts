/**
 * Runs grouped the way the editor shows them (a code lens per variant: `trained: 2 runs (1 running)`, the Jobs view
 * by file and variant) and evaluation finds them (by arm and seed: the latest attempt's trained model).
 */
import { currentAttempt, type RunState } from './runStore';
import type { ObservedState, TrainedModel } from './types';

/** The runs of one arm (a variant, or the baseline) of one file. */
export interface ArmRuns {
  arm: string;
  kind: 'variant' | 'baseline';
  runs: RunState[];
  /** Runs per current state (`planned`: no job yet). */
  counts: Partial<Record<ObservedState | 'planned', number>>;
  /** The trained models, by seed (latest attempt that succeeded). */
  models: Array<{ seed: number; runId: string; model: TrainedModel }>;
}

/** Groups `runs` (of one file) by arm, in the order arms first appear. */
export function runsByArm(runs: readonly RunState[]): ArmRuns[] {
  const groups = new Map<string, ArmRuns>();
  for (const run of runs) {
    const arm = run.provenance.arm;
    let group = groups.get(arm.name);
    if (!group) {
      group = { arm: arm.name, kind: arm.kind, runs: [], counts: {}, models: [] };
      groups.set(arm.name, group);
    }
    group.runs.push(run);
    const attempt = currentAttempt(run);
    const state: ObservedState | 'planned' = attempt?.job ? (attempt.status?.state ?? 'queued') : 'planned';
    group.counts[state] = (group.counts[state] ?? 0) + 1;
    if (attempt?.result) group.models.push({ seed: run.provenance.seed, runId: run.runId, model: attempt.result });
  }
  return [...groups.values()];
}

/** One line for a code lens: `trained: 3 runs (1 running, 2 succeeded)`. */
export function armRunsLabel(group: ArmRuns): string {
  const order: Array<ObservedState | 'planned'> = ['running', 'queued', 'unknown', 'succeeded', 'failed', 'cancelled', 'planned'];
  const parts = order.filter((state) => group.counts[state]).map((state) => `${group.counts[state]} ${state}`);
  const total = group.runs.length;
  return `trained: ${total} run${total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
