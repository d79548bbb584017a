/**
 * Restricted Mode, said out loud: in an untrusted workspace the server offers no `▶ Check` and no `▶ Train`, so a lens
 * at the top of each `.inoc` file says why and opens the trust editor; it goes away as soon as the workspace is trusted. The same
 * words are used by the results view, which then offers "Manage Workspace Trust" instead of a check it cannot run.
 */
import * as vscode from 'vscode';
import { LANGUAGE_ID } from './languageClient';

/** Why checks cannot run in this workspace (the lens's tooltip adds training: `RESTRICTED_LENS_TOOLTIP`). */
export const RESTRICTED_REASON =
  'Checks are off in Restricted Mode: this workspace is not trusted, and a check sends your prompts and data to a model endpoint and may run model-written code. Trust the workspace to run one.';

/** The lens's tooltip: why checks and training are off. */
export const RESTRICTED_LENS_TOOLTIP =
  'Checks and training are off in Restricted Mode: this workspace is not trusted. A check sends your prompts and data to a model endpoint and may run model-written code; training sends your data to a fine-tuning service with your key (or runs the trainer command the file names). Trust the workspace to run them.';

/** The lens's title (short: it sits above the frontmatter). */
export const RESTRICTED_LENS_TITLE = '$(shield) Checks and training are off in Restricted Mode: trust this workspace to run them';

/** VS Code's command that opens the workspace trust editor. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Registers the lens while the workspace is untrusted. */
export function registerRestrictedModeLens(): vscode.Disposable {
  if (vscode.workspace.isTrusted) return new vscode.Disposable(() => undefined);
  const changed = new vscode.EventEmitter<void>();
  let trusted = false;
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses: () =>
      trusted
        ? []
        : [
            new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
              title: RESTRICTED_LENS_TITLE,
              tooltip: RESTRICTED_LENS_TOOLTIP,
              command: MANAGE_TRUST_COMMAND,
            }),
          ],
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, provider),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      trusted = true;
      changed.fire();
    }),
  );
}
