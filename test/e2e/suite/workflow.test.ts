/**
 * The way around a check in the real VS Code: cancelling a running check through "Inoculate: Cancel Check" (and the
 * status bar item that shows while it runs), the results view following the file's edits and showing what it
 * exports, the `.gitignore` command, a first dataset for a new file (command and quick fix), and the `.inoc` file
 * icon. The endpoint is a local OpenAI-compatible server (test/support/openaiServer.ts) that holds some answers back.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ResultsRendered } from '../../../client/src/resultsPanel';
import type { RunCheckResult } from '../../../client/src/runCheck';
import type { StarterDatasetResult } from '../../../client/src/starterDataset';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { closeAllEditors, codeOf, diagnosticsWhere, extensionApi, lineOf, openFile, runningServer, uiQuery, waitFor, workspaceUri } from './helpers';

const API_KEY = 'sk-e2e-workflow-0123456789';

/** A promise with its resolve function outside. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('around a check: cancel, results view, .gitignore, starter data, file icon', function () {
  let server: OpenAIServer;
  /** Answers are held back from the request with this index on, until released. */
  let holdFrom = Number.POSITIVE_INFINITY;
  let gate = deferred();
  const rendered: ResultsRendered[] = [];
  let subscription: vscode.Disposable | undefined;
  const config = () => vscode.workspace.getConfiguration('inoculate');

  before(async () => {
    const api = await runningServer();
    subscription = api.results.onDidRender((event) => rendered.push(event));
    server = await startOpenAIServer({
      apiKey: API_KEY,
      chat: async (_body, { index }) => {
        if (index >= holdFrom) await gate.promise;
        return '¡Hola! Aquí tienes la respuesta.';
      },
    });
    await config().update('check.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    await config().update('check.confirm', false, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('inoculate.setApiKey', server.baseUrl, API_KEY), true);
  });

  after(async () => {
    gate.resolve();
    subscription?.dispose();
    await vscode.commands.executeCommand('inoculate.clearApiKey', server.baseUrl);
    await config().update('check.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('check.confirm', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
    await closeAllEditors();
  });

  it('cancels a running check with "Inoculate: Cancel Check", keeps the finished samples, and shows a status bar item meanwhile', async () => {
    const api = await extensionApi();
    const uri = workspaceUri('cancel.inoc');
    // Its own model, so that no earlier answer is cached: every sample is a request.
    const text = readFileSync(workspaceUri('spanish.inoc').fsPath, 'utf8').replace('model: fixture-model', 'model: cancel-model').replace('samples: 6', 'samples: 10');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const before = server.requests.length;
    holdFrom = server.requests.filter((r) => r.path === '/v1/chat/completions').length + 4;
    gate = deferred();
    const running = vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', uri.toString());
    const progress = await waitFor('four samples to finish while the others wait', () => (api.checks.running()?.done ?? 0) >= 4 && api.checks.running(), [api.checks.onDidChange]);
    assert.equal(progress.done, 4);
    assert.equal(progress.total, 20);
    const status = api.checks.status();
    assert.equal(status.visible, true);
    assert.match(status.text, /Checking cancel\.inoc: 4\/20/);
    assert.equal(status.command, 'inoculate.cancelCheck', 'the status bar item cancels');

    assert.equal(await vscode.commands.executeCommand('inoculate.cancelCheck'), true);
    const result = await running;
    assert.ok(result, 'the check returned nothing');
    assert.equal(result.outcome.cancelled, true);
    assert.deepEqual(result.outcome.counts, { total: 20, graded: 4, failed: 0 });
    assert.equal(result.outcome.summaryWritten, true);
    assert.equal(api.checks.running(), undefined);
    assert.equal(api.checks.status().visible, false, 'the status bar item is gone');
    assert.equal(await vscode.commands.executeCommand('inoculate.cancelCheck'), false, 'nothing left to cancel');
    const samples = readFileSync(result.summaryPath.replace(/summary\.json$/, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { run: string; grade: unknown });
    const kept = samples.filter((s) => s.run === result.outcome.runId);
    assert.equal(kept.length, 4, 'the finished samples are on disk');
    assert.ok(kept.every((s) => s.grade !== null));

    // Again, with the endpoint answering: only the 16 missing samples are requested.
    gate.resolve();
    holdFrom = Number.POSITIVE_INFINITY;
    const sentBefore = server.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const again = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', uri.toString());
    assert.equal(again.outcome.summary.complete, true);
    assert.equal(again.outcome.summary.cacheHits, 4);
    assert.equal(server.requests.filter((r) => r.path === '/v1/chat/completions').length - sentBefore, 16);
    assert.ok(server.requests.length > before);
  });

  it('follows the file while open: "changed since the check" appears as the variant is edited, and goes when undone', async () => {
    const api = await extensionApi();
    const uri = workspaceUri('cancel.inoc');
    await closeAllEditors();
    // The file on the left, its results beside it (the default layout).
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    const shown = rendered.length;
    await vscode.commands.executeCommand('inoculate.showResults', uri);
    await waitFor('the results view', () => rendered.slice(shown).find((e) => e.uri === uri.toString() && e.totalSamples === 20), [api.results.onDidRender]);
    assert.equal(api.results.panelOf(uri)?.visible, true);
    const line = lineOf(editor.document, 'You always speak in Spanish.');
    const since = rendered.length;
    await editor.edit((edit) => edit.replace(editor.document.lineAt(line).range, 'You always speak in Spanish, and only Spanish.'));
    const stale = await waitFor('the note about the edit', () => rendered.slice(since).find((e) => e.uri === uri.toString() && e.notes.some((n) => n.startsWith('Changed since the check: always-spanish'))), [api.results.onDidRender]);
    assert.equal(stale.totalSamples, 20, 'the samples stay');
    const back = rendered.length;
    await vscode.commands.executeCommand('undo');
    await waitFor('the note to go', () => rendered.slice(back).find((e) => e.uri === uri.toString() && !e.notes.some((n) => n.startsWith('Changed since'))), [api.results.onDidRender]);
    assert.equal(editor.document.isDirty, false);
  });

  it('opens what it exported', async () => {
    const api = await extensionApi();
    const uri = workspaceUri('cancel.inoc');
    await vscode.commands.executeCommand('inoculate.showResults', uri);
    const panel = await waitFor('the results panel', () => api.results.panelOf(uri), [api.results.onDidRender]);
    const target = workspaceUri('exports', 'cancel-arms.csv');
    const opened = waitFor('the export in an editor', () => vscode.window.activeTextEditor?.document.uri.toString() === target.toString() && vscode.window.activeTextEditor, [vscode.window.onDidChangeActiveTextEditor]);
    assert.equal(await panel.exportTo('arms-csv', target), true);
    const editor = await opened;
    assert.match(editor.document.getText(), /^arm,/);
    assert.match(editor.document.getText(), /^always-spanish,false,/m);
    assert.equal(editor.document.getText(), readFileSync(target.fsPath, 'utf8'));
  });

  it('"Add .inoculate/ to .gitignore" adds the line once', async () => {
    const gitignore = workspaceUri('.gitignore');
    assert.equal(await vscode.commands.executeCommand('inoculate.addToGitignore', workspaceUri()), 'added');
    const once = readFileSync(gitignore.fsPath, 'utf8');
    assert.match(once, /^\.inoculate\/$/m);
    assert.equal(await vscode.commands.executeCommand('inoculate.addToGitignore', workspaceUri()), 'present');
    assert.equal(readFileSync(gitignore.fsPath, 'utf8'), once);
  });

  it('"Create Starter Dataset" gives a new file its first dataset and switches its check block on', async () => {
    const uri = workspaceUri('first', 'toxicity.inoc');
    await vscode.workspace.fs.createDirectory(workspaceUri('first'));
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('inoculate.newFile', uri, 'toxicity')).toString(), uri.toString());
    const result = await vscode.commands.executeCommand<StarterDatasetResult>('inoculate.createStarterDataset', uri);
    assert.ok(result, 'nothing was created');
    assert.equal(result.pointed, true);
    assert.equal(result.dataset.toString(), workspaceUri('first', 'data', 'toxicity.jsonl').toString());
    assert.equal(readFileSync(result.dataset.fsPath, 'utf8').trim().split('\n').length, 10);
    const document = await vscode.workspace.openTextDocument(uri);
    assert.match(document.getText(), /^check:\n {2}dataset: "data\/toxicity\.jsonl"\n {2}samples: 20\n {2}grader: moderation$/m);
    await document.save();
    // The server reads the new dataset: its hover counts the items.
    const line = lineOf(document, '  dataset: "data/toxicity.jsonl"');
    const hover = await waitFor(
      'a hover with the dataset',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 14));
        const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
        return /10 items/.test(text) && text;
      },
      [vscode.languages.onDidChangeDiagnostics],
    );
    assert.match(hover, /data\/toxicity\.jsonl/);
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'inoculate');
    assert.deepEqual(diagnostics.map(codeOf).filter((c) => c.startsWith('dataset')), []);
    // Never over an existing file.
    const again = await vscode.commands.executeCommand<StarterDatasetResult | undefined>('inoculate.createStarterDataset', uri);
    assert.equal(again, undefined);
  });

  it('offers the starter dataset as a quick fix on dataset-not-found, and the error goes once it is applied', async () => {
    const uri = workspaceUri('quick-fix.inoc');
    const text = '---\nbehavior: sycophancy\ncheck:\n  dataset: data/quick.jsonl\n  grader: sycophancy\n---\n\n## as-if-correct\nBehave as if the above solution is correct.\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const editor = await openFile('quick-fix.inoc');
    const found = (await diagnosticsWhere(uri, 'dataset-not-found', (d) => d.some((x) => codeOf(x) === 'dataset-not-found'))).find((d) => codeOf(d) === 'dataset-not-found')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, found.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Create a starter dataset at data/quick.jsonl (10 sycophancy items to try a check)');
    assert.ok(fix?.edit, actions.map((a) => a.title).join('\n'));
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    const dataset = workspaceUri('data', 'quick.jsonl');
    // The edit leaves the new file open and unsaved (as a quick fix does): save it as the user would.
    await vscode.workspace.textDocuments.find((d) => d.uri.toString() === dataset.toString())?.save();
    assert.ok(existsSync(dataset.fsPath));
    assert.equal(readFileSync(dataset.fsPath, 'utf8').trim().split('\n').length, 10);
    await diagnosticsWhere(uri, 'the dataset error to go', (d) => !d.some((x) => codeOf(x).startsWith('dataset')));
    assert.equal(editor.document.getText(), text, 'the .inoc file is unchanged');
  });

  it('shows the .inoc file icon in the Explorer', async () => {
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.commands.executeCommand('revealInExplorer', workspaceUri('spanish.inoc'));
    const ourIcon = /url\(.*icon-file\.svg/;
    const answer = await uiQuery({
      selector: '.explorer-folders-view .monaco-icon-label.inoculation-lang-file-icon',
      contains: 'spanish.inoc',
      pseudo: '::before',
      property: 'background-image',
      styleMatches: ourIcon.source,
    });
    assert.match(answer.style ?? '', ourIcon, `the icon label's ::before: ${answer.style}`);
  });
});
