import * as assert from 'node:assert/strict';
import { AnalysisCache } from './analysis';
import { DatasetCache } from './datasets';
import { computeDiagnostics } from './diagnostics';

async function diagnose(frontmatter: string, today: string, modelDates = {}) {
  const text = `---\nbehavior: toxicity\n${frontmatter}\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n`;
  const analysis = new AnalysisCache().get({ uri: 'file:///w/a.inoc', version: 1, getText: () => text });
  const diagnostics = await computeDiagnostics(analysis, new DatasetCache({ readFile: async () => undefined }), { today: new Date(today), modelDates });
  const slice = (d: (typeof diagnostics)[number]) => text.slice(analysis.doc.lines.offsetAt(d.range.start), analysis.doc.lines.offsetAt(d.range.end));
  return diagnostics.filter((d) => d.code === 'model-shutdown' || d.code === 'fine-tuning-closed').map((d) => [d.code, d.severity, slice(d)]);
}

describe('dated training diagnostics', () => {
  it("warns on an OpenAI train block: jobs close on 2027-01-06, the model's fine-tunes stop on 2027-01-14", async () => {
    assert.deepEqual(await diagnose('model: gpt-4.1-mini\ntrain:\n  backend: openai', '2026-11-30'), [
      ['fine-tuning-closed', 'warning', 'backend: openai'],
      ['model-shutdown', 'warning', 'model: gpt-4.1-mini'],
    ]);
    assert.deepEqual(await diagnose('train:\n  model: gpt-4o-mini\n  seeds: 2', '2027-01-07'), [
      ['fine-tuning-closed', 'error', 'train'],
      ['model-shutdown', 'warning', 'model: gpt-4o-mini'],
    ]);
  });

  it('says nothing for other backends, other endpoints, or a file without train', async () => {
    assert.deepEqual(await diagnose('model: gpt-4.1-mini\ntrain:\n  backend: together', '2026-11-30'), []);
    assert.deepEqual(await diagnose('model: gpt-4.1-mini\nbaseUrl: http://localhost:8000/v1\ntrain: {seeds: 1}', '2026-11-30'), []);
    assert.deepEqual(await diagnose('model: gpt-4.1-mini', '2026-11-30'), []);
  });

  it('warns about checking a fine-tune that goes dark, and uses what a preflight cached', async () => {
    assert.deepEqual(await diagnose('model: ft:gpt-4.1-mini-2025-04-14:org:mean-s0-abc:xyz', '2027-01-20'), [['model-shutdown', 'error', 'model: ft:gpt-4.1-mini-2025-04-14:org:mean-s0-abc:xyz']]);
    const cached = { 'https://api.openai.com/v1': { 'gpt-5-mini': { shutdownDate: '2026-12-20', checkedAt: '2026-11-29T00:00:00Z' } } };
    const [notice] = await diagnose('model: gpt-5-mini', '2026-11-30', cached);
    assert.equal(notice![0], 'model-shutdown');
    assert.equal(notice![1], 'warning');
  });
});
