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
import { createCommandBackend } from '../command/backend';
import type { CommandHost } from '../command/host';
import { commandTarget } from '../command/ray';
import type { CommandPreset, CommandSettings, TrainSettings } from '../settings';
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
      // The preset's name, or the Ray dashboard's address (the same function the backend reports as its target).
      const command = settings.command ?? { preset: 'local' as const };
      return { id: `command:${command.preset}`, target: commandTarget(command, env), source: 'user' };
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
  /** `command` backends: how commands run (core/src/node/commandHost.ts on Node). */
  commandHost?: CommandHost;
  /** `command` backends: the shipped job templates (`shippedTemplatesDir()`). */
  templatesDir?: string;
  /** `command` backends: the `.inoc` file's folder (`train.command.template` is relative to it). */
  baseDir?: string;
  /** `command` backends run nothing unless this is true (the CLI: true; the editor: the workspace's trust). */
  workspaceTrusted?: boolean;
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
    const preset = identity.id.slice('command:'.length) as CommandPreset;
    if (!options.commandHost || !options.templatesDir) throw new BackendError('permanent', `The command backend (${identity.id}) needs a command host and the templates folder.`);
    // A run re-opened from its record has no `train.command` block: the preset and target come from the record
    // (job references carry the rest: a Ray address, a kubectl context and namespace, the run folder).
    const given = options.settings?.command;
    const command: CommandSettings = given?.preset === preset ? given : { preset, ...(preset === 'ray' ? { address: identity.target } : {}) };
    return createCommandBackend({
      host: options.commandHost,
      settings: command,
      workspaceTrusted: options.workspaceTrusted === true,
      baseDir: options.baseDir ?? '.',
      templatesDir: options.templatesDir,
      env: options.env ?? {},
      now: options.now,
    });
  }
  throw new BackendError('permanent', `Unknown training backend '${identity.id}'.`);
}
