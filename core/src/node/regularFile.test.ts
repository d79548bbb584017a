import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFifo, releaseFifos } from '../../../test/support/fifos';
import { FileTooLargeError, NotARegularFileError, readRegularFile, readRegularFileSync } from './regularFile';

describe('readRegularFile', () => {
  let dir: string;
  const fifos: string[] = [];
  before(function () {
    if (process.platform === 'win32') this.skip();
    dir = mkdtempSync(join(tmpdir(), 'inoc-regular-'));
    writeFileSync(join(dir, 'a.jsonl'), '{"a": 1}\n{"b": 2}\n{"c": 3}\n');
    mkdirSync(join(dir, 'folder'));
    fifos.push(join(dir, 'pipe.jsonl'));
    makeFifo(fifos[0]!);
    symlinkSync(fifos[0]!, join(dir, 'link-to-pipe.jsonl'));
    symlinkSync('/dev/zero', join(dir, 'zero.jsonl'));
    symlinkSync(join(dir, 'a.jsonl'), join(dir, 'link.jsonl'));
  });
  after(() => {
    releaseFifos(fifos);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, read] of [
    ['async', readRegularFile],
    ['sync', async (path: string, bounds: Parameters<typeof readRegularFile>[1]) => readRegularFileSync(path, bounds)],
  ] as const) {
    it(`reads regular files, through symlinks too, and answers undefined when missing (${name})`, async () => {
      assert.equal(await read(join(dir, 'a.jsonl'), { maxBytes: 100 }), '{"a": 1}\n{"b": 2}\n{"c": 3}\n');
      assert.equal(await read(join(dir, 'link.jsonl'), { maxBytes: 100 }), '{"a": 1}\n{"b": 2}\n{"c": 3}\n');
      assert.equal(await read(join(dir, 'none.jsonl'), { maxBytes: 100 }), undefined);
      assert.equal(await read(join(dir, 'a.jsonl', 'below-a-file'), { maxBytes: 100 }), undefined);
    });

    it(`refuses FIFOs, symlinks to FIFOs, devices and folders at once, naming what they are (${name})`, async () => {
      const cases: Array<[string, RegExp]> = [
        ['pipe.jsonl', /is a FIFO \(named pipe\), not a regular file/],
        ['link-to-pipe.jsonl', /is a FIFO \(named pipe\)/],
        ['zero.jsonl', /is a character device/],
        ['folder', /is a folder/],
      ];
      for (const [file, message] of cases) {
        await assert.rejects(read(join(dir, file), { maxBytes: 100 }), (error: Error) => error instanceof NotARegularFileError && message.test(error.message), file);
      }
    });

    it(`refuses a file over the bound, or cuts it after its last whole line (${name})`, async () => {
      await assert.rejects(read(join(dir, 'a.jsonl'), { maxBytes: 12 }), (error: Error) => error instanceof FileTooLargeError && /a\.jsonl is 27 bytes, more than the 12 bytes/.test(error.message));
      assert.equal(await read(join(dir, 'a.jsonl'), { maxBytes: 20, oversize: 'cut-at-line' }), '{"a": 1}\n{"b": 2}');
    });
  }
});
