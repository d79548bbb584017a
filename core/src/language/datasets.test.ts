import * as assert from 'node:assert/strict';
import { DatasetCache } from './datasets';

describe('DatasetCache', () => {
  it('parses once per file and shape, and forgets on change', async () => {
    let reads = 0;
    const cache = new DatasetCache({ readFile: async () => (reads++, '{"problem": "p"}\n') });
    const withPrompt = await cache.get('file:///d.jsonl', true);
    const withoutPrompt = await cache.get('file:///d.jsonl', false);
    assert.equal(withPrompt.kind === 'parsed' && withPrompt.dataset.errors.length, 1, 'needs a prompt');
    assert.equal(withoutPrompt.kind === 'parsed' && withoutPrompt.dataset.errors.length, 0, 'a template builds it');
    await cache.get('file:///d.jsonl', true);
    assert.equal(reads, 2);
    cache.invalidate('file:///d.jsonl');
    await cache.get('file:///d.jsonl', true);
    assert.equal(reads, 3);
    cache.invalidate();
    await cache.get('file:///d.jsonl', true);
    assert.equal(reads, 4);
  });

  it('treats unreadable files as missing', async () => {
    const cache = new DatasetCache({ readFile: async () => { throw new Error('EACCES'); } });
    assert.deepEqual(await cache.get('file:///x', true), { kind: 'missing' });
  });
});
