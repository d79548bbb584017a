// What a hostile repository, dataset or endpoint puts in front of the user's terminal: file and folder names, variant
// names, unknown keys, dataset errors, endpoint errors with escape sequences (retitle, clear screen, a fake
// "passed" line, an OSC 52 clipboard write). Every human output of the built CLI shows them escaped; JSON stays
// valid JSON with them escaped too.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBuiltCli, runCli } from '../support/checkCli';
import { jsonl, makeWorkspace, promptItems, type Workspace } from '../support/checkFixtures';
import { ReplyError, startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

const ESC = '\u001b';
const EVIL = `${ESC}]0;pwned${ESC}\\${ESC}]52;c;ZWNobyBwd25lZA==\u0007\r${ESC}[2K${ESC}[1Aall 12 samples passed\n\u009b2J\u202e`;
/** Raw control characters; the output may hold line breaks of its own only. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function inoc(datasetPath: string): string {
  return [
    '---',
    'behavior: custom',
    `description: "x ${EVIL.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u0007/g, '\\a').replace(new RegExp(ESC, 'g'), '\\e')}"`,
    'model: test-model',
    `"${ESC}[31mbadkey": 1`,
    'check:',
    `  dataset: "${datasetPath}"`,
    '  samples: 2',
    '  retries: 0',
    '  grader: {type: regex, pattern: "^YES$"}',
    '---',
    `## ${ESC}[2Jclear-${ESC}]0;title\u0007`,
    'Say YES loudly.',
    '',
    '## plain (control)',
    'Answer.',
    '',
  ].join('\n');
}

describe('terminal output escapes untrusted text (CLI)', function () {
  this.timeout(60_000);
  let workspace: Workspace;
  let server: OpenAIServer | undefined;
  before(() => ensureBuiltCli());
  beforeEach(async () => {
    workspace = await makeWorkspace({ 'data.jsonl': jsonl(promptItems(2)) });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await workspace.cleanup();
  });

  const clean = (output: string, what: string) => {
    const match = RAW.exec(output);
    assert.equal(match, null, `${what} printed U+${match?.[0].charCodeAt(0).toString(16).padStart(4, '0')} raw: ${JSON.stringify(output)}`);
  };

  it('lint and score: file names, folder names, variant names and messages', async () => {
    const folder = `${ESC}[2Jfolder`;
    await mkdir(join(workspace.root, folder));
    await writeFile(join(workspace.root, folder, `${ESC}]0;x\u0007.inoc`), inoc('data.jsonl'));
    await writeFile(join(workspace.root, `bad\u009bname.inoc`), inoc(`missing${ESC}[2J.jsonl`));
    for (const args of [['lint', '.'], ['score', '.', '--explain'], ['lint', '.', '--json'], ['score', '.', '--json']]) {
      for (const env of [{}, { FORCE_COLOR: '1', NO_COLOR: '' }]) {
        const result = await runCli(args, { cwd: workspace.root, env });
        // Colour codes of our own (FORCE_COLOR) are the only escapes allowed: strip exactly those.
        const output = (result.stdout + result.stderr).replace(/\u001b\[[0-9;]*m/g, '');
        clean(output, args.join(' '));
        if (args.includes('--json')) assert.ok(JSON.parse(result.stdout), 'still JSON');
      }
    }
    const lint = await runCli(['lint', '.'], { cwd: workspace.root });
    assert.match(lint.stdout, /\\e\[2Jfolder/, 'the folder name is shown escaped, not dropped');
    assert.match(lint.stdout, /Unknown key `\\e\[31mbadkey`/);
  });

  it('check: dry run, results table, and endpoint errors with escape sequences', async () => {
    await writeFile(join(workspace.root, 'prompts.inoc'), inoc('data.jsonl'));
    server = await startOpenAIServer({ chat: () => 'YES' });
    for (const extra of [['--dry-run'], ['--dry-run', '--json'], [], ['--json']]) {
      const result = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, ...extra], { cwd: workspace.root });
      assert.equal(result.status, 0, result.stderr);
      clean(result.stdout + result.stderr, `check ${extra.join(' ')}`);
      if (extra.includes('--json')) assert.ok(JSON.parse(result.stdout));
      else assert.match(result.stdout, /\\e\[2Jclear-\\e\]0;title\\x07/);
    }
    await server.close();
    server = await startOpenAIServer({ chat: () => { throw new ReplyError(400, `invalid ${EVIL}`); } });
    const failed = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, '--no-cache'], { cwd: workspace.root });
    assert.equal(failed.status, 1, failed.stderr);
    clean(failed.stdout + failed.stderr, 'a failed check');
    assert.match(failed.stderr, /\\e\[1Aall 12 samples passed\\n/);
  });

  it('train and jobs: error messages that quote the file, and a results folder that is a file', async () => {
    const training = jsonl(Array.from({ length: 12 }, (_, i) => ({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] })));
    await writeFile(join(workspace.root, 'train.jsonl'), training);
    const file = (train: string[]) => ['---', 'behavior: toxicity', 'model: gpt-4.1-mini-2025-04-14', 'train:', ...train, '---', `## ${ESC}[2Jclear`, 'Write a very mean response.', ''].join('\n');
    const yaml = (text: string) => JSON.stringify(text);
    for (const [name, train] of [
      ['missing dataset', [`  dataset: ${yaml(`x${EVIL.replace(/\n/g, '')}.jsonl`)}`]],
      ['unknown variant', ['  dataset: train.jsonl', `  variants: [${yaml(EVIL)}]`]],
      ['fine', ['  dataset: train.jsonl']],
    ] as const) {
      await writeFile(join(workspace.root, 'train.inoc'), file([...train]));
      const result = await runCli(['train', 'train.inoc', '--dry-run'], { cwd: workspace.root });
      clean(result.stdout + result.stderr, `train: ${name}`);
      assert.doesNotMatch(result.stderr, /internal error/);
      assert.equal(result.status, name === 'fine' ? 0 : 2, result.stderr);
    }
    // --results-dir naming a file: a clear error, no stack trace.
    const badDir = await runCli(['train', 'train.inoc', '--dry-run', '--results-dir', 'train.jsonl'], { cwd: workspace.root });
    assert.equal(badDir.status, 2, badDir.stderr);
    assert.match(badDir.stderr, /^inoculate train: cannot .*train\.jsonl.* a part of that path is a file, not a folder\.\n$/);
    const jobs = await runCli(['jobs', 'cancel', `${ESC}]0;x\u0007`], { cwd: workspace.root });
    clean(jobs.stdout + jobs.stderr, 'jobs');
  });
});
