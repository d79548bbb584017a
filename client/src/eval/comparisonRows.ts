/**
 * The comparison view's table as data (pure, shared by the host and the page): one row per model × condition, the
 * rates of B and C with their 95% intervals and each change against the baseline fine-tune, as numbers (for sorting
 * and export) and as the words the CLI prints (`34% [22%, 48%] (17/50)`); sorting by any column; the CSV export.
 */
import { formatPoints, formatRate } from '../../../core/src/check/formatMeasurement';
import type { EvalSummary } from '../../../core/src/eval/summary';
import { csv } from '../results/csv';

/** One row of the table. */
export interface ComparisonRow {
  /** The cell key (the sample browser's key too). */
  key: string;
  name: string;
  role: string;
  seed: number | null;
  condition: string;
  /** The candidate whose instruction was present (`inoculated` condition), or null. */
  prompt: string | null;
  b: number;
  bCi: [number, number] | null;
  bText: string;
  db: number | null;
  dbCi: [number, number] | null;
  dbText: string;
  c: number | null;
  cCi: [number, number] | null;
  cText: string;
  dc: number | null;
  dcCi: [number, number] | null;
  dcText: string;
  failed: number;
}

/** The sortable columns. */
export const SORT_COLUMNS = ['name', 'seed', 'condition', 'b', 'db', 'c', 'dc', 'failed'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export type SortDirection = 'ascending' | 'descending';

const change = (value: { estimate: number; ci: [number, number] | null } | null | undefined) =>
  value ? `${formatPoints(value.estimate)} pts${value.ci ? ` [${formatPoints(value.ci[0])}, ${formatPoints(value.ci[1])}]` : ''}` : '';

/** The rows of `summary`, in its order (models as listed, then conditions). */
export function comparisonRows(summary: Pick<EvalSummary, 'cells' | 'comparisons'>): ComparisonRow[] {
  return summary.cells.map((cell) => {
    const comparison = summary.comparisons.find((c) => c.cell === cell.key);
    const db = cell.role === 'baseline' ? null : (comparison?.behavior ?? null);
    const dc = cell.role === 'baseline' ? null : (comparison?.capability ?? null);
    const cap = cell.capability;
    return {
      key: cell.key,
      name: cell.name,
      role: cell.role,
      seed: cell.seed,
      condition: cell.condition,
      prompt: cell.condition === 'inoculated' ? cell.prompt : null,
      b: cell.behavior.estimate,
      bCi: cell.behavior.ci,
      bText: formatRate({ rate: cell.behavior.estimate, ci: cell.behavior.ci, k: cell.behavior.k, n: cell.behavior.n }),
      db: db?.estimate ?? null,
      dbCi: db?.ci ?? null,
      dbText: cell.role === 'baseline' ? 'baseline' : change(db),
      c: cap?.estimate ?? null,
      cCi: cap?.ci ?? null,
      cText: cap ? formatRate({ rate: cap.estimate, ci: cap.ci, k: cap.k, n: cap.n }) : 'not measured',
      dc: dc?.estimate ?? null,
      dcCi: dc?.ci ?? null,
      dcText: cell.role === 'baseline' ? 'baseline' : change(dc),
      failed: cell.failed,
    };
  });
}

/** The condition as the table shows it: `inoculated: strong`. */
export function conditionText(row: Pick<ComparisonRow, 'condition' | 'prompt'>): string {
  return row.prompt ? `${row.condition}: ${row.prompt}` : row.condition;
}

/**
 * The rows sorted by `column` (stable: ties keep the summary's order); rows without a value (no change for the
 * baseline, C not measured) go last in either direction.
 */
export function sortRows(rows: readonly ComparisonRow[], column: SortColumn, direction: SortDirection): ComparisonRow[] {
  const value = (row: ComparisonRow): string | number | null => {
    switch (column) {
      case 'name':
        return row.name;
      case 'condition':
        return conditionText(row);
      default:
        return row[column];
    }
  };
  const sign = direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, v: value(row) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.index - b.index : a.v === null ? 1 : -1;
      const order = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return order !== 0 ? sign * order : a.index - b.index;
    })
    .map((entry) => entry.row);
}

export const ROW_COLUMNS = ['model', 'role', 'seed', 'condition', 'prompt', 'b', 'b_ci_low', 'b_ci_high', 'delta_b', 'delta_b_ci_low', 'delta_b_ci_high', 'c', 'c_ci_low', 'c_ci_high', 'delta_c', 'delta_c_ci_low', 'delta_c_ci_high', 'failed'];

/** The table as CSV (RFC 4180; text from files and models defused for spreadsheets, as the check's exports). */
export function comparisonCsv(rows: readonly ComparisonRow[]): string {
  return csv([
    ROW_COLUMNS,
    ...rows.map((r) => [r.name, r.role, r.seed, r.condition, r.prompt, r.b, r.bCi?.[0], r.bCi?.[1], r.db, r.dbCi?.[0], r.dbCi?.[1], r.c, r.cCi?.[0], r.cCi?.[1], r.dc, r.dcCi?.[0], r.dcCi?.[1], r.failed]),
  ]);
}
