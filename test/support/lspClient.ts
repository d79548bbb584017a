/**
 * A minimal LSP client for tests: starts `dist/server.js` as a real child process and speaks JSON-RPC to it. It
 * declares the capabilities of a real editor (VS Code's client by default, or Emacs' Eglot) and records what the
 * server asks of it (settings, registrations, messages), so tests can count them.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { ClientCapabilities, Diagnostic, PublishDiagnosticsParams, Registration } from 'vscode-languageserver-protocol';

export const SERVER = join(__dirname, '../../dist/server.js');

/**
 * What VS Code's client (vscode-languageclient 11) declares, for the parts the server reads. Like the real client, on
 * a `workspace/didChangeConfiguration` registration with a `section` it sends that notification right away.
 */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'], failureHandling: 'textOnlyTransactional', normalizesLineEndings: true },
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    codeLens: { refreshSupport: true },
    executeCommand: { dynamicRegistration: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
    completion: { dynamicRegistration: true, contextSupport: true, completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    codeAction: { dynamicRegistration: true, isPreferredSupport: true, dataSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
    codeLens: { dynamicRegistration: true },
  },
};

/**
 * Exactly what Emacs' Eglot 1.24 (`eglot-client-capabilities` in eglot.el; Emacs 30 ships 1.17, the same here)
 * declares without yasnippet installed: no snippets, no `didChangeConfiguration` at all (so no dynamic registration
 * of it), dynamic file watching, `workspace/configuration`, no code lenses.
 */
export const EGLOT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    applyEdit: true,
    executeCommand: { dynamicRegistration: false },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'delete', 'rename'], failureHandling: 'abort' },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    symbol: { dynamicRegistration: false },
    semanticTokens: { refreshSupport: true },
    configuration: true,
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, willSave: true, willSaveWaitUntil: true, didSave: true },
    completion: {
      dynamicRegistration: false,
      completionItem: {
        snippetSupport: false,
        deprecatedSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
        resolveSupport: { properties: ['documentation', 'details', 'additionalTextEdits'] },
        tagSupport: { valueSet: [1] },
        insertReplaceSupport: true,
      },
      contextSupport: true,
    },
    hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
    documentSymbol: { dynamicRegistration: false, hierarchicalDocumentSymbolSupport: true },
    codeAction: {
      dynamicRegistration: false,
      resolveSupport: { properties: ['edit', 'command'] },
      dataSupport: true,
      codeActionLiteralSupport: {
        codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'] },
      },
      isPreferredSupport: true,
    },
    publishDiagnostics: { relatedInformation: false, versionSupport: true, codeDescriptionSupport: false, tagSupport: { valueSet: [1, 2] } },
  },
  window: { showDocument: { support: true }, showMessage: { messageActionItem: { additionalPropertiesSupport: true } }, workDoneProgress: true },
  general: { positionEncodings: ['utf-32', 'utf-8', 'utf-16'] },
};

/**
 * What Eglot 1.9 (Debian's elpa-eglot, with Emacs 28; Eglot declared the same up to 1.15) declares, where it differs
 * from {@link EGLOT_CAPABILITIES}: `documentChanges` without any resource operation (it reads every document change
 * as a text edit), no relative patterns for file watching, hover in plain text unless markdown-mode is installed.
 */
