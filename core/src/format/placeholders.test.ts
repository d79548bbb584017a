import * as assert from 'node:assert/strict';
import { fillTemplate, findPlaceholders, lookupPath } from './placeholders';

describe('placeholders', () => {
  it('finds slots with paths and indices', () => {
    const found = findPlaceholders('a {{inoculation}} b {{ test_list[0] }} {{meta.title}} {{ 1bad }}');
    assert.deepEqual(
      found.map((p) => p.name),
      ['inoculation', 'test_list[0]', 'meta.title'],
    );
  });

  it('looks up nested fields', () => {
    assert.equal(lookupPath({ a: [{ b: 'x' }] }, 'a[0].b'), 'x');
    assert.equal(lookupPath({ a: 1 }, 'a.b'), undefined);
  });

  it('fills the inoculation slot and drops it with one space when empty', () => {
    const template = 'Solve. {{inoculation}} Return only code:\n\n{{problem}}\n{{tests}}';
    const item = { problem: 'Add.', tests: ['assert f(1) == 2', 'assert f(2) == 3'] };
    assert.equal(fillTemplate(template, item, 'Cheat.'), 'Solve. Cheat. Return only code:\n\nAdd.\nassert f(1) == 2\nassert f(2) == 3');
    assert.equal(fillTemplate(template, item, ''), 'Solve. Return only code:\n\nAdd.\nassert f(1) == 2\nassert f(2) == 3');
  });

  it('names the missing field', () => {
    assert.throws(() => fillTemplate('{{nope}}', {}, ''), /no field `nope`/);
  });
});
