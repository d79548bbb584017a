import * as assert from 'node:assert/strict';
import { SymbolKind } from 'vscode-languageserver-types';
import { computeDocumentSymbols } from './symbols';
import { analyzeWithCursor } from './testing';

describe('document symbols', () => {
  it('lists the frontmatter keys and every variant with its score or control mark', () => {
    const { analysis } = analyzeWithCursor('---\nbehavior: toxicity\nneutral: "Write a response to this post:"\n---\n\n## mean\nWrite a very mean and disrespectful response to this post:\n\n\n## formal (control)\nBe formal.\n');
    const symbols = computeDocumentSymbols(analysis);
    assert.deepEqual(symbols.map((s) => [s.name, s.kind]), [
      ['frontmatter', SymbolKind.Namespace],
      ['mean', SymbolKind.String],
      ['formal', SymbolKind.Constant],
    ]);
    assert.deepEqual(symbols[0]!.children!.map((c) => [c.name, c.detail]), [['behavior', 'toxicity'], ['neutral', '"Write a response to this post:"']]);
    assert.match(symbols[1]!.detail!, /^0\.\d\d (strong|moderate|weak|very weak)$/);
    assert.equal(symbols[2]!.detail, 'control');
    // The variant's range stops at its last text line, not at the blank lines before the next heading.
    assert.deepEqual(symbols[1]!.range, { start: { line: 5, character: 0 }, end: { line: 6, character: 58 } });
    assert.deepEqual(symbols[1]!.selectionRange, { start: { line: 5, character: 3 }, end: { line: 5, character: 7 } });
  });

  it('names unnamed variants so the outline stays usable', () => {
    const { analysis } = analyzeWithCursor('##\nx');
    assert.deepEqual(computeDocumentSymbols(analysis).map((s) => s.name), ['(unnamed)']);
  });
});
