import * as assert from 'node:assert/strict';
import { ESTIMATE_COUNTER, openAIEncodingOf, tokenCounterFor } from './tokens';

describe('token counts', () => {
  it('picks the OpenAI encoding by family, fine-tunes by their base', () => {
    assert.equal(openAIEncodingOf('gpt-4.1-mini-2025-04-14'), 'o200k_base');
    assert.equal(openAIEncodingOf('ft:gpt-4o-mini-2024-07-18:org:x:abc'), 'o200k_base');
    assert.equal(openAIEncodingOf('gpt-3.5-turbo'), 'cl100k_base');
    assert.equal(openAIEncodingOf('Qwen/Qwen2-7B'), undefined);
  });

  it('counts with the real tokenizer for known OpenAI models, and says it estimates otherwise', async () => {
    const counter = await tokenCounterFor('openai', 'gpt-4.1-mini');
    assert.deepEqual([counter.name, counter.counted], ['o200k_base', 'tokenizer']);
    // "hello world" is 2 tokens in o200k_base; + 3 per message + 3 per example.
    assert.equal(counter.count([{ role: 'user', content: 'hello world' }]), 2 + 3 + 3);
    const other = await tokenCounterFor('together', 'Qwen/Qwen2-7B-Instruct');
    assert.equal(other, ESTIMATE_COUNTER);
    assert.equal(other.count([{ role: 'user', content: 'x'.repeat(40) }]), 10 + 3 + 3);
  });
});
