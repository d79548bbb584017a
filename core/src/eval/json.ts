/**
 * The `--json` view of an evaluation summary (`inoculate eval --json`, `inoculate report --format json`): the summary
 * without its signature and without the per-item tallies of each cell (they stay in `summary.json` for tools that
 * recompute). Documented in docs/cli.md.
 */
import type { EvalSummary } from './summary';

/** What `--json` prints. */
export type EvalJson = Omit<EvalSummary, 'provenance' | 'cells'> & { cells: Array<Omit<EvalSummary['cells'][number], 'items'>> };

/** The JSON view of `summary`. */
export function evalJson(summary: EvalSummary): EvalJson {
  const { provenance: _signature, cells, ...rest } = summary;
  return { ...rest, cells: cells.map(({ items: _items, ...cell }) => cell) };
}
