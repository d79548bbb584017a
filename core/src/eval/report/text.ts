/**
 * The words and figures of a report, shared by its HTML and Markdown renderings: each number as the CLI writes it,
 * with its interval and method. Plain strings here; each renderer escapes them for its own format.
 */
import type { ResultOrigin } from '../../check/provenance';
import { METHOD_DESCRIPTIONS, type MethodId } from '../methods';
import type { ChangeSummary, DifferenceSummary, EvalSummary, RateSummary } from '../summary';
import { cellLabel } from '../charts/rates';

/** What a report is made from. */
export interface ReportInput {
  summary: EvalSummary;
  /** Whether this user measured the summary (its signature), shown at the top. */
  origin: ResultOrigin;
  /** When the report was made. */
  generatedAt: string;
}

export const pct = (value: number) => `${Math.round(value * 1000) / 10}%`;
export const pts = (value: number) => {
  const rounded = Math.round(value * 1000) / 10;
  return rounded === 0 ? '0' : `${rounded < 0 ? '\u2212' : '+'}${Math.abs(rounded)}`;
};

/** `34.0% [22.1%, 48.3%] (17/50)`. */
export function rateText(rate: RateSummary | null): string {
  if (!rate) return 'not measured';
  return `${pct(rate.estimate)} [${pct(rate.ci[0])}, ${pct(rate.ci[1])}] (${rate.k}/${rate.n})`;
}

/** `−31.0 pts [−45.2, −16.0]`. */
export function changeText(change: DifferenceSummary | ChangeSummary | null | undefined): string {
  if (!change) return '';
  return `${pts(change.estimate)} pts${change.ci ? ` [${pts(change.ci[0])}, ${pts(change.ci[1])}]` : ' (no interval)'}`;
}

/** The method's one-line description. */
export function methodText(method: MethodId | string): string {
  return METHOD_DESCRIPTIONS[method as MethodId] ?? method;
}

/** The rows of the results table: one per cell. */
export function resultRows(summary: EvalSummary): Array<{ label: string; b: string; db: string; dbMethod: string; c: string; dc: string; failed: number; note: string }> {
  return summary.cells.map((cell) => {
    const comparison = summary.comparisons.find((c) => c.cell === cell.key);
    return {
      label: cellLabel(cell),
      b: rateText(cell.behavior),
      db: cell.role === 'baseline' ? 'baseline' : changeText(comparison?.behavior),
      dbMethod: comparison?.behavior.method ?? '',
      c: rateText(cell.capability),
      dc: cell.role === 'baseline' ? 'baseline' : changeText(comparison?.capability),
      failed: cell.failed,
      note: [cell.behavior.note, comparison?.behavior.note].filter(Boolean).join('; '),
    };
  });
}

/** The facts at the top of a report. */
export function facts(input: ReportInput): Array<[string, string]> {
  const s = input.summary;
  return [
    ['File', s.file],
    ['Behaviour', s.behavior],
    ['Dataset', `${s.dataset.path} (${s.dataset.items} items, sha256 ${s.dataset.sha256.slice(0, 12)}…), ${s.samplesPerItem} samples per item, temperature ${s.temperature}`],
    ['Conditions', s.conditions.join(', ') + (s.safetyPrompt ? ` (safety prompt: "${s.safetyPrompt}")` : '')],
    ['Graders', `B: ${s.graders.behavior.type}${s.graders.behavior.model ? ` (${s.graders.behavior.model})` : ''}; C: ${s.graders.capability ? `${s.graders.capability.type}${s.graders.capability.model ? ` (${s.graders.capability.model})` : ''}` : `${s.graders.behavior.type}, when it can tell`}`],
    ['Models', s.models.map((m) => `${m.name}${m.seed === null ? '' : ` s${m.seed}`} = ${m.model}${m.stale ? ' (trained on an earlier text)' : ''}`).join('; ')],
    ['Run', `${s.runId}, ${s.startedAt} to ${s.finishedAt}; ${s.requests} requests, ${s.cacheHits} from the cache${s.batches.length ? `, ${s.batches.length} batch job(s)` : ''}; ${s.complete ? 'complete' : `incomplete (${s.failed} samples failed or not obtained)`}`],
    ['Measured', input.origin === 'here' ? 'by you (the summary carries your signature)' : 'NOT by you: this summary was found in the results folder (e.g. committed to the repository) and its signature is not yours'],
  ];
}
