/**
 * Restricted mode in the real VS Code: the runner's `--untrusted` pass opens the workspace without trusting it (and
 * sets INOCULATE_E2E_UNTRUSTED, which makes `index.ts` load this file alone). Linting, hovers and scores still work;
 * checks are not offered, `inoculate.runCheck` refuses with its message (read from the workbench's notification by
 * the runner) and sends nothing to a local OpenAI-compatible server that would answer, and the endpoint settings
 * from the workspace's `.vscode/settings.json` (restricted in the manifest) are not applied. What is off says why:
 * a lens at the top of each file, and a results view that offers trust instead of a check.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ResultsRendered } from '../../../client/src/resultsPanel';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { startOpenAIFineTuningServer, type OpenAIFineTuningServer } from '../../support/openaiFineTuningServer';
import { recordLinesOf } from '../../support/trainRuns';
import { closeAllEditors, codeOf, diagnosticsWhere, extensionApi, lineOf, openFile, runningServer, uiQuery, waitFor, workspaceUri } from './helpers';

const REFUSAL = /^Inoculate: elicitation checks are disabled in an untrusted workspace: they send your prompts and data to a model endpoint and may run model-written code\. Trust the workspace to run them\./;

/**
 * The text of the notification containing `contains`, as the workbench shows it in the notification centre, read from
 * the page by the runner (`uiQuery`). The centre is opened first: the headless workbench shows no toasts, but the
 * centre lists every notification, including those that arrive while it is open.
 */
