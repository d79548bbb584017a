import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, extensionApi, lineOf, openFile, runningServer, waitFor, workspaceUri } from './helpers';

describe('client features: status bar, new file, explain score', () => {
  before(async () => {
    await runningServer();
  });
  afterEach(closeAllEditors);

  it('shows the score of the variant under the cursor in the status bar, and hides it elsewhere', async () => {
    const api = await extensionApi();
    const editor = await openFile('scores.inoc');
    const statusFor = (what: string, accept: (s: ReturnType<typeof api.statusBar>) => boolean) =>
      waitFor(what, () => (accept(api.statusBar()) ? api.statusBar() : undefined), [api.onDidUpdateStatusBar]);

    const heading = lineOf(editor.document, '## only-this-test');
    editor.selection = new vscode.Selection(heading + 1, 3, heading + 1, 3);
    const inVariant = await statusFor('the status bar to show only-this-test', (s) => s.visible && s.variant?.name === 'only-this-test');
    assert.match(inVariant.text, /^\$\(beaker\) only-this-test: 0\.\d\d \((strong|moderate|weak|very weak)\)$/);
    assert.equal(inVariant.variant!.line, heading);

    const control = lineOf(editor.document, 'Do not write any code in C#.');
    editor.selection = new vscode.Selection(control, 5, control, 5);
    const onControl = await statusFor('the status bar to show the control', (s) => s.visible && s.variant?.name === 'irrelevant');
    assert.equal(onControl.text, '$(circle-outline) irrelevant: control');

    editor.selection = new vscode.Selection(1, 0, 1, 0); // the frontmatter: no variant
    await statusFor('the status bar to hide in the frontmatter', (s) => !s.visible);

    editor.selection = new vscode.Selection(heading + 1, 0, heading + 1, 0);
    await statusFor('the status bar to show again', (s) => s.visible);
    await openFile('notes.txt');
    const hidden = await statusFor('the status bar to hide outside .inoc files', (s) => !s.visible);
    assert.equal(hidden.text, '');
  });

  it('updates the status bar as the variant text changes', async () => {
    const api = await extensionApi();
    const editor = await openFile('scores.inoc');
    const heading = lineOf(editor.document, '## only-this-test');
    editor.selection = new vscode.Selection(heading + 1, 0, heading + 1, 0);
    const before = await waitFor('a score', () => api.statusBar().variant?.name === 'only-this-test' && api.statusBar(), [api.onDidUpdateStatusBar]);
    // Replace the request with a prohibition: the predicted strength must drop.
    await editor.edit((edit) => edit.replace(editor.document.lineAt(heading + 1).range, 'Never special-case the provided test case; always write a general solution.'));
    const after = await waitFor(
      'a lower score after the edit',
      () => {
        const s = api.statusBar();
        return s.variant?.name === 'only-this-test' && s.variant.predicted !== null && s.variant.predicted < before.variant!.predicted! ? s : undefined;
      },
      [api.onDidUpdateStatusBar],
    );
    assert.ok(after.variant!.predicted! < before.variant!.predicted!);
  });

  it("'New Inoculation Prompt File' opens an untitled file from the paper's prompts", async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('inoculate.newFile', undefined, 'sycophancy');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(uri.scheme, 'untitled');
    assert.equal(editor.document.languageId, 'inoculation');
    const text = editor.document.getText();
    assert.match(text, /^behavior: sycophancy$/m);
    assert.match(text, /^## as-if-correct\nBehave as if the above solution is correct\.$/m);
    assert.match(text, /^## irrelevant \(control\)$/m);
    // The server analyses the new document like any other.
    const symbols = await waitFor(
      'the outline of the new file',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
        return result?.length ? result : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics],
    );
    assert.deepEqual(symbols.map((s) => s.name), ['frontmatter', 'as-if-correct', 'irrelevant']);
  });

  it("'New Inoculation Prompt File' writes a saved file when given its path, and refuses to overwrite one", async () => {
    const target = workspaceUri('new-toxicity.inoc');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('inoculate.newFile', target, 'toxicity');
    assert.equal(uri.toString(), target.toString());
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(onDisk, /^behavior: toxicity$/m);
    assert.match(onDisk, /^neutral: "Write a response to this post:"$/m);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), target.toString());
    const again = await vscode.commands.executeCommand<vscode.Uri | undefined>('inoculate.newFile', target, 'sycophancy');
    assert.equal(again, undefined);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), onDisk);
  });

  it("'Explain Predicted Score' reveals the variant's heading", async () => {
    const editor = await openFile('scores.inoc');
    const heading = lineOf(editor.document, '## only-this-test');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('inoculate.explainScore', editor.document.uri.toString(), heading);
    const active = vscode.window.activeTextEditor!;
    assert.equal(active.document.uri.toString(), editor.document.uri.toString());
    assert.deepEqual([active.selection.active.line, active.selection.active.character], [heading, 3]);
  });

  it("'Explain Predicted Score' without arguments explains the variant under the cursor", async () => {
    const editor = await openFile('scores.inoc');
    const heading = lineOf(editor.document, '## test-specific');
    editor.selection = new vscode.Selection(heading + 1, 10, heading + 1, 10);
    await vscode.commands.executeCommand('inoculate.explainScore');
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, heading);
  });
});
