/**
 * The check settings with where each value comes from. A workspace's `.vscode/settings.json` travels with the
 * repository, so it is not the user's choice: an endpoint or model it names may not receive an API key (stored or
 * `OPENAI_API_KEY`) until the user has agreed, and it may switch the confirmation on but never off. Pure: callers pass
 * `workspace.getConfiguration('inoculate', uri)`, whose `inspect` tells the scope of each value.
 */
import type { KeyKind } from './apiKeyStore';
import { readClientSettings, type ClientSettings } from './settings';

/** What `WorkspaceConfiguration.inspect` returns (the fields read here). */
export interface InspectedValue<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  defaultLanguageValue?: T;
  globalLanguageValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

/** The part of `vscode.WorkspaceConfiguration` read here. */
export interface InspectingConfiguration {
  inspect<T>(section: string): InspectedValue<T> | undefined;
}

/** Who set a value: nobody (the default), the user (their settings), or the workspace (its settings files). */
export type SettingScope = 'default' | 'user' | 'workspace';

/** The check settings as applied, with the scope of each endpoint setting. */
export interface ScopedCheckSettings {
  settings: ClientSettings['check'];
  scopes: { baseUrl: SettingScope; model: SettingScope; concurrency: SettingScope };
  /** True when a workspace value asked to skip the confirmation and was ignored. */
  workspaceConfirmIgnored: boolean;
}

const CHECK_KEYS = ['baseUrl', 'model', 'concurrency', 'confirm', 'requireSandbox'] as const;

/** The value VS Code applies and its scope (the most specific scope that sets it wins). */
function applied<T>(value: InspectedValue<T> | undefined): { value: T | undefined; scope: SettingScope } {
  if (!value) return { value: undefined, scope: 'default' };
  const order: Array<[keyof InspectedValue<T>, SettingScope]> = [
    ['workspaceFolderLanguageValue', 'workspace'],
    ['workspaceLanguageValue', 'workspace'],
    ['globalLanguageValue', 'user'],
    ['workspaceFolderValue', 'workspace'],
    ['workspaceValue', 'workspace'],
    ['globalValue', 'user'],
  ];
  for (const [key, scope] of order) if (value[key] !== undefined) return { value: value[key], scope };
  return { value: value.defaultLanguageValue ?? value.defaultValue, scope: 'default' };
}

/** The value set by the user or the default, ignoring the workspace's. */
function userOrDefault<T>(value: InspectedValue<T> | undefined): T | undefined {
  if (!value) return undefined;
  return value.globalLanguageValue ?? value.globalValue ?? value.defaultLanguageValue ?? value.defaultValue;
}

/** Reads the check settings and their scopes; see the module comment for what the workspace may not do. */
export function readScopedCheckSettings(config: InspectingConfiguration): ScopedCheckSettings {
  const inspected = Object.fromEntries(CHECK_KEYS.map((key) => [key, config.inspect<unknown>(`check.${key}`)])) as Record<
    (typeof CHECK_KEYS)[number],
    InspectedValue<unknown> | undefined
  >;
  const values = Object.fromEntries(CHECK_KEYS.map((key) => [`check.${key}`, applied(inspected[key]).value]));
  // The confirmation: the user's choice (or the default), which a workspace may only strengthen.
  const userConfirm = userOrDefault(inspected.confirm);
  const workspaceConfirm = applied(inspected.confirm);
  const confirm = userConfirm !== false || (workspaceConfirm.scope === 'workspace' && workspaceConfirm.value === true);
  values['check.confirm'] = confirm;
  // Requiring the sandbox, likewise: a workspace may ask for it, never waive what the user asked for.
  const workspaceSandbox = applied(inspected.requireSandbox);
  values['check.requireSandbox'] = userOrDefault(inspected.requireSandbox) === true || (workspaceSandbox.scope === 'workspace' && workspaceSandbox.value === true);
  const settings = readClientSettings({ get: <T>(section: string) => values[section] as T | undefined }).check;
  const scopeOf = (key: 'baseUrl' | 'model' | 'concurrency') => applied(inspected[key]).scope;
  return {
    settings,
    scopes: { baseUrl: scopeOf('baseUrl'), model: scopeOf('model'), concurrency: scopeOf('concurrency') },
    workspaceConfirmIgnored: workspaceConfirm.scope === 'workspace' && workspaceConfirm.value === false && confirm,
  };
}


/**
 * The workspace settings that steer a key to an endpoint or a model, when the check would send one: the user must
 * agree before it is sent. Empty when no key is sent or nothing came from the workspace.
 */
export function workspaceSettingsNeedingConsent(scoped: ScopedCheckSettings, key: KeyKind): string[] {
  if (key === 'none') return [];
  const named: string[] = [];
  if (scoped.scopes.baseUrl === 'workspace' && scoped.settings.baseUrl !== null) named.push('inoculate.check.baseUrl');
  if (scoped.scopes.model === 'workspace' && scoped.settings.model !== null) named.push('inoculate.check.model');
  return named;
}

/** The words asking for that agreement (the dialog's detail), naming the endpoint, the model and the key. */
export function workspaceConsentText(settings: string[], endpoint: string, model: string, key: KeyKind): string {
  const which = key === 'stored' ? `the API key you stored for ${endpoint}` : 'your OPENAI_API_KEY';
  return `This workspace's settings (.vscode/settings.json, which came with the folder) set ${settings.join(' and ')}: the check would send ${which} to ${endpoint} for the model ${model}. Run it only if you chose these settings or trust them.`;
}

/** What the remembered agreement is tied to: asking again whenever the endpoint, the model or the key changes. */
export function consentKey(endpoint: string, model: string, key: KeyKind): string {
  return `inoculate.workspaceEndpointConsent:${key}:${model}@${endpoint}`;
}
