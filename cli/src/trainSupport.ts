/**
 * What `inoculate train` and `inoculate jobs` share: the workspace's training paths, building a backend with its
 * key (never printed), re-creating the backend of a recorded run, and showing untrusted text (variant names,
 * backend messages, model ids) safely on a terminal.
 */
import { dirname, resolve } from 'node:path';
import { nodeCommandHost, shippedTemplatesDir } from '../../core/src/node/commandHost';
import { findWorkspaceRoot } from '../../core/src/check/layout';
import { backendIdentity, createTrainingBackend, maySendTrainingKey, trainingKeyRefusal, type ResolvedIdentity } from '../../core/src/train/backends/index';
import { trainPaths, type TrainPaths } from '../../core/src/train/layout';
import { readModelDates, rememberModelDate } from '../../core/src/train/modelDates';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import type { RunProvenance } from '../../core/src/train/runs';
import type { RunState } from '../../core/src/train/runStore';
import { currentAttempt } from '../../core/src/train/runStore';
import type { TrainingBackend } from '../../core/src/train/types';
import { resolveTrainSettings } from '../../core/src/format/trainConfig';
import { UsageError, type CliIO } from './io';

/**
 * Text from files, datasets and backends, made safe for a terminal: control characters (escape sequences that could
 * move the cursor, rewrite the screen or set the title) become visible `\xNN`, and it is cut at `max` characters.
 * (To be replaced by the shared terminal-escaping helper once it is merged.)
 */
export function terminalSafe(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
  return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
}

/** One line of untrusted text (line breaks shown as `⏎`). */
export function terminalLine(text: string, max = 200): string {
  return terminalSafe(text.replace(/\r?\n/g, ' ⏎ '), max);
}

/** The workspace root and training paths for a file (or the current directory). */
export async function workspacePaths(io: CliIO, near: string | undefined, resultsDir: string | undefined): Promise<{ root: string; paths: TrainPaths }> {
  const root = await findWorkspaceRoot(nodeTrainFileSystem, near ? resolve(io.cwd, near) : resolve(io.cwd, 'x.inoc'), io.cwd);
  return { root, paths: trainPaths(root, resultsDir ? resolve(io.cwd, resultsDir) : undefined) };
}

/** The key for an identity from the environment; a refusal (exit 2) when a file-named endpoint may not get it. */
export function keyFor(identity: ResolvedIdentity, io: CliIO, where: string): string | undefined {
  const key = identity.keyEnv ? io.env[identity.keyEnv]?.trim() || undefined : undefined;
  if (key && !maySendTrainingKey(identity)) throw new UsageError(trainingKeyRefusal(identity, where));
  return key;
}

/** A backend for `identity`, with the key and the model-dates cache of `paths`. */
export async function makeBackend(identity: ResolvedIdentity, io: CliIO, paths: TrainPaths, where: string, settings?: Parameters<typeof createTrainingBackend>[1]['settings'], baseDir?: string): Promise<TrainingBackend> {
  const apiKey = keyFor(identity, io, where);
  const modelDates = await readModelDates(nodeTrainFileSystem, paths.modelsCache);
  return createTrainingBackend(identity, {
    fs: nodeTrainFileSystem,
    apiKey,
    env: io.env,
    settings,
    // Command backends: commands run on this machine for the user who typed the command (a terminal is trusted).
    commandHost: nodeCommandHost,
    templatesDir: shippedTemplatesDir(),
    workspaceTrusted: true,
    baseDir,
    modelDates,
    onModelInfo: (model, date) => rememberModelDate(nodeTrainFileSystem, paths.modelsCache, identity.target, model, date, new Date()),
  });
}

/**
 * The backend of a recorded run, as a new process builds it: the recorded backend and target; the key from the
 * environment (the recorded target was chosen when the run was launched, so it counts as the user's choice only
 * if it is the service's own or on this machine, as at launch).
 */
export async function backendForRun(run: RunState, io: CliIO, paths: TrainPaths, root: string): Promise<TrainingBackend> {
  const p: RunProvenance = run.provenance;
  const kind = p.backend.startsWith('command:') ? 'command' : (p.backend as 'openai' | 'together');
  const settings = resolveTrainSettings({ backend: kind }, { model: p.baseModel });
  const base = backendIdentity(settings, io.env, kind === 'command' ? undefined : p.target);
  const identity: ResolvedIdentity = { ...base, id: p.backend, target: p.target, source: 'file' };
  const userChose = [io.env.OPENAI_BASE_URL, io.env.TOGETHER_BASE_URL].some((url) => url && url.replace(/\/+$/, '') === p.target);
  return makeBackend({ ...identity, source: userChose ? 'user' : 'file' }, io, paths, `${resolve(root, p.inocFile)} (run ${p.runId})`, undefined, dirname(resolve(root, p.inocFile)));
}

/** A run's current state in a word, with the backend's raw state when it says more. */
export function stateText(run: RunState): string {
  const attempt = currentAttempt(run);
  if (!attempt) return 'planned';
  if (!attempt.job) return attempt.submittingAt ? 'submitting?' : attempt.errors.length ? 'not submitted' : 'planned';
  const status = attempt.status;
  if (!status) return 'submitted';
  const raw = status.raw && status.raw.toLowerCase() !== status.state ? ` (${terminalLine(status.raw, 60)})` : '';
  return `${status.state}${raw}`;
}

/** Elapsed time from the submission to the last status (or now), as `1h 02m` / `3m 05s`. */
export function elapsedText(run: RunState, now: Date = new Date()): string {
  const attempt = currentAttempt(run);
  if (!attempt?.submittingAt) return '';
  const start = Date.parse(attempt.submittingAt);
  const ended = attempt.status && ['succeeded', 'failed', 'cancelled'].includes(attempt.status.state) ? Date.parse(attempt.status.observedAt) : now.getTime();
  const seconds = Math.max(0, Math.round((ended - start) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** `--poll SECONDS` in ms (default 5 s). */
export function pollOption(value: string | undefined): number {
  if (value === undefined) return 5000;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < 0.01 || Number(value) > 3600) throw new UsageError(`--poll must be a number of seconds from 0.01 to 3600; got '${value}'.`);
  return Number(value) * 1000;
}
