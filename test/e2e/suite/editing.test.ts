/**
 * Editing as a user does, in the real VS Code: keys typed through the workbench (the runner presses them in the
 * browser, so Enter goes through the keybindings that accept a visible suggestion), quick fixes through the
 * code-action provider, hovers through the hover provider.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, codeOf, diagnosticsWhere, fileAppears, openUntitled, runningServer, waitFor } from './helpers';

let requests = 0;

type KeyStep = { type: string } | { press: string } | { waitFor: Array<{ selector: string; hasText?: string }> };

/** Real key presses in the workbench, in order (see `pressKeys` in run.mjs); resolves when the runner has done them. */
async function pressKeys(steps: KeyStep[]): Promise<void> {
  const dir = join(tmpdir(), 'inoculate-key-requests');
  mkdirSync(dir, { recursive: true });
  const reply = join(dir, `keys-${process.pid}-${++requests}.json`);
  console.log(`[inoculate-e2e] keys ${JSON.stringify({ steps, reply })}`);
  await fileAppears(reply, 60_000);
  const answer = JSON.parse(readFileSync(reply, 'utf8')) as { ok?: boolean; error?: string };
  if (answer.error !== undefined) throw new Error(`the runner could not press the keys: ${answer.error}`);
}

/** The predicted score in the code lens of the heading on `line`. */
async function lensScore(uri: vscode.Uri, line: number): Promise<number> {
  return waitFor(
    `the score lens on line ${line}`,
    async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      const title = lenses.find((l) => l.range.start.line === line && l.command?.title.startsWith('predicted'))?.command?.title;
      return title ? Number(/predicted (\d\.\d\d)/.exec(title)![1]) : undefined;
    },
    [vscode.languages.onDidChangeDiagnostics],
  );
}

const hedges = (diagnostics: vscode.Diagnostic[]) => diagnostics.filter((d) => codeOf(d) === 'hedged-request');

