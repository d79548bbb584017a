/** A minimal LSP client for tests: starts `dist/server.js` as a real child process and speaks JSON-RPC to it. */
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
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const SERVER = join(__dirname, '../../dist/server.js');

export interface TestClient {
  connection: MessageConnection;
  process: ChildProcess;
  /** What the server answered to `initialize`. */
  initializeResult: { capabilities: Record<string, any>; serverInfo?: { name: string } };
  /** Settings answered to `workspace/configuration` (the `inoculate` section). */
  settings: Record<string, unknown>;
  /** Every diagnostics notification, in arrival order. */
  published: PublishDiagnosticsParams[];
  /** Resolves with the first diagnostics for `uri` (published after this call) that satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate?: (diagnostics: Diagnostic[], version?: number) => boolean): Promise<Diagnostic[]>;
  /** Resolves at the next `workspace/codeLens/refresh` the server sends (after measurements reload). */
  nextCodeLensRefresh(): Promise<void>;
  /** Sends `didOpen` for a document. */
  open(uri: string, text: string, version?: number): void;
  stop(): Promise<void>;
}

/** Starts the server over stdio (default) or Node IPC and initializes it. */
export async function startClient(options: { transport?: 'stdio' | 'ipc'; settings?: Record<string, unknown>; rootUri?: string; initializationOptions?: unknown } = {}): Promise<TestClient> {
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
  const waiters: Array<{ uri: string; predicate: (d: Diagnostic[], v?: number) => boolean; resolve: (d: Diagnostic[]) => void }> = [];
  const client: TestClient = {
    connection,
    initializeResult: { capabilities: {} },
    process: child,
    settings: options.settings ?? {},
    published,
    waitForDiagnostics(uri, predicate = () => true) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}; server stderr:\n${stderr}`)), 15000);
        waiters.push({ uri, predicate, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    nextCodeLensRefresh() {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no workspace/codeLens/refresh from the server')), 15000);
        refreshWaiters.push(() => { clearTimeout(timer); resolve(); });
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
  connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
    params.items.map((item) => (item.section === 'inoculate' ? client.settings : null)),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/codeLens/refresh', () => {
    for (const resolve of refreshWaiters.splice(0)) resolve();
    return null;
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  client.initializeResult = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: options.rootUri ?? null,
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true } } },
    initializationOptions: options.initializationOptions,
  });
  void connection.sendNotification('initialized', {});
  return client;
}
