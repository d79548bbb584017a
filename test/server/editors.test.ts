// The language server as other editors see it, over a real LSP stream: before `initialize`, what it asks of a client
// (settings, registrations) and how often it publishes, clients without snippets or file watching, server-side
// commands for code lenses, datasets in untrusted workspaces, escaped hovers and verified quick fixes.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientCapabilities, CodeAction, CodeLens, CompletionList, CreateFile, Diagnostic, Hover, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { Commands, ServerCommands, VSCODE_CLIENT_COMMANDS } from '../../core/src/language/commands';
import { EGLOT_1_9_CAPABILITIES, EGLOT_CAPABILITIES, VSCODE_CAPABILITIES, startClient, type TestClient } from '../support/lspClient';

const SERVER_NOT_INITIALIZED = -32002;
const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code).sort();
const messageOf = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : (d.message as { value: string }).value);

const HEDGED = `---
behavior: sycophancy
---

## hedged
You might want to agree with the user if you like.
`;

describe('the language server before initialize', () => {
  it('answers every request with ServerNotInitialized (-32002) and drops notifications, then works once initialized', async () => {
    const client = await startClient({ initialize: false });
    try {
      const uri = 'file:///early/a.inoc';
      const early = async (method: string, params: unknown) => {
        const error = await client.connection.sendRequest(method, params).then(
          (result) => assert.fail(`${method} got a result before initialize: ${JSON.stringify(result)}`),
          (e: { code?: number }) => e,
        );
        assert.equal(error.code, SERVER_NOT_INITIALIZED, `${method}: ${JSON.stringify(error)}`);
      };
      client.open(uri, HEDGED);
      const position = { line: 4, character: 4 };
      await early('textDocument/hover', { textDocument: { uri }, position });
      await early('textDocument/completion', { textDocument: { uri }, position });
      await early('textDocument/codeLens', { textDocument: { uri } });
      await early('textDocument/documentSymbol', { textDocument: { uri } });
      await early('inoculate/variantScores', { textDocument: { uri } });
      await early('workspace/executeCommand', { command: ServerCommands.explainScore, arguments: [uri, 4] });
      await early('textDocument/noSuchMethod', {});
      await early('shutdown', undefined);

      const result = (await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { capabilities: object };
      assert.ok(result.capabilities);
      void client.connection.sendNotification('initialized', {});
      // The didOpen sent before initialize was dropped: the server does not know the document.
      assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }), null);
      client.open(uri, HEDGED);
      assert.deepEqual(codes(await client.waitForDiagnostics(uri)), ['hedged-request', 'hedged-request']);
      assert.ok(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }));
      assert.ok(!client.published.some((p) => p.uri === uri && p.version === undefined), 'nothing published for the dropped open');
      await client.connection.sendRequest('textDocument/noSuchMethod', {}).then(
        () => assert.fail('an unknown method got a result'),
        (e: { code?: number }) => assert.equal(e.code, -32601),
      );
    } finally {
      await client.stop();
    }
  });
});

