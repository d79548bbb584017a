import * as assert from 'node:assert/strict';
import { GRADER_NAMES } from '../../format/schema';
import { createGrader, GRADER_TYPES } from './index';
import { testEnvironment } from './testEnvironment';

const environment = testEnvironment({
  chat: async () => 'GRADE: 1',
  moderate: async () => ({ scores: { harassment: 0 }, flagged: false }),
});

/** The smallest valid options of each grader type. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  judge: { model: 'judge-model' },
  regex: { pattern: 'x' },
  module: { path: 'grader.js' },
};

describe('grader registry', () => {
  it('has a grader for every type the frontmatter schema declares, and no other', () => {
    assert.deepEqual([...GRADER_TYPES].sort(), [...GRADER_NAMES].sort());
  });

  it('creates each grader with its type and a fingerprint', () => {
    const fingerprints = new Set<string>();
    for (const type of GRADER_TYPES) {
      const grader = createGrader({ type, ...MINIMAL[type] }, environment);
      assert.equal(grader.type, type);
      assert.ok(grader.fingerprint.startsWith(`${type}@`), grader.fingerprint);
      fingerprints.add(grader.fingerprint);
    }
    assert.equal(fingerprints.size, GRADER_TYPES.length);
  });

  it('names the allowed types for an unknown one', () => {
    assert.throws(
      () => createGrader({ type: 'code-test' }, environment),
      /Unknown grader type `code-test`\. Allowed: code-tests, sycophancy, label, judge, moderation, regex, module\./,
    );
    assert.throws(() => createGrader({ type: 'toString' }, environment), /Unknown grader type `toString`/);
  });
});
