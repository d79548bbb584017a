import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFifo, releaseFifos } from '../../../test/support/fifos';
import { checkResultPaths, checkResultPathsSafe } from './layout';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { InputFileError, ResultsFileError } from './resultsFs';

describe('nodeResultsFileSystem', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inoculate-fs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends whole lines, creating directories, in call order even when calls overlap', async () => {
    const path = join(dir, 'a', 'b', 'log.jsonl');
    const handle = await fs.openAppend(path);
    await Promise.all(Array.from({ length: 200 }, (_, i) => handle.append(`${JSON.stringify({ i, pad: 'x'.repeat(i * 50) })}\n`)));
    await handle.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 200);
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).i),
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  it('streams complete lines with byte offsets (multi-byte text included) and holds back a cut last line', async () => {
    const path = join(dir, 'lines.jsonl');
    const lines = ['{"a":"héllo"}', '{"b":"日本語"}', '', '{"c":3}'];
    await writeFile(path, `${lines.join('\n')}\n{"cut":`);
    const seen: Array<[string, number, number]> = [];
    const scan = await fs.scanLines(path, (line, offset, bytes) => seen.push([line, offset, bytes]));
    assert.deepEqual(scan, { size: Buffer.byteLength(`${lines.join('\n')}\n{"cut":`), endsWithNewline: false });
    assert.deepEqual(
      seen.map(([line]) => line),
      lines,
    );
    const reader = (await fs.openReader(path))!;
    for (const [line, offset, bytes] of seen) assert.equal(await reader.read(offset, bytes), `${line}\n`);
    await reader.close();
  });

  it('streams files larger than one read chunk', async () => {
    const path = join(dir, 'big.jsonl');
    const line = 'y'.repeat(300_000);
    await writeFile(path, `${line}\n${line}\n${line}\n`);
    const lengths: number[] = [];
    const scan = await fs.scanLines(path, (text) => lengths.push(text.length));
    assert.deepEqual(lengths, [300_000, 300_000, 300_000]);
    assert.equal(scan!.endsWithNewline, true);
  });

  it('treats missing files as absent, not as errors', async () => {
    const missing = join(dir, 'nope.jsonl');
    assert.equal(await fs.readText(missing), undefined);
    assert.equal(await fs.scanLines(missing, () => assert.fail('no lines')), undefined);
    assert.equal(await fs.openReader(missing), undefined);
    assert.equal(await fs.exists(missing), false);
    assert.equal(await fs.size(missing), undefined);
  });

  it('replaces a file atomically and leaves no temporary file behind', async () => {
    const path = join(dir, 'deep', 'summary.json');
    await fs.writeAtomic(path, '{"v":1}');
    await fs.writeAtomic(path, '{"v":2}');
    assert.equal(await fs.readText(path), '{"v":2}');
    assert.deepEqual(await readdir(join(dir, 'deep')), ['summary.json']);
    assert.equal(await fs.exists(path), true);
    assert.equal(await fs.size(path), 7);
  });

  describe('never follows a symbolic link in the results folder', () => {
    const outsideText = 'export SECRET=unchanged\n';
    let outside: string;
    beforeEach(async function () {
      if (process.platform === 'win32') this.skip();
      outside = join(dir, 'outside.txt');
      await writeFile(outside, outsideText);
    });

    const isLinkRefusal = (path: string) => (error: Error) => error instanceof ResultsFileError && error.message.includes(`${path} is a symbolic link`) && /never follows links/.test(error.message);

    it('refuses to append to, read, scan, size or open a results file that is a link, and leaves the target alone', async () => {
      const link = join(dir, 'samples.jsonl');
      await symlink(outside, link);
      await assert.rejects(fs.openAppend(link), isLinkRefusal(link));
      await assert.rejects(fs.readText(link), isLinkRefusal(link));
      await assert.rejects(fs.scanLines(link, () => undefined), isLinkRefusal(link));
      await assert.rejects(fs.openReader(link), isLinkRefusal(link));
      await assert.rejects(fs.size(link), isLinkRefusal(link));
      assert.equal(await readFile(outside, 'utf8'), outsideText);
    });

    it('replaces a link to a summary by the summary, never writing through it', async () => {
      const link = join(dir, 'summary.json');
      await symlink(outside, link);
      await fs.writeAtomic(link, '{"v":1}');
      assert.equal(await readFile(outside, 'utf8'), outsideText);
      assert.equal(await fs.readText(link), '{"v":1}');
    });

    it('does not block on a FIFO in place of a results file', async () => {
      const fifo = join(dir, 'samples.jsonl');
      makeFifo(fifo);
      try {
        await assert.rejects(fs.openAppend(fifo), ResultsFileError);
        await assert.rejects(fs.readText(fifo), ResultsFileError);
      } finally {
        releaseFifos([fifo]);
      }
    });

    it('refuses every results path with a link in a folder below the workspace root, before anything is written', async () => {
      const workspace = join(dir, 'ws');
      const elsewhere = join(dir, 'elsewhere');
      await mkdir(workspace);
      await mkdir(elsewhere);
      const paths = checkResultPaths(workspace, join(workspace, 'a.inoc'));
      const slugDir = paths.checkDir;
      const layouts: Array<[string, () => Promise<void>]> = [
        ['.inoculate', () => symlink(elsewhere, join(workspace, '.inoculate'))],
        ['checks', async () => (await mkdir(join(workspace, '.inoculate'), { recursive: true }), symlink(elsewhere, join(workspace, '.inoculate', 'checks')))],
        ['slug', async () => (await mkdir(join(workspace, '.inoculate', 'checks'), { recursive: true }), symlink(elsewhere, slugDir))],
        ['cache', async () => (await mkdir(join(workspace, '.inoculate'), { recursive: true }), symlink(elsewhere, join(workspace, '.inoculate', 'cache')))],
        ['samples', async () => (await mkdir(slugDir, { recursive: true }), symlink(outside, paths.samples))],
        ['summary', async () => (await mkdir(slugDir, { recursive: true }), symlink(outside, paths.summary))],
        ['cache file', async () => (await mkdir(join(workspace, '.inoculate', 'cache'), { recursive: true }), symlink(outside, paths.cache))],
      ];
      for (const [name, make] of layouts) {
        await rm(join(workspace, '.inoculate'), { recursive: true, force: true });
        await make();
        await assert.rejects(checkResultPathsSafe(fs, paths), (error: Error) => error instanceof ResultsFileError && /is a symbolic link/.test(error.message), name);
      }
      assert.deepEqual(await readdir(elsewhere), []);
      assert.equal(await readFile(outside, 'utf8'), outsideText);
    });

    it('accepts missing parts, a chosen results folder that is itself a link, and refuses one that is a file', async () => {
      const workspace = join(dir, 'ws2');
      await mkdir(workspace);
      await checkResultPathsSafe(fs, checkResultPaths(workspace, join(workspace, 'a.inoc')));
      const chosen = join(dir, 'chosen-link');
      await mkdir(join(dir, 'real-results'));
      await symlink(join(dir, 'real-results'), chosen);
      await checkResultPathsSafe(fs, checkResultPaths(workspace, join(workspace, 'a.inoc'), chosen));
      await assert.rejects(checkResultPathsSafe(fs, checkResultPaths(workspace, join(workspace, 'a.inoc'), outside)), /The results folder .*outside\.txt is not a folder/);
      await writeFile(join(workspace, '.inoculate'), 'a file');
      await assert.rejects(checkResultPathsSafe(fs, checkResultPaths(workspace, join(workspace, 'a.inoc'))), /\.inoculate should be a folder/);
    });
  });

  describe('readInput', () => {
    it('reads regular files through links, and refuses folders and FIFOs without blocking', async function () {
      if (process.platform === 'win32') this.skip();
      await writeFile(join(dir, 'data.jsonl'), '{}\n');
      await symlink(join(dir, 'data.jsonl'), join(dir, 'link.jsonl'));
      assert.equal(await fs.readInput(join(dir, 'link.jsonl'), 100), '{}\n');
      assert.equal(await fs.readInput(join(dir, 'missing.jsonl'), 100), undefined);
      await assert.rejects(fs.readInput(dir, 100), (error: Error) => error instanceof InputFileError && /is a folder, not a file/.test(error.message));
      const fifo = join(dir, 'pipe.jsonl');
      makeFifo(fifo);
      try {
        await assert.rejects(fs.readInput(fifo, 100), /is a FIFO \(named pipe\), not a file/);
      } finally {
        releaseFifos([fifo]);
      }
      await assert.rejects(fs.readInput(join(dir, 'data.jsonl'), 2), /is 3 bytes, more than the 2 bytes read for it/);
    });
  });
});
