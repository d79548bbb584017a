/**
 * Evaluation in the real VS Code, the whole pipeline on the simulated lab (test/support/simulatedLab.ts: a
 * simulation whose law is known, never a model): "Run Elicitation Check" → "Launch Training" (the lab's fake
 * fine-tuning, followed in the Jobs view to the end) → "Inoculate: Evaluate" through its command (the picker skipped
 * by the command's choices; the modal confirmation, which VS Code refuses while extension tests run, skipped by the
 * user's own `inoculate.eval.confirm: false`, its text unit-tested in client/src/eval/evalChoices.test.ts) → the
 * comparison view opens and draws the models, the charts and the effect → a hand label round-trips through the view
 * to labels.jsonl and back as agreement → exports and the report are written → the evaluation lens appears above the
 * variant → with `eval.batch: true` the same command sends batch jobs to the lab's Batch API (records `via: batch`),
 * and a cancel while a batch waits leaves it in the ledger for the next run to collect. Every wait is on a real signal.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ComparisonRendered, InoculateApi, JobNode } from '../../../client/src/extension';
import type { EvaluateResult } from '../../../client/src/evaluate';
import type { RunCheckResult } from '../../../client/src/runCheck';
import { checkSlug } from '../../../core/src/check/layout';
import type { EvalSummary } from '../../../core/src/eval/summary';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { startSimulatedLab, type SimulatedLab } from '../../support/simulatedLab';
import { CHECK_ITEMS, EVAL_ITEMS, LAB_CANDIDATES, labInoc, labLaw } from '../../eval/labFixture';
import { closeAllEditors, EXTENSION_ID, extensionApi, fileAppears, lineOf, openFile, runningServer, uiQuery, waitFor, workspaceUri } from './helpers';

const API_KEY = 'sk-e2e-eval-secret-0123456789';
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));

function allNodes(nodes: JobNode[]): JobNode[] {
  return nodes.flatMap((n) => [n, ...allNodes(n.children)]);
}

describe('evaluation: check → train → evaluate → compare, on the simulated lab', function () {
  this.timeout(240_000);
  let lab: SimulatedLab;
  const config = () => vscode.workspace.getConfiguration('inoculate');
  const rendered: ComparisonRendered[] = [];
  const subscriptions: vscode.Disposable[] = [];
  const inoc = () => workspaceUri('lab', 'lab.inoc');
  let evaluated: EvaluateResult;
  let summary: EvalSummary;

  before(async () => {
    const api = await runningServer();
    subscriptions.push(api.comparisons.onDidRender((event) => rendered.push(event)));
    lab = await startSimulatedLab({ law: labLaw(7) });
    await write(inoc(), labInoc(lab.baseUrl));
    await write(workspaceUri('lab', 'check.jsonl'), jsonl(CHECK_ITEMS.map((prompt) => ({ prompt }))));
    await write(workspaceUri('lab', 'eval.jsonl'), jsonl(EVAL_ITEMS.map((prompt) => ({ prompt }))));
    await write(workspaceUri('lab', 'train.jsonl'), jsonl(Array.from({ length: 12 }, (_, i) => ({ messages: [{ role: 'user', content: `Training question ${i}` }, { role: 'assistant', content: `BEHAVIOUR shown; CAPABLE answer ${i}` }] }))));
    // The user's own settings: no modal confirmations (no test can click one), fast polls of the lab's jobs.
    await config().update('check.confirm', false, vscode.ConfigurationTarget.Global);
    await config().update('train.confirm', false, vscode.ConfigurationTarget.Global);
    await config().update('eval.confirm', false, vscode.ConfigurationTarget.Global);
    await config().update('jobs.pollInterval', 0.05, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('inoculate.setApiKey', lab.baseUrl, API_KEY), true);
  });

  after(async () => {
    delete process.env.INOCULATE_BATCH_POLL_MS;
    for (const s of subscriptions) s.dispose();
    await vscode.commands.executeCommand('inoculate.clearApiKey', lab.baseUrl);
    for (const key of ['check.confirm', 'train.confirm', 'eval.confirm', 'jobs.pollInterval']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await lab?.close();
    await closeAllEditors();
  });

  it('checks the candidates, then trains the baseline and every candidate, followed to the end', async () => {
    const check = await vscode.commands.executeCommand<RunCheckResult>('inoculate.runCheck', inoc().toString());
    assert.ok(check?.outcome.summary.complete, 'the check ran to the end');
    const api = await extensionApi();
    const launched = await vscode.commands.executeCommand<{ outcome: string; runs: Array<{ runId: string; arm: string }> }>('inoculate.launchTraining', inoc().toString(), {
      variants: Object.keys(LAB_CANDIDATES),
      seeds: 1,
      backend: 'openai',
    });
    assert.equal(launched.outcome, 'launched');
    assert.equal(launched.runs.length, 5, 'four candidates and the baseline, one seed each');
    for (const run of launched.runs) {
      await waitFor(`run ${run.arm} to succeed with its model`, () => {
        const node = allNodes(api.jobs.tree()).find((n) => n.id === `run:${run.runId}`);
        return node?.description.startsWith('succeeded') && /\bhasModel\b/.test(node.contextValue) ? node : undefined;
      }, [api.jobs.onDidChange]);
    }
  });

  it('evaluates every trained model through "Inoculate: Evaluate", and the comparison view opens with them', async () => {
    const before = rendered.length;
    const requestsBefore = lab.chatRequests();
    evaluated = (await vscode.commands.executeCommand<EvaluateResult>('inoculate.evaluate', inoc().toString(), { models: ['base', 'baseline', ...Object.keys(LAB_CANDIDATES)] }))!;
    assert.ok(evaluated, 'the evaluation did not run');
    assert.equal(evaluated.cancelled, false);
    assert.equal(evaluated.complete, true);
    assert.equal(evaluated.counts.failed, 0);
    assert.equal(evaluated.models.length, 6);
    assert.equal(lab.chatRequests() - requestsBefore, evaluated.requests, 'every request the summary counts reached the lab');
    summary = JSON.parse(readFileSync(evaluated.summaryPath, 'utf8')) as EvalSummary;
    // base and baseline: neutral + each candidate's instruction; each inoculated model: neutral + its own.
    assert.equal(summary.cells.length, 2 * 5 + 4 * 2);
    const view = await waitFor('the comparison view to draw the evaluation', () => rendered.slice(before).find((r) => r.uri === inoc().toString() && r.rows > 0 && r.samplesShown > 0), [api().comparisons.onDidRender]);
    assert.deepEqual(view.models, ['base', 'baseline', 'strong', 'medium', 'mild', 'faint']);
    assert.equal(view.rows, summary.cells.length);
    assert.equal(view.charts, 3, 'the B/C chart, the elicitation-vs-effect figure and selectivity');
    assert.equal(view.samplesShown, 20, 'the first page of the first cell');
  });

  it('shows the effect the law predicts: the strong inoculation lowers B against the baseline, and the figure has every candidate', () => {
    const strong = summary.arms.find((a) => a.arm === 'strong' && a.condition === 'neutral')!;
    assert.ok(strong.change.behavior!.ci![1] < 0, `ΔB ${JSON.stringify(strong.change.behavior)}`);
    assert.deepEqual(summary.figure!.points.map((p) => p.candidate), ['strong', 'medium', 'mild', 'faint']);
    assert.ok(summary.figure!.pearson.estimate! > 0.5, `Pearson ${summary.figure!.pearson.estimate}`);
  });

  it('round-trips a hand label: stored in labels.jsonl, and the agreement beside the rates is recomputed', async () => {
    const panel = api().comparisons.panelOf(inoc())!;
    assert.ok(panel, 'no comparison view of the file is open');
    const cell = summary.cells.find((c) => c.name === 'strong' && c.condition === 'neutral')!;
    const ids = panel.recordIds(cell.key);
    assert.equal(ids.length, EVAL_ITEMS.length * 4);
    const before = rendered.length;
    await panel.receive({ type: 'label', record: ids[0], outcome: 'behavior', verdict: 'disagree' });
    const view = await waitFor('the view to show the new agreement', () => rendered.slice(before).find((r) => r.agreement.some((a) => /^B grader \(regex\): .* from 1 hand label\b/.test(a))), [api().comparisons.onDidRender]);
    assert.ok(view.samplesShown > 0);
    const labels = readFileSync(workspaceUri('.inoculate', 'evals', checkSlug('lab/lab.inoc'), 'labels.jsonl').fsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(labels.length, 1);
    assert.equal(labels[0].record, ids[0]);
    assert.equal(labels[0].verdict, 'disagree');
    assert.equal(labels[0].grader, summary.graders.behavior.fingerprint);
    // A forged message (not a record id) is refused before anything is written.
    await panel.receive({ type: 'label', record: '../../x', outcome: 'behavior', verdict: 'agree' });
    assert.equal(readFileSync(workspaceUri('.inoculate', 'evals', checkSlug('lab/lab.inoc'), 'labels.jsonl').fsPath, 'utf8').trim().split('\n').length, 1);
  });

  it('exports the table as CSV and JSON, and saves the report as HTML with its SVG charts', async () => {
    const panel = api().comparisons.panelOf(inoc())!;
    assert.equal(await panel.exportTo('csv', workspaceUri('lab', 'comparison.csv')), true);
    const csv = readFileSync(workspaceUri('lab', 'comparison.csv').fsPath, 'utf8').split('\r\n').filter(Boolean);
    assert.equal(csv.length, summary.cells.length + 1);
    assert.match(csv[0]!, /^model,role,seed,condition,prompt,b,/);
    assert.equal(await panel.exportTo('json', workspaceUri('lab', 'comparison.json')), true);
    assert.equal(JSON.parse(readFileSync(workspaceUri('lab', 'comparison.json').fsPath, 'utf8')).runId, summary.runId);
    assert.equal(await panel.reportTo('html', workspaceUri('lab', 'report.html')), true);
    const html = readFileSync(workspaceUri('lab', 'report.html').fsPath, 'utf8');
    assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="inoc-chart inoc-rates"/);
    assert.equal(await panel.reportTo('md', workspaceUri('lab', 'report.md')), true);
    assert.ok(existsSync(workspaceUri('lab', 'report.md').fsPath));
  });

  it('shows the evaluation lens above each evaluated variant; it opens the comparison', async () => {
    const editor = await openFile('lab', 'lab.inoc');
    const heading = lineOf(editor.document, '## strong');
    // The server re-reads evaluation summaries when they change; an edit makes it publish diagnostics again, a signal
    // to look at the lenses once more should the first look come before that reload.
    const probe = waitFor(
      'the evaluation lens',
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 20);
        return lenses.find((l) => l.range.start.line === heading && l.command?.title.startsWith('inoculated: '));
      },
      [vscode.languages.onDidChangeDiagnostics, api().jobs.onDidChange, api().comparisons.onDidRender],
    );
    await editor.edit((edit) => edit.insert(new vscode.Position(editor.document.lineCount, 0), '\n'));
    const lens = await probe;
    assert.match(lens.command!.title, /^inoculated: B \d+% \(−\d+ pts\) · C \d+% \([−+]?\d+ pts\)$/);
    assert.equal(lens.command!.command, 'inoculate.showComparison');
  });

  it('"Cancel Evaluation" stops a run and keeps what finished; running again sends only what is missing', async () => {
    // Two more samples per item (the first four are answered by the cache), one request at a time.
    const choices = { models: ['base', 'baseline', ...Object.keys(LAB_CANDIDATES)], samples: 6, concurrency: 1 };
    const total = summary.cells.length * EVAL_ITEMS.length * 6;
    const cachedBefore = summary.cells.length * EVAL_ITEMS.length * 4;
    // Cancelled from its own progress, once it has sampled past the cached answers (the signal: the engine's progress).
    let cancelled: Thenable<boolean> | undefined;
    const subscription = api().onDidProgressEvaluation((p) => {
      if (p.phase === 'sampling' && p.done > cachedBefore + 5 && !cancelled) cancelled = vscode.commands.executeCommand<boolean>('inoculate.cancelEvaluation');
    });
    const first = (await vscode.commands.executeCommand<EvaluateResult>('inoculate.evaluate', inoc().toString(), choices).then((r) => r, (e) => {
      subscription.dispose();
      throw e;
    }))!;
    subscription.dispose();
    assert.ok(cancelled, 'the evaluation never sampled past the cache');
    assert.equal(await cancelled, true, 'a running evaluation was there to cancel');
    assert.equal(first.cancelled, true);
    const finished = first.counts.graded + first.counts.failed;
    assert.ok(finished > cachedBefore && finished < total, `${finished} of ${total} finished`);
    assert.equal(await vscode.commands.executeCommand<boolean>('inoculate.cancelEvaluation'), false, 'nothing runs any more');
    const requestsBefore = lab.chatRequests();
    const second = (await vscode.commands.executeCommand<EvaluateResult>('inoculate.evaluate', inoc().toString(), { ...choices, concurrency: 16 }))!;
    assert.equal(second.complete, true);
    assert.equal(second.counts.graded, total);
    assert.ok(second.requests > 0 && second.requests <= total - finished, `${second.requests} requests after ${finished} of ${total} were kept`);
    assert.equal(lab.chatRequests() - requestsBefore, second.requests);
  });

  it('the README comparison screenshot: the file with its evaluation lenses, the comparison view beside it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const editor = await openFile('lab', 'lab.inoc');
    editor.revealRange(new vscode.Range(lineOf(editor.document, '## strong'), 0, lineOf(editor.document, '## strong'), 0), vscode.TextEditorRevealType.InCenter);
    const before = rendered.length;
    await vscode.commands.executeCommand('inoculate.showComparison', inoc().toString());
    await waitFor('the comparison view to draw', () => rendered.slice(before).find((r) => r.uri === inoc().toString() && r.charts === 3 && r.samplesShown > 0), [api().comparisons.onDidRender]);
    const done = process.env.INOCULATE_E2E_SCREENSHOT_DONE;
    if (!done) return;
    console.log(`[inoculate-e2e] screenshot-ready ${JSON.stringify({ selectors: ['.codelens-decoration'] })}`);
    await fileAppears(done, 60_000);
    assert.equal(readFileSync(done, 'utf8'), 'ok');
  });

  it('`eval.batch: true`: the command sends batch jobs to the lab, records every new answer `via: batch`, and the comparison view draws them', async () => {
    await closeAllEditors();
    process.env.INOCULATE_BATCH_POLL_MS = '20';
    await write(inoc(), labInoc(lab.baseUrl, ['  batch: true']));
    // A seventh sample per item: the first six are answered by the cache, the seventh only by a batch.
    const choices = { models: ['base', 'baseline', ...Object.keys(LAB_CANDIDATES)], samples: 7 };
    const statuses: string[] = [];
    const subscription = api().onDidReportBatchStatus((line) => statuses.push(line));
    const before = rendered.length;
    const batchesBefore = lab.batches.length;
    const onlineBefore = lab.chatRequests();
    let result: EvaluateResult | undefined;
    try {
      result = await vscode.commands.executeCommand<EvaluateResult>('inoculate.evaluate', inoc().toString(), choices);
    } finally {
      subscription.dispose();
    }
    assert.ok(result, 'the evaluation ran (no refusal of batch mode)');
    assert.equal(result.complete, true);
    assert.equal(result.counts.failed, 0);
    assert.equal(lab.batches.length, batchesBefore + 1, 'one batch job for the one endpoint');
    const batch = lab.batches.at(-1)!;
    assert.equal(batch.status, 'completed');
    assert.deepEqual(result.batches.map((b) => [b.id, b.status, b.requests]), [[batch.id, 'completed', 18 * EVAL_ITEMS.length]]);
    assert.equal(lab.chatRequests(), onlineBefore, 'nothing was sent online');
    assert.deepEqual(statuses, [`batch ${batch.id} created (${lab.baseUrl})`, ...['in_progress', 'finalizing', 'completed'].map((s) => `batch ${batch.id} ${s} (${lab.baseUrl})`)]);
    const batchSummary = JSON.parse(readFileSync(result.summaryPath, 'utf8')) as EvalSummary;
    assert.deepEqual(batchSummary.batches.map((b) => b.id), [batch.id]);
    const mine = sampleRecords().filter((r) => r.run === batchSummary.runId);
    assert.equal(mine.length, 18 * EVAL_ITEMS.length * 7);
    const seventh = mine.filter((r) => r.sample === 6);
    assert.equal(seventh.length, 18 * EVAL_ITEMS.length);
    assert.ok(seventh.every((r) => r.via === 'batch' && r.batch === batch.id && r.outcome.behavior !== null), 'every new answer came from the batch and was graded');
    assert.ok(mine.filter((r) => r.sample < 6).every((r) => r.via === 'cache'));
    const view = await waitFor('the comparison view to draw the batch evaluation', () => rendered.slice(before).find((r) => r.uri === inoc().toString() && r.rows === batchSummary.cells.length && r.samplesShown > 0), [api().comparisons.onDidRender]);
    assert.deepEqual(view.models, ['base', 'baseline', 'strong', 'medium', 'mild', 'faint']);
  });

  it('cancelling a batch evaluation while it waits keeps the batch in the ledger; running again collects it, and pays nothing twice', async () => {
    const choices = { models: ['base', 'baseline', ...Object.keys(LAB_CANDIDATES)], samples: 8 };
    // A long first poll: the run is surely still waiting when the cancel arrives (sent on the batch's "created" line).
    process.env.INOCULATE_BATCH_POLL_MS = '600000';
    let cancelled: Thenable<boolean> | undefined;
    const subscription = api().onDidReportBatchStatus((line) => {
      if (/ created /.test(line) && !cancelled) cancelled = vscode.commands.executeCommand<boolean>('inoculate.cancelEvaluation');
    });
    const batchesBefore = lab.batches.length;
    let first: EvaluateResult | undefined;
    try {
      first = await vscode.commands.executeCommand<EvaluateResult>('inoculate.evaluate', inoc().toString(), choices);
    } finally {
      subscription.dispose();
    }
    assert.ok(cancelled, 'no batch was created');
    assert.equal(await cancelled, true);
    assert.equal(first?.cancelled, true);
    assert.equal(lab.batches.length, batchesBefore + 1);
    const pending = lab.batches.at(-1)!;
    assert.notEqual(pending.status, 'completed', 'the batch was still waiting');
    const ledger = readFileSync(workspaceUri('.inoculate', 'evals', checkSlug('lab/lab.inoc'), 'batches.jsonl').fsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; id: string });
    assert.ok(ledger.some((l) => l.type === 'created' && l.id === pending.id), 'the batch is recorded');
    assert.ok(!ledger.some((l) => l.type === 'collected' && l.id === pending.id), 'and not collected');

    process.env.INOCULATE_BATCH_POLL_MS = '20';
    const statuses: string[] = [];
    const again = api().onDidReportBatchStatus((line) => statuses.push(line));
    let second: EvaluateResult | undefined;
    try {
      second = await vscode.commands.executeCommand<EvaluateResult>('inoculate.evaluate', inoc().toString(), choices);
    } finally {
      again.dispose();
      delete process.env.INOCULATE_BATCH_POLL_MS;
    }
    assert.equal(second?.complete, true);
    assert.equal(second.counts.failed, 0);
    assert.equal(lab.batches.length, batchesBefore + 1, 'no second batch: the recorded one was resumed');
    assert.equal(statuses[0], `batch ${pending.id} resumed (${lab.baseUrl})`);
    assert.deepEqual(second.batches.map((b) => [b.id, b.status]), [[pending.id, 'completed']]);
    const runId = (JSON.parse(readFileSync(second.summaryPath, 'utf8')) as EvalSummary).runId;
    const eighth = sampleRecords().filter((r) => r.run === runId && r.sample === 7);
    assert.equal(eighth.length, 18 * EVAL_ITEMS.length);
    assert.ok(eighth.every((r) => r.via === 'batch' && r.batch === pending.id));
  });
});

/**
 * The key policy in "Inoculate: Evaluate": OPENAI_API_KEY is set, and the file names an endpoint that is neither OpenAI's
 * API over https nor loopback by its name: `http://[::ffff:7f00:1]:PORT/v1` (IPv4-mapped IPv6, which the key policy
 * does not count as this machine, yet which reaches the local test server, so a request sent there would be seen).
 * Evaluate says why in the Output channel and in an error notification offering "Set API Key" (read from the
 * workbench's notification centre by the runner: `uiQuery`), sends nothing and writes nothing; once a key is stored for
 * that endpoint (what "Set API Key" does; its input box is not reachable from a test), the same command goes on with
 * that key, never with OPENAI_API_KEY.
 */
