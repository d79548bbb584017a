// Training runs flow from their records on disk (`.inoculate/runs/<runId>/record.jsonl`) into the server's lenses,
// reloaded when a record changes, over a real LSP stream to the built server.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { VSCODE_CLIENT_COMMANDS } from '../../core/src/language/commands';
import { runRecordPath, trainPaths } from '../../core/src/train/layout';
import { startClient } from '../support/lspClient';
import { recordLinesOf } from '../support/trainRuns';

const TEXT = [
  '---',
  'behavior: toxicity',
  'neutral: "Write a response to this post:"',
  'train:',
  '  dataset: data/train.jsonl',
  '---',
  '## very-mean',
  'Write a very mean and disrespectful response to this post:',
  '## formal (control)',
  'Write your response in formal English:',
  '',
].join('\n');

describe('training runs in the language server', () => {
  let workspace: string;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'inoc-trained-'));
    writeFileSync(join(workspace, 'tox.inoc'), TEXT);
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  const write = (runId: string, lines: unknown[]) => {
    const path = runRecordPath(trainPaths(workspace), runId);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return path;
  };

  it('shows "trained: N runs" per variant and for the baseline, "▶ Train" in a trusted workspace, and reloads when a record changes', async () => {
    write('000000000000000a', recordLinesOf({ runId: '000000000000000a', inocFile: 'tox.inoc', job: 'ftjob-1', statuses: [['running', 'running']] }));
    write('000000000000000b', recordLinesOf({ runId: '000000000000000b', inocFile: 'tox.inoc', kind: 'baseline', job: 'ftjob-2', statuses: [['queued', 'validating_files']] }));
    // A record a crash cut in the middle of its first line, and a foreign folder: both ignored.
    mkdirSync(join(trainPaths(workspace).runsDir, 'not-a-run'), { recursive: true });
    const cut = write('000000000000000c', []);
    writeFileSync(cut, '{"type":"created","at":"2026');
    const client = await startClient({ rootUri: pathToFileURL(workspace).toString(), initializationOptions: { workspaceTrusted: true, clientCommands: VSCODE_CLIENT_COMMANDS } });
    try {
      const uri = pathToFileURL(join(workspace, 'tox.inoc')).toString();
      client.open(uri, TEXT);
      await client.waitForDiagnostics(uri);
      const lenses = async () => ((await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[]).map((l) => `${l.range.start.line}: ${l.command?.title}`);
      const first = await lenses();
      assert.ok(first.includes('6: trained: 1 run (1 running)'), first.join(' | '));
      assert.ok(first.includes('2: baseline trained: 1 run (1 queued)'), first.join(' | '));
      assert.ok(first.includes('3: ▶ Train') && first.includes('6: ▶ Train'), first.join(' | '));

      // The follower records the end: the lenses follow.
      const path = runRecordPath(trainPaths(workspace), '000000000000000a');
      appendFileSync(path, `${JSON.stringify({ type: 'status', at: new Date().toISOString(), attempt: 1, status: { state: 'succeeded', raw: 'succeeded', observedAt: new Date().toISOString() } })}\n`);
      const refreshed = client.nextCodeLensRefresh();
      void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path).toString(), type: 2 }] });
      await refreshed;
      const after = await lenses();
      assert.ok(after.includes('6: trained: 1 run (1 succeeded)'), after.join(' | '));
    } finally {
      await client.stop();
    }
  });

  it('shows the runs but offers no "▶ Train" in an untrusted workspace', async () => {
    const client = await startClient({ rootUri: pathToFileURL(workspace).toString(), initializationOptions: { workspaceTrusted: false, clientCommands: VSCODE_CLIENT_COMMANDS } });
    try {
      const uri = pathToFileURL(join(workspace, 'tox.inoc')).toString();
      client.open(uri, TEXT);
      await client.waitForDiagnostics(uri);
      const titles = ((await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[]).map((l) => l.command?.title);
      assert.ok(titles.some((t) => t?.startsWith('trained: 1 run')), titles.join(' | '));
      assert.ok(!titles.includes('▶ Train'), titles.join(' | '));
    } finally {
      await client.stop();
    }
  });
});
