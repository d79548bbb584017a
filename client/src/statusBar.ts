/**
 * The status bar item: the predicted score of the variant under the cursor (asked of the server with
 * `inoculate/variantAt`), hidden outside `.inoc` files and outside variants; a click explains the score.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { VariantAtRequest, type VariantScore } from '../../server/src/protocol';
import { EXPLAIN_SCORE_COMMAND } from './explainScore';
import { LANGUAGE_ID } from './languageClient';
import { readClientSettings } from './settings';
import { statusBarContent } from './statusBarText';

/** What the item shows now (read by the end-to-end tests through the extension's API). */
export interface StatusBarSnapshot {
  visible: boolean;
  text: string;
  variant: VariantScore | null;
}

/** Keeps the item in step with the active editor, its cursor and its text. */
export class ScoreStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('inoculate.score', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<StatusBarSnapshot>();
  /** Fires after every update with what the item shows. */
  readonly onDidUpdate = this.changeEmitter.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private snapshot: StatusBarSnapshot = { visible: false, text: '', variant: null };

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item.name = 'Inoculate: predicted score';
    this.disposables.push(
      this.item,
      this.changeEmitter,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) this.schedule(50);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === vscode.window.activeTextEditor?.document) this.schedule(250);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('inoculate.statusBar')) this.schedule(0);
      }),
    );
    this.schedule(0);
  }

  /** What the item shows now. */
  get current(): StatusBarSnapshot {
    return this.snapshot;
  }

  /** Re-reads the variant under the cursor (e.g. once the server is running). */
  refresh(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delayMs);
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    const client = this.client();
    if (!editor || editor.document.languageId !== LANGUAGE_ID || !client?.isRunning()) return this.show(undefined, null);
    if (!readClientSettings(vscode.workspace.getConfiguration('inoculate', editor.document.uri)).statusBar.enable) return this.show(undefined, null);
    let variant: VariantScore | null = null;
    try {
      const position = editor.selection.active;
      variant = await client.sendRequest(VariantAtRequest, {
        textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
        position: { line: position.line, character: position.character },
      });
    } catch {
      variant = null; // the server is restarting or failed this request: hide rather than show a stale score
    }
    // A newer update started while this one waited: let it decide.
    if (generation !== this.generation) return;
    this.show(editor.document.uri, variant);
  }

  private show(uri: vscode.Uri | undefined, variant: VariantScore | null): void {
    const content = statusBarContent(variant);
    if (!uri || !variant || !content) {
      this.item.hide();
      this.snapshot = { visible: false, text: '', variant: null };
    } else {
      this.item.text = content.text;
      this.item.tooltip = new vscode.MarkdownString(content.tooltip);
      this.item.accessibilityInformation = { label: content.accessibilityLabel, role: 'button' };
      this.item.command = { title: 'Explain the score', command: EXPLAIN_SCORE_COMMAND, arguments: [uri.toString(), variant.line] };
      this.item.show();
      this.snapshot = { visible: true, text: content.text, variant };
    }
    this.changeEmitter.fire(this.snapshot);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
