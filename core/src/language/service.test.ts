import * as assert from 'node:assert/strict';
import { InocLanguageService } from './service';

const TEXT = '---\nbehavior: toxicity\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n\n## formal (control)\nBe formal.\n';

describe('InocLanguageService', () => {
  const reads: string[] = [];
  const files: Record<string, string> = { 'file:///w/d.jsonl': '{"prompt": "x"}\n' };
  const service = new InocLanguageService({ readFile: async (uri) => (reads.push(uri), files[uri]) });
  const doc = (text: string, version = 1) => ({ uri: 'file:///w/doc.inoc', version, getText: () => text });

  it('scores every variant, controls without a score', () => {
    const scores = service.variantScores(doc(TEXT));
    assert.deepEqual(scores.map((s) => [s.name, s.control, s.line, s.predicted === null]), [
      ['mean', false, 3, false],
      ['formal', true, 6, true],
    ]);
    assert.ok(scores[0]!.predicted! >= 0 && scores[0]!.predicted! <= 1);
    assert.ok(scores[0]!.explanation.length > 0);
  });

  it('finds the variant under the cursor, clamping positions past the end', () => {
    assert.equal(service.variantAt(doc(TEXT), { line: 4, character: 5 })?.name, 'mean');
    assert.equal(service.variantAt(doc(TEXT), { line: 7, character: 0 })?.name, 'formal');
    assert.equal(service.variantAt(doc(TEXT), { line: 6, character: 0 })?.name, 'formal', 'column 0 of a heading is that variant');
    assert.equal(service.variantAt(doc(TEXT), { line: 999, character: 999 })?.name, 'formal');
    assert.equal(service.variantAt(doc(TEXT), { line: 1, character: 0 }), undefined);
  });

  it('reuses the analysis while the version and text are unchanged', () => {
    const first = service.analyze(doc(TEXT, 7));
    assert.equal(service.analyze(doc(TEXT, 7)), first);
    assert.notEqual(service.analyze(doc(TEXT, 8)), first);
    service.documentClosed('file:///w/doc.inoc');
    assert.notEqual(service.analyze(doc(TEXT, 8)), first);
  });

  it('reads a dataset once until it is reported changed', async () => {
    const withData = TEXT.replace('behavior: toxicity', 'behavior: toxicity\ncheck:\n  dataset: d.jsonl');
    reads.length = 0;
    assert.deepEqual(await service.diagnostics(doc(withData, 20)), []);
    await service.diagnostics(doc(withData + ' ', 21));
    assert.equal(reads.length, 1);
    files['file:///w/d.jsonl'] = '{"prompt": 1}\n';
    service.fileChanged('file:///w/d.jsonl');
    const after = await service.diagnostics(doc(withData, 22));
    assert.deepEqual(after.map((d) => d.code), ['dataset-invalid']);
    assert.equal(reads.length, 2);
  });
});