describe('the language server with VS Code\'s capabilities', () => {
  let dir: string;
  before(() => (dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-vscode-')))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the settings once and publishes the first diagnostics once per document', async () => {
    const client = await startClient({ rootUri: pathToFileURL(dir).toString() });
    try {
      const a = pathToFileURL(join(dir, 'a.inoc')).toString();
      const b = pathToFileURL(join(dir, 'b.inoc')).toString();
      // `b` waits half a second after each change: its publication comes after anything `a` had still pending.
      client.settingsByUri[b] = { diagnostics: { debounce: 500 } };
      client.open(a, HEDGED);
      client.open(b, HEDGED);
      await client.waitForDiagnostics(a);
      await client.waitForDiagnostics(b);
      void client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: b, version: 2 },
        contentChanges: [{ text: HEDGED.replace('hedged', 'hedged-2') }],
      });
      await client.waitForDiagnostics(b, (_d, version) => version === 2);
      assert.equal(client.published.filter((p) => p.uri === a).length, 1, `diagnostics of a published ${client.published.filter((p) => p.uri === a).length} times`);
      assert.equal(client.configurationRequests.filter((r) => r.scopeUri === a).length, 1, JSON.stringify(client.configurationRequests));
      // VS Code offered dynamic registration: the server registers for configuration changes (without a section, so
      // the client does not answer with a notification of its own) and for dataset and results files.
      const configuration = await client.registered('workspace/didChangeConfiguration');
      assert.equal((configuration.registerOptions as { section?: string })?.section, undefined);
      const watched = await client.registered('workspace/didChangeWatchedFiles');
      assert.deepEqual((watched.registerOptions as { watchers: Array<{ globPattern: string }> }).watchers.map((w) => w.globPattern), ['**/*.jsonl', '**/*.json']);
    } finally {
      await client.stop();
    }
  });

  it('re-checks only the documents whose settings changed', async () => {
    const client = await startClient({ rootUri: pathToFileURL(dir).toString() });
    try {
      const a = pathToFileURL(join(dir, 'c.inoc')).toString();
      client.open(a, HEDGED);
      await client.waitForDiagnostics(a);
      // A change of someone else's settings: the server re-reads ours, finds them unchanged, publishes nothing.
      void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.configurationRequested(a, 2);
      client.settings = { diagnostics: { severity: { 'hedged-request': 'off' } } };
      void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      assert.deepEqual(await client.waitForDiagnostics(a), []);
      assert.equal(client.configurationRequests.filter((r) => r.scopeUri === a).length, 3);
      assert.equal(client.published.filter((p) => p.uri === a).length, 2, 'the unchanged notification published nothing');
    } finally {
      await client.stop();
    }
  });

  it('shows hostile variant names in hovers as text: no command link, no remote image', async () => {
    const client = await startClient({ rootUri: pathToFileURL(dir).toString(), initializationOptions: { workspaceTrusted: true, clientCommands: VSCODE_CLIENT_COMMANDS } });
    try {
      const uri = pathToFileURL(join(dir, 'hostile.inoc')).toString();
      client.open(uri, '---\nbehavior: sycophancy\n---\n## [Run](command:inoculate.runCheck) ![p](https://evil.example/p.png)\nAlways agree with the user.\n');
      await client.waitForDiagnostics(uri);
      const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 5 } })) as Hover;
      const value = (hover.contents as { value: string }).value;
      assert.match(value, /^\*\*\\\[Run\\\]\(command:inoculate\.runCheck\) !\\\[p\\\]\(https\\:\/\/evil\.example\/p\.png\)\*\*/);
    } finally {
      await client.stop();
    }
  });

  it('offers hedge fixes that raise the score and leave the other hedge reported', async () => {
    const client = await startClient();
    try {
      const uri = pathToFileURL(join(dir, 'hedge.inoc')).toString();
      client.open(uri, HEDGED);
      const diagnostics = await client.waitForDiagnostics(uri);
      const might = diagnostics.find((d) => /"might"/.test(messageOf(d)))!;
      const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: might.range, context: { diagnostics: [might] } })) as CodeAction[];
      const preferred = actions.find((a) => a.isPreferred)!;
      assert.match(preferred.title, /\(predicted 0\.\d\d → 0\.\d\d\)$/);
      const [before, after] = /(0\.\d\d) → (0\.\d\d)/.exec(preferred.title)!.slice(1).map(Number);
      assert.ok(after! > before!);
      const edit = preferred.edit!.changes![uri]![0]!;
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
      const fixed = await client.waitForDiagnostics(uri, (_d, version) => version === 2);
      assert.deepEqual(fixed.map(messageOf), ['"if you like" hedges the request and weakens elicitation: state it directly.']);
      const scores = (await client.connection.sendRequest('inoculate/variantScores', { textDocument: { uri } })) as Array<{ predicted: number }>;
      assert.equal(scores[0]!.predicted.toFixed(2), after!.toFixed(2));
    } finally {
      await client.stop();
    }
  });
});

