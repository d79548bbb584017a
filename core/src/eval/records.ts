/**
 * The evaluation's sample records: one JSON line per sample in `evals/<slug>/samples.jsonl`, append-only across runs
 * (written through `RecordLog`, read back with `readEvalRecords`). A record says which model, condition, item and
 * sample index it is, the response, the grades of the behaviour B and the capability C, and the run that made it.
 * Items and sample indices are the same for every model and condition, which is what pairs every comparison.
 *
 * `id` identifies a graded sample for hand labels (`labels.ts`): a hash of the model, the condition and prompt, the
 * item, the sample index and the response text, so a warm re-run (same answer from the cache) keeps its labels and
 * a new answer does not inherit them.
 */
import { createHash } from 'node:crypto';
import { stableStringify } from '../check/cache';
import { readRecords } from '../check/record';
import type { ResultsFileSystem } from '../check/resultsFs';
import type { RecordedGrade } from '../check/store';
import type { EvalCondition } from './settings';

/** What a model is in an evaluation. */
export type EvalModelRole = 'base' | 'baseline' | 'inoculated' | 'extra';

/** One sample of one evaluation run. */
export interface EvalSampleRecord {
  /** The graded sample's identity for hand labels (see the module comment), 16 hex. */
  id: string;
  /** The run that produced the record. */
  run: string;
  /** The model's name in results: `base`, `baseline`, a variant's name (its inoculated fine-tune), an extra model's name. */
  model: string;
  role: EvalModelRole;
  /** The fine-tune's seed, null for the base and extra models. */
  seed: number | null;
  /** The training run of a fine-tune (`.inoculate/runs/<id>/`), null otherwise. */
  trainingRun: string | null;
  /** The model id requested, and where. */
  modelId: string;
  endpoint: string;
  condition: EvalCondition;
  /** For `inoculated`: the variant whose instruction was inserted; null otherwise. */
  prompt: string | null;
  /** sha256 (16 hex) of the instruction inserted ('' for none). */
  instructionHash: string;
  /** 1-based line of the dataset item. */
  item: number;
  /** Sample index of the item, 0 ≤ sample < samples per item. */
  sample: number;
  /** sha256 (16 hex) of the messages sent. */
  messagesHash: string;
  /** The answer; null when none could be obtained. */
  response: string | null;
  /** The behaviour grader's grade; null when the sample failed. */
  behavior: RecordedGrade | null;
  /** The capability grader's grade when C has its own grader; null otherwise (or when the sample failed). */
  capability: RecordedGrade | null;
  /** What the sample shows: B, and C (null when no grader could tell). Both null for a failed sample. */
  outcome: { behavior: boolean | null; capability: boolean | null };
  latencyMs: number;
  tokens: { input: number; output: number } | null;
  /** How the answer was obtained: a request, the response cache, or a batch job. */
  via: 'online' | 'cache' | 'batch' | null;
  /** The batch job that answered it (`via: batch`). */
  batch: string | null;
  /** Why the sample failed (after retries), or null. */
  error: string | null;
  /** An answer passed the byte limit and was not used. */
  truncated: boolean;
  at: string;
}

/** The identity of a graded sample (see the module comment). */
export function evalRecordId(parts: { modelKey: string; condition: EvalCondition; prompt: string | null; item: number; sample: number; response: string | null }): string {
  return createHash('sha256').update(stableStringify(parts), 'utf8').digest('hex').slice(0, 16);
}

/** Whether a parsed line is an evaluation record (lines of other shapes are skipped). */
export function isEvalSampleRecord(value: unknown): value is EvalSampleRecord {
  const record = value as Partial<EvalSampleRecord> | null;
  return (
    !!record &&
    typeof record === 'object' &&
    typeof record.id === 'string' &&
    typeof record.run === 'string' &&
    typeof record.model === 'string' &&
    typeof record.condition === 'string' &&
    typeof record.item === 'number' &&
    typeof record.sample === 'number' &&
    !!record.outcome &&
    typeof record.outcome === 'object'
  );
}

/** Streams the records of an `evals/<slug>/samples.jsonl` (optionally only one run's). Resolves to the count read. */
export function readEvalRecords(fs: Pick<ResultsFileSystem, 'scanLines'>, path: string, onRecord: (record: EvalSampleRecord) => void, run?: string): Promise<number> {
  return readRecords(fs, path, isEvalSampleRecord, (record) => {
    if (run === undefined || record.run === run) onRecord(record);
  });
}
