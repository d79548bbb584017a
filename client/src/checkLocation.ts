/** Where the results of a `.inoc` file's checks live: `.inoculate/` in the workspace folder holding the file. */
import * as vscode from 'vscode';
import { checkResultPaths, findWorkspaceRoot, type CheckResultPaths } from '../../core/src/check/layout';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { dirname } from 'node:path';

/** The workspace root for `uri`: its workspace folder, else the nearest folder with `.inoculate`, `.git` or `package.json`. */
export async function workspaceRootOf(uri: vscode.Uri): Promise<string> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder?.uri.scheme === 'file') return folder.uri.fsPath;
  return findWorkspaceRoot(nodeResultsFileSystem, uri.fsPath, dirname(uri.fsPath));
}

/** The result paths of the file at `uri` (a `file:` URI). */
export async function resultPathsOf(uri: vscode.Uri): Promise<CheckResultPaths> {
  return checkResultPaths(await workspaceRootOf(uri), uri.fsPath);
}
