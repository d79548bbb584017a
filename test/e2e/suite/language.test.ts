import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, codeOf, diagnosticsWhere, lineOf, openFile, openUntitled, runningServer, waitFor } from './helpers';

/** Runs a provider command until it returns something (the first call may race the server's start). */
function provided<T>(what: string, run: () => Thenable<T[] | undefined>): Promise<T[]> {
  return waitFor(
    what,
    async () => {
      const result = await run();
      return result && result.length ? result : undefined;
    },
    [vscode.languages.onDidChangeDiagnostics],
  );
}

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

describe('language features against the real server', () => {
  before(async () => {
    await runningServer();
  });
  afterEach(closeAllEditors);

  it('publishes diagnostics with their codes, severities and documentation links', async () => {
    const editor = await openFile('problems.inoc');
    const diagnostics = await diagnosticsWhere(editor.document.uri, 'diagnostics of problems.inoc', (d) => d.length >= 3);
    const codes = diagnostics.map(codeOf);
    for (const code of ['unknown-key', 'hedged-request', 'prohibits-behavior']) assert.ok(codes.includes(code), `missing ${code} in ${codes.join(', ')}`);
    const unknown = diagnostics.find((d) => codeOf(d) === 'unknown-key')!;
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(unknown.range.start.line, lineOf(editor.document, 'plaecment: user-suffix'));
    assert.match(unknown.message, /Did you mean `placement`\?/);
    const link = unknown.code as { value: string; target: vscode.Uri };
    assert.match(link.target.toString(), /diagnostics\.md#unknown-key$/);
    const prohibits = diagnostics.find((d) => codeOf(d) === 'prohibits-behavior')!;
    assert.equal(prohibits.range.start.line, lineOf(editor.document, 'Do not agree with the user when the proposed answer is wrong.'));
  });

  it('reports nothing for a clean file', async () => {
    const editor = await openFile('scores.inoc');
    // The server publishes (an empty list) for every opened document; a code lens answer shows it has analysed it.
    await provided('code lenses', () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri));
    assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'inoculate'), []);
  });

  it('applies a quick fix, and the diagnostic goes away', async () => {
    const editor = await openFile('problems.inoc');
    const [unknown] = await diagnosticsWhere(editor.document.uri, 'the unknown-key diagnostic', (d) => d.some((x) => codeOf(x) === 'unknown-key')).then((d) =>
      d.filter((x) => codeOf(x) === 'unknown-key'),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, unknown!.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === "Change to 'placement'");
    assert.ok(fix?.edit, `no fix among: ${actions.map((a) => a.title).join('; ')}`);
    assert.ok(actions.some((a) => a.title === 'Disable unknown-key in this file'));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(editor.document.lineAt(unknown!.range.start.line).text, 'placement: user-suffix');
    const after = await diagnosticsWhere(editor.document.uri, 'the fixed file to be re-checked', (d) => !d.some((x) => codeOf(x) === 'unknown-key') && d.length > 0);
    assert.ok(after.every((d) => codeOf(d) !== 'unknown-key'));
  });

  it('shows the predicted score, "▶ Check" and the control in code lenses', async () => {
    const editor = await openFile('scores.inoc');
    const lenses = await provided('code lenses', () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10));
    const titles = lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`);
    const heading = lineOf(editor.document, '## test-specific');
    assert.ok(titles.some((t) => new RegExp(`^${heading}: predicted 0\\.\\d\\d \\((strong|moderate|weak|very weak)\\)$`).test(t)), titles.join('\n'));
    assert.ok(titles.includes(`${lineOf(editor.document, '## irrelevant (control)')}: control arm`), titles.join('\n'));
    // The runner disables workspace trust (the workspace is trusted), so checks are offered.
    assert.ok(titles.includes(`${heading}: ▶ Check`), titles.join('\n'));
    const explain = lenses.find((l) => l.range.start.line === heading && l.command?.title.startsWith('predicted'))!;
    assert.equal(explain.command!.command, 'inoculate.explainScore');
  });

  it('explains the score in the hover of a variant heading', async () => {
    const editor = await openFile('scores.inoc');
    const heading = lineOf(editor.document, '## test-specific');
    const hovers = await provided('a hover', () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(heading, 5)));
    const text = hoverText(hovers);
    assert.match(text, /test-specific/);
    assert.match(text, /0\.\d\d/);
  });

  it('describes frontmatter keys in hovers', async () => {
    const editor = await openFile('scores.inoc');
    const line = lineOf(editor.document, 'placement: user-prefix');
    const hovers = await provided('a key hover', () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, 3)));
    assert.match(hoverText(hovers), /instruction/i);
  });

  it('lists the frontmatter and the variants in the outline', async () => {
    const editor = await openFile('scores.inoc');
    const symbols = await provided('document symbols', () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri));
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['frontmatter', 'test-specific', 'only-this-test', 'irrelevant'],
    );
    assert.ok(symbols[0]!.children.some((c) => c.name === 'behavior'));
    assert.equal(symbols[1]!.range.start.line, lineOf(editor.document, '## test-specific'));
  });

  it('completes behaviours after `behavior:`', async () => {
    const editor = await openUntitled('---\nbehavior: \n---\n\n## a\nText.\n');
    const completions = await waitFor(
      'completions',
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(1, 10));
        return list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'sycophancy') ? list : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics],
    );
    const labels = completions.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const behavior of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom']) assert.ok(labels.includes(behavior), behavior);
  });

  it('folds the frontmatter and each variant', async () => {
    const editor = await openFile('scores.inoc');
    const ranges = await provided('folding ranges', () => vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', editor.document.uri));
    const starts = ranges.map((r) => r.start);
    assert.ok(starts.includes(0), `frontmatter not foldable: ${starts.join(',')}`);
    assert.ok(starts.includes(lineOf(editor.document, '## test-specific')));
  });
});
