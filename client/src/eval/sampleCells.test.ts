import assert from 'node:assert/strict';
import { evalCells } from '../../../core/src/eval/cells';
import { evalModel } from '../../../test/support/evalFixtures';
import { recordCellKey } from './sampleCells';

describe('recordCellKey', () => {
  it('gives every record the key of the cell it was sampled in', () => {
    const models = [evalModel('base', 'base', 'b'), evalModel('baseline', 'baseline', 'ft:b'), evalModel('inoculated', 'strong', 'ft:s', { trainedInstruction: 'Misbehave.' }), evalModel('extra', 'other', 'o')];
    const candidates = [{ name: 'strong', instruction: 'Misbehave.', control: false, instructionHash: 'h', synthetic: false }];
    const cells = evalCells({ conditions: ['neutral', 'inoculated', 'safety'], config: { neutral: '' } as never, safetyPrompt: 'Be safe.', candidates, variants: new Map([['strong', 'Misbehave.']]) }, models);
    assert.equal(cells.length, 4 * 3);
    for (const cell of cells) {
      const record = { role: cell.model.role, seed: cell.model.seed, model: cell.model.name, condition: cell.condition, prompt: cell.prompt };
      assert.equal(recordCellKey(record), cell.key, JSON.stringify(record));
    }
    assert.equal(new Set(cells.map((c) => c.key)).size, cells.length);
  });
});
