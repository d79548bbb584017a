/** Sorting the arms table by a column, for the webview's sortable table. */
import type { ArmResult } from '../../../core/src/check/types';

export type ArmColumn = 'name' | 'rate' | 'lift' | 'predicted' | 'n';
export type SortDirection = 'ascending' | 'descending';

const value = (arm: ArmResult, column: ArmColumn): string | number | null => {
  switch (column) {
    case 'name':
      return arm.name;
    case 'rate':
      return arm.rate;
    case 'lift':
      return arm.lift;
    case 'predicted':
      return arm.predicted;
    case 'n':
      return arm.n;
  }
};

/** A sorted copy; missing values (controls' lift, unscored predictions) always go last. Ties keep file order. */
export function sortArms(arms: readonly ArmResult[], column: ArmColumn, direction: SortDirection): ArmResult[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return arms
    .map((arm, index) => ({ arm, index }))
    .sort((a, b) => {
      const va = value(a.arm, column);
      const vb = value(b.arm, column);
      if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
      const order = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number);
      return order !== 0 ? sign * order : a.index - b.index;
    })
    .map((entry) => entry.arm);
}
