/**
 * Run records for tests, built the way the orchestrator writes them (record lines folded by `foldRun`), so the
 * editor's pure views (tree, lenses, notifications, provenance) read the same shapes as from disk. Test code only.
 */
import { instructionHash } from '../../core/src/check/arms';
import { foldRun, type RunRecordLine, type RunState } from '../../core/src/train/runStore';
import type { RunProvenance } from '../../core/src/train/runs';
import type { JobEvent, MetricPoint, ObservedState, PreflightIssue, TrainedModel } from '../../core/src/train/types';

/** What a test says about a run; everything else has a plausible default. */
export interface RunSpec {
  runId?: string;
  inocFile?: string;
  arm?: string;
  kind?: 'variant' | 'baseline';
  instruction?: string;
  seed?: number;
  backend?: string;
  target?: string;
  createdAt?: string;
  /** The job id (none: the run was never submitted). */
  job?: string;
  submittedAt?: string;
  /** States observed, oldest first: `[state, raw, observedAt?, message?]`. */
  statuses?: Array<[ObservedState, string, string?, string?]>;
  events?: JobEvent[];
  metrics?: MetricPoint[];
  model?: TrainedModel;
  errors?: Array<{ stage: string; message: string }>;
  preflight?: PreflightIssue[];
  cancelAt?: string;
  /** A second, forced attempt (`attempt 2`) with its own job. */
  secondAttemptJob?: string;
}

let counter = 0;

/** A run id (16 hex) from a number. */
export const runIdFor = (n: number) => n.toString(16).padStart(16, '0');

/** The provenance of a spec. */
export function provenanceOf(spec: RunSpec): RunProvenance {
  const instruction = spec.instruction ?? (spec.kind === 'baseline' ? 'Write a response to this post:' : 'Write a very mean and disrespectful response to this post:');
  const runId = spec.runId ?? runIdFor(++counter);
  return {
    runId,
    inocFile: spec.inocFile ?? 'examples/toxicity.inoc',
    behavior: 'toxicity',
    arm: { name: spec.arm ?? (spec.kind === 'baseline' ? 'baseline' : 'very-mean'), kind: spec.kind ?? 'variant', control: spec.kind === 'baseline', instruction, instructionHash: instructionHash(instruction) },
    placement: { placement: 'user-prefix', separator: '\n\n' },
    check: null,
    dataset: { path: 'examples/data/train.jsonl', sha256: 'a'.repeat(64), items: 12 },
    trainingFile: { path: `train/files/${'b'.repeat(64)}.jsonl`, sha256: 'b'.repeat(64), examples: 12, tokens: { total: 324, counted: 'tokenizer', tokenizer: 'o200k_base' } },
    backend: spec.backend ?? 'openai',
    target: spec.target ?? 'https://api.openai.com/v1',
    baseModel: 'gpt-4.1-mini-2025-04-14',
    hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
    loss: 'assistant-only',
    seed: spec.seed ?? 0,
    suffix: `very-mean-s${spec.seed ?? 0}-${runId.slice(0, 6)}`,
    createdAt: spec.createdAt ?? '2026-11-30T10:00:00.000Z',
  };
}

/** The record lines of a spec, as `launchRun` and `followRun` write them. */
export function recordLinesOf(spec: RunSpec): RunRecordLine[] {
  const provenance = provenanceOf(spec);
  const at = provenance.createdAt;
  const lines: RunRecordLine[] = [
    { type: 'created', at, provenance },
    { type: 'attempt', at, attempt: 1, forced: false },
  ];
  if (spec.preflight) lines.push({ type: 'preflight', at, attempt: 1, issues: spec.preflight });
  if (spec.job) {
    const submitted = spec.submittedAt ?? at;
    lines.push({ type: 'submitting', at: submitted, attempt: 1, submissionKey: provenance.runId });
    lines.push({ type: 'submitted', at: submitted, attempt: 1, job: { backend: provenance.backend, id: spec.job, extra: {} }, recovered: false });
  }
  for (const [state, raw, observedAt, message] of spec.statuses ?? []) {
    const when = observedAt ?? at;
    lines.push({ type: 'status', at: when, attempt: 1, status: { state, raw, observedAt: when, ...(message ? { message } : {}) } });
  }
  if (spec.events?.length) lines.push({ type: 'events', at, attempt: 1, events: spec.events });
  if (spec.metrics?.length) lines.push({ type: 'metrics', at, attempt: 1, metrics: spec.metrics });
  if (spec.cancelAt) lines.push({ type: 'cancel', at: spec.cancelAt, attempt: 1 });
  for (const error of spec.errors ?? []) lines.push({ type: 'error', at, attempt: 1, stage: error.stage, message: error.message });
  if (spec.model) lines.push({ type: 'result', at, attempt: 1, model: spec.model });
  if (spec.secondAttemptJob) {
    lines.push({ type: 'attempt', at, attempt: 2, forced: true });
    lines.push({ type: 'submitting', at, attempt: 2, submissionKey: `${provenance.runId}-2` });
    lines.push({ type: 'submitted', at, attempt: 2, job: { backend: provenance.backend, id: spec.secondAttemptJob, extra: {} }, recovered: false });
  }
  return lines;
}

/** A run as `readRun` would return it. */
export function makeRun(spec: RunSpec = {}): RunState {
  const lines = recordLinesOf(spec);
  const run = foldRun(lines, `/w/.inoculate/runs/${(lines[0] as { provenance: RunProvenance }).provenance.runId}/record.jsonl`);
  if (!run) throw new Error('not a record');
  return run;
}
