import * as assert from 'node:assert/strict';
import { LineIndex, rangeContains } from './lineIndex';

describe('LineIndex', () => {
  it('maps offsets and positions over \\n, \\r\\n and \\r', () => {
    const index = new LineIndex('ab\r\ncd\ref\ngh');
    assert.equal(index.lineCount, 4);
    assert.deepEqual(index.positionAt(5), { line: 1, character: 1 });
    assert.equal(index.offsetAt({ line: 2, character: 1 }), 8);
    assert.equal(index.lineText(0), 'ab');
    assert.equal(index.lineText(1), 'cd');
    assert.equal(index.lineText(3), 'gh');
  });

  it('clamps out-of-range input', () => {
    const index = new LineIndex('ab\ncd');
    assert.deepEqual(index.positionAt(99), { line: 1, character: 2 });
    assert.equal(index.offsetAt({ line: 0, character: 99 }), 2);
    assert.equal(index.offsetAt({ line: 9, character: 0 }), 5);
  });

  it('tells whether a range contains a position', () => {
    const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };
    assert.ok(rangeContains(range, { line: 1, character: 5 }));
    assert.ok(!rangeContains(range, { line: 1, character: 1 }));
  });
});
