import * as assert from 'node:assert/strict';
import { parseInocDocument, variantTextRange, variantTextToDocumentOffset } from './parse';

const parse = (text: string) => parseInocDocument('file:///t.inoc', text);

describe('parseInocDocument', () => {
  it('splits frontmatter and variants, marking controls', () => {
    const doc = parse('---\nbehavior: toxicity\n---\n\n## mean\nBe mean.\n\n## formal (control)\nBe formal.\n');
    assert.ok(doc.frontmatter?.closed);
    assert.equal(doc.frontmatter!.yaml.get('behavior'), 'toxicity');
    assert.deepEqual(
      doc.variants.map((v) => [v.name, v.control, v.text]),
      [
        ['mean', false, 'Be mean.'],
        ['formal', true, 'Be formal.'],
      ],
    );
  });

  it('ignores headings inside fenced code and comments', () => {
    const doc = parse('---\nbehavior: custom\n---\n## a\n```\n## not\n```\n<!--\n## hidden\n-->\ntext\n~~~~\n## also not\n~~~~\n## b\nx');
    assert.deepEqual(doc.variants.map((v) => v.name), ['a', 'b']);
    assert.equal(doc.variants[0]!.text, '```\n## not\n```\ntext\n~~~~\n## also not\n~~~~');
  });

  it('does not treat ### or #name as a variant heading', () => {
    const doc = parse('## a\n### sub\n#nope\n##nope\n');
    assert.equal(doc.variants.length, 1);
    assert.equal(doc.variants[0]!.text, '### sub\n#nope\n##nope');
  });

  it('cuts comments out of prompts and reads disable directives', () => {
    const doc = parse('---\nbehavior: toxicity\n---\n<!-- inoculate-disable off-behavior -->\n## a\nBe <!-- note --> mean.\n<!-- inoculate-disable hedged-request, empty-variant -->\nNow.\n');
    const variant = doc.variants[0]!;
    assert.equal(variant.text, 'Be mean.\nNow.');
    assert.deepEqual(variant.disabled, ['hedged-request', 'empty-variant']);
    assert.deepEqual(doc.fileDisabled, ['off-behavior']);
    assert.deepEqual(doc.strayText, []);
  });

  it('maps prompt offsets back to the document across cut comments and CRLF', () => {
    const text = '---\r\nbehavior: toxicity\r\n---\r\n## a\r\nBe <!-- c --> very\r\nmean.\r\n';
    const doc = parse(text);
    const variant = doc.variants[0]!;
    assert.equal(variant.text, 'Be very\nmean.');
    const at = variant.text.indexOf('mean');
    assert.equal(text.slice(variantTextToDocumentOffset(variant, at), variantTextToDocumentOffset(variant, at) + 4), 'mean');
    const range = variantTextRange(doc, variant, variant.text.indexOf('very'), variant.text.indexOf('very') + 4);
    assert.deepEqual(range, { start: { line: 4, character: 14 }, end: { line: 4, character: 18 } });
  });

  it('finds stray text between the frontmatter and the first variant', () => {
    const doc = parse('---\nbehavior: toxicity\n---\nNotes here\nmore notes\n\nother <!-- x -->\n## a\nBe mean.');
    assert.deepEqual(
      doc.strayText.map((s) => doc.text.slice(s.start, s.end)),
      ['Notes here\nmore notes', 'other'],
    );
  });

  it('recovers from an unclosed frontmatter by stopping the YAML at the first heading', () => {
    const doc = parse('---\nbehavior: toxicity\n\n## a\nBe mean.\n');
    assert.equal(doc.frontmatter?.closed, false);
    assert.equal(doc.frontmatter!.yaml.get('behavior'), 'toxicity');
    assert.deepEqual(doc.variants.map((v) => v.name), ['a']);
  });

  it('keeps a bare ## as a nameless variant so its text is not given to the previous one', () => {
    const doc = parse('## a\nx\n##\ny\n## (control)\nz');
    assert.deepEqual(
      doc.variants.map((v) => [v.name, v.control, v.text]),
      [
        ['a', false, 'x'],
        ['', false, 'y'],
        ['', true, 'z'],
      ],
    );
  });

  it('accepts a BOM, closing #s on headings and trailing spaces', () => {
    const doc = parse('\uFEFF---  \nbehavior: sycophancy\n...\n## agree ##  \nAgree.');
    assert.ok(doc.frontmatter?.closed);
    assert.equal(doc.variants[0]!.name, 'agree');
  });

  it('handles empty and frontmatter-only input', () => {
    assert.equal(parse('').variants.length, 0);
    assert.equal(parse('---').frontmatter?.closed, false);
    assert.equal(parse('---\n---').variants.length, 0);
  });
});
