/**
 * The check settings with where each value comes from. A workspace's `.vscode/settings.json` travels with the
 * repository, so it is not the user's choice: the core's key policy treats an endpoint it names like one a file names
 * (`OPENAI_API_KEY` only to OpenAI over TLS or this machine), the user agrees before any key goes to an endpoint or a
 * model it chose, and it may switch the confirmation on but never off. Pure: callers pass
 * `workspace.getConfiguration('inoculate', uri)`, whose `inspect` tells the scope of each value.
 */
import type { EndpointSource } from '../../core/src/check/keyPolicy';
import type { KeyDecision, KeyKind } from './apiKeyStore';
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
 * Who chose the endpoint and the model, in the key policy's terms (core/src/check/keyPolicy.ts): `workspace` for a
 * value from the workspace's settings, `user` for the user's own; undefined when no setting applies (the file, the
 * environment or the default decides).
 */
export function settingSources(scoped: ScopedCheckSettings): { baseUrl?: EndpointSource; model?: EndpointSource } {
  const of = (scope: SettingScope, value: unknown): EndpointSource | undefined => (value === null ? undefined : scope === 'workspace' ? 'workspace' : scope === 'user' ? 'user' : undefined);
  return { baseUrl: of(scoped.scopes.baseUrl, scoped.settings.baseUrl), model: of(scoped.scopes.model, scoped.settings.model) };
}

/**
 * The workspace settings to name when the key policy says the user must agree before a key goes (`needsConsent`):
 * those that chose the endpoint or the model. Empty when no agreement is needed.
 */
export function workspaceSettingsNeedingConsent(scoped: ScopedCheckSettings, decision: Pick<KeyDecision, 'needsConsent'>): string[] {
  if (!decision.needsConsent) return [];
  const sources = settingSources(scoped);
  const named: string[] = [];
  if (sources.baseUrl === 'workspace') named.push('inoculate.check.baseUrl');
  if (sources.model === 'workspace') named.push('inoculate.check.model');
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
