import assert from 'node:assert/strict';
import { evalRecordId, isEvalSampleRecord } from './records';

describe('evaluation records', () => {
  it('a record id is stable for the same sample and answer, and changes with any of them', () => {
    const base = { modelKey: 'inoculated:0:strong', condition: 'neutral' as const, prompt: null, item: 3, sample: 1, response: 'YES' };
    const id = evalRecordId(base);
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(evalRecordId({ ...base }), id);
    for (const change of [{ response: 'yes' }, { sample: 2 }, { item: 4 }, { condition: 'inoculated' as const }, { prompt: 'strong' }, { modelKey: 'inoculated:1:strong' }]) {
      assert.notEqual(evalRecordId({ ...base, ...change }), id, JSON.stringify(change));
    }
  });

  it('recognises records, and skips lines of other shapes', () => {
    assert.equal(isEvalSampleRecord({ id: 'a', run: 'r', model: 'm', condition: 'neutral', item: 1, sample: 0, outcome: {} }), true);
    assert.equal(isEvalSampleRecord({ run: 'r', arm: 'a', item: 1, sample: 0, cached: false }), false, 'a check record');
    assert.equal(isEvalSampleRecord(null), false);
  });
});
