/**
 * Where API keys live: the editor's secret storage, one key per endpoint origin (so a key for one server is never sent
 * to another), with `OPENAI_API_KEY` as the fallback where the key policy allows. Pure: the storage is passed in.
 */

import { decideKey, type EndpointSource, type KeyDecision } from '../../core/src/check/keyPolicy';

export type { KeyDecision, KeyKind } from '../../core/src/check/keyPolicy';

/** The part of `vscode.SecretStorage` used here. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

/** The origin a key belongs to (`https://api.openai.com`); throws on a URL that is not http(s). */
export function endpointOrigin(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) endpoint: ${baseUrl}`);
  return url.origin;
}

/** The secret storage key of an endpoint's API key. */
export function secretKeyFor(baseUrl: string): string {
  return `inoculate.apiKey:${endpointOrigin(baseUrl)}`;
}

/**
 * The key for `baseUrl`: the one stored for its origin, else `OPENAI_API_KEY` from `env` when the key policy allows
 * sending it there (`source`: who chose the endpoint), else undefined.
 */
export async function apiKeyFor(secrets: SecretStore, baseUrl: string, env: NodeJS.ProcessEnv, source: EndpointSource | KeyChoice): Promise<string | undefined> {
  return (await apiKeyWithKind(secrets, baseUrl, env, source)).key;
}

/** Who chose the endpoint and the model, for the key policy (`decideKey` in core/src/check/keyPolicy.ts). */
export interface KeyChoice {
  /** Who chose the endpoint. */
  source: EndpointSource;
  /** Who chose the model (a model from the workspace's settings also needs the user's agreement before a key goes). */
  modelSource?: EndpointSource;
  /** Where the endpoint is named, for the refusal's wording (default: by `source`). */
  where?: string;
}

/**
 * The key for `baseUrl` as the core's key policy decides: the one stored for its origin, else `OPENAI_API_KEY` from
 * `env` where the policy allows it, else none; with whether the user must agree first (`needsConsent`) and, when the
 * shared key is withheld, why (`refused`).
 */
export async function apiKeyWithKind(secrets: SecretStore, baseUrl: string, env: NodeJS.ProcessEnv, choice: EndpointSource | KeyChoice): Promise<{ key: string | undefined } & KeyDecision> {
  const { source, modelSource, where } = typeof choice === 'string' ? { source: choice } : choice;
  const stored = await secrets.get(secretKeyFor(baseUrl));
  const fromEnv = env.OPENAI_API_KEY?.trim();
  const decision = decideKey({
    baseUrl,
    source,
    modelSource,
    hasStoredKey: !!stored,
    hasSharedKey: !!fromEnv,
    where: where ?? (source === 'workspace' ? "This workspace's setting inoculate.check.baseUrl (.vscode/settings.json)" : source === 'file' ? 'The file' : 'Your settings'),
  });
  return { ...decision, key: decision.kind === 'stored' ? stored : decision.kind === 'shared' ? fromEnv : undefined };
}

/**
 * The key for a check that needs one: looked up, and when there is none, the user is offered "Set API Key"
 * (`offerToSet`, true once a key was stored) and the check goes on with the new key; undefined when they did not set one.
 */
export async function keyAfterOffer<K extends { key: string | undefined }>(lookup: () => Promise<K>, needsKey: boolean, offerToSet: () => Promise<boolean>): Promise<K | undefined> {
  const found = await lookup();
  if (found.key || !needsKey) return found;
  if (!(await offerToSet())) return undefined;
  const stored = await lookup();
  return stored.key ? stored : undefined;
}

/** A key as typed: trimmed; undefined when empty or when it holds whitespace inside (a paste gone wrong). */
export function cleanApiKey(input: string): string | undefined {
  const key = input.trim();
  return key && !/\s/.test(key) ? key : undefined;
}
