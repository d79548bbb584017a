/** `inoculate.explainScore [uri, line]`: reveals a variant's heading and shows its hover (the score's reasons). */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { VariantAtRequest } from '../../server/src/protocol';
import { commandTargetUri } from './checkLocation';

/** The command id (also used by code lenses and the status bar). */
export const EXPLAIN_SCORE_COMMAND = 'inoculate.explainScore';

/** Registers the command; without a line it explains the variant under the cursor (asked of the server). */
export function registerExplainScore(client: () => LanguageClient | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(EXPLAIN_SCORE_COMMAND, async (uri?: string | vscode.Uri, line?: number) => {
    const target = commandTargetUri(uri, false);
    let editor = vscode.window.activeTextEditor;
    if (target && editor?.document.uri.toString() !== target.toString()) {
      const document = await vscode.workspace.openTextDocument(target);
      editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
    }
    if (!editor) {
      void vscode.window.showInformationMessage("Open a .inoc file to explain a variant's score.");
      return;
    }
    const document = editor.document;
    const headingLine =
      typeof line === 'number' && Number.isInteger(line) && line >= 0 && line < document.lineCount
        ? line
        : await variantLineAt(client(), document, editor.selection.active);
    if (headingLine === undefined) {
      void vscode.window.showInformationMessage('Put the cursor in a variant (a `## name` heading and its text) to explain its score.');
      return;
    }
    // The score hover belongs to the heading: put the cursor on the variant's name and show it.
    const text = document.lineAt(headingLine).text;
    const position = new vscode.Position(headingLine, Math.max(0, text.search(/[^#\s]/)));
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.commands.executeCommand('editor.action.showHover');
  });
}

async function variantLineAt(client: LanguageClient | undefined, document: vscode.TextDocument, position: vscode.Position): Promise<number | undefined> {
  if (!client?.isRunning()) return undefined;
  try {
    const variant = await client.sendRequest(VariantAtRequest, {
      textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
      position: { line: position.line, character: position.character },
    });
    return variant?.line;
  } catch {
    return undefined;
  }
}
