import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, ResponseCache, stableStringify } from './cache';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { provenanceFromKey } from './provenance';

/** The same file system without a user key: nothing signed, every well-formed line taken as it is. */
const unsigned = { ...fs, userProvenance: undefined };

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
    // Unsigned lines, as a file system that keeps no user key reads them.
    const cache = await ResponseCache.open(unsigned, path.replace('cache/responses.jsonl', 'r.jsonl'));
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

  describe('provenance', () => {
    const mine = provenanceFromKey(Buffer.alloc(32, 1));
    const theirs = provenanceFromKey(Buffer.alloc(32, 2));
    const key = (c: string) => c.repeat(64);

    it('signs what it writes and uses only lines signed with the user\'s key', async () => {
      const ours = await ResponseCache.open(fs, path, undefined, mine);
      await ours.put(key('a'), { text: 'measured here' });
      await ours.close();
      // A cache committed by someone else, appended to the same file: another key, an unsigned line, and a copy
      // of our line with its value changed.
      const other = await ResponseCache.open(fs, path, undefined, theirs);
      await other.put(key('b'), { text: 'made up' });
      await other.put(key('a'), { text: 'made up, same key' });
      await other.close();
      const ourLine = (await readFile(path, 'utf8')).split('\n')[0]!;
      assert.match(ourLine, /^\{"mac":"[0-9a-f]{64}","key":"a{64}","value":\{"text":"measured here"\},"at":"/);
      await appendFile(path, `{"key":"${key('c')}","value":{"text":"unsigned"},"at":"x"}\n${ourLine.replace(key('a'), key('d')).replace('measured here', 'altered')}\n`);

      const reopened = await ResponseCache.open(fs, path, undefined, mine);
      assert.equal(reopened.size, 1);
      assert.equal(reopened.foreignEntries, 4);
      assert.deepEqual(await reopened.get(key('a')), { text: 'measured here' }, 'a later foreign line never shadows ours');
      for (const c of ['b', 'c', 'd']) assert.equal(reopened.has(key(c)), false, c);
      await reopened.close();
      // Their own lines are theirs.
      const theirView = await ResponseCache.open(fs, path, undefined, theirs);
      assert.deepEqual(await theirView.get(key('a')), { text: 'made up, same key' });
      assert.equal(theirView.foreignEntries, 3);
      await theirView.close();
    });

    it('checks the signature again on read: a line altered after it was indexed is a miss', async () => {
      const cache = await ResponseCache.open(fs, path, undefined, mine);
      await cache.put(key('a'), { text: 'mine' });
      await cache.close();
      const reopened = await ResponseCache.open(fs, path, undefined, mine);
      await writeFile(path, (await readFile(path, 'utf8')).replace('"mine"', '"MINE"'));
      assert.equal(await reopened.get(key('a')), undefined);
      await reopened.close();
    });

    it('takes the key from the file system when none is given', async () => {
      const cache = await ResponseCache.open(fs, path);
      await cache.put(key('a'), 1);
      await cache.close();
      const line = await readFile(path, 'utf8');
      assert.match(line, /^\{"mac":"[0-9a-f]{64}",/);
      const user = (await fs.userProvenance!())!;
      assert.equal((await ResponseCache.open(fs, path, undefined, user)).size, 1);
      assert.equal((await ResponseCache.open(fs, path, undefined, theirs)).size, 0);
    });
  });
});
