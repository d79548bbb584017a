import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

  it('tells whether a new file would land inside a folder, links resolved', async () => {
    const project = join(dir, 'project');
    const outside = join(dir, 'outside');
    mkdirSync(join(project, 'real'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(project, 'data'));
    symlinkSync(join(outside, 'x.jsonl'), join(project, 'dangling.jsonl'));
    symlinkSync(join(project, 'real'), join(project, 'inner'));
    const folder = URI.file(project).toString();
    const at = (...parts: string[]) => URI.file(join(project, ...parts)).toString();
    assert.equal(await nodeFileInfo.createsInside(at('new.jsonl'), folder), true);
    assert.equal(await nodeFileInfo.createsInside(at('real', 'new.jsonl'), folder), true);
    assert.equal(await nodeFileInfo.createsInside(at('a', 'b', 'new.jsonl'), folder), true, 'missing folders are made as real ones');
    assert.equal(await nodeFileInfo.createsInside(at('inner', 'new.jsonl'), folder), true, 'a link that stays inside is fine');
    assert.equal(await nodeFileInfo.createsInside(at('data', 'toxicity.jsonl'), folder), false, 'a folder link out of the project');
    assert.equal(await nodeFileInfo.createsInside(at('data', 'deeper', 'toxicity.jsonl'), folder), false);
    assert.equal(await nodeFileInfo.createsInside(at('dangling.jsonl'), folder), false, 'a dangling link would be written through');
    assert.equal(await nodeFileInfo.createsInside(at('real'), folder), false, 'something is there already');
    assert.equal(await nodeFileInfo.createsInside(URI.file(join(outside, 'y.jsonl')).toString(), folder), false);
    assert.equal(await nodeFileInfo.createsInside('untitled:x', folder), false);
  });
});
