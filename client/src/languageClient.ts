/**
 * Starts the language server (`dist/server.js`, a Node child process over IPC) and keeps it running: restarts it
 * after a crash unless it keeps crashing, and shows start failures with a way to the output channel.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { VSCODE_CLIENT_COMMANDS } from '../../core/src/language/commands';
import type { InitializationOptions } from '../../server/src/protocol';
import { RestartPolicy } from './restartPolicy';
import { isWorkspaceTrusted } from './trust';

/** The language id contributed in package.json. */
export const LANGUAGE_ID = 'inoculation';

/** Documents the server handles: files on disk, untitled editors and virtual file systems (read from the editor). */
export const DOCUMENT_SELECTOR: DocumentSelector = [
  { language: LANGUAGE_ID, scheme: 'file' },
  { language: LANGUAGE_ID, scheme: 'untitled' },
  { language: LANGUAGE_ID, scheme: 'vscode-vfs' },
];

/** The running client and the commands around it. */
export class InoculateLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly policy = new RestartPolicy();
  private readonly stateEmitter = new vscode.EventEmitter<void>();
  /** Fires when the server starts, stops or restarts. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {}

  /** The client while it exists (it may be starting, running or stopped). */
  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  /** The server's process id while it runs (tests kill it to check the restart). */
  get serverProcessId(): number | undefined {
    return this.client?.isRunning() ? this.client.serverProcess?.pid : undefined;
  }

  /** Creates and starts the client; a failure is reported, never thrown. */
  async start(): Promise<boolean> {
    const module = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'server.js').fsPath;
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    // The commands this client registers: the server puts only these (and its own) in code lenses and completions.
    const initializationOptions: InitializationOptions = { workspaceTrusted: isWorkspaceTrusted(), clientCommands: [...VSCODE_CLIENT_COMMANDS] };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions,
      errorHandler: {
        // A few broken messages are survivable; a stream of them means the connection is gone.
        error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => {
          const decision = this.policy.onCrash(Date.now());
          this.output.warn(decision.restart ? 'The language server stopped unexpectedly; restarting it.' : decision.message);
          if (decision.restart) return { action: CloseAction.Restart, handled: true };
          void this.showFailure(decision.message);
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      // The server's Markdown (hovers, completion docs) holds no command links, and file text in it is escaped:
      // nothing in it is trusted. The server registers its own file watchers (datasets, check results).
      markdown: { isTrusted: false, supportHtml: false },
    };
    const client = new LanguageClient('inoculate', 'Inoculate Language Server', serverOptions, clientOptions);
    client.onDidChangeState(() => this.stateEmitter.fire());
    this.client = client;
    try {
      await client.start();
      return true;
    } catch (error) {
      const message = `The Inoculate language server failed to start: ${error instanceof Error ? error.message : String(error)}`;
      this.output.error(message);
      void this.showFailure(message);
      return false;
    }
  }

  /** Restarts the server on request (forgetting past crashes), or starts it if it never started. */
  async restart(): Promise<void> {
    this.policy.reset();
    if (!this.client) {
      await this.start();
      return;
    }
    try {
      await this.client.restart();
    } catch (error) {
      const message = `The Inoculate language server failed to restart: ${error instanceof Error ? error.message : String(error)}`;
      this.output.error(message);
      void this.showFailure(message);
    }
  }

  /** An error notification with the ways out: the output channel, or another try. */
  async showFailure(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Output', 'Restart Server');
    if (choice === 'Show Output') this.output.show();
    else if (choice === 'Restart Server') await this.restart();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning()) await client.stop().catch(() => undefined);
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }
}