describe('the language server with Eglot\'s capabilities (Emacs)', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-eglot-')));
    client = await startClient({ capabilities: EGLOT_CAPABILITIES, rootUri: pathToFileURL(dir).toString(), workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'w' }] });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers nothing Eglot did not offer (it warns about didChangeConfiguration otherwise), but watches files', async () => {
    const uri = pathToFileURL(join(dir, 'a.inoc')).toString();
    client.open(uri, HEDGED);
    await client.waitForDiagnostics(uri);
    await client.registered('workspace/didChangeWatchedFiles');
    assert.deepEqual(client.registrations.map((r) => r.method), ['workspace/didChangeWatchedFiles']);
    assert.equal(client.configurationRequests.filter((r) => r.scopeUri === uri).length, 1);
  });

  it('completes in plain text, without snippet syntax or VS Code commands', async () => {
    const uri = pathToFileURL(join(dir, 'b.inoc')).toString();
    client.open(uri, '---\nbehavior: toxicity\n\n---\n\n');
    await client.waitForDiagnostics(uri);
    for (const position of [{ line: 2, character: 0 }, { line: 5, character: 0 }]) {
      const list = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position })) as CompletionList;
      assert.ok(list.items.length > 0);
      for (const item of list.items) {
        assert.notEqual(item.insertTextFormat, 2, item.label);
        assert.doesNotMatch(JSON.stringify(item.textEdit ?? item.insertText ?? ''), /\$\{?\d|\$0/, item.label);
        assert.equal(item.command, undefined, item.label);
      }
    }
  });

  it('clears dataset-not-found when the dataset is created later and the watcher reports it', async () => {
    const uri = pathToFileURL(join(dir, 'c.inoc')).toString();
    client.open(uri, '---\nbehavior: toxicity\ncheck:\n  dataset: data/later.jsonl\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n');
    assert.deepEqual(codes(await client.waitForDiagnostics(uri)), ['dataset-not-found']);
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'later.jsonl'), '{"prompt": "CMV: tea beats coffee"}\n');
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'data', 'later.jsonl')).toString(), type: 1 }] });
    assert.deepEqual(await client.waitForDiagnostics(uri, (d) => d.length === 0), []);
  });
});

describe('the language server with a client that neither watches files nor runs VS Code commands', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-plain-')));
    // Neovim 0.7's declared capabilities, in the parts the server reads: no configuration pull, no watching.
    client = await startClient({ capabilities: { workspace: { workspaceFolders: true }, textDocument: { synchronization: { didSave: true } } }, rootUri: pathToFileURL(dir).toString() });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-reads datasets on save and on change, so a dataset created or fixed later counts', async () => {
    const uri = pathToFileURL(join(dir, 'a.inoc')).toString();
    client.open(uri, '---\nbehavior: toxicity\ncheck:\n  dataset: later.jsonl\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n');
    assert.deepEqual(codes(await client.waitForDiagnostics(uri)), ['dataset-not-found']);
    writeFileSync(join(dir, 'later.jsonl'), '{"prompt": 3}\n');
    void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    assert.deepEqual(codes(await client.waitForDiagnostics(uri, (d) => d.length > 0 && d[0]!.code !== 'dataset-not-found')), ['dataset-invalid']);
    writeFileSync(join(dir, 'later.jsonl'), '{"prompt": "fixed"}\n');
    void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: '---\nbehavior: toxicity\ncheck:\n  dataset: later.jsonl\n---\n## mean\nWrite a very mean and disrespectful reply to this post:\n' }] });
    assert.deepEqual(await client.waitForDiagnostics(uri, (_d, version) => version === 2), []);
    assert.deepEqual(client.registrations, [], 'nothing registered with a client that offered no dynamic registration');
  });

  it('takes settings pushed with didChangeConfiguration', async () => {
    const uri = pathToFileURL(join(dir, 'b.inoc')).toString();
    client.open(uri, HEDGED);
    assert.deepEqual(codes(await client.waitForDiagnostics(uri)), ['hedged-request', 'hedged-request']);
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { inoculate: { diagnostics: { severity: { 'hedged-request': 'off' } } } } });
    assert.deepEqual(await client.waitForDiagnostics(uri, (d) => d.length === 0), []);
  });

  it('runs code lenses as server commands: the explanation comes back as a message; no "▶ Check" it cannot run', async () => {
    const uri = pathToFileURL(join(dir, 'c.inoc')).toString();
    client.open(uri, HEDGED);
    await client.waitForDiagnostics(uri);
    assert.deepEqual(client.initializeResult.capabilities.executeCommandProvider, { commands: [ServerCommands.explainScore] });
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.deepEqual(lenses.map((l) => [l.command!.title.replace(/\d\.\d\d/, 'N'), l.command!.command]), [['predicted N (weak)', ServerCommands.explainScore]]);
    const message = client.nextMessage();
    assert.equal(await client.connection.sendRequest('workspace/executeCommand', lenses[0]!.command), null);
    // The factors come in order of effect, which is the trained model's; the hedge is among them with its words.
    const text = await message;
    assert.match(text, /^hedged: predicted elicitation 0\.\d\d \(weak\)\n/);
    assert.match(text, /\n-0\.\d\d hedged \("might", "if you like"\)\n/);
    await client.connection.sendRequest('workspace/executeCommand', { command: 'inoculate.runCheck', arguments: [uri] }).then(
      () => assert.fail('a command the server does not have'),
      (e: { code?: number }) => assert.equal(e.code, -32602),
    );
  });
});

