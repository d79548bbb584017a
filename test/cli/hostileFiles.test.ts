// The built CLI against files that are not what they claim: folders, FIFOs, devices, links committed into the
// results folder, results folders that cannot be used. Each ends quickly with a clear message and exit 2 (never
// "internal error", never a hang), and nothing outside the results folder is touched.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkResultPaths } from '../../core/src/check/layout';
import { ensureBuiltCli, runCli } from '../support/checkCli';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../support/checkFixtures';
import { makeFifo, releaseFifos } from '../support/fifos';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

const CHECK = ['check:', '  dataset: data.jsonl', '  samples: 2', '  retries: 0', '  grader: {type: regex, pattern: "^YES$"}'];
// A regression (a blocking open, an endless read) must fail the test, not the machine: killed after 15 s, with a
// small heap.
const BOUNDED = { timeoutMs: 15_000, env: { NODE_OPTIONS: '--max-old-space-size=192' } };

describe('inoculate with hostile files (CLI)', function () {
  this.timeout(60_000);
  let workspace: Workspace;
  let server: OpenAIServer | undefined;
  const fifos: string[] = [];
  before(function () {
    if (process.platform === 'win32') this.skip();
    ensureBuiltCli();
  });
  beforeEach(async () => {
    workspace = await makeWorkspace({ 'prompts.inoc': inocFile({ yes: 'Say YES.' }, CHECK), 'data.jsonl': jsonl(promptItems(2)) });
  });
  afterEach(async () => {
    releaseFifos(fifos.splice(0));
    await server?.close();
    server = undefined;
    await workspace.cleanup();
  });

  const noInternalError = (result: { stdout: string; stderr: string }) => {
    assert.doesNotMatch(result.stderr + result.stdout, /internal error|\n\s+at /);
  };

  it('check <folder>: exit 2 saying it is a folder', async () => {
    const result = await runCli(['check', '.', '--dry-run'], { cwd: workspace.root, ...BOUNDED });
    assert.equal(result.status, 2, result.stderr);
    noInternalError(result);
    assert.match(result.stderr, /^inoculate check: \S+ is a folder, not a file: name one \.inoc file to check\.\n$/);
  });

  for (const [name, make] of [
    ['a FIFO', async (path: string) => (makeFifo(path), fifos.push(path))],
    ['a symlink to a FIFO', async (path: string) => (makeFifo(`${path}.pipe`), fifos.push(`${path}.pipe`), await symlink(`${path}.pipe`, path))],
    ['a symlink to /dev/zero', async (path: string) => symlink('/dev/zero', path)],
  ] as const) {
    it(`a dataset that is ${name}: lint, score, check --dry-run and train --dry-run end at once, saying what it is`, async () => {
      const odd = CHECK.map((line) => line.replace('data.jsonl', 'odd.jsonl'));
      await writeFile(join(workspace.root, 'prompts.inoc'), inocFile({ yes: 'Say YES.' }, [...odd, 'train:', '  dataset: odd.jsonl']));
      await make(join(workspace.root, 'odd.jsonl'));
      const lint = await runCli(['lint', 'prompts.inoc'], { cwd: workspace.root, ...BOUNDED });
      assert.equal(lint.status, 1, lint.stderr);
      // What it is, not "no file at": the user sees a file there.
      assert.match(lint.stdout, /dataset-invalid: `check\.dataset`: 'odd\.jsonl' is a (FIFO \(named pipe\)|character device), not a regular file: name a JSONL file\./);
      assert.doesNotMatch(lint.stdout, /dataset-not-found|no file at/);
      const train = await runCli(['train', 'prompts.inoc', '--dry-run'], { cwd: workspace.root, ...BOUNDED });
      assert.equal(train.status, 2, train.stderr);
      noInternalError(train);
      assert.match(train.stderr, /odd\.jsonl is a (FIFO \(named pipe\)|character device), not a file \(`train\.dataset` in prompts\.inoc\)\./);
      const score = await runCli(['score', 'prompts.inoc'], { cwd: workspace.root, ...BOUNDED });
      assert.equal(score.status, 0, score.stderr);
      const check = await runCli(['check', 'prompts.inoc', '--dry-run'], { cwd: workspace.root, ...BOUNDED });
      assert.equal(check.status, 2, check.stderr);
      noInternalError(check);
      assert.match(check.stderr, /odd\.jsonl is a (FIFO \(named pipe\)|character device), not a file \(`check\.dataset` at prompts\.inoc:\d+\)\./);
    });
  }

  it('a .inoc file that is a FIFO: lint and check refuse it at once', async () => {
    const fifo = join(workspace.root, 'pipe.inoc');
    makeFifo(fifo);
    fifos.push(fifo);
    const lint = await runCli(['lint', 'pipe.inoc'], { cwd: workspace.root, ...BOUNDED });
    assert.equal(lint.status, 2);
    assert.match(lint.stderr, /pipe\.inoc is a FIFO \(named pipe\), not a file/);
    const check = await runCli(['check', 'pipe.inoc', '--dry-run'], { cwd: workspace.root, ...BOUNDED });
    assert.equal(check.status, 2);
    assert.match(check.stderr, /pipe\.inoc is a FIFO \(named pipe\), not a file/);
  });

  // A dry run writes nothing, so a results folder that cannot be created does not stop it; one that is a file does.
  for (const [name, resultsDir, message, runs] of [
    ['a file', 'data.jsonl', /The results folder \S+data\.jsonl is not a folder\./, [['--dry-run'], []]],
    ['under a file', 'data.jsonl/results', /a part of that path is a file, not a folder/, [['--dry-run'], []]],
    ['in /proc', '/proc/1/inoculate-results', /cannot create the folder \/proc\/1\/inoculate-results: /, [[]]],
  ] as const) {
    it(`--results-dir ${name}: exit 2 with a clear message, before any request`, async () => {
      server = await startOpenAIServer({ chat: () => 'YES' });
      for (const extra of runs) {
        const result = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, '--results-dir', resultsDir, ...extra], { cwd: workspace.root, ...BOUNDED });
        assert.equal(result.status, 2, result.stderr);
        noInternalError(result);
        assert.match(result.stderr, message);
      }
      assert.equal(server.requests.length, 0);
    });
  }

  it('a symlink committed in .inoculate/: exit 2 before any request, the file outside untouched', async () => {
    server = await startOpenAIServer({ chat: () => 'YES' });
    const outside = join(workspace.root, '..', `outside-${Date.now()}.sh`);
    await writeFile(outside, 'echo hello\n');
    try {
      const paths = checkResultPaths(workspace.root, workspace.inocPath);
      for (const [target, link] of [
        [outside, paths.samples],
        [outside, paths.cache],
        [outside, paths.summary],
      ]) {
        await mkdir(join(link, '..'), { recursive: true });
        await symlink(target!, link!);
        const result = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl], { cwd: workspace.root, ...BOUNDED });
        assert.equal(result.status, 2, result.stderr);
        noInternalError(result);
        assert.match(result.stderr, /is a symbolic link\. Inoculate never follows links inside its results folder/);
        const dry = await runCli(['check', 'prompts.inoc', '--dry-run'], { cwd: workspace.root, ...BOUNDED });
        assert.equal(dry.status, 2, dry.stderr);
        await import('node:fs/promises').then((fs) => fs.unlink(link!));
      }
      // A link for the whole results folder, to a folder outside.
      const elsewhere = join(workspace.root, '..', `elsewhere-${Date.now()}`);
      await mkdir(elsewhere);
      await import('node:fs/promises').then((fs) => fs.rm(join(workspace.root, '.inoculate'), { recursive: true }));
      await symlink(elsewhere, join(workspace.root, '.inoculate'));
      const result = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl], { cwd: workspace.root, ...BOUNDED });
      assert.equal(result.status, 2, result.stderr);
      assert.deepEqual(await readdir(elsewhere), []);
      await import('node:fs/promises').then((fs) => fs.rm(elsewhere, { recursive: true }));
      assert.equal(server.requests.length, 0);
      assert.equal(await readFile(outside, 'utf8'), 'echo hello\n');
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(outside, { force: true }));
    }
  });
});
