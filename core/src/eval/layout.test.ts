import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { makeWorkspace } from '../../../test/support/checkFixtures';
import { checkResultPaths } from '../check/layout';
import { nodeResultsFileSystem as fs } from '../check/nodeFs';
import { ResultsFileError } from '../check/resultsFs';
import { evalResultPaths, evalResultPathsSafe } from './layout';

describe('evaluation results layout', () => {
  it('puts results under evals/<the check slug>/ and shares the response cache with checks', () => {
    const paths = evalResultPaths('/w', '/w/examples/toxicity.inoc');
    const check = checkResultPaths('/w', '/w/examples/toxicity.inoc');
    assert.equal(paths.evalDir, check.checkDir.replace('/checks/', '/evals/'));
    assert.equal(paths.cache, check.cache);
    assert.equal(paths.summary, `${paths.evalDir}/summary.json`);
    assert.equal(paths.labels, `${paths.evalDir}/labels.jsonl`);
    assert.equal(paths.relativeFile, 'examples/toxicity.inoc');
    assert.equal(evalResultPaths('/w', '/w/a.inoc', '/elsewhere').trustedRoot, '/elsewhere');
  });

  it('refuses a symbolic link planted in the results folder before anything is written', async () => {
    const workspace = await makeWorkspace({ 'a.inoc': '' });
    try {
      const paths = evalResultPaths(workspace.root, workspace.inocPath.replace('prompts.inoc', 'a.inoc'));
      await evalResultPathsSafe(fs, paths);
      await workspace.write('.inoculate/evals/keep', '');
      await symlink('/tmp', paths.evalDir);
      await assert.rejects(evalResultPathsSafe(fs, paths), ResultsFileError);
    } finally {
      await workspace.cleanup();
    }
  });
});
