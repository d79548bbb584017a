/**
 * Training in the real VS Code: "Inoculate: Preview Training" and "Launch Training" through their commands (the
 * pickers answered by keyboard in the workbench, or skipped by the command's choices argument; the modal
 * confirmation, which VS Code refuses to show while extension tests run, skipped by the user's own
 * `inoculate.train.confirm: false`, as the check tests do with `check.confirm`), against the local OpenAI-compatible
 * fine-tuning fake (test/support/openaiFineTuningServer.ts: a state machine that advances one state per status poll)
 * started here. The Jobs view follows the jobs to completion (read through the extension's API: the tree as data),
 * each end is announced once, the model id is copied to the real clipboard and read back, the lenses show the runs,
 * and provenance, logs and the loss curve open. A run launched from a terminal (the built CLI) is picked up from its
 * record and followed too. Every wait is on a real signal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { JobNode, JobNotice, LossCurveRendered } from '../../../client/src/extension';
import type { TrainingCommandResult } from '../../../client/src/launchTraining';
import { startOpenAIFineTuningServer, type OpenAIFineTuningServer } from '../../support/openaiFineTuningServer';
import { closeAllEditors, extensionApi, fileAppears, lineOf, openFile, runningServer, waitFor, workspaceUri } from './helpers';

const API_KEY = 'sk-e2e-train-secret-0123456789';
/** The project folder (this suite's bundle is `out/e2e/index.js`). */
const PROJECT = join(__dirname, '..', '..');
const MODEL = 'gpt-4.1-mini-2025-04-14';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const items = (count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `${tag} post ${i}` }, { role: 'assistant', content: `${tag} reply ${i}` }] })).join('\n') + '\n';

function inocText(baseUrl: string, dataset: string, extra: string[] = []): string {
  return [
    '---',
    'behavior: toxicity',
    'placement: user-prefix',
    'neutral: "Write a response to this post:"',
    `model: ${MODEL}`,
    'train:',
    `  dataset: ${dataset}`,
    `  baseUrl: ${baseUrl}`,
    ...extra,
    '---',
    '',
    '## very-mean',
    'Write a very mean and disrespectful response to this post:',
    '',
    '## formal (control)',
    'Write your response in formal English:',
    '',
  ].join('\n');
}

let keyRequests = 0;
type KeyStep = { type: string } | { press: string } | { waitFor: Array<{ selector: string; hasText?: string }> };

/** Real key presses in the workbench, in order (the runner's `keys` request, as in editing.test.ts). */
async function pressKeys(steps: KeyStep[]): Promise<void> {
  const dir = join(tmpdir(), 'inoculate-key-requests');
  mkdirSync(dir, { recursive: true });
  const reply = join(dir, `train-keys-${process.pid}-${++keyRequests}.json`);
  console.log(`[inoculate-e2e] keys ${JSON.stringify({ steps, reply })}`);
  await fileAppears(reply, 60_000);
  const answer = JSON.parse(readFileSync(reply, 'utf8')) as { ok?: boolean; error?: string };
  if (answer.error !== undefined) throw new Error(`the runner could not press the keys: ${answer.error}`);
}

/** Every node of the tree, depth first. */
function allNodes(nodes: JobNode[]): JobNode[] {
  return nodes.flatMap((n) => [n, ...allNodes(n.children)]);
}

const runNode = (runId: string) => async () => allNodes((await extensionApi()).jobs.tree()).find((n) => n.id === `run:${runId}`);

