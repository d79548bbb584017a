// Fuzzing the CLI's arguments: seeded random command lines made of every command, flag and awkward value (folders,
// FIFOs, devices, links, missing and odd paths, results folders that cannot be used), run in-process through
// `main`. Nothing may reject (the adapter would print "internal error" and a stack), every exit status must be one
// the docs list, and nothing may hang.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/src/main';
import type { CliIO } from '../../cli/src/io';
import { mulberry32 } from '../../core/src/check/sampling';
import { makeFifo, releaseFifos } from '../support/fifos';

const INOC = `---
behavior: custom
description: Says YES.
model: m
check:
  dataset: data.jsonl
  samples: 2
  retries: 0
  timeout: 2
  grader: {type: regex, pattern: "^YES$"}
---
## yes
Say YES.
`;

describe('CLI arguments (fuzz)', function () {
  this.timeout(120_000);
  let dir: string;
  const fifos: string[] = [];
  let unregister: (() => Promise<void>) | undefined;
  before(async function () {
    if (process.platform === 'win32') this.skip();
    // `main` loads its commands with import(), which needs tsx's ESM hooks under mocha.
    unregister = (await import('tsx/esm/api')).register();
    dir = mkdtempSync(join(tmpdir(), 'inoc-argv-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, 'a.inoc'), INOC);
    writeFileSync(join(dir, 'data.jsonl'), '{"prompt": "hi"}\n');
    writeFileSync(join(dir, 'garbage.inoc'), Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0d]));
    writeFileSync(join(dir, 'empty.inoc'), '');
    writeFileSync(join(dir, 'fifo-data.inoc'), INOC.replace('data.jsonl', 'pipe.jsonl'));
    writeFileSync(join(dir, 'zero-data.inoc'), INOC.replace('data.jsonl', 'zero.jsonl'));
    writeFileSync(join(dir, 'folder-data.inoc'), INOC.replace('data.jsonl', 'folder'));
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'folder', 'b.inoc'), INOC);
    mkdirSync(join(dir, 'no-inoc-here'));
    fifos.push(join(dir, 'pipe.jsonl'), join(dir, 'pipe.inoc'));
    for (const fifo of fifos) makeFifo(fifo);
    symlinkSync(join(dir, 'pipe.inoc'), join(dir, 'link-to-pipe.inoc'));
    symlinkSync('/dev/zero', join(dir, 'zero.jsonl'));
    symlinkSync('/dev/zero', join(dir, 'zero.inoc'));
  });
  after(async () => {
    await unregister?.();
    releaseFifos(fifos);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('never ends in an internal error, whatever the arguments', async () => {
    const random = mulberry32(20250309);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const paths = [
      'a.inoc', 'folder', 'folder/', 'no-inoc-here', 'missing.inoc', 'pipe.inoc', 'link-to-pipe.inoc', 'zero.inoc', 'garbage.inoc',
      'empty.inoc', 'fifo-data.inoc', 'zero-data.inoc', 'folder-data.inoc', 'data.jsonl', 'a-file', '/dev/null', '.', '',
      `${'x'.repeat(300)}.inoc`, `${'d/'.repeat(3000)}a.inoc`, '\u001b[2Jevil.inoc', 'a.inoc\u0000b', '-', '--',
    ];
    const values = ['0', '-1', '1', '3', '1e3', 'NaN', '', ' ', '99999999999999999999', 'abc', 'http://127.0.0.1:9/v1', 'ftp://x', 'http://u:p@127.0.0.1:9/v1', '\u0000'];
    const resultsDirs = ['a-file', '/proc/1/nope', '/dev/null', 'pipe.jsonl', 'new/deep/results', 'folder', 'x\u0000y', `${'r/'.repeat(3000)}`];
    const flags: Record<string, Array<() => string[]>> = {
      lint: [() => ['--json'], () => ['--quiet'], () => ['--max-warnings', pick(values)], () => ['--bogus'], () => ['-h']],
      score: [() => ['--json'], () => ['--explain'], () => ['--nope'], () => ['--help']],
      check: [
        () => ['--dry-run'], () => ['--dry-run'], () => ['--json'], () => ['--no-cache'], () => ['--variant', pick(['yes', 'nope', '', 'constructor'])],
        () => ['--samples', pick(values)], () => ['--concurrency', pick(values)], () => ['--model', pick(values)],
        () => ['--base-url', pick(values)], () => ['--results-dir', pick(resultsDirs)], () => ['--unknown'], () => ['--help'],
        () => ['--max-response-bytes', pick([...values, '1024', '1023'])],
      ],
    };
    const statuses = new Map<number, number>();
    for (let round = 0; round < 400; round++) {
      const command = pick(['lint', 'score', 'check', 'check', 'check', 'bogus', 'constructor', '__proto__', '', '--help', '-v', 'help']);
      const argv = command ? [command] : [];
      const commandFlags = Object.hasOwn(flags, command) ? flags[command]! : [];
      const pieces = Math.floor(random() * 5);
      for (let i = 0; i < pieces; i++) {
        if (random() < 0.4 || commandFlags.length === 0) argv.push(pick(paths));
        else argv.push(...pick(commandFlags)());
      }
      // A check that would send requests goes to a closed port (fails fast), never to a real endpoint.
      if (command === 'check' && !argv.includes('--dry-run') && random() < 0.8) argv.push('--dry-run');
      if (command === 'check' && !argv.includes('--base-url')) argv.push('--base-url', 'http://127.0.0.1:9/v1');
      let out = '';
      const stream = { isTTY: false, write: (text: string) => (out += text) };
      const io: CliIO = { stdout: stream, stderr: stream, env: { NO_COLOR: '1' }, cwd: dir, signal: new AbortController().signal };
      let status: number;
      try {
        status = await main(argv, io);
      } catch (error) {
        assert.fail(`inoculate ${JSON.stringify(argv)} threw (the CLI would print "internal error"): ${(error as Error).stack}`);
      }
      assert.ok([0, 1, 2].includes(status), `inoculate ${JSON.stringify(argv)} exited ${status}`);
      assert.doesNotMatch(out, /internal error|\n\s+at .*:\d+:\d+\)?\n/, `inoculate ${JSON.stringify(argv)}: ${out}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    // The fuzz reached every outcome (it is not testing only the usage errors).
    assert.deepEqual([...statuses.keys()].sort(), [0, 1, 2], JSON.stringify([...statuses]));
  });
});
