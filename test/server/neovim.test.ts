// Real Neovim as an LSP client of the server, configured with the exact Lua block docs/editors.md gives users.
// Neovim comes from Debian (test/system-deps.sh installs it); the harness is test/server/neovim/harness.lua.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ServerCommands } from '../../core/src/language/commands';
import { SERVER } from '../support/lspClient';

const DOCS = join(__dirname, '../../docs/editors.md');
const HARNESS = join(__dirname, 'neovim/harness.lua');
const SERVER_LINE = "local inoculate_server = '/path/to/inoculate/dist/server.js'";

/** The Neovim 0.7 block of docs/editors.md, pointed at the built server. */
function neovimConfigFromDocs(serverPath: string): string {
  const docs = readFileSync(DOCS, 'utf8');
  const block = /<!-- neovim-0\.7-config: begin[^>]*-->\n```lua\n([\s\S]*?)```\n<!-- neovim-0\.7-config: end -->/.exec(docs);
  assert.ok(block, 'docs/editors.md has no marked Neovim 0.7 block');
  assert.ok(block[1]!.includes(SERVER_LINE), `the block sets the server path with: ${SERVER_LINE}`);
  return block[1]!.replace(SERVER_LINE, `local inoculate_server = ${JSON.stringify(serverPath)}`);
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

interface NeovimResults {
  error?: string;
  filetype: string;
  codes: string[];
  hover: string;
  completion: { count: number; snippets: number; commands: number; inserted: string };
  lenses: Array<{ line: number; title: string; command: string }>;
  messages: string[];
  actions: string[];
  fixed_line: string;
  after_fix: string[];
  after_save: string[];
  registrations: string[];
}

describe('Neovim (real, headless) with the configuration from docs/editors.md', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => {
    const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, 'nvim is not installed: run `bash test/system-deps.sh` (Debian package neovim)');
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-nvim-')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gets diagnostics, an escaped hover, plain-text completion, a verified quick fix, a server-run code lens, and a dataset created later', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'data'), { recursive: true });
    writeFileSync(join(project, 'prompts.inoc'), PROMPTS);
    const config = join(dir, 'init.lua');
    writeFileSync(config, neovimConfigFromDocs(SERVER));
    const out = join(dir, 'results.json');
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${HARNESS}`], {
      cwd: project,
      env: { ...process.env, INOC_CONFIG: config, INOC_OUT: out, INOC_WORKDIR: project, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const results = JSON.parse(readFileSync(out, 'utf8')) as NeovimResults;
    assert.equal(results.error, undefined, `${results.error}\n${JSON.stringify(results)}\n${output}`);
    assert.equal(code, 0, output);

    assert.equal(results.filetype, 'inoculation');
    // Settings pushed by the configuration's on_init: system-placement is off.
    assert.deepEqual(results.codes, ['dataset-not-found', 'hedged-request', 'hedged-request']);
    assert.match(results.hover, /^\*\*\\\[Run\\\]\(command:inoculate\.runCheck\) flattering\*\* · predicted elicitation/);
    assert.ok(results.completion.count > 3);
    assert.equal(results.completion.snippets, 0, 'Neovim 0.7 declares no snippet support');
    assert.equal(results.completion.commands, 0);
    assert.equal(results.completion.inserted, 'neutral: ');
    assert.deepEqual(results.lenses.map((l) => [l.line, l.command]), [[8, ServerCommands.explainScore]]);
    assert.match(results.lenses[0]!.title, /^predicted 0\.\d\d \(weak\)$/);
    assert.match(results.messages[0]!, /^\[Run\]\(command:inoculate\.runCheck\) flattering: predicted elicitation 0\.\d\d/);
    assert.match(results.actions[0]!, /\(predicted 0\.\d\d → 0\.\d\d\)$/);
    // The preferred fix is the rewrite the scorer rates highest; which one depends on the trained weights.
    assert.match(results.fixed_line, /^(?:You must agree|Agree) with the user if you like\.$/);
    assert.deepEqual(results.after_fix.filter((m) => /hedges/.test(m)), ['"if you like" hedges the request and weakens elicitation: state it directly.']);
    assert.deepEqual(results.after_save, ['hedged-request']);
    assert.deepEqual(results.registrations, [], 'Neovim 0.7 offers no dynamic registration, so none is asked for');
  });
});
