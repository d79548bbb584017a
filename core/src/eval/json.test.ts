import assert from 'node:assert/strict';
import { evalJson } from './json';
import type { EvalSummary } from './summary';

describe('evaluation JSON view', () => {
  it('drops the signature and the per-item tallies, keeps everything else', () => {
    const summary = { version: 1, kind: 'evaluation', runId: 'r', provenance: { producer: 'p', mac: 'm' }, cells: [{ key: 'k', items: [[1, 1, 1, 1, 1, 0]], behavior: { estimate: 1 } }], models: [] } as unknown as EvalSummary;
    const json = evalJson(summary) as unknown as Record<string, unknown>;
    assert.equal(json.provenance, undefined);
    assert.deepEqual(json.cells, [{ key: 'k', behavior: { estimate: 1 } }]);
    assert.equal(json.runId, 'r');
  });
});
