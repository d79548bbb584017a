import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectFiles, readDocument } from './files';
import { UsageError } from './io';

describe('collectFiles', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-files-'));
    mkdirSync(join(dir, 'a/.git'), { recursive: true });
    writeFileSync(join(dir, 'a/x.inoc'), '## x\ny');
    writeFileSync(join(dir, 'a/.git/y.inoc'), '');
    writeFileSync(join(dir, 'z.inoc'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps files as named, expands folders, skips tool folders and duplicates', () => {
    const files = collectFiles(['z.inoc', 'a', 'a/x.inoc'], dir);
    assert.deepEqual(files.map((f) => f.display), ['z.inoc', join('a', 'x.inoc')]);
  });

  it('throws usage errors naming the problem', () => {
    assert.throws(() => collectFiles([], dir), UsageError);
    assert.throws(() => collectFiles(['missing.inoc'], dir), /no such file or folder: missing\.inoc/);
    mkdirSync(join(dir, 'empty'), { recursive: true });
    assert.throws(() => collectFiles(['empty'], dir), /no \.inoc files under empty/);
  });

  it('reads a file as a document with a file URI', () => {
    const [file] = collectFiles(['a/x.inoc'], dir);
    const document = readDocument(file!);
    assert.match(document.uri, /^file:\/\/.*\/a\/x\.inoc$/);
    assert.equal(document.getText(), '## x\ny');
  });
});
