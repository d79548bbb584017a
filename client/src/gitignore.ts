/**
 * "Inoculate: Add .inoculate/ to .gitignore" (`inoculate.addToGitignore [folder?]`), and the one-time offer after the
 * first check of a workspace, which names the command for later. `.inoculate/` holds results and cached model answers.
 */
import * as vscode from 'vscode';
import { gitignoreEntry } from '../../core/src/check/layout';
import { workspaceRootOf } from './checkLocation';
import { ignoresEntry, withEntry } from './gitignoreText';

/** The command id. */
export const ADD_TO_GITIGNORE_COMMAND = 'inoculate.addToGitignore';

const OFFERED = 'inoculate.gitignoreOffered';

/** What the command did. */
export type GitignoreResult = 'added' | 'present';

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** The folder whose .gitignore to edit: the one given, the active file's workspace root, or the first folder. */
async function targetFolder(folderArg: unknown): Promise<vscode.Uri | undefined> {
  if (folderArg instanceof vscode.Uri) return folderArg;
  if (typeof folderArg === 'string') return vscode.Uri.parse(folderArg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') return vscode.Uri.file(await workspaceRootOf(active));
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Adds the entry to `folder`'s .gitignore (creating the file); says what it did. */
export async function addToGitignore(folder: vscode.Uri): Promise<GitignoreResult> {
  const gitignore = vscode.Uri.joinPath(folder, '.gitignore');
  const existing = await readText(gitignore);
  const entry = gitignoreEntry();
  if (existing !== undefined && ignoresEntry(existing, entry)) return 'present';
  await vscode.workspace.fs.writeFile(gitignore, new TextEncoder().encode(withEntry(existing, entry)));
  return 'added';
}

/** Registers the command; it resolves to what it did, or undefined without a folder. */
export function registerGitignoreCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(ADD_TO_GITIGNORE_COMMAND, async (folderArg?: unknown): Promise<GitignoreResult | undefined> => {
    const folder = await targetFolder(folderArg);
    if (!folder) {
      void vscode.window.showInformationMessage('Inoculate: open a folder first; its .gitignore gets the entry.');
      return undefined;
    }
    const result = await addToGitignore(folder);
    const where = vscode.workspace.asRelativePath(vscode.Uri.joinPath(folder, '.gitignore'));
    void vscode.window.showInformationMessage(
      result === 'added' ? `Inoculate: added ${gitignoreEntry()} to ${where}.` : `Inoculate: ${where} already ignores ${gitignoreEntry()}.`,
    );
    return result;
  });
}

/** After a check: offers once per workspace to add the entry, when the folder is a git repository without it. */
export async function offerGitignore(context: vscode.ExtensionContext, root: string): Promise<void> {
  if (context.workspaceState.get<boolean>(OFFERED)) return;
  const folder = vscode.Uri.file(root);
  const existing = await readText(vscode.Uri.joinPath(folder, '.gitignore'));
  const entry = gitignoreEntry();
  if (existing !== undefined && ignoresEntry(existing, entry)) return;
  if (existing === undefined) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, '.git'));
    } catch {
      return; // not a git repository: nothing to keep out of it
    }
  }
  await context.workspaceState.update(OFFERED, true);
  const choice = await vscode.window.showInformationMessage(
    `Inoculate: add ${entry} to .gitignore? It holds check results and cached model answers. (Later: "Inoculate: Add .inoculate/ to .gitignore".)`,
    'Add',
    'Not Now',
  );
  if (choice === 'Add') await vscode.commands.executeCommand(ADD_TO_GITIGNORE_COMMAND, folder);
}
