/**
 * The backend factory: which backend a `TrainSettings` (or a run record) names, where its jobs go, which key it
 * may use, and the backend object. Adapters (CLI, editor) call `backendIdentity` before planning (the run id
 * depends on it) and `createTrainingBackend` before launching or following.
 *
 * Keys follow the check's key policy (`check/keyPolicy.ts`): a shared key from the environment (or the editor's
 * secret storage) goes to an endpoint named only in a `.inoc` file just when that endpoint is the service's own or
 * on this machine; any other endpoint must be chosen by the user (a flag, an environment variable, a setting).
 */
import { isLoopbackHost, maySendSharedKey, type EndpointSource } from '../../check/keyPolicy';
import { normalizeBaseUrl, OPENAI_DEFAULT_BASE_URL } from '../../check/providers/openai';
import type { ModelDatesCache } from '../modelDates';
import type { BackendIdentity } from '../plan';
import type { TrainSettings } from '../settings';
import type { TrainFileSystem } from '../trainFs';
import { BackendError, type TrainingBackend } from '../types';
import { isAzureEndpoint, OpenAITrainingBackend } from './openai';
import { TOGETHER_DEFAULT_BASE_URL, TogetherTrainingBackend } from './together';

/** Where an identity's endpoint came from, and the environment variable its key is read from. */
export interface ResolvedIdentity extends BackendIdentity {
  /** `user`: a flag, the environment or the default; `file`: only the `.inoc` file names it. */
  source: EndpointSource;
  /** The environment variable holding the key (`OPENAI_API_KEY`, `AZURE_OPENAI_API_KEY`, `TOGETHER_API_KEY`), if any. */
  keyEnv?: string;
}

/** Environment values the factory reads (the CLI passes `process.env`; the editor its own view). */
export type BackendEnv = Readonly<Record<string, string | undefined>>;

/**
 * The backend id and target of `settings`: `--base-url` (`flagBaseUrl`) first, then `train.baseUrl` (or the
 * file's `baseUrl` for openai), then the environment (`OPENAI_BASE_URL`, `TOGETHER_BASE_URL`), then the service.
 */
export function backendIdentity(settings: TrainSettings, env: BackendEnv, flagBaseUrl?: string): ResolvedIdentity {
  const fromEnv = (name: string) => env[name]?.trim() || undefined;
  switch (settings.backend) {
    case 'openai': {
      const url = flagBaseUrl ?? settings.baseUrl ?? fromEnv('OPENAI_BASE_URL') ?? OPENAI_DEFAULT_BASE_URL;
      const target = normalizeBaseUrl(url);
      const source: EndpointSource = !flagBaseUrl && settings.baseUrl ? 'file' : 'user';
      return { id: 'openai', target, source, keyEnv: isAzureEndpoint(target) ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY' };
    }
    case 'together': {
      const url = flagBaseUrl ?? settings.baseUrl ?? fromEnv('TOGETHER_BASE_URL') ?? TOGETHER_DEFAULT_BASE_URL;
      return { id: 'together', target: normalizeBaseUrl(url), source: !flagBaseUrl && settings.baseUrl ? 'file' : 'user', keyEnv: 'TOGETHER_API_KEY' };
    }
    case 'command': {
      // The command backend (branch `traincmd`) refines its target (a cluster, a Ray address) when it is merged.
      const preset = settings.command?.preset ?? 'local';
      const target = preset === 'ray' ? (settings.command?.address ?? fromEnv('RAY_ADDRESS') ?? 'http://127.0.0.1:8265') : preset;
      return { id: `command:${preset}`, target, source: 'user' };
    }
  }
}

/** Whether a shared key may go to `identity`'s endpoint (see the module comment). */
export function maySendTrainingKey(identity: ResolvedIdentity): boolean {
  if (identity.source === 'user') return true;
  if (identity.id === 'openai') return maySendSharedKey(identity.target, 'file');
  try {
    const host = new URL(identity.target).hostname;
    if (identity.id === 'together') return host === 'api.together.ai' || host === 'api.together.xyz' || isLoopbackHost(host);
    return isLoopbackHost(host);
  } catch {
    return false;
  }
}

/** The message when a file names an endpoint the shared key will not be sent to. */
export function trainingKeyRefusal(identity: ResolvedIdentity, where: string): string {
  return `${where} names the fine-tuning endpoint ${identity.target}, which is neither the service's own nor on this machine: ${identity.keyEnv ?? 'the API key'} is not sent to an endpoint named only in a file. Choose it yourself (--base-url ${identity.target}${identity.id === 'together' ? ', or TOGETHER_BASE_URL' : ', or OPENAI_BASE_URL'}).`;
}

/** What building a backend needs besides its identity. */
export interface BackendOptions {
  fs: TrainFileSystem;
  /** The key for the identity's endpoint (already checked with `maySendTrainingKey`); never logged or recorded. */
  apiKey?: string;
  env?: BackendEnv;
  settings?: TrainSettings;
  now?: () => Date;
  modelDates?: ModelDatesCache;
  onModelInfo?: (model: string, shutdownDate: string | null) => Promise<void>;
}

/** The backend for `identity`. Throws `BackendError` for a backend this build does not have. */
export function createTrainingBackend(identity: BackendIdentity, options: BackendOptions): TrainingBackend {
  if (identity.id === 'openai') {
    const azure = isAzureEndpoint(identity.target);
    return new OpenAITrainingBackend({
      baseUrl: identity.target,
      apiKey: options.apiKey,
      fs: options.fs,
      now: options.now,
      modelDates: options.modelDates,
      onModelInfo: options.onModelInfo,
      ...(azure ? { azureApiVersion: options.env?.OPENAI_API_VERSION ?? '2025-04-01-preview' } : {}),
    });
  }
  if (identity.id === 'together') return new TogetherTrainingBackend({ baseUrl: identity.target, apiKey: options.apiKey, fs: options.fs, now: options.now });
  if (identity.id.startsWith('command:')) {
    // The command backend (presets local, slurm, skypilot, kubernetes, ray) plugs in here once its branch is
    // merged: `return new CommandTrainingBackend(identity, options.settings!.command!, ...)`.
    throw new BackendError('permanent', `The command backend (${identity.id}) is not part of this build yet.`);
  }
  throw new BackendError('permanent', `Unknown training backend '${identity.id}'.`);
}
