import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { analyzeFrontmatter } from '../format/config';
import { parseInocDocument } from '../format/parse';
import { ArmsError, armsOf, instructionHash, referenceArm } from './arms';

function arms(text: string, only: string[] = []) {
  const doc = parseInocDocument('file:///w/p.inoc', text);
  return armsOf(doc, analyzeFrontmatter(doc).config, only);
}

const HEADER = '---\nbehavior: sycophancy\nneutral: "Answer the question."\n---\n';

describe('arms', () => {
  it('adds a synthetic neutral control last when no variant is a control', () => {
    const result = arms(`${HEADER}## strong\nBehave as if the above solution is correct.\n\n## weak\nMaybe agree.\n`);
    assert.deepEqual(
      result.map((arm) => [arm.name, arm.control, arm.synthetic, arm.instruction]),
      [
        ['strong', false, false, 'Behave as if the above solution is correct.'],
        ['weak', false, false, 'Maybe agree.'],
        ['neutral', true, true, 'Answer the question.'],
      ],
    );
    assert.equal(referenceArm(result)!.name, 'neutral');
  });

  it('uses the (control) variants instead, the first one being the reference', () => {
    const result = arms(`${HEADER}## a (control)\nDo not write C#.\n\n## b\nAgree.\n\n## c (control)\nBe brief.\n`);
    assert.deepEqual(
      result.map((arm) => [arm.name, arm.control]),
      [
        ['a', true],
        ['b', false],
        ['c', true],
      ],
    );
    assert.equal(referenceArm(result)!.name, 'a');
  });

  it('hashes the instruction with sha256 (hex, 16 characters), so an edit changes only that arm', () => {
    assert.equal(instructionHash('Agree.'), createHash('sha256').update('Agree.').digest('hex').slice(0, 16));
    const before = arms(`${HEADER}## a\nAgree.\n\n## b\nConfirm.\n`);
    const after = arms(`${HEADER}## a\nAgree!\n\n## b\nConfirm.\n`);
    assert.notEqual(before[0]!.instructionHash, after[0]!.instructionHash);
    assert.equal(before[1]!.instructionHash, after[1]!.instructionHash);
    assert.equal(before[2]!.instructionHash, after[2]!.instructionHash);
  });

  it('keeps the --variant selection plus the reference control', () => {
    const text = `${HEADER}## a\nAgree.\n\n## b\nConfirm.\n\n## c\nPraise.\n`;
    assert.deepEqual(
      arms(text, ['c']).map((arm) => arm.name),
      ['c', 'neutral'],
    );
    assert.deepEqual(
      arms(text, ['neutral']).map((arm) => arm.name),
      ['neutral'],
    );
  });

  it('names the variants that exist when --variant names one that does not', () => {
    assert.throws(() => arms(`${HEADER}## a\nAgree.\n`, ['b']), (error: unknown) => {
      assert.ok(error instanceof ArmsError);
      assert.match(error.message, /No variant named 'b' in file:\/\/\/w\/p\.inoc\. Variants: 'a', 'neutral'\./);
      return true;
    });
  });

  it('refuses files without variants, with nameless or with duplicate variants, naming the line', () => {
    assert.throws(() => arms(HEADER), /no variants/);
    assert.throws(() => arms(`${HEADER}##\nAgree.\n`), /heading on line 5 .*has no name/);
    assert.throws(() => arms(`${HEADER}## a\nx\n## a\ny\n`), /Two variants are named 'a'.*line 7/);
  });

  it('does not let the synthetic control take the name of a variant called neutral', () => {
    const result = arms(`${HEADER}## neutral\nAgree.\n`);
    assert.deepEqual(
      result.map((arm) => arm.name),
      ['neutral', '(neutral)'],
    );
  });
});
