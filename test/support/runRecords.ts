/** Writes training run records as `inoculate train` would leave them (test code only), for tests of what reads them. */
import { instructionHash } from '../../core/src/check/arms';
import { trainPaths, type TrainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import type { RunProvenance } from '../../core/src/train/runs';
import { RunRecorder } from '../../core/src/train/runStore';
import type { ObservedState, TrainedModel } from '../../core/src/train/types';

export interface RecordedRunSpec {
  runId: string;
  inocFile?: string;
  arm: string;
  kind?: 'variant' | 'baseline';
  instruction: string;
  seed: number;
  backend?: string;
  target?: string;
  baseModel?: string;
  createdAt?: string;
  /** The last status recorded; `planned` writes no job at all. */
  state: ObservedState | 'planned';
  result?: TrainedModel;
  error?: string;
}

export function provenanceOf(spec: RecordedRunSpec): RunProvenance {
  return {
    runId: spec.runId,
    inocFile: spec.inocFile ?? 'prompts.inoc',
    behavior: 'custom',
    arm: { name: spec.arm, kind: spec.kind ?? 'variant', control: false, instruction: spec.instruction, instructionHash: instructionHash(spec.instruction) },
    placement: { placement: 'user-prefix', separator: '\n\n' },
    check: null,
    dataset: { path: 'train.jsonl', sha256: 'f'.repeat(64), items: 10 },
    trainingFile: { path: 'train/files/x.jsonl', sha256: 'e'.repeat(64), examples: 10, tokens: { total: 100, counted: 'estimate' } },
    backend: spec.backend ?? 'openai',
    target: spec.target ?? 'http://127.0.0.1:1/v1',
    baseModel: spec.baseModel ?? 'base-model',
    hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
    loss: 'assistant-only',
    seed: spec.seed,
    suffix: 's',
    createdAt: spec.createdAt ?? '2026-11-01T00:00:00.000Z',
  };
}

/** Writes one run's record under `<root>/.inoculate/runs/`. */
export async function recordRun(root: string, spec: RecordedRunSpec): Promise<TrainPaths> {
  const paths = trainPaths(root);
  const recorder = await RunRecorder.open(nodeTrainFileSystem, paths, spec.runId);
  try {
    await recorder.append('created', { provenance: provenanceOf(spec) });
    await recorder.append('attempt', { attempt: 1, forced: false });
    if (spec.state === 'planned') return paths;
    await recorder.append('submitted', { attempt: 1, job: { backend: spec.backend ?? 'openai', id: `job-${spec.runId}`, extra: {} }, recovered: false });
    await recorder.append('status', { attempt: 1, status: { state: spec.state, raw: spec.state, observedAt: spec.createdAt ?? '2026-11-01T00:00:00.000Z' } });
    if (spec.error) await recorder.append('error', { attempt: 1, stage: 'status', message: spec.error });
    if (spec.result) await recorder.append('result', { attempt: 1, model: spec.result });
  } finally {
    await recorder.close();
  }
  return paths;
}
