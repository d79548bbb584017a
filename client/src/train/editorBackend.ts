/**
 * The one place the editor builds training backends, for a launch (from the file's settings) and for following,
 * cancelling and reading logs of a recorded run (from its record, after a reload too). Every option a backend takes
 * is passed here, so a new backend (the `command` presets) plugs in at this function only. No `vscode` import.
 */
import { backendIdentity, createTrainingBackend, type BackendEnv, type ResolvedIdentity } from '../../../core/src/train/backends/index';
import { resolveTrainSettings } from '../../../core/src/format/trainConfig';
import type { TrainPaths } from '../../../core/src/train/layout';
import { readModelDates, rememberModelDate } from '../../../core/src/train/modelDates';
import { nodeTrainFileSystem } from '../../../core/src/train/nodeTrainFs';
import { nodeCommandHost, shippedTemplatesDir } from '../../../core/src/node/commandHost';
import type { RunState } from '../../../core/src/train/runStore';
import type { TrainSettings } from '../../../core/src/train/settings';
import type { TrainingBackend } from '../../../core/src/train/types';

/**
 * The identity of a recorded run's backend: the recorded backend and target. The target was chosen when the run was
 * launched; a shared key goes to it only where the key policy lets a file-named endpoint have one (the service's own
 * or this machine), unless the user's environment names the same endpoint.
 */
export function identityOfRun(run: RunState, env: BackendEnv): ResolvedIdentity {
  const p = run.provenance;
  const kind = p.backend.startsWith('command:') ? 'command' : (p.backend as 'openai' | 'together');
  const settings = resolveTrainSettings({ backend: kind }, { model: p.baseModel });
  const base = backendIdentity(settings, env, kind === 'command' ? undefined : p.target);
  const userChose = [env.OPENAI_BASE_URL, env.TOGETHER_BASE_URL].some((url) => url && url.trim().replace(/\/+$/, '') === p.target);
  return { ...base, id: p.backend, target: p.target, source: userChose ? 'user' : 'file' };
}

/** What building a backend needs in the editor. */
export interface EditorBackendOptions {
  paths: TrainPaths;
  /** The key for the identity's endpoint (see `trainingKeys.ts`); never logged or recorded. */
  apiKey: string | undefined;
  env: BackendEnv;
  /** The launch's resolved `train:` block (a recorded run has none: its record says the rest). */
  settings?: TrainSettings;
  /** The `.inoc` file's folder (command backends resolve `train.command.template` against it). */
  baseDir: string;
  /** Whether the workspace is trusted (command backends run nothing otherwise; callers never get here untrusted). */
  workspaceTrusted: boolean;
}

/** The backend for `identity`, with the model-dates cache of the workspace. Throws `BackendError` for a backend this build lacks. */
export async function createEditorBackend(identity: ResolvedIdentity, options: EditorBackendOptions): Promise<TrainingBackend> {
  const modelDates = await readModelDates(nodeTrainFileSystem, options.paths.modelsCache);
  return createTrainingBackend(identity, {
    fs: nodeTrainFileSystem,
    apiKey: options.apiKey,
    env: options.env,
    settings: options.settings,
    commandHost: nodeCommandHost,
    templatesDir: shippedTemplatesDir(),
    workspaceTrusted: options.workspaceTrusted,
    baseDir: options.baseDir,
    modelDates,
    onModelInfo: (model, date) => rememberModelDate(nodeTrainFileSystem, options.paths.modelsCache, identity.target, model, date, new Date()),
  });
}
