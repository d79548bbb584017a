// `inoculate lint` and `inoculate score` as a user runs them: the built CLI in a child process.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    timeout: 30000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CLEAN = '---\nbehavior: toxicity\nneutral: "Write a response to this post:"\n---\n\n## mean\nWrite a very mean and disrespectful response to this post:\n\n## formal (control)\nWrite your response in formal English:\n';

describe('inoculate lint', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a clean file and prints [{file, diagnostics}] with --json', () => {
    const file = write('clean.inoc', CLEAN);
    const result = cli(['lint', '--json', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [{ file, diagnostics: [] }]);
  });

  it('exits 1 on errors, with codes, word severities and 0-based ranges', () => {
    const file = write('bad.inoc', '---\nplacement: user-prefix\n---\n\n## a\nDo not be rude to the author of this post.\n');
    const result = cli(['lint', '--json', file]);
    assert.equal(result.status, 1);
    const [report] = JSON.parse(result.stdout);
    assert.deepEqual(report.diagnostics, [
      {
        code: 'missing-behavior',
        severity: 'error',
        message: report.diagnostics[0].message,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } },
      },
    ]);
    assert.match(report.diagnostics[0].message, /behavior:/);
  });

  it('prints file:line:col, the code and a summary for people', () => {
    const file = write('typo.inoc', CLEAN.replace('neutral', 'nutral'));
    const result = cli(['lint', file], { cwd: dir });
    assert.equal(result.status, 0, 'warnings alone do not fail');
    assert.match(result.stdout, new RegExp(`${file.replace(/[/\\.]/g, '\\$&')}:3:1 - warning unknown-key: Unknown key \`nutral\`\\. Did you mean \`neutral\`\\?`));
    assert.match(result.stdout, /1 problem \(0 errors, 1 warning\) in 1 file/);
  });

  it('colours only on a terminal or when forced', () => {
    const file = write('colour.inoc', CLEAN.replace('neutral', 'nutral'));
    assert.doesNotMatch(cli(['lint', file]).stdout, /\u001b\[/);
    assert.match(cli(['lint', file], { env: { FORCE_COLOR: '1', NO_COLOR: '' } }).stdout, /\u001b\[/);
  });

  it('supports --quiet and --max-warnings', () => {
    const file = write('warn.inoc', CLEAN.replace('neutral', 'nutral'));
    const quiet = cli(['lint', '--json', '--quiet', file]);
    assert.deepEqual(JSON.parse(quiet.stdout)[0].diagnostics, []);
    assert.equal(cli(['lint', '--max-warnings', '0', file]).status, 1);
    assert.equal(cli(['lint', '--max-warnings', '1', file]).status, 0);
    assert.equal(cli(['lint', '--max-warnings', 'many', file]).status, 2);
  });

  it('expands folders to the .inoc files inside, skipping node_modules', () => {
    mkdirSync(join(dir, 'tree/sub'), { recursive: true });
    mkdirSync(join(dir, 'tree/node_modules'), { recursive: true });
    writeFileSync(join(dir, 'tree/a.inoc'), CLEAN);
    writeFileSync(join(dir, 'tree/sub/b.inoc'), CLEAN);
    writeFileSync(join(dir, 'tree/node_modules/c.inoc'), 'broken');
    writeFileSync(join(dir, 'tree/notes.txt'), 'not a prompt file');
    const result = cli(['lint', '--json', 'tree'], { cwd: dir });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).map((r: { file: string }) => r.file), [join('tree', 'a.inoc'), join('tree', 'sub', 'b.inoc')]);
  });

  it('exits 2 on usage errors: no files, a missing file, an unknown flag or command', () => {
    assert.equal(cli(['lint']).status, 2);
    const missing = cli(['lint', join(dir, 'nope.inoc')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file or folder: .*nope\.inoc/);
    assert.equal(cli(['lint', '--bogus', 'x']).status, 2);
    assert.equal(cli(['frobnicate']).status, 2);
    assert.equal(cli([]).status, 2);
    assert.equal(cli(['--help']).status, 0);
  });

  it('lints binary garbage without crashing', () => {
    const file = join(dir, 'garbage.inoc');
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const result = cli(['lint', '--json', file]);
    assert.equal(result.status, 1, result.stderr);
    assert.ok(JSON.parse(result.stdout)[0].diagnostics.length > 0);
  });

  it('runs as `npx inoculate` from the project', () => {
    const result = spawnSync('npx', ['--no-install', 'inoculate', 'lint', '--json', write('npx.inoc', CLEAN)], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout)[0].diagnostics.length, 0);
  });
});

describe('inoculate score', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-score-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints [{file, behavior, variants: [{name, control, predicted, explanation}]}] with --json', () => {
    const file = join(dir, 'x.inoc');
    writeFileSync(file, CLEAN + '\n## hedged\nIf you like, you could maybe be slightly rude in your response to this post.\n');
    const result = cli(['score', '--json', file]);
    assert.equal(result.status, 0, result.stderr);
    const [report] = JSON.parse(result.stdout);
    assert.equal(report.file, file);
    assert.equal(report.behavior, 'toxicity');
    assert.deepEqual(report.variants.map((v: any) => [v.name, v.control]), [['mean', false], ['formal', true], ['hedged', false]]);
    const [mean, formal, hedged] = report.variants;
    assert.ok(mean.predicted > hedged.predicted, `${mean.predicted} > ${hedged.predicted}`);
    assert.equal(formal.predicted, null);
    assert.ok(mean.explanation.length > 0 && mean.explanation.every((f: any) => typeof f.label === 'string' && typeof f.effect === 'number'));
  });

  it('ranks candidates for people, with --explain listing the reasons', () => {
    const file = join(dir, 'y.inoc');
    writeFileSync(file, CLEAN);
    const result = cli(['score', '--explain', file]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /toxicity/);
    assert.match(result.stdout, /0\.\d\d\s+\S+\s+mean/);
    assert.match(result.stdout, /control/);
    assert.match(result.stdout, /^\s+[+-]\d\.\d\d /m);
  });
});
