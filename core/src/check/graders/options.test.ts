import * as assert from 'node:assert/strict';
import { excerpt, graderFingerprint, numberOption, requiredString, scalarField, stringListOption, stringOption } from './options';

describe('grader options', () => {
  it('reads options with fallbacks and names the grader and option on bad values', () => {
    const config = { type: 'judge', model: 'm', scale: 10, labels: [1, 'two'], bad: 3 };
    assert.equal(stringOption(config, 'model'), 'm');
    assert.equal(stringOption(config, 'absent', 'fallback'), 'fallback');
    assert.throws(() => stringOption(config, 'bad'), /The `judge` grader's `bad` must be text; got 3\./);
    assert.equal(numberOption(config, 'scale', 5, 1), 10);
    assert.equal(numberOption(config, 'absent', 5), 5);
    assert.throws(() => numberOption(config, 'scale', 5, 0, 1), /must be a number from 0 to 1; got 10/);
    assert.throws(() => numberOption({ type: 't', n: 'x' }, 'n', 5, 1), /must be a number of at least 1; got "x"/);
    assert.deepEqual(stringListOption(config, 'labels'), ['1', 'two']);
    assert.throws(() => stringListOption({ type: 'label', labels: 'a' }, 'labels'), /must be a list of labels/);
    assert.throws(() => requiredString({ type: 'judge', model: ' ' }, 'model', 'gpt-4.1-mini'), /needs `model`, e\.g\. `grader: \{type: judge, model: gpt-4\.1-mini\}`/);
  });

  it('fingerprints type, version and options independent of key order', () => {
    const a = graderFingerprint({ type: 'regex', pattern: 'x', flags: 'i' }, 1);
    assert.equal(a, graderFingerprint({ flags: 'i', pattern: 'x', type: 'regex' }, 1));
    assert.notEqual(a, graderFingerprint({ type: 'regex', pattern: 'x', flags: 'i' }, 2));
    assert.notEqual(a, graderFingerprint({ type: 'regex', pattern: 'y', flags: 'i' }, 1));
  });

  it('reads scalar fields and makes one-line excerpts', () => {
    assert.equal(scalarField({ a: 4 }, 'a'), '4');
    assert.equal(scalarField({ a: '  x ' }, 'a'), 'x');
    assert.equal(scalarField({ a: '  ' }, 'a'), undefined);
    assert.equal(scalarField({ a: [1] }, 'a'), undefined);
    assert.equal(excerpt('a\n  b   c'), 'a b c');
    assert.equal(excerpt('abcdef', 4), 'abc…');
  });
});
