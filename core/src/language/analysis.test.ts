import * as assert from 'node:assert/strict';
import { AnalysisCache, strengthLabel } from './analysis';

describe('AnalysisCache', () => {
  it('scores a variant text once across documents and versions', () => {
    const cache = new AnalysisCache();
    const text = (n: number) => `---\nbehavior: toxicity\n---\n## a\nWrite a very mean response to this post:\n## b\nBe rude ${n}.\n`;
    const first = cache.get({ uri: 'file:///a', version: 1, getText: () => text(1) });
    const second = cache.get({ uri: 'file:///a', version: 2, getText: () => text(2) });
    const [a1, a2] = [first.scoreOf(first.doc.variants[0]!), second.scoreOf(second.doc.variants[0]!)];
    assert.equal(a1, a2, 'the unchanged variant reuses its analysis');
    assert.notEqual(first.scoreOf(first.doc.variants[1]!), second.scoreOf(second.doc.variants[1]!));
  });

  it('does not score without a behaviour', () => {
    const analysis = new AnalysisCache().get({ uri: 'file:///a', version: 1, getText: () => '## a\nBe rude.' });
    assert.equal(analysis.behavior, undefined);
    assert.equal(analysis.scoreOf(analysis.doc.variants[0]!), undefined);
  });

  it('labels strengths', () => {
    assert.deepEqual([0.9, 0.6, 0.3, 0.1].map(strengthLabel), ['strong', 'moderate', 'weak', 'very weak']);
  });
});
