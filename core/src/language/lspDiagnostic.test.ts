import * as assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import type { InocDiagnostic } from './diagnostics';
import { fromLspDiagnostic, toLspDiagnostic } from './lspDiagnostic';

describe('LSP diagnostics', () => {
  const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };
  const ours: InocDiagnostic = {
    code: 'hedged-request',
    severity: 'warning',
    message: 'm',
    range,
    variant: 'a',
    unnecessary: true,
    fixes: [{ title: 'Remove', range, newText: '' }],
  };

  it('carry code, severity, docs link, tags and quick-fix data', () => {
    const lsp = toLspDiagnostic(ours, 'https://docs/diagnostics.md');
    assert.equal(lsp.severity, DiagnosticSeverity.Warning);
    assert.equal(lsp.code, 'hedged-request');
    assert.equal(lsp.codeDescription?.href, 'https://docs/diagnostics.md#hedged-request');
    assert.deepEqual(lsp.tags, [DiagnosticTag.Unnecessary]);
    assert.equal(lsp.source, 'inoculate');
  });

  it('round-trip through a code action request', () => {
    const back = fromLspDiagnostic(toLspDiagnostic(ours));
    assert.deepEqual(back, { code: 'hedged-request', severity: 'warning', message: 'm', range, variant: 'a', fixes: ours.fixes });
  });

  it("ignore other sources' diagnostics and unknown codes", () => {
    assert.equal(fromLspDiagnostic({ ...toLspDiagnostic(ours), source: 'eslint' }), undefined);
    assert.equal(fromLspDiagnostic({ ...toLspDiagnostic(ours), code: 'nope' }), undefined);
  });
});
