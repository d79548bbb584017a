import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UnreadableFileError } from '../language/host';
import { nodeHost } from './fileHost';
import { makeFifo, releaseFifos } from '../../../test/support/fifos';

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

  it('answers undefined for missing files, other schemes and garbage, and says what a folder is', async () => {
    assert.equal(await nodeHost.readFile(pathToFileURL(join(dir, 'none')).toString()), undefined);
    await assert.rejects(nodeHost.readFile(pathToFileURL(dir).toString()), (e: Error) => e instanceof UnreadableFileError && e.reason === 'is a folder, not a regular file');
    assert.equal(await nodeHost.readFile('untitled:Untitled-1'), undefined);
    assert.equal(await nodeHost.readFile('::not a uri::'), undefined);
  });
});

describe('nodeHost with files that are not regular files', () => {
  let dir: string;
  const fifos: string[] = [];
  before(function () {
    if (process.platform === 'win32') this.skip();
    dir = mkdtempSync(join(tmpdir(), 'inoc-host-fifo-'));
    fifos.push(join(dir, 'pipe.jsonl'));
    makeFifo(fifos[0]!);
    symlinkSync(fifos[0]!, join(dir, 'link.jsonl'));
    symlinkSync('/dev/zero', join(dir, 'zero.jsonl'));
  });
  after(() => {
    releaseFifos(fifos);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a FIFO, a symlink to one and /dev/zero without blocking, saying what each is, and still reads files after', async () => {
    // Five at once: more than libuv's four file-system threads, which blocked opens would all hold.
    const reads = ['pipe.jsonl', 'link.jsonl', 'zero.jsonl', 'pipe.jsonl', 'link.jsonl'].map((file) =>
      nodeHost.readFile(pathToFileURL(join(dir, file)).toString()).then(
        () => 'read',
        (e: unknown) => (e instanceof UnreadableFileError ? e.reason : String(e)),
      ),
    );
    const fifo = 'is a FIFO (named pipe), not a regular file';
    assert.deepEqual(await Promise.all(reads), [fifo, fifo, 'is a character device, not a regular file', fifo, fifo]);
    writeFileSync(join(dir, 'ok.jsonl'), '{}\n');
    assert.equal(await nodeHost.readFile(pathToFileURL(join(dir, 'ok.jsonl')).toString()), '{}\n');
  });
});
