import * as assert from 'node:assert/strict';
import { DatasetCache } from './datasets';
import { resolveRelative, UnreadableFileError } from './host';
import { InocLanguageService } from './service';

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

  it('treats failed reads as missing, but says what a file that is there yet cannot be read is', async () => {
    const cache = new DatasetCache({ readFile: async () => { throw new Error('EIO'); } });
    assert.deepEqual(await cache.get('file:///x', true), { kind: 'missing' });
    const fifo = new DatasetCache({ readFile: async () => { throw new UnreadableFileError('is a FIFO (named pipe), not a regular file'); } });
    assert.deepEqual(await fifo.get('file:///x', true), { kind: 'unreadable', reason: 'is a FIFO (named pipe), not a regular file' });
  });

  it('reports such a dataset as what it is, in diagnostics and hovers, not as missing', async () => {
    const text = '---\nbehavior: toxicity\ncheck:\n  dataset: pipe.jsonl\n---\n## mean\nBe mean.\n';
    const service = new InocLanguageService({
      readFile: async (uri) => {
        if (uri.endsWith('/pipe.jsonl')) throw new UnreadableFileError('is a FIFO (named pipe), not a regular file');
        return undefined;
      },
    });
    const document = { uri: 'file:///w/a.inoc', version: 1, getText: () => text };
    const diagnostics = await service.diagnostics(document);
    const dataset = diagnostics.filter((d) => String(d.code).startsWith('dataset-'));
    assert.deepEqual(dataset.map((d) => [d.code, d.message]), [['dataset-invalid', "`check.dataset`: 'pipe.jsonl' is a FIFO (named pipe), not a regular file: name a JSONL file."]]);
    const hover = await service.hover(document, { line: 3, character: 14 });
    assert.match(JSON.stringify(hover?.contents), /`pipe\.jsonl` is a FIFO \(named pipe\), not a regular file\./);
  });
});

describe('DatasetCache in an untrusted workspace', () => {
  const files: Record<string, string> = {
    'file:///ws/data.jsonl': '{"prompt": "inside"}\n',
    'file:///ws/link.jsonl': 'never read through the link',
    'file:///etc/secret.jsonl': '{"prompt": "SECRET"}\n',
    'file:///other/doc-folder/d.jsonl': '{"prompt": "beside the document"}\n',
  };
  /** A host with one symbolic link, `/ws/link.jsonl` → `/etc/secret.jsonl`, that records what it opened. */
  function host() {
    const opened: string[] = [];
    return {
      opened,
      readFile: async (uri: string) => (opened.push(uri), files[uri]),
      realPath: async (uri: string) => (uri === 'file:///ws/link.jsonl' ? 'file:///etc/secret.jsonl' : uri in files || uri === 'file:///ws' ? uri : undefined),
    };
  }

  it('reads inside the workspace, refuses absolute paths, `..` and links out of it without opening them', async () => {
    const h = host();
    const cache = new DatasetCache(h);
    cache.setAccess({ trusted: false, folders: ['file:///ws'] });
    assert.equal((await cache.get('file:///ws/data.jsonl', true)).kind, 'parsed');
    assert.deepEqual(await cache.get('file:///etc/secret.jsonl', true), { kind: 'refused' });
    assert.deepEqual(await cache.get(resolveRelative('file:///ws/doc.inoc', '../etc/secret.jsonl'), true), { kind: 'refused' });
    assert.deepEqual(await cache.get(resolveRelative('file:///ws/doc.inoc', '/ws/../etc/secret.jsonl'), true), { kind: 'refused' });
    assert.deepEqual(await cache.get('file:///ws/link.jsonl', true), { kind: 'refused' });
    assert.deepEqual(await cache.get('file:///ws2/data.jsonl', true), { kind: 'refused' }, 'a sibling folder whose name starts alike');
    assert.deepEqual(h.opened, ['file:///ws/data.jsonl']);
  });

  it('without workspace folders, allows the folder of the document only', async () => {
    const cache = new DatasetCache(host());
    cache.setAccess({ trusted: false, folders: [] });
    assert.equal((await cache.get('file:///other/doc-folder/d.jsonl', true, { from: 'file:///other/doc-folder/x.inoc' })).kind, 'parsed');
    assert.deepEqual(await cache.get('file:///ws/data.jsonl', true, { from: 'file:///other/doc-folder/x.inoc' }), { kind: 'refused' });
  });

  it('reads everything once the workspace is trusted (the links too)', async () => {
    const cache = new DatasetCache(host());
    cache.setAccess({ trusted: false, folders: ['file:///ws'] });
    assert.equal((await cache.get('file:///etc/secret.jsonl', true)).kind, 'refused');
    cache.setAccess({ trusted: true, folders: ['file:///ws'] });
    assert.equal((await cache.get('file:///etc/secret.jsonl', true)).kind, 'parsed');
    assert.equal((await cache.get('file:///ws/link.jsonl', true)).kind, 'parsed');
  });
});

describe('DatasetCache freshness', () => {
  it('re-reads a file whose stamp changed, and finds a file created later, when asked for fresh data', async () => {
    const files: Record<string, string> = {};
    const stamps: Record<string, string> = {};
    let reads = 0;
    const cache = new DatasetCache({
      readFile: async (uri) => (reads++, files[uri]),
      stamp: async (uri) => stamps[uri],
    });
    assert.equal((await cache.get('file:///d.jsonl', true, { fresh: true })).kind, 'missing');
    files['file:///d.jsonl'] = '{"prompt": "p"}\n';
    stamps['file:///d.jsonl'] = '1';
    assert.equal((await cache.get('file:///d.jsonl', true)).kind, 'missing', 'without `fresh`, the cached answer');
    assert.equal((await cache.get('file:///d.jsonl', true, { fresh: true })).kind, 'parsed');
    const before = reads;
    await cache.get('file:///d.jsonl', true, { fresh: true });
    assert.equal(reads, before, 'an unchanged stamp reads nothing');
    files['file:///d.jsonl'] = '{"prompt": 3}\n';
    stamps['file:///d.jsonl'] = '2';
    const changed = await cache.get('file:///d.jsonl', true, { fresh: true });
    assert.equal(changed.kind === 'parsed' && changed.dataset.errors.length, 1);
  });
});
