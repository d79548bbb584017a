/** Which cell of an evaluation a sample record belongs to (pure): the key `evalCells` gave that model × condition. */
import { cellKey } from '../../../core/src/eval/cells';
import { modelKey } from '../../../core/src/eval/models';
import type { EvalSampleRecord } from '../../../core/src/eval/records';

/** The cell key of a record (as `evalCells` made it; a prompt counts only under the `inoculated` condition). */
export function recordCellKey(record: Pick<EvalSampleRecord, 'role' | 'seed' | 'model' | 'condition' | 'prompt'>): string {
  return cellKey(modelKey(record.role, record.seed, record.model), record.condition, record.condition === 'inoculated' ? record.prompt : null);
}