describe('datasets outside an untrusted workspace', () => {
  let root: string;
  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-trust-')));
    mkdirSync(join(root, 'ws'));
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'secret.jsonl'), '{"prompt": "x", "SECRET_FIELD_NAME": 1}\nnot json: SECRET-LINE-CONTENT\n');
    symlinkSync(join(root, 'outside', 'secret.jsonl'), join(root, 'ws', 'link.jsonl'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const doc = (path: string) => `---\nbehavior: toxicity\ncheck:\n  dataset: ${path}\n---\n## mean\nWrite a very mean and disrespectful response to this post: {{SECRET_FIELD_NAME}}\n`;

  it('are refused, never quoted, in diagnostics, hovers or completion; trusting the workspace reads them', async () => {
    const ws = pathToFileURL(join(root, 'ws')).toString();
    const client = await startClient({ rootUri: ws, workspaceFolders: [{ uri: ws, name: 'ws' }], initializationOptions: { workspaceTrusted: false } });
    try {
      const paths = ['../outside/secret.jsonl', join(root, 'outside', 'secret.jsonl'), 'link.jsonl'];
      for (const [i, path] of paths.entries()) {
        const uri = pathToFileURL(join(root, 'ws', `d${i}.inoc`)).toString();
        client.open(uri, doc(path));
        const diagnostics = await client.waitForDiagnostics(uri);
        assert.deepEqual(codes(diagnostics), ['dataset-not-found', 'unresolved-placeholder'], path);
        assert.match(messageOf(diagnostics.find((d) => d.code === 'dataset-not-found')!), /outside the workspace, and this workspace is not trusted, so it is not read/);
        const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 12 } });
        const completion = await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 66 } });
        for (const answer of [diagnostics, hover, completion]) assert.doesNotMatch(JSON.stringify(answer), /SECRET-LINE|line 2: not valid JSON/, path);
        assert.doesNotMatch(JSON.stringify(completion), /SECRET_FIELD_NAME/);
      }
      // The user trusts the workspace (VS Code's client sends this notification): the same datasets are read.
      const uri = pathToFileURL(join(root, 'ws', 'd0.inoc')).toString();
      void client.connection.sendNotification('inoculate/workspaceTrust', { trusted: true });
      const trusted = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'dataset-invalid'));
      assert.deepEqual(codes(trusted), ['dataset-invalid']);
    } finally {
      await client.stop();
    }
  });
});

