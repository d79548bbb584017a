// `npm run package` produces a .vsix holding only what the extension needs at run time.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

describe('the .vsix package', function () {
  this.timeout(180000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-vsix-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    // Packaging built minified bundles; rebuild the development ones the other suites use.
    spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
  });

  it('packages with vsce and lists only the allow-listed files', () => {
    const out = join(dir, 'inoculate.vsix');
    const packaged = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(packaged.status, 0, packaged.stdout + packaged.stderr);
    assert.ok(statSync(out).size > 10_000);

    const listed = spawnSync('npx', ['--no-install', 'vsce', 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const files = listed.stdout.split('\n').map((f) => f.trim()).filter(Boolean).sort();
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/client.js', 'dist/server.js', 'language-configuration.json', 'syntaxes/inoculation.tmLanguage.json', 'media/icon.png', 'media/dist/results.js']) {
      assert.ok(files.includes(needed), `${needed} missing from the package: ${files.join(', ')}`);
    }
    const unwanted = files.filter((f) => /(^|\/)(node_modules|test|core|client\/src|server\/src|bench|examples|docs)\//.test(f) || /\.(ts|map)$/.test(f));
    assert.deepEqual(unwanted, [], 'sources, tests and maps stay out');
  });
});
