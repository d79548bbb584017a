import * as assert from 'node:assert/strict';
import { canonicalJson, jobNameOf, modelSuffixOf, runIdOf, submissionKeyOf, type RunKey } from './runs';

const key: RunKey = {
  trainingFileSha256: 'a'.repeat(64),
  backend: 'openai',
  target: 'https://api.openai.com/v1',
  baseModel: 'gpt-4.1-mini-2025-04-14',
  hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
  loss: 'assistant-only',
  seed: 0,
};

describe('run identity', () => {
  it('is derived from the content only: key order does not matter, every field does', () => {
    const { seed, hyperparameters, ...rest } = key;
    const { batchSize, ...hp } = hyperparameters;
    const reordered = { seed, ...rest, hyperparameters: { batchSize, ...hp } } as RunKey;
    assert.equal(runIdOf(reordered), runIdOf(key));
    assert.match(runIdOf(key), /^[0-9a-f]{16}$/);
    for (const change of [{ seed: 1 }, { target: 'http://127.0.0.1:1/v1' }, { loss: 'all' as const }, { trainingFileSha256: 'b'.repeat(64) }, { hyperparameters: { ...key.hyperparameters, epochs: 2 } }]) {
      assert.notEqual(runIdOf({ ...key, ...change }), runIdOf(key), JSON.stringify(change));
    }
    assert.equal(canonicalJson({ b: 1, a: undefined, c: [2, { y: 1, x: 0 }] }), '{"b":1,"c":[2,{"x":0,"y":1}]}');
  });

  it('gives attempts their own submission keys, and safe job names and suffixes', () => {
    assert.equal(submissionKeyOf('0123456789abcdef', 1), '0123456789abcdef');
    assert.equal(submissionKeyOf('0123456789abcdef', 3), '0123456789abcdef-3');
    const name = jobNameOf('Très Méchant!! '.repeat(10), 4, '0123456789abcdef', 2);
    assert.match(name, /^[a-z0-9-]{1,63}$/);
    assert.ok(name.endsWith('-s4-01234567-a2'));
    const suffix = modelSuffixOf(undefined, 'x'.repeat(100), 12, '0123456789abcdef');
    assert.ok(suffix.length <= 60 && suffix.endsWith('-s12-012345'));
  });
});
