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

  it('finds the nearest ancestor holding .inoculate, .git or package.json, else the fallback', async () => {
    const present = new Set(['/w/.git', '/w/sub/package.json', '/other/.inoculate']);
    const fs = { exists: async (path: string) => present.has(path) };
    assert.equal(await findWorkspaceRoot(fs, '/w/sub/deeper/x.inoc', '/cwd'), resolve('/w/sub'));
    assert.equal(await findWorkspaceRoot(fs, '/w/y.inoc', '/cwd'), resolve('/w'));
    assert.equal(await findWorkspaceRoot(fs, '/other/a/b.inoc', '/cwd'), resolve('/other'));
    assert.equal(await findWorkspaceRoot(fs, '/lonely/z.inoc', '/cwd'), resolve('/cwd'));
  });

  it('offers the .gitignore line for the results folder', () => {
    assert.equal(gitignoreEntry(), '.inoculate/');
  });
});
