import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, ResponseCache, stableStringify } from './cache';
import { nodeResultsFileSystem as fs } from './nodeFs';

const base = { kind: 'chat' as const, endpoint: 'http://localhost:8000/v1', model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 1, maxTokens: 64, sampleIndex: 0 };

describe('response cache', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inoculate-cache-'));
    path = join(dir, 'cache', 'responses.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('cacheKey', () => {
    it('changes with every part that determines an answer', () => {
      const key = cacheKey(base);
      assert.match(key, /^[0-9a-f]{64}$/);
      const variations = [
        { endpoint: 'http://other/v1' },
        { model: 'm2' },
        { messages: [{ role: 'user' as const, content: 'hi!' }] },
        { messages: [{ role: 'system' as const, content: 'hi' }] },
        { temperature: 0.5 },
        { maxTokens: 65 },
        { sampleIndex: 1 },
        { kind: 'judge' as const },
      ];
      const keys = new Set([key, ...variations.map((change) => cacheKey({ ...base, ...change }))]);
      assert.equal(keys.size, variations.length + 1);
    });

    it('does not depend on property order', () => {
      const reordered = { sampleIndex: 0, maxTokens: 64, temperature: 1, messages: [{ content: 'hi', role: 'user' as const }], model: 'm', endpoint: base.endpoint, kind: 'chat' as const };
      assert.equal(cacheKey(reordered), cacheKey(base));
      assert.equal(stableStringify({ b: 1, a: [2, { d: undefined, c: 3 }] }), '{"a":[2,{"c":3}],"b":1}');
    });
  });

  it('stores answers and finds them again after reopening', async () => {
    const cache = await ResponseCache.open(fs, path);
    assert.equal(cache.size, 0);
    await cache.put('a'.repeat(64), { text: 'one', usage: { input: 3, output: 1 } });
    await cache.put('b'.repeat(64), { text: 'two — ünïcode' });
    assert.deepEqual(await cache.get('b'.repeat(64)), { text: 'two — ünïcode' });
    await cache.close();

    const again = await ResponseCache.open(fs, path);
    assert.equal(again.size, 2);
    assert.equal(again.has('a'.repeat(64)), true);
    assert.deepEqual(await again.get('a'.repeat(64)), { text: 'one', usage: { input: 3, output: 1 } });
    assert.equal(await again.get('c'.repeat(64)), undefined);
    await again.close();
  });

  it('ignores a cut last line and seals it so the next record stays whole; earlier lines are untouched', async () => {
    const cache = await ResponseCache.open(fs, path);
    await cache.put('a'.repeat(64), { text: 'kept' });
    await cache.close();
    await appendFile(path, `{"key":"${'d'.repeat(64)}","value":{"text":"cut sh`);
    const before = await readFile(path, 'utf8');

    const reopened = await ResponseCache.open(fs, path);
    assert.equal(reopened.size, 1, 'the cut record is not indexed');
    await reopened.put('e'.repeat(64), { text: 'after the crash' });
    await reopened.close();
    const after = await readFile(path, 'utf8');
    assert.ok(after.startsWith(before), 'nothing earlier was rewritten');

    const third = await ResponseCache.open(fs, path);
    assert.equal(third.size, 2);
    assert.deepEqual(await third.get('e'.repeat(64)), { text: 'after the crash' });
    assert.deepEqual(await third.get('a'.repeat(64)), { text: 'kept' });
    assert.equal(third.has('d'.repeat(64)), false);
    await third.close();
  });

  it('skips garbage lines, and a later record for the same key wins', async () => {
    await writeFile(
      path.replace('cache/responses.jsonl', 'r.jsonl'),
      [`{"key":"${'a'.repeat(64)}","value":1,"at":"x"}`, 'not json', '[1,2]', `{"key":"${'a'.repeat(64)}","value":2,"at":"y"}`, ''].join('\n'),
    );
    const cache = await ResponseCache.open(fs, path.replace('cache/responses.jsonl', 'r.jsonl'));
    assert.equal(cache.size, 1);
    assert.equal(await cache.get('a'.repeat(64)), 2);
    await cache.close();
  });

  it('answers a miss, never a wrong value, when the file changed under its index', async () => {
    const cache = await ResponseCache.open(fs, path);
    await cache.put('a'.repeat(64), { text: 'mine' });
    await cache.close();
    const reopened = await ResponseCache.open(fs, path);
    // Another writer replaced the file: the offset now points at a different record.
    await writeFile(path, `{"key":"${'f'.repeat(64)}","value":{"text":"theirs"},"at":"z"}\n`);
    assert.equal(await reopened.get('a'.repeat(64)), undefined);
    assert.equal(reopened.has('a'.repeat(64)), false);
    await reopened.close();
  });
});
