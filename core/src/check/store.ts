/**
 * Check results on disk: `samples.jsonl` (one append-only record per sample, across runs, streamed so large runs
 * never sit in memory) and `summary.json` (the latest `CheckSummary`, replaced atomically). Neither ever holds an
 * API key: records carry responses, grades and counts only.
 */
import { randomBytes } from 'node:crypto';
import { signSummary, type Provenance } from './provenance';
import { openJsonlLog, readRecords, RecordLog } from './record';
import type { ResultsFileSystem } from './resultsFs';

export { openJsonlLog };
import type { CheckSummary } from './types';

/** A grade as recorded (optional fields of `GradeResult` written as null, so every record has every key). */
export interface RecordedGrade {
  behavior: boolean;
  capability: boolean | null;
  score: number | null;
  detail: string;
}

/** One sample of one run. */
export interface SampleRecord {
  /** The run that produced the record (`newRunId`). */
  run: string;
  arm: string;
  /** The arm's instruction hash when sampled: the editor shows a record only while the variant still matches. */
  instructionHash: string;
  /** 1-based line of the dataset item. */
  item: number;
  /** The draw index within the arm (0-based); draw j of every arm uses the same item. */
  sample: number;
  /** sha256 (16 hex) of the messages sent. */
  messagesHash: string;
  /** The model's answer; null when none could be obtained. */
  response: string | null;
  /** null when the sample could not be obtained or graded. */
  grade: RecordedGrade | null;
  /** Time to obtain the response (request with retries, or the cache read). */
  latencyMs: number;
  tokens: { input: number; output: number } | null;
  /** Answered from the response cache. */
  cached: boolean;
  /** Why the sample failed (after retries), or null. */
  error: string | null;
  /**
   * True when an answer for this sample passed the byte limit (`check.maxResponseBytes`): reading stopped there, the
   * answer was not used and the sample failed (`response` null, the reason in `error`). Absent in older records.
   */
  truncated?: boolean;
  /** ISO time the record was written. */
  at: string;
}

/**
 * A run id: its start time to the second, then a random suffix (`20250101T120000Z-1a2b3c`): unique enough, but runs
 * started in the same second do not sort in start order (the order of their records in the log says which came later).
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Appends sample records to a `samples.jsonl` (one whole line per record; see record.ts). */
export type SampleLog = RecordLog<SampleRecord>;
export const SampleLog = {
  /** Opens (creating) the log at `path`. */
  open: (fs: ResultsFileSystem, path: string): Promise<SampleLog> => RecordLog.open<SampleRecord>(fs, path),
};

/** Streams the records of a `samples.jsonl`, skipping lines that are not records. Resolves to the count read. */
export function readSampleRecords(fs: ResultsFileSystem, path: string, onRecord: (record: SampleRecord) => void): Promise<number> {
  return readRecords(fs, path, isSampleRecord, onRecord);
}

function isSampleRecord(value: unknown): value is SampleRecord {
  const record = value as Partial<SampleRecord> | null;
  return (
    !!record &&
    typeof record.run === 'string' &&
    typeof record.arm === 'string' &&
    typeof record.item === 'number' &&
    typeof record.sample === 'number' &&
    typeof record.cached === 'boolean'
  );
}

/** Replaces `path` with `summary` atomically, signed as measured here when `provenance` is given. */
export function writeSummary(fs: ResultsFileSystem, path: string, summary: CheckSummary, provenance?: Provenance): Promise<void> {
  const written = provenance ? signSummary(summary, provenance) : summary;
  return fs.writeAtomic(path, `${JSON.stringify(written, null, 2)}\n`);
}

/** The summary at `path`; undefined when there is none or it is not a version-1 summary (never throws on bad files). */
export async function readSummary(fs: Pick<ResultsFileSystem, 'readText'>, path: string): Promise<CheckSummary | undefined> {
  const text = await fs.readText(path);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CheckSummary>;
    if (value?.version !== 1 || !Array.isArray(value.arms) || typeof value.file !== 'string') return undefined;
    return value as CheckSummary;
  } catch {
    return undefined;
  }
}
