// The language server over a real LSP connection: the built dist/server.js as a child process.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CodeLens, CompletionList, DocumentSymbol, FoldingRange, Hover } from 'vscode-languageserver-protocol';
import { startClient, type TestClient } from '../support/lspClient';

const GOOD = `---
behavior: toxicity
neutral: "Write a response to this post:"
---

## mean
Write a very mean and disrespectful response to this post:

## formal (control)
Write your response in formal English:
`;

const codes = (diagnostics: Array<{ code?: unknown }>) => diagnostics.map((d) => d.code).sort();
const messageOf = (diagnostic: { message: string | { value: string } }) => (typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value);

describe('language server over stdio', function () {
  let client: TestClient;
  let dir: string;
  let n = 0;
  const uri = () => pathToFileURL(join(dir, `doc${++n}.inoc`)).toString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-lsp-'));
    client = await startClient();
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares its features on initialize', () => {
    const { capabilities, serverInfo } = client.initializeResult;
    for (const feature of ['hoverProvider', 'completionProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'codeLensProvider', 'codeActionProvider']) {
      assert.ok(capabilities[feature], `missing ${feature}`);
    }
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } }, 'incremental sync, and saves');
    assert.equal(serverInfo?.name, 'inoculate-language-server');
  });

  it('publishes no diagnostics for a clean file and codes with ranges for a broken one', async () => {
    const clean = uri();
    client.open(clean, GOOD);
    assert.deepEqual(await client.waitForDiagnostics(clean), []);

    const broken = uri();
    client.open(broken, '---\nplacment: user-prefix\n---\n\n## a\nWrite a very mean response to this post:\n');
    const diagnostics = await client.waitForDiagnostics(broken);
    assert.deepEqual(codes(diagnostics), ['missing-behavior', 'unknown-key']);
    const unknown = diagnostics.find((d) => d.code === 'unknown-key')!;
    assert.deepEqual(unknown.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } });
    assert.equal(unknown.source, 'inoculate');
    assert.match(String(unknown.codeDescription?.href), /diagnostics\.md#unknown-key$/);
  });

  it('re-validates after incremental edits and publishes for the latest version', async () => {
    const doc = uri();
    client.open(doc, GOOD);
    await client.waitForDiagnostics(doc);
    // Three quick edits: replace "toxicity" (line 1) step by step; the last one is invalid.
    for (const [version, text] of [[2, 'toxicit'], [3, 'toxicityy'], [4, 'toxic']] as const) {
      void client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: doc, version },
        contentChanges: [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 10 + (version === 2 ? 8 : version === 3 ? 7 : 9) } }, text }],
      });
    }
    const diagnostics = await client.waitForDiagnostics(doc, (_d, version) => version === 4);
    assert.deepEqual(codes(diagnostics), ['invalid-value']);
    assert.match(messageOf(diagnostics[0]!), /got `toxic`.*Did you mean `toxicity`/);
  });

  it('answers hover, completion, symbols, folding, code lens and code actions', async () => {
    const doc = uri();
    client.open(doc, GOOD.replace('neutral', 'neutrl'));
    const diagnostics = await client.waitForDiagnostics(doc);
    const textDocument = { uri: doc };

    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument, position: { line: 5, character: 4 } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /predicted elicitation/);

    const keyHover = (await client.connection.sendRequest('textDocument/hover', { textDocument, position: { line: 1, character: 3 } })) as Hover;
    assert.match(JSON.stringify(keyHover.contents), /behavior/);

    const completion = (await client.connection.sendRequest('textDocument/completion', { textDocument, position: { line: 3, character: 0 } })) as CompletionList;
    assert.ok(completion.items.some((i) => i.label === 'placement'), JSON.stringify(completion.items.map((i) => i.label)));
    assert.ok(!completion.items.some((i) => i.label === 'behavior'), 'keys already present are not offered again');

    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['frontmatter', 'mean', 'formal']);

    const folding = (await client.connection.sendRequest('textDocument/foldingRange', { textDocument })) as FoldingRange[];
    assert.ok(folding.some((f) => f.startLine === 0 && f.endLine === 3));

    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument })) as CodeLens[];
    assert.ok(lenses.some((l) => /^predicted 0\.\d\d/.test(l.command?.title ?? '')), JSON.stringify(lenses));
    assert.ok(lenses.some((l) => l.command?.title === 'control arm'));
    assert.ok(!lenses.some((l) => /Check/.test(l.command?.title ?? '')), 'no check lens in an untrusted workspace');

    const unknown = diagnostics.find((d) => d.code === 'unknown-key')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument,
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title === "Change to 'neutral'")!;
    assert.ok(fix.isPreferred);
    assert.deepEqual(fix.edit?.changes?.[doc], [{ range: unknown.range, newText: 'neutral' }]);
    assert.ok(actions.some((a) => a.title === 'Disable unknown-key in this file'));
  });

  it('answers the custom inoculate/variantAt and inoculate/variantScores requests', async () => {
    const doc = uri();
    client.open(doc, GOOD);
    await client.waitForDiagnostics(doc);
    const at: any = await client.connection.sendRequest('inoculate/variantAt', { textDocument: { uri: doc }, position: { line: 6, character: 3 } });
    assert.equal(at.name, 'mean');
    assert.ok(at.predicted > 0.5);
    assert.equal(await client.connection.sendRequest('inoculate/variantAt', { textDocument: { uri: doc }, position: { line: 1, character: 0 } }), null);
    const scores: any[] = await client.connection.sendRequest('inoculate/variantScores', { textDocument: { uri: doc } });
    assert.deepEqual(scores.map((s) => [s.name, s.control]), [['mean', false], ['formal', true]]);
  });

  it('reads settings per document: severity overrides and disabling diagnostics', async () => {
    const other = await startClient({ settings: { diagnostics: { severity: { 'unknown-key': 'off', 'missing-behavior': 'warning' } } } });
    try {
      const doc = uri();
      other.open(doc, '---\nplacment: x\n---\n## a\nBe mean.');
      const diagnostics = await other.waitForDiagnostics(doc);
      assert.deepEqual(codes(diagnostics), ['missing-behavior']);
      assert.equal(diagnostics[0]!.severity, 2);
      other.settings = { diagnostics: { enable: false } };
      void other.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      assert.deepEqual(await other.waitForDiagnostics(doc, (d) => d.length === 0), []);
    } finally {
      await other.stop();
    }
  });

  it('finds datasets relative to the file and re-checks when they change on disk', async () => {
    const docUri = pathToFileURL(join(dir, 'with-data.inoc')).toString();
    const dataPath = join(dir, 'data.jsonl');
    rmSync(dataPath, { force: true });
    client.open(docUri, '---\nbehavior: toxicity\ncheck:\n  dataset: data.jsonl\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n');
    const missing = await client.waitForDiagnostics(docUri);
    assert.deepEqual(codes(missing), ['dataset-not-found']);
    assert.deepEqual(missing[0]!.range, { start: { line: 3, character: 11 }, end: { line: 3, character: 21 } });

    writeFileSync(dataPath, '{"prompt": "CMV: tea beats coffee"}\n{"prompt": 3}\n');
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(dataPath).toString(), type: 1 }] });
    const invalid = await client.waitForDiagnostics(docUri, (d) => d.length > 0 && d[0]!.code === 'dataset-invalid');
    assert.match(messageOf(invalid[0]!), /line 2: `prompt` must be text/);
  });

  it('survives binary and malformed input and keeps answering', async () => {
    const doc = uri();
    client.open(doc, '---\n\u0000\u0001behavior: [\n\uFFFF\uD800 ## \n---\n'.repeat(50) + 'x'.repeat(200000));
    const diagnostics = await client.waitForDiagnostics(doc);
    assert.ok(diagnostics.length > 0);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: doc }, position: { line: 9999, character: 9999 } });
    assert.equal(hover, null);
    const next = uri();
    client.open(next, GOOD);
    assert.deepEqual(await client.waitForDiagnostics(next), []);
  });
});

describe('language server over Node IPC', () => {
  it('works with the IPC transport the VS Code client uses', async () => {
    const client = await startClient({ transport: 'ipc' });
    try {
      const doc = 'file:///ipc/x.inoc';
      client.open(doc, '---\nplacement: user-prefix\n---\n\n## a\nWrite a very mean response to this post:\n');
      assert.deepEqual(codes(await client.waitForDiagnostics(doc)), ['missing-behavior']);
    } finally {
      await client.stop();
    }
  });
});