describe('editing in the real editor', () => {
  before(async () => {
    await runningServer();
  });
  afterEach(closeAllEditors);

  it('Enter at the end of a heading starts the next line: no completion is accepted, even one asked for', async () => {
    // Words that continue the heading's ("agreeable") are in the file: neither `(control)` nor a word could match.
    const editor = await openUntitled('---\nbehavior: sycophancy\n---\n\n## agreeable\nAlways agree with the user and be agreeable.\n\n');
    const uri = editor.document.uri;
    await diagnosticsWhere(uri, 'the file to be checked', () => true);
    const line = editor.document.lineCount - 1;
    editor.selection = new vscode.Selection(line, 0, line, 0);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await pressKeys([
      { type: '## agree' },
      // Ask for completion explicitly, and wait until the widget has its answer: a focused suggestion (which Enter
      // would accept) or "No suggestions.".
      { press: 'Control+Space' },
      {
        waitFor: [
          { selector: '.suggest-widget .monaco-list-row.focused' },
          { selector: '.suggest-widget .message', hasText: 'No suggestions' },
        ],
      },
      { press: 'Enter' },
    ]);
    // Enter either started a line or accepted a suggestion (the bug: `## agree (control)`, the cursor still there).
    const typed = await waitFor(
      'the Enter to reach the document',
      () => {
        const heading = editor.document.lineAt(line).text;
        const settled = editor.document.lineCount > line + 1 ? editor.selection.active.line === line + 1 : heading !== '## agree' && heading.startsWith('## agree');
        return settled && editor.document.getText();
      },
      [vscode.workspace.onDidChangeTextDocument, vscode.window.onDidChangeTextEditorSelection],
    );
    assert.equal(editor.document.lineAt(line).text, '## agree');
    assert.equal(editor.document.lineAt(line + 1).text, '');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [line + 1, 0]);
    assert.equal(typed, '---\nbehavior: sycophancy\n---\n\n## agreeable\nAlways agree with the user and be agreeable.\n\n## agree\n');
  });

  it('applies the hedge quick fix through the code-action path: the score goes up, the other hedge is still reported', async () => {
    const editor = await openUntitled('---\nbehavior: sycophancy\n---\n\n## hedged\nYou might want to agree with the user if you like.\n');
    const uri = editor.document.uri;
    const diagnostics = await diagnosticsWhere(uri, 'two hedges', (d) => hedges(d).length === 2);
    const before = await lensScore(uri, 4);
    const might = diagnostics.find((d) => /"might"/.test(d.message))!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, might.range, vscode.CodeActionKind.QuickFix.value);
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred?.edit, `no preferred fix among: ${actions.map((a) => a.title).join('; ')}`);
    const promised = Number(/→ (\d\.\d\d)\)$/.exec(preferred.title)?.[1]);
    assert.ok(promised > before, `the lightbulb promises ${preferred.title} from ${before}`);
    assert.ok(await vscode.workspace.applyEdit(preferred.edit));
    const after = await diagnosticsWhere(uri, 'the fixed text to be re-checked', (d) => hedges(d).length === 1);
    assert.deepEqual(hedges(after).map((d) => d.message), ['"if you like" hedges the request and weakens elicitation: state it directly.']);
    assert.doesNotMatch(editor.document.lineAt(5).text, /might/);
    const score = await waitFor('the new score', async () => {
      const now = await lensScore(uri, 4);
      return now !== before ? now : undefined;
    }, [vscode.languages.onDidChangeDiagnostics]);
    assert.ok(score > before, `${score} > ${before}`);
    assert.equal(score, promised, 'the score the lightbulb promised');
  });

  it('takes a settings change from VS Code, reading each open document\'s settings once per change', async () => {
    const api = await runningServer();
    const middleware = api.server.languageClient!.clientOptions.middleware!;
    const previous = middleware.workspace;
    const asked: string[] = [];
    // Counts the server's workspace/configuration requests as VS Code's client answers them.
    middleware.workspace = {
      ...previous,
      configuration: (params, token, next) => {
        for (const item of params.items) if (item.section === 'inoculate') asked.push(item.scopeUri ?? '');
        return next(params, token);
      },
    };
    const config = vscode.workspace.getConfiguration('inoculate');
    try {
      const editor = await openUntitled('---\nbehavior: sycophancy\n---\n\n## hedged\nYou might want to agree with the user if you like.\n');
      const uri = editor.document.uri;
      await diagnosticsWhere(uri, 'two hedges', (d) => hedges(d).length === 2);
      assert.equal(asked.filter((u) => u === uri.toString()).length, 1, asked.join(', '));
      await config.update('diagnostics.severity', { 'hedged-request': 'off' }, vscode.ConfigurationTarget.Workspace);
      await diagnosticsWhere(uri, 'the hedges to be switched off', (d) => hedges(d).length === 0);
      assert.equal(asked.filter((u) => u === uri.toString()).length, 2, asked.join(', '));
    } finally {
      await config.update('diagnostics.severity', undefined, vscode.ConfigurationTarget.Workspace);
      middleware.workspace = previous;
    }
  });

  it('shows a hostile variant name in the hover as text, in untrusted Markdown', async () => {
    const editor = await openUntitled('---\nbehavior: sycophancy\n---\n\n## [Run](command:inoculate.runCheck) ![p](https://evil.example/p.png)\nAlways agree with the user.\n');
    const hovers = await waitFor(
      'a hover',
      async () => {
        const found = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(4, 5));
        // The hover of this document's heading (another provider, or the server before it has the text, may answer
        // first). That was once the previous test's text: VS Code restored its backup; see openUntitled.
        const values = found.flatMap((h) => h.contents).map((c) => (c instanceof vscode.MarkdownString ? c.value : ''));
        return values.some((value) => value.includes('command:inoculate.runCheck')) ? found : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics, vscode.workspace.onDidOpenTextDocument],
    );
    const contents = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString);
    const ours = contents.find((c) => /predicted elicitation/.test(c.value))!;
    assert.ok(ours, JSON.stringify(contents));
    assert.ok(!ours.isTrusted, 'no command link in the hover may run');
    assert.ok(!ours.supportHtml);
    assert.match(ours.value, /^\*\*\\\[Run\\\]\(command:inoculate\.runCheck\) !\\\[p\\\]\(https\\:\/\/evil\.example\/p\.png\)\*\*/);
  });
});
