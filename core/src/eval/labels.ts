/**
 * Hand labels of graded samples, and how well a grader (a judge above all) agrees with them: Cohen's kappa per
 * grader, shown beside every rate that grader produced, with a warning below 0.6.
 *
 * Labels live in `evals/<slug>/labels.jsonl`, one line each, append-only: which record (`EvalSampleRecord.id`), which
 * outcome (B or C), whether the person agrees with the grade, the grade and grader fingerprint it was given for, who
 * and when. The editor's sample browser writes them with `appendLabel`; everything else reads them with
 * `readLabels`. A later label by the same person on the same record and outcome replaces the earlier one (`latestLabels`).
 * A label counts for a grader only while the record still carries the grade it was given for, from the same grader
 * (same fingerprint): a changed rubric or a new answer makes earlier labels stale, and they are counted as such.
 */
import { readRecords, RecordLog } from '../check/record';
import type { ResultsFileSystem } from '../check/resultsFs';
import { cohenKappa, kappaLevel, labelsFromVerdicts, type KappaResult } from './agreement';
import type { EvalSampleRecord } from './records';

/** Which outcome of a sample a label is about. */
export type LabelledOutcome = 'behavior' | 'capability';

/** One hand label. */
export interface SampleLabel {
  /** `EvalSampleRecord.id`. */
  record: string;
  outcome: LabelledOutcome;
  /** The person agrees with the grade, or not. */
  verdict: 'agree' | 'disagree';
  /** The grade the label was given for (the record's outcome at the time). */
  grade: boolean;
  /** The fingerprint of the grader that gave it. */
  grader: string;
  /** Who labelled (a name or handle; text from a person: escaped wherever shown). */
  who: string;
  /** ISO time. */
  at: string;
}

/** Why a label cannot be stored. */
export class LabelError extends Error {
  override readonly name = 'LabelError';
}

const MAX_WHO = 200;

/** Checks a label's fields; throws `LabelError` saying which is wrong. */
export function validateLabel(label: SampleLabel): void {
  if (!/^[0-9a-f]{16}$/.test(label.record)) throw new LabelError(`not a record id: ${JSON.stringify(label.record)}`);
  if (label.outcome !== 'behavior' && label.outcome !== 'capability') throw new LabelError('outcome must be behavior or capability');
  if (label.verdict !== 'agree' && label.verdict !== 'disagree') throw new LabelError('verdict must be agree or disagree');
  if (typeof label.grade !== 'boolean') throw new LabelError('grade must be true or false');
  if (typeof label.grader !== 'string' || !label.grader) throw new LabelError('grader (its fingerprint) is required');
  if (typeof label.who !== 'string' || !label.who.trim() || label.who.length > MAX_WHO) throw new LabelError(`who must be 1 to ${MAX_WHO} characters`);
  if (typeof label.at !== 'string' || Number.isNaN(Date.parse(label.at))) throw new LabelError('at must be an ISO time');
}

/**
 * Appends a label for `record` (its outcome's grade and the grader's fingerprint are taken from the record and the
 * summary by the caller) as one line. `at` defaults to now.
 */
export async function appendLabel(fs: ResultsFileSystem, path: string, label: Omit<SampleLabel, 'at'> & { at?: string }): Promise<SampleLabel> {
  const complete: SampleLabel = { ...label, at: label.at ?? new Date().toISOString() };
  validateLabel(complete);
  const log = await RecordLog.open<SampleLabel>(fs, path);
  try {
    await log.append(complete);
  } finally {
    await log.close();
  }
  return complete;
}

function isLabel(value: unknown): value is SampleLabel {
  try {
    validateLabel(value as SampleLabel);
    return true;
  } catch {
    return false;
  }
}

/** Every valid label in the file, in order written (lines that are not labels are skipped). */
export async function readLabels(fs: Pick<ResultsFileSystem, 'scanLines'>, path: string): Promise<SampleLabel[]> {
  const labels: SampleLabel[] = [];
  await readRecords(fs, path, isLabel, (label) => labels.push(label));
  return labels;
}

/** The latest label per record, outcome and person. */
export function latestLabels(labels: readonly SampleLabel[]): SampleLabel[] {
  const latest = new Map<string, SampleLabel>();
  for (const label of labels) {
    const key = JSON.stringify([label.record, label.outcome, label.who]);
    const earlier = latest.get(key);
    if (!earlier || earlier.at <= label.at) latest.set(key, label);
  }
  return [...latest.values()];
}

/** A grader whose verdicts can be hand-labelled: the outcome it decides and its fingerprint. */
export interface LabelledGrader {
  outcome: LabelledOutcome;
  type: string;
  fingerprint: string;
  /** An LLM judge: its rates always show agreement (or that there are no labels yet). */
  judge: boolean;
}

/** One grader's agreement with the hand labels of one run's records. */
export interface GraderAgreement {
  outcome: LabelledOutcome;
  type: string;
  fingerprint: string;
  judge: boolean;
  kappa: KappaResult;
  /** `warn` below 0.6, `ok`, or `unknown` (no labels, or kappa undefined), with a sentence. */
  level: 'ok' | 'warn' | 'unknown';
  message: string;
  /** Labels used, and labels left out because the record's grade or grader changed since (stale). */
  used: number;
  stale: number;
}

/**
 * Kappa per grader between its verdicts on `records` and the latest hand labels. Labels of records not in `records`
 * (another run) are ignored; labels whose grade or grader no longer match the record are counted as stale.
 */
export function graderAgreement(records: ReadonlyArray<Pick<EvalSampleRecord, 'id' | 'outcome'>>, labels: readonly SampleLabel[], graders: readonly LabelledGrader[]): GraderAgreement[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  const latest = latestLabels(labels);
  return graders.map((grader) => {
    const grades: boolean[] = [];
    const agrees: boolean[] = [];
    let stale = 0;
    for (const label of latest) {
      if (label.outcome !== grader.outcome) continue;
      const record = byId.get(label.record);
      if (!record) continue;
      const grade = record.outcome[grader.outcome];
      if (label.grader !== grader.fingerprint || grade === null || grade !== label.grade) {
        stale++;
        continue;
      }
      grades.push(grade);
      agrees.push(label.verdict === 'agree');
    }
    const kappa = cohenKappa(labelsFromVerdicts(grades, agrees));
    const { level, message } = kappaLevel(kappa);
    return { outcome: grader.outcome, type: grader.type, fingerprint: grader.fingerprint, judge: grader.judge, kappa, level, message, used: grades.length, stale };
  });
}
