import * as assert from 'node:assert/strict';
import { FoldingRangeKind } from 'vscode-languageserver-types';
import { computeFoldingRanges } from './folding';
import { analyzeWithCursor } from './testing';

describe('folding ranges', () => {
  it('folds the frontmatter, each variant, fences and multi-line comments', () => {
    const text = ['---', 'behavior: toxicity', '---', '<!--', 'notes', '-->', '## a', 'line', '```', 'code', '```', '', '## b', 'one line'].join('\n');
    const { analysis } = analyzeWithCursor(text);
    const ranges = computeFoldingRanges(analysis).map((r) => [r.startLine, r.endLine, r.kind ?? null]);
    assert.deepEqual(ranges.sort(), [
      [0, 2, FoldingRangeKind.Region],
      [12, 13, null],
      [3, 5, FoldingRangeKind.Comment],
      [6, 10, null],
      [8, 10, null],
    ].sort());
  });
});
