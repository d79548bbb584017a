import assert from 'node:assert/strict';
import { HOSTILE_NAMES, hostileSummary } from '../../../test/support/evalSummaryFixture';
import { comparisonCsv, comparisonRows, conditionText, ROW_COLUMNS, sortRows, type ComparisonRow } from './comparisonRows';

describe('comparison rows', () => {
  const summary = hostileSummary();
  const rows = comparisonRows(summary);

  it('has one row per model × condition, with the rates and changes against the baseline as numbers and as words', () => {
    assert.equal(rows.length, summary.cells.length);
    const baseline = rows.find((r) => r.role === 'baseline' && r.condition === 'neutral')!;
    assert.equal(baseline.db, null);
    assert.equal(baseline.dbText, 'baseline');
    const first = rows.find((r) => r.name === HOSTILE_NAMES[0] && r.condition === 'neutral')!;
    const comparison = summary.comparisons.find((c) => c.cell === first.key)!;
    assert.equal(first.db, comparison.behavior.estimate);
    assert.ok(first.db! < 0, 'the fixture lowers B against the baseline');
    assert.match(first.bText, /^\d+% \[\d+%, \d+%\] \(\d+\/\d+\)$/);
    assert.match(first.dbText, /^−\d+ pts \[[−+]?\d+, [−+]?\d+\]$/);
    const inoculated = rows.find((r) => r.condition === 'inoculated' && r.role === 'inoculated')!;
    assert.equal(conditionText(inoculated), `inoculated: ${inoculated.prompt}`);
  });

  it('sorts by any column, stable, with missing values last in both directions', () => {
    const byB = sortRows(rows, 'b', 'ascending');
    for (let i = 1; i < byB.length; i++) assert.ok(byB[i - 1]!.b <= byB[i]!.b);
    const byBDown = sortRows(rows, 'b', 'descending');
    for (let i = 1; i < byBDown.length; i++) assert.ok(byBDown[i - 1]!.b >= byBDown[i]!.b);
    for (const direction of ['ascending', 'descending'] as const) {
      const byDb = sortRows(rows, 'db', direction);
      const firstNull = byDb.findIndex((r) => r.db === null);
      assert.ok(firstNull > 0 && byDb.slice(firstNull).every((r) => r.db === null), `${direction}: rows without a change go last`);
    }
    // Ties keep the summary's order.
    const tied: ComparisonRow[] = rows.slice(0, 3).map((r) => ({ ...r, failed: 0 }));
    assert.deepEqual(sortRows(tied, 'failed', 'descending').map((r) => r.key), tied.map((r) => r.key));
    assert.deepEqual(sortRows(rows, 'name', 'ascending').map((r) => r.name), [...rows.map((r) => r.name)].sort((a, b) => a.localeCompare(b)));
  });

  it('exports CSV with every row, quotes and formula-like names defused', () => {
    const hostile = { ...rows[2]!, name: '=HYPERLINK("http://x")', prompt: 'a,"b"\nc' };
    const text = comparisonCsv([hostile]);
    const [header, line] = text.split('\r\n');
    assert.equal(header, ROW_COLUMNS.join(','));
    assert.ok(line!.startsWith(`"'=HYPERLINK(""http://x"")"`), line);
    assert.ok(text.includes('"a,""b""\nc"'));
    assert.equal(comparisonCsv(rows).split('\r\n').length, rows.length + 2);
  });
});