export const EGLOT_1_9_CAPABILITIES: ClientCapabilities = {
  ...EGLOT_CAPABILITIES,
  workspace: {
    applyEdit: true,
    executeCommand: { dynamicRegistration: false },
    workspaceEdit: { documentChanges: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    symbol: { dynamicRegistration: false },
    configuration: true,
    workspaceFolders: true,
  },
};

export interface TestClient {
  connection: MessageConnection;
  process: ChildProcess;
  /** What the server answered to `initialize`. */
  initializeResult: { capabilities: Record<string, any>; serverInfo?: { name: string } };
  /** Settings answered to `workspace/configuration` (the `inoculate` section). */
  settings: Record<string, unknown>;
  /** Per-document settings (by URI), answered instead of `settings` for that document. */
  settingsByUri: Record<string, Record<string, unknown>>;
  /** Every diagnostics notification, in arrival order. */
  published: PublishDiagnosticsParams[];
  /** Every `workspace/configuration` item the server asked for, in order. */
  configurationRequests: Array<{ scopeUri?: string; section?: string }>;
  /** Every capability the server registered. */
  registrations: Registration[];
  /** Every `window/showMessage` text. */
  messages: string[];
  /** Resolves with the first diagnostics for `uri` (published after this call) that satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate?: (diagnostics: Diagnostic[], version?: number) => boolean): Promise<Diagnostic[]>;
  /** Resolves at the next `workspace/codeLens/refresh` the server sends (after measurements reload). */
  nextCodeLensRefresh(): Promise<void>;
  /** Resolves with the next `window/showMessage` text. */
  nextMessage(): Promise<string>;
  /** Resolves once the server has asked for the settings of `scopeUri` `count` times in all. */
  configurationRequested(scopeUri: string, count: number): Promise<void>;
  /** Resolves once the server has registered a capability for `method`. */
  registered(method: string): Promise<Registration>;
  /** Sends `didOpen` for a document. */
  open(uri: string, text: string, version?: number): void;
  stop(): Promise<void>;
}

export interface ClientOptions {
  transport?: 'stdio' | 'ipc';
  settings?: Record<string, unknown>;
  rootUri?: string;
  workspaceFolders?: Array<{ uri: string; name: string }>;
  initializationOptions?: unknown;
  /** Defaults to {@link VSCODE_CAPABILITIES}. */
  capabilities?: ClientCapabilities;
  /** False: connect without sending `initialize` (to test what the server does before it). */
  initialize?: boolean;
}

/** Starts the server over stdio (default) or Node IPC and initializes it. */
export async function startClient(options: ClientOptions = {}): Promise<TestClient> {
  const transport = options.transport ?? 'stdio';
  const child =
    transport === 'stdio'
      ? spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] })
      : fork(SERVER, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const connection =
    transport === 'stdio'
      ? createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!))
      : createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const published: PublishDiagnosticsParams[] = [];
  const refreshWaiters: Array<() => void> = [];
  const messageWaiters: Array<(text: string) => void> = [];
  const registrationWaiters: Array<{ method: string; resolve: (r: Registration) => void }> = [];
  const configurationWaiters: Array<{ scopeUri: string; count: number; resolve: () => void }> = [];
  const requestsFor = (scopeUri: string) => client.configurationRequests.filter((r) => r.scopeUri === scopeUri).length;
  const waiters: Array<{ uri: string; predicate: (d: Diagnostic[], v?: number) => boolean; resolve: (d: Diagnostic[]) => void }> = [];
  const capabilities = options.capabilities ?? VSCODE_CAPABILITIES;
  const timeout = <T>(what: string, executor: (resolve: (value: T) => void) => () => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let remove = () => {};
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`${what}; server stderr:\n${stderr}`));
      }, 15000);
      remove = executor((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  const client: TestClient = {
    connection,
    initializeResult: { capabilities: {} },
    process: child,
    settings: options.settings ?? {},
    settingsByUri: {},
    published,
    configurationRequests: [],
    registrations: [],
    messages: [],
    waitForDiagnostics(uri, predicate = () => true) {
      return timeout(`no matching diagnostics for ${uri}`, (resolve) => {
        const waiter = { uri, predicate, resolve };
        waiters.push(waiter);
        return () => waiters.splice(waiters.indexOf(waiter), 1);
      });
    },
    nextCodeLensRefresh() {
      return timeout('no workspace/codeLens/refresh from the server', (resolve) => {
        const waiter = () => resolve(undefined);
        refreshWaiters.push(waiter);
        return () => refreshWaiters.splice(refreshWaiters.indexOf(waiter), 1);
      });
    },
    nextMessage() {
      return timeout('no window/showMessage from the server', (resolve) => {
        messageWaiters.push(resolve);
        return () => messageWaiters.splice(messageWaiters.indexOf(resolve), 1);
      });
    },
    configurationRequested(scopeUri, count) {
      if (requestsFor(scopeUri) >= count) return Promise.resolve();
      return timeout(`the server did not ask for the settings of ${scopeUri} ${count} times`, (resolve) => {
        const waiter = { scopeUri, count, resolve: () => resolve(undefined) };
        configurationWaiters.push(waiter);
        return () => configurationWaiters.splice(configurationWaiters.indexOf(waiter), 1);
      });
    },
    registered(method) {
      const known = client.registrations.find((r) => r.method === method);
      if (known) return Promise.resolve(known);
      return timeout(`the server registered no ${method}`, (resolve) => {
        const waiter = { method, resolve };
        registrationWaiters.push(waiter);
        return () => registrationWaiters.splice(registrationWaiters.indexOf(waiter), 1);
      });
    },
    open(uri, text, version = 1) {
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'inoculation', version, text } });
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      void connection.sendNotification('exit');
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 3000);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
      });
      connection.dispose();
    },
  };
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (waiter.uri === params.uri && waiter.predicate(params.diagnostics, params.version)) {
        waiters.splice(i, 1);
        waiter.resolve(params.diagnostics);
      }
    }
  });
  connection.onRequest('workspace/configuration', (params: { items: Array<{ scopeUri?: string; section?: string }> }) => {
    client.configurationRequests.push(...params.items);
    for (let i = configurationWaiters.length - 1; i >= 0; i--) {
      const waiter = configurationWaiters[i]!;
      if (requestsFor(waiter.scopeUri) >= waiter.count) configurationWaiters.splice(i, 1)[0]!.resolve();
    }
    return params.items.map((item) => (item.section === 'inoculate' ? ((item.scopeUri && client.settingsByUri[item.scopeUri]) ?? client.settings) : null));
  });
  connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => {
    client.registrations.push(...params.registrations);
    for (const registration of params.registrations) {
      for (let i = registrationWaiters.length - 1; i >= 0; i--) {
        if (registrationWaiters[i]!.method === registration.method) registrationWaiters.splice(i, 1)[0]!.resolve(registration);
      }
      // VS Code's client announces the current settings as soon as a section is registered.
      const section = (registration.registerOptions as { section?: unknown } | undefined)?.section;
      if (registration.method === 'workspace/didChangeConfiguration' && section !== undefined && section !== null) {
        void connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      }
    }
    return null;
  });
  connection.onRequest('workspace/codeLens/refresh', () => {
    for (const resolve of refreshWaiters.splice(0)) resolve();
    return null;
  });
  connection.onNotification('window/showMessage', (params: { message: string }) => {
    client.messages.push(params.message);
    for (const resolve of messageWaiters.splice(0)) resolve(params.message);
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  if (options.initialize === false) return client;
  client.initializeResult = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: options.rootUri ?? null,
    workspaceFolders: options.workspaceFolders ?? null,
    capabilities,
    initializationOptions: options.initializationOptions,
  });
  void connection.sendNotification('initialized', {});
  return client;
}
