/** CSV exports of check results (RFC 4180: comma separated, CRLF line ends, quotes doubled). */
import type { CheckSummary } from '../../../core/src/check/types';
import type { SampleView } from './protocol';

/** One CSV field: quoted when it holds a comma, quote or line break; formula-like text is defused for spreadsheets. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  // A cell starting with = + - @ runs as a formula in spreadsheet apps: model output must never do that.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text. */
export function csv(rows: unknown[][]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const ARM_COLUMNS = ['arm', 'control', 'n', 'k', 'rate', 'ci_low', 'ci_high', 'lift', 'lift_ci_low', 'lift_ci_high', 'predicted', 'capability_rate', 'failed', 'instruction'];

/** The arms table of a summary. */
export function armsCsv(summary: CheckSummary): string {
  return csv([
    ARM_COLUMNS,
    ...summary.arms.map((arm) => [
      arm.name,
      arm.control,
      arm.n,
      arm.k,
      arm.rate,
      arm.ci[0],
      arm.ci[1],
      arm.lift,
      arm.liftCi?.[0],
      arm.liftCi?.[1],
      arm.predicted,
      arm.capability?.rate,
      arm.failed,
      arm.instruction,
    ]),
  ]);
}

export const SAMPLE_COLUMNS = ['arm', 'sample', 'item_line', 'behavior', 'capability', 'score', 'detail', 'error', 'cached', 'prompt', 'response'];

/** The header line of the samples CSV. */
export function samplesCsvHeader(): string {
  return csv([SAMPLE_COLUMNS]);
}

/** Samples as CSV rows (no header), the prompt as `role: content` blocks. */
export function samplesCsvRows(samples: SampleView[]): string {
  if (samples.length === 0) return '';
  return csv(
    samples.map((s) => [
      s.arm,
      s.sample,
      s.item,
      s.behavior,
      s.capability,
      s.score,
      s.detail,
      s.error,
      s.cached,
      s.prompt ? s.prompt.map((m) => `${m.role}: ${m.content}`).join('\n\n') : '',
      s.response,
    ]),
  );
}
