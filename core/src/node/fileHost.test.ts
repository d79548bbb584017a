import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeHost } from './fileHost';

describe('nodeHost', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-host-'));
    writeFileSync(join(dir, 'a.jsonl'), '{"prompt": "é"}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads file URIs as UTF-8', async () => {
    assert.equal(await nodeHost.readFile(pathToFileURL(join(dir, 'a.jsonl')).toString()), '{"prompt": "é"}\n');
  });

  it('answers undefined for missing files, folders, other schemes and garbage', async () => {
    assert.equal(await nodeHost.readFile(pathToFileURL(join(dir, 'none')).toString()), undefined);
    assert.equal(await nodeHost.readFile(pathToFileURL(dir).toString()), undefined);
    assert.equal(await nodeHost.readFile('untitled:Untitled-1'), undefined);
    assert.equal(await nodeHost.readFile('::not a uri::'), undefined);
  });
});
