import * as assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { nodeFileInfo } from './fileInfo';

describe('nodeFileInfo', () => {
  let dir: string;
  const uri = (name: string) => URI.file(join(dir, name)).toString();
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-info-')));
    writeFileSync(join(dir, 'a.jsonl'), '{}\n');
    symlinkSync(join(dir, 'a.jsonl'), join(dir, 'link.jsonl'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves symbolic links to the file they point at', async () => {
    assert.equal(await nodeFileInfo.realPath(uri('link.jsonl')), uri('a.jsonl'));
    assert.equal(await nodeFileInfo.realPath(uri('a.jsonl')), uri('a.jsonl'));
    assert.equal(await nodeFileInfo.realPath(uri('none')), undefined);
    assert.equal(await nodeFileInfo.realPath('untitled:x'), undefined);
  });

  it('stamps change when the file does, and are absent for missing files', async () => {
    const first = await nodeFileInfo.stamp(uri('a.jsonl'));
    assert.ok(first);
    assert.equal(await nodeFileInfo.stamp(uri('a.jsonl')), first);
    writeFileSync(join(dir, 'a.jsonl'), '{"a": 1}\n');
    utimesSync(join(dir, 'a.jsonl'), new Date(), new Date(Date.now() + 5000));
    assert.notEqual(await nodeFileInfo.stamp(uri('a.jsonl')), first);
    assert.equal(await nodeFileInfo.stamp(uri('none')), undefined);
  });
});
