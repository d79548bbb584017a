/**
 * Where API keys live: the editor's secret storage, one key per endpoint origin (so a key for one server is never sent
 * to another), with `OPENAI_API_KEY` as the fallback where the key policy allows. Pure: the storage is passed in.
 */

import { maySendSharedKey, type EndpointSource } from '../../core/src/check/keyPolicy';

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
export async function apiKeyFor(secrets: SecretStore, baseUrl: string, env: NodeJS.ProcessEnv, source: EndpointSource): Promise<string | undefined> {
  const stored = await secrets.get(secretKeyFor(baseUrl));
  if (stored) return stored;
  const fromEnv = env.OPENAI_API_KEY?.trim();
  return fromEnv && maySendSharedKey(baseUrl, source) ? fromEnv : undefined;
}

/** A key as typed: trimmed; undefined when empty or when it holds whitespace inside (a paste gone wrong). */
export function cleanApiKey(input: string): string | undefined {
  const key = input.trim();
  return key && !/\s/.test(key) ? key : undefined;
}
