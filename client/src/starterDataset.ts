/**
 * "Inoculate: Create Starter Dataset" (`inoculate.createStarterDataset [uri?]`): the path to a first check for a new
 * project. Writes the core's starter items for the file's behaviour to its `check.dataset` (or, when it names none,
 * to `data/<behaviour>.jsonl`, switching its check block on), never over an existing file. The same data is offered
 * as a quick fix on `dataset-not-found` by the language server.
 */
import * as vscode from 'vscode';
import { analyzeFrontmatter } from '../../core/src/format/config';
import { parseInocDocument } from '../../core/src/format/parse';
import { nodeFileInfo } from '../../core/src/node/fileInfo';
import { isStarterTarget, starterDatasetPath, starterDatasetText, starterItems } from '../../core/src/language/starterDataset';
import { LANGUAGE_ID } from './languageClient';
import { frontmatterWithDataset } from './starterDatasetEdit';
import { commandTargetUri } from './checkLocation';

/** The command id. */
export const CREATE_STARTER_DATASET_COMMAND = 'inoculate.createStarterDataset';

/** What the command did (the end-to-end tests read it). */
export interface StarterDatasetResult {
  dataset: vscode.Uri;
  /** True when the file's frontmatter was changed to point at it. */
  pointed: boolean;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Registers the command; it resolves to what it did, or undefined (after saying why) when it did nothing. */
export function registerStarterDataset(): vscode.Disposable {
  return vscode.commands.registerCommand(CREATE_STARTER_DATASET_COMMAND, async (uriArg?: unknown): Promise<StarterDatasetResult | undefined> => {
    const uri = commandTargetUri(uriArg);
    const fail = (message: string) => {
      void vscode.window.showErrorMessage(`Inoculate: ${message}`);
      return undefined;
    };
    if (!uri) return fail('open a .inoc file first: the starter dataset is made for its behaviour.');
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== LANGUAGE_ID) return fail(`${vscode.workspace.asRelativePath(uri)} is not a .inoc file.`);
    if (uri.scheme !== 'file') return fail('save the file first: the dataset goes beside it.');
    const parsed = parseInocDocument(uri.toString(), document.getText());
    const { config } = analyzeFrontmatter(parsed);
    if (!config.behavior) return fail('set `behavior:` first: the starter dataset is made for it.');
    const named = config.check.dataset;
    const path = named ?? starterDatasetPath(config.behavior);
    if (!isStarterTarget(path)) return fail(`\`check.dataset\` is '${path}': a starter dataset is only written to a .jsonl file within this file's folder.`);
    const dataset = vscode.Uri.joinPath(uri, '..', ...path.split(/[\\/]/));
    if (await exists(dataset)) return fail(`${vscode.workspace.asRelativePath(dataset)} already exists; it was left as it is.`);
    // A link committed with the file (a folder link, or a dangling link at the path) would make the write land
    // outside this file's folder: refused.
    if (!(await nodeFileInfo.createsInside(dataset.toString(), vscode.Uri.joinPath(uri, '..').toString()))) {
      return fail(`${path} leads out of this file's folder through a symbolic link (or a link is already there); nothing was written.`);
    }

    let pointed = false;
    if (!named) {
      const frontmatter = parsed.frontmatter;
      const yaml = frontmatter ? document.getText().slice(frontmatter.contentStart, frontmatter.contentEnd) : undefined;
      const edited = yaml === undefined ? undefined : frontmatterWithDataset(yaml, path);
      if (!frontmatter || edited === undefined) return fail('the frontmatter could not be changed safely: add `check:` with `dataset: ' + path + '` yourself, then run this again.');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(frontmatter.contentStart), document.positionAt(frontmatter.contentEnd)), edited);
      if (!(await vscode.workspace.applyEdit(edit))) return fail('the file could not be changed.');
      pointed = true;
    }
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(dataset, '..'));
    await vscode.workspace.fs.writeFile(dataset, new TextEncoder().encode(starterDatasetText(config.behavior)));
    const count = starterItems(config.behavior).length;
    void vscode.window.showInformationMessage(
      `Inoculate: wrote ${count} starter items to ${vscode.workspace.asRelativePath(dataset)}${pointed ? ' and set `check.dataset`' : ''}. Enough to try a check (the intervals will be wide); measure with your own data.`,
    );
    return { dataset, pointed };
  });
}