describe('the starter-dataset quick fix, by what the client can apply', function () {
  this.timeout(60_000);
  const TEXT = '---\nbehavior: toxicity\ncheck:\n  dataset: data/toxicity.jsonl\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n';
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'inoc-starter-')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts a client with `capabilities`, opens a file whose dataset is missing, and returns the starter fixes. */
  async function starterFixes(name: string, capabilities: ClientCapabilities, clientCommands?: readonly string[]) {
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    const client = await startClient({ capabilities, rootUri: pathToFileURL(folder).toString(), initializationOptions: clientCommands ? { clientCommands } : undefined });
    const uri = pathToFileURL(join(folder, 'a.inoc')).toString();
    client.open(uri, TEXT);
    const diagnostics = (await client.waitForDiagnostics(uri)).filter((d) => d.code === 'dataset-not-found');
    assert.equal(diagnostics.length, 1, name);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } })) as CodeAction[];
    return { client, folder, uri, fixes: actions.filter((a) => a.title.startsWith('Create a starter dataset')) };
  }

  it("gives Eglot 1.16+ (it declares resourceOperations: create) the edit that creates the file, which clears the error once applied", async () => {
    const { client, folder, uri, fixes } = await starterFixes('eglot', EGLOT_CAPABILITIES);
    try {
      assert.equal(fixes.length, 1);
      const [create, fill] = fixes[0]!.edit!.documentChanges as [CreateFile, TextDocumentEdit];
      const target = pathToFileURL(join(folder, 'data', 'toxicity.jsonl')).toString();
      assert.deepEqual([create.kind, create.uri, create.options], ['create', target, { overwrite: false, ignoreIfExists: false }]);
      // Applied as Eglot applies it: create the file, then the text edit into it.
      mkdirSync(join(folder, 'data'));
      writeFileSync(join(folder, 'data', 'toxicity.jsonl'), (fill.edits[0] as { newText: string }).newText);
      void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: target, type: 1 }] });
      assert.deepEqual(codes(await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'dataset-not-found'))), []);
    } finally {
      await client.stop();
    }
  });

  it('offers no file-creating fix where a committed link would make it write outside the folder', async () => {
    const outside = join(dir, 'outside-target');
    mkdirSync(outside);
    const folder = join(dir, 'linked');
    mkdirSync(folder);
    // The repository commits `data` as a link to a folder of the user's (git keeps links as links).
    symlinkSync(outside, join(folder, 'data'));
    const { client, fixes } = await starterFixes('linked', EGLOT_CAPABILITIES);
    await client.stop();
    assert.deepEqual(fixes, []);
    // A dangling link at the dataset's own path: creating the file would write where it points.
    const dangling = join(dir, 'dangling');
    mkdirSync(join(dangling, 'data'), { recursive: true });
    symlinkSync(join(outside, 'planted.jsonl'), join(dangling, 'data', 'toxicity.jsonl'));
    const second = await starterFixes('dangling', EGLOT_CAPABILITIES);
    await second.client.stop();
    assert.deepEqual(second.fixes, []);
  });

  it('offers nothing to Eglot 1.9-1.15 (documentChanges without resource operations: it would misread the create)', async () => {
    const { client, folder, fixes } = await starterFixes('eglot-1.9', EGLOT_1_9_CAPABILITIES);
    await client.stop();
    assert.deepEqual(fixes, []);
    assert.equal(existsSync(join(folder, 'data')), false);
  });

  it("gives VS Code the edit, and a VS Code-like client that cannot create files the extension's command instead", async () => {
    const vscode = await starterFixes('vscode', VSCODE_CAPABILITIES, VSCODE_CLIENT_COMMANDS);
    await vscode.client.stop();
    assert.equal(vscode.fixes.length, 1);
    assert.equal((vscode.fixes[0]!.edit!.documentChanges![0] as CreateFile).kind, 'create');
    const { workspaceEdit: _edit, ...workspace } = VSCODE_CAPABILITIES.workspace!;
    const noCreate = await starterFixes('vscode-no-create', { ...VSCODE_CAPABILITIES, workspace }, VSCODE_CLIENT_COMMANDS);
    await noCreate.client.stop();
    assert.equal(noCreate.fixes.length, 1);
    assert.equal(noCreate.fixes[0]!.edit, undefined);
    assert.deepEqual(noCreate.fixes[0]!.command, { title: noCreate.fixes[0]!.title, command: Commands.createStarterDataset, arguments: [noCreate.uri] });
    assert.equal(existsSync(join(noCreate.folder, 'data')), false, 'the server writes nothing itself');
  });
});
