/**
 * The check flow end to end: the real engine in the extension host against a real local OpenAI-compatible HTTP
 * server (test/support/openaiServer.ts) and, for `provider: vscode-lm`, against a chat model registered through the
 * public `vscode.lm` API by the fixture extension (test/e2e/fixtures-ext).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { RunCheckResult } from '../../../client/src/runCheck';
import { checkResultPaths } from '../../../core/src/check/layout';
import { MeasurementsChangedNotification } from '../../../server/src/protocol';
import type { CheckSummary } from '../../../core/src/check/types';
import type { ResultsRendered } from '../../../client/src/resultsPanel';
import { startOpenAIServer, type ChatCompletionBody, type OpenAIServer } from '../../support/openaiServer';
import { closeAllEditors, extensionApi, lineOf, openFile, runningServer, waitFor, workspaceUri } from './helpers';

const API_KEY = 'sk-e2e-secret-0123456789';

/** The text of every message of a request, for the fake model to decide its answer. */
const promptOf = (body: ChatCompletionBody) =>
  body.messages.map((m) => (typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join(''))).join('\n');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('elicitation checks', function () {
  let server: OpenAIServer;
  const rendered: ResultsRendered[] = [];
  let subscription: vscode.Disposable | undefined;
  const config = () => vscode.workspace.getConfiguration('inoculate');

  before(async () => {
    const api = await runningServer();
    subscription = api.results.onDidRender((event) => rendered.push(event));
    server = await startOpenAIServer({
      apiKey: API_KEY,
      models: ['fixture-model'],
      // FLOOD: an answer far over the byte limit the file sets (check.maxResponseBytes).
      chat: (body) => (/FLOOD/.test(promptOf(body)) ? 'flood '.repeat(40_000) : /spanish/i.test(promptOf(body)) ? '¡Hola! Aquí tienes la respuesta.' : 'Hello! Here is the answer.'),
    });
    // The user's own settings (a workspace's may not switch the confirmation off, nor steer a key unasked: see
    // client/src/checkSettings.test.ts). The confirmation is a modal dialog no test can click; its text is
    // unit-tested (checkConfirmation.test.ts).
    await config().update('check.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    await config().update('check.confirm', false, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('inoculate.setApiKey', server.baseUrl, API_KEY), true);
  });

  after(async () => {
    subscription?.dispose();
    await vscode.commands.executeCommand('inoculate.clearApiKey', server.baseUrl);
    await config().update('check.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('check.confirm', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
    await closeAllEditors();
  });

  it('runs every arm against the endpoint with the stored key and writes the results under .inoculate/', async () => {
    const uri = workspaceUri('spanish.inoc');
    const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', uri.toString());
    assert.ok(result, 'the check did not run');
    const { summary } = result.outcome;
    assert.equal(result.outcome.cancelled, false);
    assert.equal(result.outcome.fatal, undefined);
    assert.deepEqual(
      summary.arms.map((a) => [a.name, a.control, a.k, a.n]),
      [
        ['always-spanish', false, 6, 6],
        ['concise', true, 0, 6],
      ],
    );
    assert.equal(summary.arms[0]!.lift, 1);
    assert.equal(summary.complete, true);
    const chats = server.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.length, 12);
    for (const request of chats) assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(summary.requests, 12);
    assert.ok(result.summaryPath.startsWith(workspaceUri('.inoculate', 'checks').fsPath), result.summaryPath);
    assert.deepEqual(JSON.parse(readFileSync(result.summaryPath, 'utf8')).arms.length, 2);
  });

  it('never writes the API key to results, the cache or settings', () => {
    for (const file of [...filesUnder(workspaceUri('.inoculate').fsPath), ...filesUnder(workspaceUri('.vscode').fsPath)]) {
      assert.ok(!readFileSync(file, 'utf8').includes(API_KEY), `the key is in ${file}`);
    }
  });

  it('opens the results view, which draws both arms and a page of samples', async () => {
    const uri = workspaceUri('spanish.inoc');
    const event = await waitFor(
      'the results view to draw the samples',
      () => rendered.find((e) => e.uri === uri.toString() && e.arms === 2 && e.totalSamples === 12),
      [(await extensionApi()).results.onDidRender],
    );
    assert.equal(event.samplesShown, 12);
    const panel = (await extensionApi()).results.panelOf(uri);
    assert.ok(panel, 'no results panel for spanish.inoc');
    const arms = await panel.exportText('arms-csv');
    assert.match(arms!, /^always-spanish,false,6,6,1,/m);
    assert.match(arms!, /^concise,true,6,0,0,/m);
    const json = JSON.parse((await panel.exportText('json'))!);
    assert.equal(json.samples.length, 12);
    const first = json.samples[0];
    assert.equal(first.arm, 'always-spanish');
    assert.equal(first.response, '¡Hola! Aquí tienes la respuesta.');
    assert.equal(first.behavior, true);
    // The prompt is rebuilt from the file and dataset and matches what was sent.
    assert.ok(first.prompt, first.promptNote);
    assert.match(first.prompt.at(-1).content, /^You always speak in Spanish\.\n\n/);
    const csv = (await panel.exportText('samples-csv'))!;
    assert.equal(csv.trimEnd().split('\r\n').length, 13);
  });

  it('closing the results view while it reads the results leaves no error behind ("Webview is disposed")', async () => {
    const uri = workspaceUri('spanish.inoc');
    const api = await extensionApi();
    await vscode.commands.executeCommand('inoculate.showResults', uri);
    const panel = api.results.panelOf(uri);
    assert.ok(panel, 'no results panel for spanish.inoc');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // The reload reads the summary and the samples from disk; the user closes the view meanwhile.
      const reloading = panel.reload();
      panel.close();
      await reloading;
      assert.equal(api.results.panelOf(uri), undefined, 'the closed view is forgotten');
      // Opening it again works as before.
      const since = rendered.length;
      await vscode.commands.executeCommand('inoculate.showResults', uri);
      await waitFor('the reopened results view to draw', () => rendered.slice(since).find((e) => e.uri === uri.toString()), [api.results.onDidRender]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled.map(String).filter((reason) => /disposed/i.test(reason)), []);
  });

  it('shows the measured rate in the code lenses once the server reloads the results', async () => {
    const editor = await openFile('spanish.inoc');
    const heading = lineOf(editor.document, '## always-spanish');
    const lens = await waitFor(
      'a "measured" code lens',
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
        return lenses.find((l) => l.range.start.line === heading && l.command?.title.startsWith('measured'));
      },
      [vscode.languages.onDidChangeDiagnostics, (await extensionApi()).server.onDidChangeState],
    );
    assert.match(lens.command!.title, /^measured 100% \[\d+%, 100%\] \(6\/6\), lift \+100 pts \[\+\d+, \+100\]$/);
    assert.equal(lens.command!.command, 'inoculate.showResults');
  });

  it('answers a re-run from the cache: nothing is sent', async () => {
    const before = server.requests.length;
    const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', workspaceUri('spanish.inoc').toString());
    assert.equal(server.requests.length, before);
    assert.equal(result.outcome.summary.cacheHits, 12);
    assert.equal(result.outcome.summary.requests, 0);
  });

  it('checks only the variant asked for, keeping the control and the other arms\' results', async () => {
    const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', workspaceUri('spanish.inoc').toString(), 'always-spanish');
    assert.deepEqual(result.outcome.summary.arms.map((a) => [a.name, a.k, a.n]), [
      ['always-spanish', 6, 6],
      ['concise', 0, 6],
    ]);
  });

  it('stops with a clear message when the endpoint refuses the request without a key, and the open results view says the run produced nothing', async () => {
    const api = await extensionApi();
    const uri = workspaceUri('spanish.inoc');
    await vscode.commands.executeCommand('inoculate.showResults', uri);
    await vscode.commands.executeCommand('inoculate.clearApiKey', server.baseUrl);
    // Another model: the cache cannot answer, so requests reach the server, which wants the key.
    await config().update('check.model', 'other-model', vscode.ConfigurationTarget.Global);
    try {
      const since = rendered.length;
      const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', uri.toString());
      assert.equal(result.outcome.fatal?.kind, 'auth');
      assert.match(result.outcome.fatal!.message, /refused the API key \(401\).*Set API Key/);
      assert.equal(result.outcome.summaryWritten, false);
      assert.ok(result.outcome.counts.failed >= 1);
      const last = server.requests.at(-1)!;
      assert.notEqual(last.headers.authorization, `Bearer ${API_KEY}`);
      // The view keeps the earlier results, only their samples, and says what became of this run.
      const event = await waitFor(
        'the results view to note the run that produced nothing',
        () => rendered.slice(since).find((e) => e.uri === uri.toString() && e.notes.some((n) => n.startsWith('The latest run'))),
        [api.results.onDidRender],
      );
      assert.equal(event.totalSamples, 12, "the failed run's samples are not shown under the earlier figures");
      assert.match(event.notes.find((n) => n.startsWith('The latest run'))!, /produced no results: .*failed\. The first failure: .*refused the API key.*Shown below: the results of the earlier check/);
      const json = JSON.parse((await api.results.panelOf(uri)!.exportText('json'))!);
      assert.ok(json.samples.every((s: { error: string | null }) => s.error === null), 'a failed sample is listed with the earlier results');
    } finally {
      await config().update('check.model', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('inoculate.setApiKey', server.baseUrl, API_KEY);
    }
  });

  it("runs a `provider: vscode-lm` check through VS Code's language models", async () => {
    const models = await vscode.lm.selectChatModels({ vendor: 'inoculate-fixture' });
    assert.deepEqual(models.map((m) => m.family), ['spanish-echo']);
    const before = await vscode.commands.executeCommand<number>('inoculateFixture.requestCount');
    const sentToServer = server.requests.length;
    const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', workspaceUri('spanish-lm.inoc').toString());
    assert.ok(result, 'the check did not run');
    assert.equal(result.outcome.fatal, undefined, result.outcome.fatal?.message);
    assert.deepEqual(result.outcome.summary.arms.map((a) => [a.name, a.k, a.n]), [
      ['always-spanish', 6, 6],
      ['concise', 0, 6],
    ]);
    assert.equal(result.outcome.summary.provider, 'vscode-lm');
    assert.equal((await vscode.commands.executeCommand<number>('inoculateFixture.requestCount')) - before, 12);
    assert.equal(server.requests.length, sentToServer, 'a vscode-lm check must not reach the HTTP endpoint');
  });

  it('reports an unknown vscode-lm model by name with the models there are', async () => {
    const uri = workspaceUri('unknown-lm.inoc');
    const text = readFileSync(workspaceUri('spanish-lm.inoc').fsPath, 'utf8').replace('model: inoculate-fixture/spanish-echo', 'model: no-such/model');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', uri.toString());
    assert.equal(result.outcome.fatal?.kind, 'not-found');
    assert.match(result.outcome.fatal!.message, /No VS Code language model 'no-such\/model'\. Available: .*inoculate-fixture\/spanish-echo/);
  });

  it("reads at most the file's check.maxResponseBytes of an answer, from an endpoint and from VS Code's language models", async () => {
    const cases = [
      { file: 'flood.inoc', source: 'spanish.inoc', endpoint: 'The endpoint' },
      { file: 'flood-lm.inoc', source: 'spanish-lm.inoc', endpoint: "The VS Code language model 'inoculate-fixture/spanish-echo'" },
    ];
    for (const { file, source, endpoint } of cases) {
      const uri = workspaceUri(file);
      const text = readFileSync(workspaceUri(source).fsPath, 'utf8')
        .replace('  samples: 6\n', '  samples: 6\n  maxResponseBytes: 2048\n')
        .replace('## always-spanish\nYou always speak in Spanish.', '## flood\nAnswer with FLOOD.');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      const result = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', uri.toString());
      assert.ok(result, `the check of ${file} did not run`);
      // The long answers failed, recorded as cut off; the control's short answers were graded.
      assert.deepEqual(result.outcome.summary.arms.map((a) => [a.name, a.n, a.failed]), [['flood', 0, 6], ['concise', 6, 0]], file);
      const records = readFileSync(result.summaryPath.replace(/summary\.json$/, 'samples.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { arm: string; truncated?: boolean; error: string | null; response: string | null });
      const flood = records.filter((r) => r.arm === 'flood');
      assert.equal(flood.length, 6, file);
      for (const record of flood) {
        assert.equal(record.truncated, true, file);
        assert.equal(record.response, null, file);
        assert.match(record.error ?? '', new RegExp(`^${endpoint.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.* sent more than 2,048 bytes for one answer`), file);
      }
    }
  });

  it('says when the results shown were found in the repository rather than measured by this user: code lens, hover and results view', async () => {
    const api = await extensionApi();
    // A copy of spanish.inoc whose summary came with the repository: spanish.inoc's own, unsigned.
    const uri = workspaceUri('found.inoc');
    await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(workspaceUri('spanish.inoc')));
    const own = checkResultPaths(workspaceUri().fsPath, workspaceUri('spanish.inoc').fsPath);
    const found = checkResultPaths(workspaceUri().fsPath, uri.fsPath);
    const { provenance: _signature, ...summary } = JSON.parse(readFileSync(own.summary, 'utf8')) as CheckSummary;
    assert.ok(_signature, 'a check run in the editor signs its summary');
    mkdirSync(dirname(found.summary), { recursive: true });
    writeFileSync(found.summary, JSON.stringify({ ...summary, file: found.relativeFile }));
    const editor = await openFile('found.inoc');
    const heading = lineOf(editor.document, '## always-spanish');
    // Results changed on disk: what the client says after a check (the file watcher says it after a pull, at a time
    // no test can wait on). Lenses asked for after it wait for the reload it starts.
    const client = api.server.languageClient!;
    // By its method name: the type object of this bundle is not the extension bundle's.
    await client.sendNotification(MeasurementsChangedNotification.method, { uris: [client.code2ProtocolConverter.asUri(uri)] });
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
    const lens = lenses.find((l) => l.range.start.line === heading && l.command?.title.startsWith('measured'));
    assert.ok(lens, lenses.map((l) => l.command?.title).join(' | '));
    assert.match(lens.command!.title, /^measured elsewhere 100% /);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(heading, 4));
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /Measured elsewhere: .*not measured by you/);
    // spanish.inoc's own results: measured here.
    const ownEditor = await openFile('spanish.inoc');
    const ownLenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', ownEditor.document.uri, 10);
    assert.ok(ownLenses.some((l) => /^measured 100% /.test(l.command?.title ?? '')), ownLenses.map((l) => l.command?.title).join(' | '));

    const since = rendered.length;
    await vscode.commands.executeCommand('inoculate.showResults', uri);
    const event = await waitFor('the results view of found.inoc', () => rendered.slice(since).find((e) => e.uri === uri.toString() && e.arms === 2), [api.results.onDidRender]);
    assert.match(event.notes[0] ?? '', /^Measured elsewhere: .*not measured by you/);
    const ownSince = rendered.length;
    await vscode.commands.executeCommand('inoculate.showResults', workspaceUri('spanish.inoc'));
    const ownEvent = await waitFor('the results view of spanish.inoc', () => rendered.slice(ownSince).find((e) => e.uri === workspaceUri('spanish.inoc').toString() && e.arms === 2), [api.results.onDidRender]);
    assert.ok(!ownEvent.notes.some((n) => /elsewhere/.test(n)), ownEvent.notes.join(' | '));
  });
});
