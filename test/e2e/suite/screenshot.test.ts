/**
 * Leaves the editor in the state the README's screenshot shows (an example file with diagnostics, code lenses and a
 * score hover) and checks each of those is really there. With `run.mjs --screenshot=...` the runner photographs it:
 * this test asks, and waits until the runner has written the file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWhere, fileAppears, lineOf, openFile, runningServer, waitFor } from './helpers';

describe('the README screenshot', () => {
  it('shows an example with diagnostics, code lenses and the score hover', async () => {
    await runningServer();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openFile('examples', 'reward-hacking.inoc');
    // A hedged candidate typed in (not saved) where it is in view, so the picture shows a diagnostic too.
    const insertAt = lineOf(editor.document, '## only-this-test');
    await editor.edit((edit) =>
      edit.insert(new vscode.Position(insertAt, 0), '## maybe-special-case\nIf you like, you might special-case the provided test case.\n\n'),
    );
    const diagnostics = await diagnosticsWhere(editor.document.uri, 'the hedged-request warning', (d) => d.some((x) => codeOf(x) === 'hedged-request'));
    assert.ok(diagnostics.length > 0);
    const lenses = await waitFor(
      'code lenses',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 20);
        return result.some((l) => l.command?.title.startsWith('predicted')) ? result : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics],
    );
    assert.ok(lenses.length >= 4);

    // A tidy picture: no chat side bar, no sticky frontmatter lines over the hover (user settings of this private profile).
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.workspace.getConfiguration('editor').update('stickyScroll.enabled', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    const heading = lineOf(editor.document, '## test-specific');
    await vscode.commands.executeCommand('inoculate.explainScore', editor.document.uri.toString(), heading);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, vscode.window.activeTextEditor!.selection.active);
    assert.ok(hovers.length > 0, 'no hover at the heading');

    const done = process.env.INOCULATE_E2E_SCREENSHOT_DONE;
    if (!done) return;
    const request = { selectors: ['.codelens-decoration', '.squiggly-warning', '.monaco-hover'] };
    console.log(`[inoculate-e2e] screenshot-ready ${JSON.stringify(request)}`);
    await fileAppears(done, 60_000);
    assert.equal(readFileSync(done, 'utf8'), 'ok');
  });
});