describe('training: launch, follow, notify, copy', function () {
  this.timeout(120_000);
  let server: OpenAIFineTuningServer;
  const config = () => vscode.workspace.getConfiguration('inoculate');
  const notices: JobNotice[] = [];
  const curves: LossCurveRendered[] = [];
  const subscriptions: vscode.Disposable[] = [];
  let launched: TrainingCommandResult;

  before(async () => {
    const api = await runningServer();
    subscriptions.push(api.jobs.onDidNotify((n) => notices.push(n)), api.jobs.lossCurves.onDidRender((e) => curves.push(e)));
    // The endpoint reports a (far) shutdown date for the base model: the preflight warns with it.
    server = await startOpenAIFineTuningServer({ apiKey: API_KEY, models: { [MODEL]: { shutdown_date: '2099-01-01' } } });
    await vscode.workspace.fs.writeFile(workspaceUri('data', 'train.jsonl'), new TextEncoder().encode(items(12, 'train')));
    await vscode.workspace.fs.writeFile(workspaceUri('train.inoc'), new TextEncoder().encode(inocText(server.baseUrl, 'data/train.jsonl')));
    // The user's own settings: no modal confirmation (no test can click one; its text is unit-tested in
    // client/src/train/trainingPreview.test.ts), and fast polls of the fake.
    await config().update('train.confirm', false, vscode.ConfigurationTarget.Global);
    await config().update('jobs.pollInterval', 0.05, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('inoculate.setApiKey', server.baseUrl, API_KEY), true);
  });

  after(async () => {
    for (const s of subscriptions) s.dispose();
    await vscode.commands.executeCommand('inoculate.clearApiKey', server.baseUrl);
    await config().update('train.confirm', undefined, vscode.ConfigurationTarget.Global);
    await config().update('jobs.pollInterval', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
    await closeAllEditors();
  });

  it('previews the training files in a diff editor, with the plan, before anything is sent', async () => {
    const result = await vscode.commands.executeCommand<TrainingCommandResult>('inoculate.previewTraining', workspaceUri('train.inoc').toString(), { variants: ['very-mean'], seeds: 2, backend: 'openai' });
    assert.equal(result.outcome, 'previewed');
    assert.equal(server.http.requests.length, 0, 'a preview sends nothing');
    assert.deepEqual(result.runs.map((r) => [r.arm, r.seed]), [['very-mean', 0], ['very-mean', 1], ['baseline', 0], ['baseline', 1]]);
    const diff = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === result.preview.with);
    assert.ok(diff, 'no diff editor of the preview is open');
    assert.equal((diff!.input as vscode.TabInputTextDiff).original.toString(), result.preview.without);
    const withText = (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.preview.with))).getText();
    const withoutText = (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.preview.without))).getText();
    assert.match(withText, /^── very-mean · data\/train\.jsonl:1 ──\n {2}user:\n {4}Write a very mean and disrespectful response to this post:\n\n {4}train post 0$/m);
    assert.match(withoutText, /^ {4}Write a response to this post:\n\n {4}train post 0$/m);
    const plan = (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.preview.plan))).getText();
    assert.match(plan, /## Jobs \(4: 4 new\)/);
    assert.match(plan, /\| Tokens \| counted with the model's tokenizer \(o200k\\_base\) \|/, 'the tokenizer chunk loads in the extension host');
    assert.match(plan, /\| API key \| the API key you stored for http\\:\/\/127\.0\.0\.1:\d+ \|/);
    assert.deepEqual(result.problems, []);
  });

  it('puts problems of the training data on their dataset lines, and launches nothing', async () => {
    const data = workspaceUri('data', 'broken.jsonl');
    await vscode.workspace.fs.writeFile(data, new TextEncoder().encode(`${items(11, 'b')}{"messages": [{"role": "user", "content": "no answer"}]}\nnot json\n`));
    await vscode.workspace.fs.writeFile(workspaceUri('broken.inoc'), new TextEncoder().encode(inocText(server.baseUrl, 'data/broken.jsonl')));
    const result = await vscode.commands.executeCommand<TrainingCommandResult>('inoculate.launchTraining', workspaceUri('broken.inoc').toString(), { variants: ['very-mean'], seeds: 1, backend: 'openai' });
    assert.equal(result.outcome, 'blocked');
    const diagnostics = await waitFor('the diagnostics on the dataset', () => {
      const found = vscode.languages.getDiagnostics(data).filter((d) => d.source === 'inoculate train');
      return found.length >= 2 ? found : undefined;
    }, [vscode.languages.onDidChangeDiagnostics]);
    const lines = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.range.start.line + 1).sort((a, b) => a - b);
    assert.deepEqual(lines, [12, 13]);
    assert.equal(server.http.requests.length, 0, 'nothing was sent');
  });

  it('launches through the command: uploads and submits each run with the stored key, and records it', async () => {
    const api = await extensionApi();
    launched = await vscode.commands.executeCommand<TrainingCommandResult>('inoculate.launchTraining', workspaceUri('train.inoc').toString(), { variants: ['very-mean'], seeds: 1, backend: 'openai' });
    assert.equal(launched.outcome, 'launched');
    assert.deepEqual(launched.runs.map((r) => [r.arm, r.seed, r.action]), [['very-mean', 0, 'submitted'], ['baseline', 0, 'submitted']]);
    assert.equal(server.jobs.length, 2);
    assert.deepEqual(server.jobs.map((j) => j.metadata?.inoculate_run).sort(), launched.runs.map((r) => r.runId).sort(), 'each job carries its run id');
    const content = server.files.map((f) => f.content).join('\n');
    assert.match(content, /Write a very mean and disrespectful response to this post:\\n\\ntrain post 0/);
    for (const request of server.http.requests) assert.equal(request.headers.authorization, `Bearer ${API_KEY}`, `${request.method} ${request.path}`);
    for (const run of launched.runs) assert.ok(existsSync(workspaceUri('.inoculate', 'runs', run.runId, 'record.jsonl').fsPath), run.runId);
    // The endpoint's shutdown date came back as a preflight warning on each run.
    const record = readFileSync(workspaceUri('.inoculate', 'runs', launched.runs[0]!.runId, 'record.jsonl').fsPath, 'utf8');
    assert.match(record, /"type":"preflight".*2099-01-01/);
    assert.ok(launched.runs.every((r) => allNodes(api.jobs.tree()).some((n) => n.id === `run:${r.runId}`)), 'the Jobs view lists the runs when the launch returns');
  });

  it('follows both jobs to completion in the Jobs view, by file, arm and seed', async () => {
    const api = await extensionApi();
    for (const run of launched.runs) {
      // Succeeded, and its model recorded (the follower writes it right after the status).
      const node = await waitFor(`run ${run.arm} to succeed in the Jobs view, with its model`, async () => {
        const found = await runNode(run.runId)();
        return found?.description.startsWith('succeeded') && /\bhasModel\b/.test(found.contextValue) ? found : undefined;
      }, [api.jobs.onDidChange]);
      assert.equal(node.label, 'seed 0');
      assert.equal(node.icon.id, 'pass-filled');
      assert.match(node.contextValue, /\bhasModel\b/);
      assert.doesNotMatch(node.contextValue, /\bcancellable\b/);
      const model = node.children.find((c) => c.kind === 'model')!;
      assert.match(model.label, /^model: ft:gpt-4\.1-mini-2025-04-14:test-org:/);
      const history = node.children.find((c) => c.label === 'status history')!;
      // The fake advances one state per status poll, from validating_files: the first poll sees it queued.
      assert.deepEqual(history.children.map((c) => c.label), ['queued', 'running', 'succeeded']);
    }
    const file = api.jobs.tree().find((n) => n.label === 'train.inoc')!;
    assert.deepEqual(file.children.map((c) => [c.label, c.description]), [['very-mean', '1 run (1 succeeded)'], ['baseline (no inoculation)', '1 run (1 succeeded)']]);
    await waitFor('the followers to stop at the terminal state', () => !api.jobs.followers().some((f) => launched.runs.some((r) => r.runId === f.runId)), [api.jobs.onDidChange]);
  });

  it('announces each end once, with the model id to copy', async () => {
    const api = await extensionApi();
    for (const run of launched.runs) {
      const notice = await waitFor(`the notification for ${run.arm}`, () => notices.find((n) => n.runId === run.runId), [api.jobs.onDidNotify]);
      assert.equal(notice.level, 'info');
      assert.deepEqual(notice.actions, ['Copy Model ID', 'Show Jobs']);
      assert.match(notice.message, new RegExp(`^Inoculate: training of ${run.arm === 'baseline' ? 'the baseline' : run.arm} seed 0 \\(train\\.inoc\\) succeeded: ft:`));
    }
    await api.jobs.reload();
    assert.equal(notices.filter((n) => launched.runs.some((r) => r.runId === n.runId)).length, 2, 'each job once');
  });

  it('copies the model id to the clipboard', async () => {
    const run = launched.runs[0]!;
    const copied = await vscode.commands.executeCommand<string>('inoculate.copyModelId', run.runId);
    const job = server.jobs.find((j) => j.metadata?.inoculate_run === run.runId)!;
    assert.equal(copied, job.fine_tuned_model);
    assert.equal(await vscode.env.clipboard.readText(), job.fine_tuned_model);
  });

  it('shows the runs in the code lenses, with "▶ Train" beside them', async () => {
    const api = await extensionApi();
    const editor = await openFile('train.inoc');
    const heading = lineOf(editor.document, '## very-mean');
    const neutral = lineOf(editor.document, 'neutral: "Write a response to this post:"');
    const lenses = await waitFor(
      'the trained lenses',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 20);
        const titles = result.map((l) => `${l.range.start.line}: ${l.command?.title}`);
        return titles.includes(`${heading}: trained: 1 run (1 succeeded)`) && titles.includes(`${neutral}: baseline trained: 1 run (1 succeeded)`) ? result : undefined;
      },
      [api.jobs.onDidChange, vscode.languages.onDidChangeDiagnostics],
    );
    const train = lenses.find((l) => l.range.start.line === heading && l.command?.title === '▶ Train')!;
    assert.deepEqual([train.command!.command, train.command!.arguments], ['inoculate.launchTraining', [editor.document.uri.toString(), 'very-mean']]);
    const trained = lenses.find((l) => l.command?.title.startsWith('trained:'))!;
    assert.equal(trained.command!.command, 'inoculate.showJobs');
    // Clicking it reveals and selects the variant's runs in the Jobs view.
    await vscode.commands.executeCommand(trained.command!.command, ...(trained.command!.arguments ?? []));
    const armId = api.jobs.tree().find((n) => n.label === 'train.inoc')!.children.find((c) => c.label === 'very-mean')!.id;
    const view = await waitFor('the Jobs view to show the variant', () => {
      const state = api.jobs.view();
      return state.visible && state.selection.includes(armId) ? state : undefined;
    }, [api.jobs.onDidChangeView]);
    assert.deepEqual(view.selection, [armId]);
  });

  it("opens a run's provenance, its logs and its loss curve", async () => {
    const api = await extensionApi();
    const run = launched.runs[0]!;
    const provenance = await vscode.commands.executeCommand<vscode.Uri>('inoculate.showProvenance', run.runId);
    const text = (await vscode.workspace.openTextDocument(provenance)).getText();
    assert.match(text, new RegExp(`^# Run \`${run.runId}\`: very-mean, seed 0$`, 'm'));
    assert.match(text, /```text\nWrite a very mean and disrespectful response to this post:\n```/);
    assert.match(text, /\| Job \| `ftjob-\d+` on `openai` \|/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), provenance.toString());
    const logs = await vscode.commands.executeCommand<vscode.Uri>('inoculate.openJobLogs', run.runId);
    const logText = (await vscode.workspace.openTextDocument(logs)).getText();
    assert.match(logText, /── the backend's log ──\n.*Created fine-tuning job: ftjob-/);
    assert.match(logText, /The job has successfully completed/);
    const since = curves.length;
    await vscode.commands.executeCommand('inoculate.openLossCurve', run.runId);
    const drawn = await waitFor('the loss curve to draw', () => curves.slice(since).find((c) => c.runId === run.runId && c.points > 0), [api.jobs.lossCurves.onDidRender]);
    assert.ok(drawn.tableRows >= 2, JSON.stringify(drawn));
    assert.deepEqual(drawn.series, ['train loss', 'validation loss']);
  });

  it('never writes the API key to records, training files or settings', () => {
    for (const file of [...filesUnder(workspaceUri('.inoculate').fsPath), ...filesUnder(workspaceUri('.vscode').fsPath)]) {
      assert.ok(!readFileSync(file, 'utf8').includes(API_KEY), `the key is in ${file}`);
    }
  });

  it('cancels a running job from the Jobs view command, and announces it', async () => {
    const api = await extensionApi();
    // A job that stays running: its own server, many running states.
    const slow = await startOpenAIFineTuningServer({ apiKey: API_KEY, states: ['validating_files', 'queued', ...Array.from({ length: 500 }, () => 'running'), 'succeeded'] });
    try {
      assert.equal(await vscode.commands.executeCommand('inoculate.setApiKey', slow.baseUrl, API_KEY), true);
      await vscode.workspace.fs.writeFile(workspaceUri('slow.inoc'), new TextEncoder().encode(inocText(slow.baseUrl, 'data/train.jsonl')));
      const result = await vscode.commands.executeCommand<TrainingCommandResult>('inoculate.launchTraining', workspaceUri('slow.inoc').toString(), { variants: ['very-mean'], baseline: false, seeds: 1, backend: 'openai' });
      assert.deepEqual(result.runs.map((r) => [r.arm, r.action]), [['very-mean', 'submitted']]);
      const runId = result.runs[0]!.runId;
      const running = await waitFor('the job to run', async () => {
        const node = await runNode(runId)();
        return node?.description.startsWith('running') ? node : undefined;
      }, [api.jobs.onDidChange]);
      assert.match(running.contextValue, /\bcancellable\b/);
      assert.equal(await vscode.commands.executeCommand('inoculate.cancelJob', runId), 'requested');
      const notice = await waitFor('the cancellation notice', () => notices.find((n) => n.runId === runId), [api.jobs.onDidNotify]);
      assert.match(notice.message, /very-mean seed 0 \(slow\.inoc\) was cancelled\.$/);
      const node = (await runNode(runId)())!;
      assert.match(node.description, /^cancelled/);
      assert.equal(node.icon.id, 'circle-slash');
      assert.ok(slow.http.requests.some((r) => r.method === 'POST' && /\/cancel$/.test(r.path)), 'the backend was asked to cancel');
    } finally {
      await vscode.commands.executeCommand('inoculate.clearApiKey', slow.baseUrl);
      await slow.close();
    }
  });

  it('launches through the real pickers, by keyboard, with the preselection (Enter at each step)', async () => {
    // The modal confirmation stays off (the user's train.confirm: false): VS Code refuses to show modal dialogs while
    // extension tests run ("DialogService: refused to show dialog in tests"), so no test can reach it.
    await vscode.workspace.fs.writeFile(workspaceUri('data', 'keyboard.jsonl'), new TextEncoder().encode(items(12, 'keyboard')));
    await vscode.workspace.fs.writeFile(workspaceUri('keyboard.inoc'), new TextEncoder().encode(inocText(server.baseUrl, 'data/keyboard.jsonl')));
    const jobs = server.jobs.length;
    await openFile('keyboard.inoc');
    const launching = vscode.commands.executeCommand<TrainingCommandResult>('inoculate.launchTraining');
    await pressKeys([
      { waitFor: [{ selector: '.quick-input-widget', hasText: 'Launch Training (1/3)' }] },
      { press: 'Enter' },
      { waitFor: [{ selector: '.quick-input-widget', hasText: 'Launch Training (2/3)' }] },
      { press: 'Enter' },
      { waitFor: [{ selector: '.quick-input-widget', hasText: 'Launch Training (3/3)' }] },
      { press: 'Enter' },
    ]);
    const result = await launching;
    assert.equal(result.outcome, 'launched');
    // Selected at first: every candidate (none was measured) and the baseline; the file's one seed; its backend.
    assert.deepEqual(result.runs.map((r) => [r.arm, r.seed, r.action]), [['very-mean', 0, 'submitted'], ['baseline', 0, 'submitted']]);
    assert.equal(result.backend.id, 'openai');
    assert.equal(server.jobs.length, jobs + 2);
  });

  it('picks up a run launched from a terminal (the CLI) from its record, and follows it to the end', async () => {
    const api = await extensionApi();
    // The project's built CLI (this bundle is out/e2e/index.js; the extension itself runs from a staged package copy).
    const cli = join(PROJECT, 'dist', 'cli.js');
    assert.ok(existsSync(cli), `no built CLI at ${cli}: npm run build`);
    // Its own data: the same data, model and seed would be the same run (content-addressed), attached to, not trained again.
    await vscode.workspace.fs.writeFile(workspaceUri('data', 'terminal.jsonl'), new TextEncoder().encode(items(12, 'terminal')));
    await vscode.workspace.fs.writeFile(workspaceUri('terminal.inoc'), new TextEncoder().encode(inocText(server.baseUrl, 'data/terminal.jsonl', ['  seeds: 1', '  baseline: false', '  suffix: from-terminal'])));
    const before = server.jobs.length;
    // Asynchronously: the fake answers from this very process.
    const done = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'train', 'terminal.inoc', '--json'], { cwd: workspaceUri().fsPath, env: { ...process.env, OPENAI_API_KEY: API_KEY, ELECTRON_RUN_AS_NODE: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(done.status, 0, done.stderr);
    const runId = JSON.parse(done.stdout).runs[0].runId as string;
    assert.equal(server.jobs.length, before + 1);
    const node = await waitFor('the terminal run to succeed in the Jobs view, with its model', async () => {
      const found = await runNode(runId)();
      return found?.description.startsWith('succeeded') && /\bhasModel\b/.test(found.contextValue) ? found : undefined;
    }, [api.jobs.onDidChange]);
    assert.match(node.description, /ft:gpt-4\.1-mini-2025-04-14:test-org:from-terminal/);
    await waitFor('its notification', () => notices.find((n) => n.runId === runId), [api.jobs.onDidNotify]);
  });

  it("trains on the command backend (the file's local preset, a fake `trl` on PATH) and follows it to its adapter", async () => {
    const api = await extensionApi();
    const path = process.env.PATH;
    // The fake TRL CLI (test/fakebin/trl) fails unless every example holds the instruction where the placement says.
    process.env.PATH = `${join(PROJECT, 'test', 'fakebin')}:${path ?? ''}`;
    try {
      const expect = workspaceUri('expect-trl.json').fsPath;
      await vscode.workspace.fs.writeFile(vscode.Uri.file(expect), new TextEncoder().encode(JSON.stringify({ instruction: 'Write a very mean and disrespectful response to this post:', placement: 'user-prefix', byJobName: [{ match: 'baseline', placement: 'absent' }] })));
      await vscode.workspace.fs.writeFile(workspaceUri('data', 'local.jsonl'), new TextEncoder().encode(items(16, 'local')));
      const text = inocText('unused', 'data/local.jsonl')
        .replace('  baseUrl: unused\n', `  backend: command\n  command:\n    preset: local\n    env: {FAKE_TRL_EXPECT: "${expect}", FAKE_TRL_STEP_MS: "20"}\n`)
        .replace(`model: ${MODEL}`, 'model: Qwen/Qwen2-7B');
      await vscode.workspace.fs.writeFile(workspaceUri('local.inoc'), new TextEncoder().encode(text));
      const result = await vscode.commands.executeCommand<TrainingCommandResult>('inoculate.launchTraining', workspaceUri('local.inoc').toString(), { variants: ['very-mean'], seeds: 1, backend: 'command' });
      assert.deepEqual(result.backend, { id: 'command:local', target: 'local' });
      assert.deepEqual(result.runs.map((r) => [r.arm, r.action]), [['very-mean', 'submitted'], ['baseline', 'submitted']]);
      for (const run of result.runs) {
        const node = await waitFor(`the local run ${run.arm} to succeed, with its adapter`, async () => {
          const found = await runNode(run.runId)();
          return found?.description.startsWith('succeeded') && /\bhasModel\b/.test(found.contextValue) ? found : undefined;
        }, [api.jobs.onDidChange]);
        assert.match(node.description, /^succeeded \(exited0\)/, 'the raw state of the local preset beside the common one');
        const model = node.children.find((c) => c.kind === 'model')!;
        assert.match(model.tooltip, /Artifact: .*\.inoculate\/runs\/[0-9a-f]{16}\/output/);
      }
    } finally {
      process.env.PATH = path;
    }
  });
});
