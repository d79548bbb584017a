import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeResultsFileSystem as fs } from './nodeFs';

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
});
