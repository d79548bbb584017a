import * as assert from 'node:assert/strict';
import { closestMatch, editDistance } from './suggest';

describe('suggest', () => {
  it('computes edit distances', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('a', 'a'), 0);
    assert.equal(editDistance('abc', 'xyzabc', 1), 2);
  });

  it('suggests likely typos only', () => {
    assert.equal(closestMatch('behaviour', ['behavior', 'placement']), 'behavior');
    assert.equal(closestMatch('PLACEMENT', ['behavior', 'placement']), 'placement');
    assert.equal(closestMatch('zzzzzz', ['behavior', 'placement']), undefined);
  });
});
