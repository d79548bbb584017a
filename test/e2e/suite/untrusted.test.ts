/**
 * Restricted mode in the real VS Code: the runner's `--untrusted` pass opens the workspace without trusting it (and
 * sets INOCULATE_E2E_UNTRUSTED, which makes `index.ts` load this file alone). Linting, hovers and scores still work;
 * checks are not offered, `inoculate.runCheck` refuses with its message (read from the workbench's notification by
 * the runner) and sends nothing to a local OpenAI-compatible server that would answer, and the endpoint settings
 * from the workspace's `.vscode/settings.json` (restricted in the manifest) are not applied.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { closeAllEditors, codeOf, diagnosticsWhere, extensionApi, fileAppears, lineOf, openFile, runningServer, waitFor, workspaceUri } from './helpers';

const REFUSAL = /^Inoculate: elicitation checks are disabled in an untrusted workspace: they send your prompts and data to a model endpoint and may run model-written code\. Trust the workspace to run them\./;

let queries = 0;

/**
 * The text of the notification containing `contains`, as the workbench shows it in the notification centre, read from
 * the page by the runner (the extension API cannot read notifications): this file logs a request, the runner answers
 * in a file. The centre is opened first: the headless workbench shows no toasts, but the centre lists every
 * notification, including those that arrive while it is open.
 */
async function notificationText(contains: string): Promise<string> {
  await vscode.commands.executeCommand('notifications.showList');
  const dir = join(tmpdir(), 'inoculate-ui-queries');
  mkdirSync(dir, { recursive: true });
  const reply = join(dir, `reply-${process.pid}-${++queries}.json`);
  console.log(`[inoculate-e2e] ui-text ${JSON.stringify({ selector: '.notifications-center .notification-list-item-message', contains, reply })}`);
  await fileAppears(reply, 60_000);
  const answer = JSON.parse(readFileSync(reply, 'utf8')) as { text?: string; error?: string };
  if (answer.error !== undefined) throw new Error(`the runner found no notification containing "${contains}": ${answer.error}`);
  return answer.text!;
}

// index.ts loads this file only in the untrusted pass; should anything else load it, it skips rather than fail.
(process.env.INOCULATE_E2E_UNTRUSTED === '1' ? describe : describe.skip)('an untrusted workspace (restricted mode)', () => {
  let server: OpenAIServer;
  const settingsFile = () => workspaceUri('.vscode', 'settings.json').fsPath;

  before(async () => {
    await runningServer();
    // An endpoint that would answer every request, so a check that slipped through would show up in its log.
    server = await startOpenAIServer({ chat: () => '¡Hola! Aquí tienes la respuesta.' });
  });

  after(async () => {
    await server?.close();
    await vscode.commands.executeCommand('notifications.hideList');
    await closeAllEditors();
  });

  it('is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still publishes diagnostics', async () => {
    const editor = await openFile('problems.inoc');
    const diagnostics = await diagnosticsWhere(editor.document.uri, 'diagnostics of problems.inoc', (d) => d.length >= 3);
    const codes = diagnostics.map(codeOf);
    for (const code of ['unknown-key', 'hedged-request', 'prohibits-behavior']) assert.ok(codes.includes(code), `missing ${code} in ${codes.join(', ')}`);
  });

  it('still explains the score in the hover', async () => {
    const editor = await openFile('scores.inoc');
    const heading = lineOf(editor.document, '## test-specific');
    const hovers = await waitFor(
      'a hover',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(heading, 5));
        return result.length ? result : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics],
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /test-specific/);
    assert.match(text, /0\.\d\d/);
  });

  it('shows the predicted scores in code lenses, but offers no "▶ Check"', async () => {
    const editor = await openFile('scores.inoc');
    const lenses = await waitFor(
      'code lenses with a predicted score',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
        return result.some((l) => l.command?.title.startsWith('predicted')) ? result : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics, (await extensionApi()).server.onDidChangeState],
    );
    const titles = lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`);
    assert.ok(titles.includes(`${lineOf(editor.document, '## irrelevant (control)')}: control arm`), titles.join('\n'));
    assert.ok(!titles.some((t) => t.includes('▶ Check')), `a check is offered:\n${titles.join('\n')}`);
    assert.ok(lenses.every((l) => l.command?.command !== 'inoculate.runCheck'), 'a lens runs inoculate.runCheck');
  });

  it("does not apply the workspace's endpoint settings (restricted), while its other settings apply", async () => {
    mkdirSync(dirname(settingsFile()), { recursive: true });
    writeFileSync(
      settingsFile(),
      JSON.stringify({ 'inoculate.check.baseUrl': server.baseUrl, 'inoculate.check.model': 'workspace-model', 'inoculate.check.confirm': false }, null, 2),
    );
    const config = () => vscode.workspace.getConfiguration('inoculate');
    // The unrestricted setting from the same file shows that VS Code has read it.
    await waitFor('the workspace settings to be read', () => config().get('check.confirm') === false, [vscode.workspace.onDidChangeConfiguration]);
    assert.equal(config().get('check.baseUrl'), '');
    assert.equal(config().get('check.model'), '');
    assert.equal(config().inspect('check.baseUrl')?.workspaceValue, undefined);
    assert.equal(config().inspect('check.model')?.workspaceValue, undefined);
  });

  it('refuses to run a check, with the untrusted message, and sends nothing', async () => {
    const running = vscode.commands.executeCommand<unknown>('inoculate.runCheck', workspaceUri('spanish.inoc').toString());
    const text = await notificationText('untrusted workspace');
    assert.match(text, REFUSAL);
    // Dismissing the notification settles the command: it ran nothing.
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await running, undefined);
    assert.deepEqual(server.requests, [], 'a request reached the endpoint');
    assert.ok(!existsSync(workspaceUri('.inoculate').fsPath), 'results were written');
  });

  it('refuses a file that names the endpoint in its own frontmatter too', async () => {
    const uri = workspaceUri('own-endpoint.inoc');
    const text = readFileSync(workspaceUri('spanish.inoc').fsPath, 'utf8').replace('model: fixture-model', `model: fixture-model\nbaseUrl: ${server.baseUrl}`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await vscode.window.showTextDocument(uri);
    const running = vscode.commands.executeCommand<unknown>('inoculate.runCheck');
    assert.match(await notificationText('untrusted workspace'), REFUSAL);
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await running, undefined);
    assert.deepEqual(server.requests, [], 'a request reached the endpoint');
  });
});
