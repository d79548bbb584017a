import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, EXTENSION_ID, extensionApi, openFile, runningServer, waitFor } from './helpers';

describe('activation and the language server process', () => {
  after(closeAllEditors);

  it('activates when a .inoc file opens, in the web workbench with a remote Node extension host', async () => {
    const editor = await openFile('scores.inoc');
    assert.equal(editor.document.languageId, 'inoculation');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    // Opening the file triggered activation (onLanguage); activate() resolves once that activation has finished.
    await extension.activate();
    assert.ok(extension.isActive);
    assert.deepEqual(extension.packageJSON.activationEvents.includes('onLanguage:inoculation'), true);
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.ok(vscode.env.remoteName, 'expected a remote extension host');
  });

  it('runs the server as its own Node process', async () => {
    const api = await runningServer();
    const pid = api.server.serverProcessId;
    assert.equal(typeof pid, 'number');
    assert.notEqual(pid, process.pid);
    process.kill(pid!, 0); // throws if there is no such process
    assert.equal(api.server.languageClient?.initializeResult?.serverInfo?.name, 'inoculate-language-server');
  });

  it('restarts the server after it crashes, and it answers again', async () => {
    const api = await runningServer();
    const editor = await openFile('scores.inoc');
    const crashed = api.server.serverProcessId!;
    process.kill(crashed, 'SIGKILL');
    const restarted = await waitFor(
      'a new server process',
      () => {
        const pid = api.server.serverProcessId;
        return pid !== undefined && pid !== crashed ? pid : undefined;
      },
      [api.server.onDidChangeState],
    );
    assert.notEqual(restarted, crashed);
    const heading = new vscode.Position(7, 4);
    assert.equal(editor.document.lineAt(7).text, '## test-specific');
    const hovers = await waitFor(
      'a hover from the restarted server',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, heading);
        return result.length ? result : undefined;
      },
      [api.server.onDidChangeState, vscode.languages.onDidChangeDiagnostics],
    );
    assert.ok(hovers.length > 0);
  });

  it("restarts the server on 'Inoculate: Restart Language Server'", async () => {
    const api = await extensionApi();
    const before = (await runningServer()).server.serverProcessId;
    await vscode.commands.executeCommand('inoculate.restartServer');
    const after = await waitFor(
      'the server to run again',
      () => (api.server.languageClient?.isRunning() ? api.server.serverProcessId : undefined),
      [api.server.onDidChangeState],
    );
    assert.notEqual(after, before);
  });
});