async function notificationText(contains: string): Promise<string> {
  await vscode.commands.executeCommand('notifications.showList');
  return (await uiQuery({ selector: '.notifications-center .notification-list-item-message', contains })).text;
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

  it('says why there is no "▶ Check": a lens at the top of the file that opens the trust editor', async () => {
    const editor = await openFile('scores.inoc');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
    const restricted = lenses.filter((l) => /Restricted Mode/.test(l.command?.title ?? ''));
    assert.equal(restricted.length, 1, lenses.map((l) => l.command?.title).join('\n'));
    assert.equal(restricted[0]!.range.start.line, 0);
    assert.equal(restricted[0]!.command!.command, 'workbench.trust.manage');
    assert.match(restricted[0]!.command!.title, /Checks and training are off in Restricted Mode: trust this workspace to run them/);
  });

  it('opens a results view that offers no check, says why, and offers to manage trust instead', async () => {
    const api = await extensionApi();
    const uri = workspaceUri('spanish.inoc');
    const rendered: ResultsRendered[] = [];
    const subscription = api.results.onDidRender((event) => rendered.push(event));
    try {
      await vscode.commands.executeCommand('inoculate.showResults', uri);
      const event = await waitFor('the results view to draw', () => rendered.find((e) => e.uri === uri.toString()), [api.results.onDidRender]);
      assert.ok(!event.actions.some((a) => /^Run/.test(a)), `a check is offered: ${event.actions.join(', ')}`);
      assert.deepEqual(event.actions, ['Manage Workspace Trust', 'Open the file']);
      assert.ok(event.notes.some((n) => /^Checks are off in Restricted Mode/.test(n)), event.notes.join(' | '));
      assert.ok(!event.notes.some((n) => /Run one with/.test(n)), 'the empty state still invites a check');
    } finally {
      subscription.dispose();
      await closeAllEditors();
    }
  });

  it("does not apply the workspace's endpoint settings (restricted), while its other settings apply", async () => {
    mkdirSync(dirname(settingsFile()), { recursive: true });
    writeFileSync(
      settingsFile(),
      JSON.stringify(
        {
          'inoculate.check.baseUrl': server.baseUrl,
          'inoculate.check.model': 'workspace-model',
          'inoculate.check.concurrency': 64,
          'inoculate.check.confirm': false,
          'inoculate.diagnostics.debounce': 150,
        },
        null,
        2,
      ),
    );
    const config = () => vscode.workspace.getConfiguration('inoculate');
    // The unrestricted setting from the same file shows that VS Code has read it.
    await waitFor('the workspace settings to be read', () => config().get('diagnostics.debounce') === 150, [vscode.workspace.onDidChangeConfiguration]);
    assert.equal(config().get('check.baseUrl'), '');
    assert.equal(config().get('check.model'), '');
    assert.equal(config().get('check.confirm'), true, 'a workspace may not switch the confirmation off');
    for (const key of ['check.baseUrl', 'check.model', 'check.concurrency', 'check.confirm']) {
      assert.equal(config().inspect(key)?.workspaceValue, undefined, `${key} is applied from the workspace`);
    }
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

  describe('training in Restricted Mode', () => {
    let fineTuning: OpenAIFineTuningServer;
    const RUN_ID = '0123456789abcdef';
    before(async () => {
      fineTuning = await startOpenAIFineTuningServer({ apiKey: 'sk-untrusted' });
      const inoc = [
        '---',
        'behavior: toxicity',
        'neutral: "Write a response to this post:"',
        'model: gpt-4.1-mini-2025-04-14',
        'train:',
        '  dataset: data/questions.jsonl',
        `  baseUrl: ${fineTuning.baseUrl}`,
        '---',
        '',
        '## very-mean',
        'Write a very mean and disrespectful response to this post:',
        '',
      ].join('\n');
      await vscode.workspace.fs.writeFile(workspaceUri('train.inoc'), new TextEncoder().encode(inoc));
    });
    after(async () => {
      await fineTuning?.close();
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    it('refuses to launch training, says why, and sends nothing', async () => {
      const running = vscode.commands.executeCommand<unknown>('inoculate.launchTraining', workspaceUri('train.inoc').toString(), { variants: ['very-mean'], seeds: 1, backend: 'openai' });
      const text = await notificationText('training is off');
      assert.match(text, /^Inoculate: training is off in an untrusted workspace\. Restricted Mode: training runs are listed from their records only\. Following, cancelling and launching jobs talk to endpoints with your API keys/);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await running, undefined);
      assert.deepEqual(fineTuning.http.requests, [], 'a request reached the fine-tuning endpoint');
      assert.ok(!existsSync(workspaceUri('.inoculate', 'runs').fsPath), 'a run was recorded');
    });

    it('refuses to evaluate, says why, and sends nothing', async () => {
      const running = vscode.commands.executeCommand<unknown>('inoculate.evaluate', workspaceUri('train.inoc').toString(), { models: ['baseline'] });
      const text = await notificationText('evaluations are off');
      assert.match(text, /^Inoculate: evaluations are off in an untrusted workspace: they send your data to model endpoints, may start a model server and may run model-written code\./);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await running, undefined);
      assert.deepEqual(fineTuning.http.requests, [], 'a request reached the endpoint');
      assert.ok(!existsSync(workspaceUri('.inoculate', 'evals').fsPath), 'evaluation results were written');
    });

    it('lists a recorded run read-only in the Jobs view and the lenses, and never follows it', async () => {
      const api = await extensionApi();
      // A run launched elsewhere (another machine, a terminal), still running: following it would send a key.
      const lines = recordLinesOf({ runId: RUN_ID, inocFile: 'train.inoc', target: fineTuning.baseUrl, job: 'ftjob-000001', statuses: [['running', 'running', new Date().toISOString()]] });
      const path = workspaceUri('.inoculate', 'runs', RUN_ID, 'record.jsonl').fsPath;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
      const node = await waitFor('the run in the Jobs view', () => {
        const file = api.jobs.tree().find((n) => n.label === 'train.inoc');
        return file?.children[0]?.children.find((c) => c.id === `run:${RUN_ID}`);
      }, [api.jobs.onDidChange]);
      assert.match(node.description, /^running/);
      await api.jobs.reload();
      assert.deepEqual(api.jobs.followers(), [], 'nothing is followed in Restricted Mode');
      // Called anyway (another extension, a keybinding): it says why and asks the backend nothing.
      const cancelling = vscode.commands.executeCommand<unknown>('inoculate.cancelJob', RUN_ID);
      assert.match(await notificationText('cancelling and launching jobs'), /^Inoculate: Restricted Mode: training runs are listed from their records only/);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await cancelling, undefined);
      const editor = await openFile('train.inoc');
      const lenses = await waitFor(
        'the trained lens',
        async () => {
          const result = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 20);
          return result.some((l) => l.command?.title === 'trained: 1 run (1 running)') ? result : undefined;
        },
        [api.jobs.onDidChange, vscode.languages.onDidChangeDiagnostics],
      );
      assert.ok(!lenses.some((l) => l.command?.title === '▶ Train'), 'training is offered');
      assert.deepEqual(fineTuning.http.requests, [], 'a request reached the fine-tuning endpoint');
    });
  });
});
