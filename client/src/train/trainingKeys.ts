/**
 * The API key a training backend gets in the editor: the key stored in the editor's secret storage for the
 * endpoint's origin ("Set API Key", the same store as checks), else the backend's environment variable
 * (`OPENAI_API_KEY`, `AZURE_OPENAI_API_KEY`, `TOGETHER_API_KEY`) where the key policy allows it: an endpoint named
 * only in a `.inoc` file gets a shared key only when it is the service's own or on this machine. Command backends
 * take no key. Pure: the secret store and the environment are passed in; no key is ever returned in text.
 */
import { maySendTrainingKey, type ResolvedIdentity } from '../../../core/src/train/backends/index';
import { secretKeyFor, type SecretStore } from '../apiKeyStore';

/** The key a launch or a follower would send, and where it comes from. */
export interface TrainingKey {
  key: string | undefined;
  kind: 'stored' | 'environment' | 'none';
  /** The environment variable the key came from (or that held one the policy refused). */
  envName?: string;
  /** True when the environment held a key that the policy would not send to this endpoint. */
  refusedEnv?: boolean;
}

/** True when the backend talks to an HTTP endpoint that may take a key (not a command backend). */
export function takesKey(identity: Pick<ResolvedIdentity, 'id'>): boolean {
  return identity.id === 'openai' || identity.id === 'together';
}

/** True when the endpoint is the hosted service's own (it refuses every request without a key). */
export function needsKey(identity: Pick<ResolvedIdentity, 'id' | 'target'>): boolean {
  if (!takesKey(identity)) return false;
  try {
    const host = new URL(identity.target).hostname;
    return host === 'api.openai.com' || host.endsWith('.openai.azure.com') || host === 'api.together.ai' || host === 'api.together.xyz';
  } catch {
    return false;
  }
}

/** The key for `identity` (see the module comment). */
export async function trainingKeyFor(secrets: SecretStore, identity: ResolvedIdentity, env: Readonly<Record<string, string | undefined>>): Promise<TrainingKey> {
  if (!takesKey(identity)) return { key: undefined, kind: 'none' };
  let stored: string | undefined;
  try {
    stored = await secrets.get(secretKeyFor(identity.target));
  } catch {
    stored = undefined; // not an http(s) target: no stored key can belong to it
  }
  if (stored) return { key: stored, kind: 'stored' };
  const envName = identity.keyEnv;
  const fromEnv = envName ? env[envName]?.trim() : undefined;
  if (fromEnv && maySendTrainingKey(identity)) return { key: fromEnv, kind: 'environment', envName };
  return { key: undefined, kind: 'none', ...(fromEnv ? { envName, refusedEnv: true } : {}) };
}

/** Which key is sent, in words for the confirmation (never the key itself). */
export function keyText(key: TrainingKey, target: string): string {
  switch (key.kind) {
    case 'stored':
      return `the API key you stored for ${originOf(target)}`;
    case 'environment':
      return `${key.envName} from the environment`;
    case 'none':
      return key.refusedEnv
        ? `no key: ${key.envName} is not sent to ${target}, an endpoint named only in the file that is neither the service's own nor on this machine (store a key for it with "Set API Key")`
        : 'no API key';
  }
}

function originOf(target: string): string {
  try {
    return new URL(target).origin;
  } catch {
    return target;
  }
}
