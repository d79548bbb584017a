/** Workspace trust: the server offers checks (which send data and may run code) only in a trusted workspace. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WorkspaceTrustNotification } from '../../server/src/protocol';

/** Whether the workspace is trusted now (the server's `initializationOptions.workspaceTrusted`). */
export function isWorkspaceTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** Tells the server when the user grants trust (VS Code never revokes it without a reload). */
export function registerTrustNotifications(client: () => LanguageClient | undefined): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    const running = client();
    if (!running?.isRunning()) return;
    void running.sendNotification(WorkspaceTrustNotification, { trusted: true }).catch(() => undefined);
  });
}