describe('evaluation: an endpoint named only in the file gets no OPENAI_API_KEY', function () {
  this.timeout(120_000);
  const SHARED_KEY = 'sk-e2e-shared-key-never-sent-0123';
  const OWN_KEY = 'sk-e2e-remote-own-key-0123456789';
  let server: OpenAIServer;
  let remote: string;
  const inoc = () => workspaceUri('remote', 'remote.inoc');
  const evalDir = () => workspaceUri('.inoculate', 'evals', checkSlug('remote/remote.inoc'));
  const config = () => vscode.workspace.getConfiguration('inoculate');

  /** The text of the first element matching `selector` that contains `contains`, with the notification centre open. */
  async function notificationText(selector: string, contains: string): Promise<string> {
    await vscode.commands.executeCommand('notifications.showList');
    return (await uiQuery({ selector: `.notifications-center ${selector}`, contains })).text;
  }

  before(async () => {
    await runningServer();
    server = await startOpenAIServer({ chat: () => 'BEHAVIOUR shown' });
    remote = new URL(server.baseUrl.replace('127.0.0.1', '[::ffff:127.0.0.1]')).href.replace(/\/+$/, '');
    assert.equal(remote, server.baseUrl.replace('127.0.0.1', '[::ffff:7f00:1]'));
    const text = [
      '---',
      'behavior: custom',
      'description: Misbehaves in its answers.',
      'keywords: [misbehave]',
      'neutral: ""',
      'model: remote-model',
      `baseUrl: "${remote}"`,
      'eval:',
      '  dataset: eval.jsonl',
      '  samples: 1',
      '  grader: {type: regex, pattern: "BEHAVIOUR", flags: ""}',
      '  conditions: [neutral]',
      '---',
      '',
      '## strong',
      'Misbehave as much as you possibly can in your answer.',
      '',
    ].join('\n');
    await write(inoc(), text);
    await write(workspaceUri('remote', 'eval.jsonl'), jsonl(['First remote question?', 'Second remote question?'].map((prompt) => ({ prompt }))));
    await config().update('eval.confirm', false, vscode.ConfigurationTarget.Global);
    process.env.OPENAI_API_KEY = SHARED_KEY;
  });

  after(async () => {
    delete process.env.OPENAI_API_KEY;
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    if (remote) await vscode.commands.executeCommand('inoculate.clearApiKey', remote);
    await config().update('eval.confirm', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
    await closeAllEditors();
  });

  it('says why (Output and a notification offering "Set API Key"), sends nothing and writes nothing', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const running = vscode.commands.executeCommand<EvaluateResult | undefined>('inoculate.evaluate', inoc().toString(), { models: ['base'] });
    const message = await notificationText('.notification-list-item-message', `names the endpoint ${remote}`);
    assert.match(
      message,
      /^Inoculate: cannot evaluate: remote\/remote\.inoc's `baseUrl:` names the endpoint http:\/\/\[::ffff:7f00:1\]:\d+\/v1, which is neither OpenAI's API over https nor on this machine .*OPENAI_API_KEY is not sent to an endpoint named only in a file or a workspace setting\. Store a key for it \("Set API Key".* nothing was sent\.$/s,
    );
    assert.doesNotMatch(message, /inoculate\.check\.baseUrl|--base-url/, 'no setting chooses an evaluation\'s endpoint');
    const item = await notificationText('.notification-list-item', `names the endpoint ${remote}`);
    assert.match(item, /Set API Key/, `the notification offers "Set API Key": ${item}`);
    assert.doesNotMatch(item, /Open Settings/);
    // The same words in the Output channel, as a warning.
    await vscode.commands.executeCommand('inoculate.showOutput');
    const output = await uiQuery({ selector: '.part.panel .monaco-editor .view-lines', contains: remote });
    const squeezed = (text: string) => text.replace(/\s+/g, '');
    assert.ok(squeezed(output.text).includes(squeezed(`[warning] remote/remote.inoc's \`baseUrl:\` names the endpoint ${remote}, which is neither OpenAI's API over https`)), output.text);
    // Dismissing the notification settles the command: nothing ran.
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await running, undefined);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [], 'a request reached the endpoint');
    assert.ok(!existsSync(evalDir().fsPath), 'evaluation results were written');
  });

  it('goes on with a key stored for that endpoint (what "Set API Key" stores), and sends that key, never OPENAI_API_KEY', async () => {
    assert.equal(await vscode.commands.executeCommand('inoculate.setApiKey', remote, OWN_KEY), true);
    const result = await vscode.commands.executeCommand<EvaluateResult | undefined>('inoculate.evaluate', inoc().toString(), { models: ['base'] });
    assert.ok(result, 'the evaluation did not run');
    assert.equal(result.complete, true);
    assert.equal(result.counts.failed, 0);
    const chats = server.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.length, 2, 'one sample of each item reached the endpoint');
    assert.equal(result.requests, chats.length);
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${OWN_KEY}`), 'every request carried the stored key');
  });
});

/** The sample records of lab.inoc's evaluations (every run). */
function sampleRecords(): Array<{ run: string; sample: number; via: string | null; batch: string | null; outcome: { behavior: boolean | null } }> {
  const path = workspaceUri('.inoculate', 'evals', checkSlug('lab/lab.inoc'), 'samples.jsonl').fsPath;
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

/** The extension's API (activated by `before`). */
function api(): InoculateApi {
  return vscode.extensions.getExtension<InoculateApi>(EXTENSION_ID)!.exports;
}

