import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inocFile, jsonl, makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { ResponseCache } from './cache';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { planCheck, priceOf } from './plan';
import { prepareCheck, sampleCacheKey, sampleRequest } from './setup';

const OPENAI = 'https://api.openai.com/v1';

describe('dry-run plan', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await makeWorkspace({
      'prompts.inoc': inocFile({ a: 'Say YES.', b: 'Say YES now.' }, ['check:', '  dataset: data.jsonl', '  samples: 10', '  maxTokens: 100']),
      // 40 characters per prompt.
      'data.jsonl': jsonl(Array.from({ length: 5 }, (_, i) => ({ prompt: `${'x'.repeat(39)}${i}` }))),
    });
  });
  afterEach(() => workspace.cleanup());

  it('counts arms, samples and requests, estimates tokens as characters / 4 and prices known models', async () => {
    const check = await prepareCheck(fs, workspace.inocPath, { model: 'gpt-4.1-mini' }, workspace.root);
    const plan = await planCheck(check, OPENAI, OPENAI, null);
    assert.equal(plan.arms, 3);
    assert.equal(plan.samples, 30);
    assert.equal(plan.requests, 30);
    assert.equal(plan.cachedSamples, 0);
    // Candidates add their instruction and the separator; the neutral arm sends the 40 characters alone.
    const characters = 10 * (40 + 2 + 'Say YES.'.length) + 10 * (40 + 2 + 'Say YES now.'.length) + 10 * 40;
    assert.equal(plan.inputTokens, Math.ceil(characters / 4));
    assert.deepEqual(plan.outputTokens, { max: 3000, typical: 3000 });
    assert.ok(plan.cost);
    assert.equal(plan.cost.max, (plan.inputTokens / 1e6) * 0.4 + (3000 / 1e6) * 1.6);
    assert.match(plan.priceNote, /gpt-4\.1-mini as of 2025-08/);
  });

  it('subtracts samples the cache already answers', async () => {
    const check = await prepareCheck(fs, workspace.inocPath, { model: 'local-model' }, workspace.root);
    const cache = await ResponseCache.open(fs, join(workspace.root, 'cache.jsonl'));
    for (let sample = 0; sample < 4; sample++) {
      const { messages } = sampleRequest(check, check.arms[0]!, sample);
      await cache.put(sampleCacheKey(check, 'http://local/v1', messages, sample), { text: 'cached' });
    }
    const plan = await planCheck(check, 'http://local/v1', 'http://local/v1', cache);
    assert.equal(plan.cachedSamples, 4);
    assert.equal(plan.requests, 26);
    assert.equal(plan.cost, null);
    assert.equal(plan.priceNote, 'price unknown');
    await cache.close();
  });

  it('prices only OpenAI\'s endpoint, base models and dated snapshots', () => {
    assert.deepEqual(priceOf('gpt-4.1-mini', OPENAI), { input: 0.4, output: 1.6 });
    assert.deepEqual(priceOf('gpt-4.1-mini-2025-04-14', OPENAI), { input: 0.4, output: 1.6 });
    assert.deepEqual(priceOf('gpt-4.1', OPENAI), { input: 2, output: 8 });
    assert.equal(priceOf('gpt-4.1-mini', 'http://localhost:8000/v1'), undefined);
    assert.equal(priceOf('ft:gpt-4.1-mini:org::abc', OPENAI), undefined);
    assert.equal(priceOf('gpt-4.1-turbo-preview', OPENAI), undefined);
    assert.equal(priceOf('llama3', OPENAI), undefined);
  });
});
