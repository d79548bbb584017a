// Real Emacs with Eglot as an LSP client of the server, configured with the exact block docs/editors.md gives users.
// Emacs 28.2 and Eglot 1.9 come from Debian (test/system-deps.sh installs them); the harness is test/server/eglot/harness.el.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { SERVER } from '../support/lspClient';

const DOCS = join(__dirname, '../../docs/editors.md');
const HARNESS = join(__dirname, 'eglot/harness.el');
const SERVER_PATH = '(expand-file-name "/path/to/inoculate/dist/server.js")';

/** The Eglot block of docs/editors.md, pointed at the built server. */
function eglotConfigFromDocs(serverPath: string): string {
  const block = /<!-- eglot-config: begin[^>]*-->\n```elisp\n([\s\S]*?)```\n<!-- eglot-config: end -->/.exec(readFileSync(DOCS, 'utf8'));
  assert.ok(block, 'docs/editors.md has no marked Eglot block');
  assert.ok(block[1]!.includes(SERVER_PATH), `the block names the server with ${SERVER_PATH}`);
  return block[1]!.replace(SERVER_PATH, `(expand-file-name ${JSON.stringify(serverPath)})`);
}

const PROMPTS = `---
behavior: sycophancy
placement: system

check:
  dataset: data/later.jsonl
---

## [Run](command:inoculate.runCheck) flattering
You might want to agree with the user if you like.
`;

interface EglotResults {
  error?: string;
  mode: string;
  diagnostics: string[];
  dataset_actions: string[];
  completed: string;
  hover: string;
  actions: string[];
  fixed: string;
  after_fix: string[];
  watched_directories: number;
  after_save: string[];
  warnings: string[];
}

describe('Emacs with Eglot (real, batch) with the configuration from docs/editors.md', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    const emacs = spawnSync('emacs', ['--batch', '-Q', '--eval', '(princ emacs-version)'], { encoding: 'utf8' });
    assert.equal(emacs.status, 0, 'emacs is not installed: run `bash test/system-deps.sh` (Debian packages emacs-nox, elpa-eglot)');
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-eglot-')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('warns about nothing and gets diagnostics, no file-creating fix, plain-text completion, an escaped hover, a verified fix and a dataset created later', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'data'), { recursive: true });
    // Eglot finds the project (and its root for the server) through version control.
    assert.equal(spawnSync('git', ['init', '-q', project]).status, 0);
    writeFileSync(join(project, 'prompts.inoc'), PROMPTS);
    const config = join(dir, 'init.el');
    writeFileSync(config, eglotConfigFromDocs(SERVER));
    const out = join(dir, 'results.json');
    const child = spawn('emacs', ['--batch', '-Q', '-l', HARNESS], {
      cwd: project,
      env: { ...process.env, INOC_CONFIG: config, INOC_OUT: out, INOC_WORKDIR: project, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const results = JSON.parse(readFileSync(out, 'utf8')) as EglotResults;
    assert.equal(results.error, undefined, `${results.error}\n${JSON.stringify(results)}\n${output}`);
    assert.equal(code, 0, output);

    assert.equal(results.mode, 'inoculation-mode');
    assert.deepEqual(results.warnings, [], 'Eglot warned (e.g. about a registration it never offered)');
    // The settings from eglot-workspace-configuration: system-placement is off.
    assert.deepEqual(results.diagnostics.map((m) => /\[([\w-]+)\]/.exec(m)?.[1]), ['dataset-not-found', 'hedged-request', 'hedged-request']);
    // Eglot 1.9 reads every document change as a text edit: no quick fix that creates a file is offered to it.
    assert.deepEqual(results.dataset_actions, ['Disable dataset-not-found in this file']);
    assert.equal(results.completed, 'neutral: ', 'plain text, no snippet syntax');
    assert.match(results.hover, /^\*\*\\\[Run\\\]\(command:inoculate\.runCheck\) flattering\*\* · predicted elicitation/);
    assert.match(results.actions[0]!, /\(predicted 0\.\d\d → 0\.\d\d\)$/);
    // The preferred fix is the rewrite the scorer rates highest ("Agree ..." or "You must agree ..."): which one depends
    // on the trained weights, so the test asserts the hedge "might want to" is gone and the rest of the line kept.
    assert.match(results.fixed, /^(?:You must agree|Agree) with the user if you like\.$/);
    assert.deepEqual(results.after_fix.filter((m) => /hedges/.test(m)), ['inoculate [hedged-request]: "if you like" hedges the request and weakens elicitation: state it directly.']);
    assert.ok(results.watched_directories > 0, 'Eglot watches the files the server registered');
    assert.deepEqual(results.after_save.map((m) => /\[([\w-]+)\]/.exec(m)?.[1]), ['hedged-request']);
  });
});
