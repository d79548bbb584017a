/** Where the results of a `.inoc` file's checks live: `.inoculate/` in the workspace folder holding the file. */
import * as vscode from 'vscode';
import { checkResultPaths, findWorkspaceRoot, type CheckResultPaths } from '../../core/src/check/layout';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { dirname } from 'node:path';

/**
 * The workspace root for `uri`, as the CLI finds it too (`findWorkspaceRoot`): its workspace folder, else the
 * nearest folder with `.inoculate` or `.git`, else with `package.json`.
 */
export async function workspaceRootOf(uri: vscode.Uri): Promise<string> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return findWorkspaceRoot(nodeResultsFileSystem, uri.fsPath, dirname(uri.fsPath), folders);
}

/** The result paths of the file at `uri` (a `file:` URI). */
export async function resultPathsOf(uri: vscode.Uri): Promise<CheckResultPaths> {
  return checkResultPaths(await workspaceRootOf(uri), uri.fsPath);
}

/** The file a command was given (a URI or its string, as code lenses and menus pass them), else the active editor's. */
export function commandTargetUri(arg: unknown, orActiveEditor = true): vscode.Uri | undefined {
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  if (arg instanceof vscode.Uri) return arg;
  return orActiveEditor ? vscode.window.activeTextEditor?.document.uri : undefined;
}
