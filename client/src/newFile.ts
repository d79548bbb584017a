/**
 * "Inoculate: New Inoculation Prompt File": pick a behaviour, get a file with the paper's prompts, its neutral prompt
 * and a control. Args `[target?: Uri, behavior?: BehaviorId]`: no target = an untitled editor; a folder (explorer
 * context menu) = asks for a file name there; a `.inoc` file URI = writes it there (it must not exist yet).
 */
import * as vscode from 'vscode';
import { isBehaviorId, type BehaviorId } from '../../core/src/format/behaviors';
import { LANGUAGE_ID } from './languageClient';
import { newFileContent, templateChoices } from './newFileTemplates';

/** The command id. */
export const NEW_FILE_COMMAND = 'inoculate.newFile';

/** Registers the command; it resolves to the new document's URI, or undefined when the user cancelled. */
export function registerNewFile(): vscode.Disposable {
  return vscode.commands.registerCommand(NEW_FILE_COMMAND, async (target?: unknown, behaviorArg?: unknown) => {
    const behavior = isBehaviorId(behaviorArg) ? behaviorArg : await pickBehavior();
    if (!behavior) return undefined;
    const content = newFileContent(behavior);
    const targetUri = target instanceof vscode.Uri ? target : undefined;
    if (!targetUri) {
      const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
      await vscode.window.showTextDocument(document);
      return document.uri;
    }
    const fileUri = (await isDirectory(targetUri)) ? await askFileName(targetUri, behavior) : targetUri;
    if (!fileUri) return undefined;
    if (await exists(fileUri)) {
      void vscode.window.showErrorMessage(`Inoculate: ${vscode.workspace.asRelativePath(fileUri)} already exists; choose another name.`);
      return undefined;
    }
    await vscode.workspace.fs.writeFile(fileUri, new TextEncoder().encode(content));
    const document = await vscode.workspace.openTextDocument(fileUri);
    await vscode.window.showTextDocument(document);
    return document.uri;
  });
}

async function pickBehavior(): Promise<BehaviorId | undefined> {
  const picked = await vscode.window.showQuickPick(
    templateChoices().map((choice) => ({ ...choice })),
    { title: 'New Inoculation Prompt File', placeHolder: 'Which undesired behaviour should the prompts inoculate against?', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.behavior;
}

async function askFileName(folder: vscode.Uri, behavior: BehaviorId): Promise<vscode.Uri | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'New Inoculation Prompt File',
    prompt: `File name in ${vscode.workspace.asRelativePath(folder)}`,
    value: `${behavior}.inoc`,
    valueSelection: [0, behavior.length],
    validateInput: (value) =>
      !value.trim() ? 'Enter a file name.' : /[\\/]/.test(value) ? 'Enter a name, not a path.' : undefined,
  });
  if (!name) return undefined;
  const trimmed = name.trim();
  return vscode.Uri.joinPath(folder, trimmed.endsWith('.inoc') ? trimmed : `${trimmed}.inoc`);
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
