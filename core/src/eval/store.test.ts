import assert from 'node:assert/strict';
import { makeWorkspace } from '../../../test/support/checkFixtures';
import { nodeResultsFileSystem as fs } from '../check/nodeFs';
import { provenanceFromKey, signSummary, summaryOrigin } from '../check/provenance';
import type { CheckSummary } from '../check/types';
import { evalSummaryOrigin, readEvalSummary, signEvalSummary, writeEvalSummary } from './store';
import type { EvalSummary } from './summary';

const summary = { version: 1, kind: 'evaluation', runId: 'r', file: 'a.inoc', cells: [], models: [], comparisons: [] } as unknown as EvalSummary;

describe('evaluation summary on disk', () => {
  const mine = provenanceFromKey(new Uint8Array(32).fill(1));
  const theirs = provenanceFromKey(new Uint8Array(32).fill(2));

  it('is signed as measured here; altered, foreign or unsigned summaries are from elsewhere', () => {
    const signed = signEvalSummary(summary, mine);
    assert.equal(evalSummaryOrigin(signed, mine), 'here');
    assert.equal(evalSummaryOrigin(signed, theirs), 'elsewhere');
    assert.equal(evalSummaryOrigin({ ...signed, runId: 'forged' }, mine), 'elsewhere');
    assert.equal(evalSummaryOrigin(summary, mine), 'elsewhere');
    assert.equal(evalSummaryOrigin(signed, undefined), 'elsewhere');
  });

  it("a check summary's signature never passes for an evaluation summary's, nor the reverse", () => {
    const asCheck = signSummary(summary as unknown as CheckSummary, mine);
    assert.equal(evalSummaryOrigin(asCheck as unknown as EvalSummary, mine), 'elsewhere');
    assert.equal(summaryOrigin(signEvalSummary(summary, mine) as unknown as CheckSummary, mine), 'elsewhere');
  });

  it('is written atomically and read back; anything else reads as none', async () => {
    const workspace = await makeWorkspace({ 'bad.json': '{"version": 1, "kind": "check"}', 'broken.json': '{' });
    try {
      const path = `${workspace.root}/s.json`;
      await writeEvalSummary(fs, path, signEvalSummary(summary, mine));
      assert.equal((await readEvalSummary(fs, path))?.runId, 'r');
      assert.equal(await readEvalSummary(fs, `${workspace.root}/bad.json`), undefined);
      assert.equal(await readEvalSummary(fs, `${workspace.root}/broken.json`), undefined);
      assert.equal(await readEvalSummary(fs, `${workspace.root}/none.json`), undefined);
    } finally {
      await workspace.cleanup();
    }
  });
});
