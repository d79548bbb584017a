/** Helpers for the end-to-end tests: wait on real signals (events), open fixtures, reach the extension's API. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { InoculateApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'inoculate.inoculate';

/** Generous: the first request may wait for the server to start on a loaded CI machine. */
export const DEFAULT_TIMEOUT_MS = 45_000;

/**
 * Resolves with the first truthy value of `probe`, checked now and again after each of `events` fires. The timeout
 * only turns a missing signal into a clear failure; nothing here sleeps.
 */
export function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  events: Array<vscode.Event<unknown>>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let done = false;
    let checking = false;
    let again = false;
    const finish = (error: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
      if (error) reject(error);
      else resolve(value as T);
    };
    const check = async () => {
      if (done) return;
      if (checking) {
        again = true; // an event fired while a probe was running: probe once more afterwards
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const value = await probe();
          if (value) return finish(undefined, value);
        } while (again && !done);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      } finally {
        checking = false;
      }
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
    for (const event of events) subscriptions.push(event(() => void check()));
    void check();
  });
}

/** The extension's API, activating it if needed. */
export async function extensionApi(): Promise<InoculateApi> {
  const extension = vscode.extensions.getExtension<InoculateApi>(EXTENSION_ID);
  if (!extension) {
    const loaded = vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.') && !e.id.startsWith('ms-vscode.')).map((e) => e.id);
    throw new Error(`extension ${EXTENSION_ID} is not loaded (loaded: ${loaded.join(', ')})`);
  }
  return extension.isActive ? extension.exports : extension.activate();
}

/** Waits until the language server is running, and returns the API. */
export async function runningServer(): Promise<InoculateApi> {
  const api = await extensionApi();
  await waitFor('the language server to run', () => api.server.languageClient?.isRunning(), [api.server.onDidChangeState]);
  return api;
}

/** The workspace folder the runner made (a copy of test/e2e/fixtures plus examples/). */
export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Opens a workspace file in an editor. */
export async function openFile(...segments: string[]): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(...segments));
  return vscode.window.showTextDocument(document);
}

/** Opens an untitled `.inoc` editor holding `content` (the server gets it like any other document). */
export async function openUntitled(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'inoculation', content });
  const editor = await vscode.window.showTextDocument(document);
  // VS Code reuses the name of an untitled file that was just closed (Untitled-1), and under load it has been seen to
  // restore the closed file's hot-exit backup into the new one instead of `content` (the previous test's text, seen
  // in the editor itself, not only by the server). Put the asked-for text in place when that happens.
  if (document.getText() !== content) {
    const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    assert.ok(await editor.edit((edit) => edit.replace(whole, content)), 'could not replace the restored backup of an earlier untitled file');
    assert.equal(document.getText(), content);
  }
  return editor;
}

/** Our diagnostics of `uri` once `accept` holds for them (the server publishes after each change). */
export function diagnosticsWhere(uri: vscode.Uri, what: string, accept: (diagnostics: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return waitFor(
    what,
    () => {
      const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'inoculate');
      return accept(ours) ? ours : undefined;
    },
    [vscode.languages.onDidChangeDiagnostics],
  );
}

/** The diagnostic's code as a string (`vscode.Diagnostic.code` may be an object with a link). */
export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

/** The 0-based line of the first line of `document` equal to `text`. */
export function lineOf(document: vscode.TextDocument, text: string): number {
  for (let line = 0; line < document.lineCount; line++) if (document.lineAt(line).text === text) return line;
  throw new Error(`no line '${text}' in ${document.uri.toString()}`);
}

/** Closes every editor without saving (a dirty editor would otherwise ask), so each test starts from a known layout. */
export async function closeAllEditors(): Promise<void> {
  const open = () => vscode.window.tabGroups.all.reduce((n, group) => n + group.tabs.length, 0);
  for (let left = open(); left > 0; left--) {
    const before = open();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    if (open() >= before) await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
}

/** Resolves once `path` exists (a file the runner writes); woken by the file system, not by polling. */
export function fileAppears(path: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path) && existsSync(path)) done();
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for the runner to write ${path}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    if (existsSync(path)) done();
  });
}

let uiQueries = 0;

/** What the workbench shows, read from the page by the runner (`run.mjs`'s ui-text): an element's text and a style. */
export interface UiAnswer {
  text: string;
  /** The computed style asked for (`property`, of `pseudo` when given). */
  style?: string;
}

/**
 * Asks the runner for the first visible element matching `selector` that contains `contains` (the extension API
 * cannot read the workbench's DOM): this logs a request, the runner answers in a file of the run's private folder.
 * With `styleMatches` (a regular expression's source), the runner first waits for `property` to match it.
 */
export async function uiQuery(query: { selector: string; contains?: string; pseudo?: string; property?: string; styleMatches?: string }): Promise<UiAnswer> {
  const dir = join(tmpdir(), 'inoculate-ui-queries');
  mkdirSync(dir, { recursive: true });
  const reply = join(dir, `reply-${process.pid}-${++uiQueries}.json`);
  console.log(`[inoculate-e2e] ui-text ${JSON.stringify({ ...query, reply })}`);
  await fileAppears(reply, 60_000);
  const answer = JSON.parse(readFileSync(reply, 'utf8')) as { text?: string; style?: string; error?: string };
  if (answer.error !== undefined) throw new Error(`the runner found no ${query.selector} containing "${query.contains ?? ''}": ${answer.error}`);
  return { text: answer.text!, style: answer.style };
}
