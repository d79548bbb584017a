/** "Inoculate: Set API Key" / "Clear API Key": per endpoint, in the editor's secret storage, never in settings. */
import * as vscode from 'vscode';
import { OPENAI_DEFAULT_BASE_URL } from '../../core/src/check/providers/openai';
import { cleanApiKey, endpointOrigin, secretKeyFor } from './apiKeyStore';
import { notificationSafe } from './checkErrors';
import type { KeyRefusalNotice } from './keyRefusal';
import { readClientSettings } from './settings';

/**
 * The endpoint the commands offer when none is given: the user's own setting, else OpenAI. Never one from the
 * workspace's settings (they came with the folder): a key typed for the offered endpoint would be stored for theirs.
 */
function defaultEndpoint(): string {
  const inspected = vscode.workspace.getConfiguration('inoculate', vscode.window.activeTextEditor?.document.uri).inspect<unknown>('check.baseUrl');
  return readClientSettings({ get: <T>(section: string) => (section === 'check.baseUrl' ? (inspected?.globalValue ?? inspected?.defaultValue) : undefined) as T }).check.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
}

async function askEndpoint(title: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: 'The OpenAI-compatible endpoint the key is for (keys are kept per origin: scheme, host and port).',
    value: defaultEndpoint(),
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        endpointOrigin(value.trim());
        return undefined;
      } catch {
        return 'Enter an http(s) URL, e.g. https://api.openai.com/v1';
      }
    },
  });
}

/** The origin of the endpoint given (or asked for); undefined, after saying why, when there is none. */
async function originOf(baseUrlArg: unknown, title: string): Promise<string | undefined> {
  const baseUrl = typeof baseUrlArg === 'string' ? baseUrlArg : await askEndpoint(title);
  if (!baseUrl) return undefined;
  try {
    return endpointOrigin(baseUrl.trim());
  } catch {
    void vscode.window.showErrorMessage(`Inoculate: '${baseUrl}' is not an http(s) endpoint.`);
    return undefined;
  }
}

/**
 * Registers both commands. `inoculate.setApiKey [baseUrl?, key?]` asks for what is not given (the key in a password
 * box); `inoculate.clearApiKey [baseUrl?]` removes the endpoint's key. Neither ever shows or logs a key.
 */
export function registerApiKeyCommands(secrets: vscode.SecretStorage): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('inoculate.setApiKey', async (baseUrlArg?: unknown, keyArg?: unknown): Promise<boolean> => {
      const origin = await originOf(baseUrlArg, 'Set API Key: endpoint');
      if (!origin) return false;
      const typed =
        typeof keyArg === 'string'
          ? keyArg
          : await vscode.window.showInputBox({ title: `API key for ${origin}`, prompt: 'Stored in the editor\'s secret storage; never written to settings or files.', password: true, ignoreFocusOut: true });
      if (typed === undefined) return false;
      const key = cleanApiKey(typed);
      if (!key) {
        void vscode.window.showErrorMessage('Inoculate: that API key is empty or contains spaces; nothing was stored.');
        return false;
      }
      await secrets.store(secretKeyFor(origin), key);
      void vscode.window.showInformationMessage(`Inoculate: API key stored for ${origin}.`);
      return true;
    }),
    vscode.commands.registerCommand('inoculate.clearApiKey', async (baseUrlArg?: unknown): Promise<boolean> => {
      const origin = await originOf(baseUrlArg, 'Clear API Key: endpoint');
      if (!origin) return false;
      await secrets.delete(secretKeyFor(origin));
      void vscode.window.showInformationMessage(`Inoculate: API key for ${origin} cleared.`);
      return true;
    }),
  );
}

/**
 * Says why the key policy withheld OPENAI_API_KEY from `baseUrl` (`notice`, from `keyRefusalNotice`): in the Output
 * channel and in an error notification with its buttons. True once the user stored a key for the endpoint through
 * "Set API Key"; false otherwise ("Open Settings" opens the settings; the command stops either way).
 */
export async function offerKeyAfterRefusal(output: vscode.LogOutputChannel, baseUrl: string, notice: KeyRefusalNotice): Promise<boolean> {
  output.warn(notice.log);
  const choice = await vscode.window.showErrorMessage(notificationSafe(notice.message), ...notice.actions);
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', notice.setting ?? 'inoculate');
  return choice === 'Set API Key' && (await vscode.commands.executeCommand<boolean>('inoculate.setApiKey', baseUrl)) === true;
}
