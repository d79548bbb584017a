import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { checkResultPaths, checkSlug, findWorkspaceRoot, gitignoreEntry, relativeInocPath } from './layout';

describe('results layout', () => {
  it('puts a file\'s samples and summary under .inoculate/checks/<slug>, and the cache beside them', () => {
    const paths = checkResultPaths('/work/proj', '/work/proj/prompts/reward hacking.inoc');
    assert.equal(paths.relativeFile, 'prompts/reward hacking.inoc');
    assert.equal(paths.resultsRoot, resolve('/work/proj/.inoculate'));
    assert.match(paths.checkDir, /\/work\/proj\/\.inoculate\/checks\/prompts-reward-hacking-[0-9a-f]{8}$/);
    assert.equal(paths.samples, join(paths.checkDir, 'samples.jsonl'));
    assert.equal(paths.summary, join(paths.checkDir, 'summary.json'));
    assert.equal(paths.cache, resolve('/work/proj/.inoculate/cache/responses.jsonl'));
  });

  it('accepts a results folder that overrides .inoculate', () => {
    const paths = checkResultPaths('/work/proj', 'a.inoc', '/tmp/results');
    assert.equal(paths.resultsRoot, resolve('/tmp/results'));
    assert.equal(paths.relativeFile, 'a.inoc', 'relative to the workspace, resolved from it');
    assert.ok(paths.summary.startsWith(resolve('/tmp/results/checks/a-')));
  });

  it('gives different files different slugs even when their readable parts collide', () => {
    assert.notEqual(checkSlug('a-b/c.inoc'), checkSlug('a/b-c.inoc'));
    assert.equal(checkSlug('x.inoc'), checkSlug('x.inoc'));
    assert.match(checkSlug('../../weird/!!.inoc'), /^weird-[0-9a-f]{8}$/);
    assert.ok(checkSlug(`${'long'.repeat(50)}.inoc`).length <= 80 + 9);
  });

  it('uses the absolute path for files outside the workspace', () => {
    assert.equal(relativeInocPath('/work/proj', '/elsewhere/x.inoc'), '/elsewhere/x.inoc');
  });

  it('finds the nearest ancestor holding .inoculate or .git, else the nearest holding package.json, else the fallback', async () => {
    const present = new Set(['/w/.git', '/w/sub/package.json', '/other/.inoculate', '/pkgs/package.json', '/pkgs/a/package.json', '/w/nested/.inoculate']);
    const fs = { exists: async (path: string) => present.has(path) };
    // A subfolder with its own package.json inside a repository records at the repository's root, as the editor does.
    assert.equal(await findWorkspaceRoot(fs, '/w/sub/deeper/x.inoc', '/cwd'), resolve('/w'));
    assert.equal(await findWorkspaceRoot(fs, '/w/y.inoc', '/cwd'), resolve('/w'));
    assert.equal(await findWorkspaceRoot(fs, '/w/nested/n.inoc', '/cwd'), resolve('/w/nested'), 'a results folder already there wins');
    assert.equal(await findWorkspaceRoot(fs, '/other/a/b.inoc', '/cwd'), resolve('/other'));
    assert.equal(await findWorkspaceRoot(fs, '/pkgs/a/b/c.inoc', '/cwd'), resolve('/pkgs/a'), 'no repository: the nearest package');
    assert.equal(await findWorkspaceRoot(fs, '/lonely/z.inoc', '/cwd'), resolve('/cwd'));
  });

  it('gives the editor its workspace folder (the innermost holding the file), whatever markers lie below or above it', async () => {
    const present = new Set(['/w/.git', '/w/sub/package.json', '/w/sub/.inoculate']);
    const fs = { exists: async (path: string) => present.has(path) };
    assert.equal(await findWorkspaceRoot(fs, '/w/sub/x.inoc', '/cwd', ['/w']), resolve('/w'));
    assert.equal(await findWorkspaceRoot(fs, '/w/sub/x.inoc', '/cwd', ['/w', '/w/sub']), resolve('/w/sub'));
    assert.equal(await findWorkspaceRoot(fs, '/w/a/x.inoc', '/cwd', ['/w/a']), resolve('/w/a'), 'a folder opened inside a repository');
    assert.equal(await findWorkspaceRoot(fs, '/w/sub/x.inoc', '/cwd', ['/w/s', '/elsewhere']), resolve('/w/sub'), 'outside every folder (/w/s is not /w/sub): the markers decide');
  });

  it('agrees between the editor (workspace folder = repository root) and the CLI (no folders) for a subfolder with its own package.json', async () => {
    const present = new Set(['/repo/.git', '/repo/package.json', '/repo/packages/p/package.json']);
    const fs = { exists: async (path: string) => present.has(path) };
    const file = '/repo/packages/p/prompts/x.inoc';
    assert.equal(await findWorkspaceRoot(fs, file, '/repo/packages/p'), await findWorkspaceRoot(fs, file, '/elsewhere', ['/repo']));
  });

  it('offers the .gitignore line for the results folder', () => {
    assert.equal(gitignoreEntry(), '.inoculate/');
  });
});
