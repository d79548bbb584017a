/**
 * `backend: command`: fine-tuning on your own compute through an existing scheduler (a local process group, Slurm,
 * SkyPilot managed jobs, Kubernetes Jobs, Ray Jobs), driven by argument lists with `{{slot}}` substitution. This
 * class holds what every preset shares: the trust check, the run's slots and environment, the training data in the
 * run folder, the loss curve from the trainer's `trainer_state.json`, the resulting adapter, log-derived events;
 * `Scheduler` implementations (one file per preset) make the scheduler calls. Single calls only: the orchestrator
 * polls, backs off, records and re-attaches.
 */
import type { CommandPreset, CommandSettings } from '../settings';
import {
  BackendError,
  isTerminal,
  type BackendCapabilities,
  type JobEvent,
  type JobRef,
  type MetricPoint,
  type PreflightIssue,
  type StatusSnapshot,
  type TrainedModel,
  type TrainingBackend,
  type TrainingSpec,
} from '../types';
import { progressOf, readMetrics, readResult, readTrainerState, ResultError } from './artifacts';
import type { CommandHost } from './host';
import { KubernetesScheduler } from './kubernetes';
import { LocalScheduler } from './local';
import { commandTarget, RayScheduler } from './ray';
import { LOG_TAIL_BYTES, type Scheduler, type SchedulerContext, type SubmitInput } from './scheduler';
import { SkyPilotScheduler } from './skypilot';
import { SlurmScheduler } from './slurm';
import { ENV_NAME, fillArgv, JOB_ENV_PREFIX, jobEnvironment, resolveHyperparameters, scrubEnvironment, SlotError, slotValues, specLayout } from './slots';
import { shippedTrainerArgv } from './templates';

/** How a command backend is built. */
export interface CommandBackendOptions {
  host: CommandHost;
  settings: CommandSettings;
  /** Untrusted workspaces never run commands: every call that would is refused. */
  workspaceTrusted: boolean;
  /** Folder of the `.inoc` file (`train.command.template` is relative to it). */
  baseDir: string;
  /** The shipped templates (`templates/train/`; `shippedTemplatesDir()` in core/src/node/commandHost.ts). */
  templatesDir: string;
  /** This process's environment; commands and jobs inherit it without model-service keys. */
  env: Readonly<Record<string, string | undefined>>;
  /** Limit of one scheduler call (default 60 s). */
  commandTimeoutMs?: number;
  /** Limit of a submission (default 10 min: `sky jobs launch` may start its controller). */
  submitTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when cancelling a local trainer (default 10 s). */
  killGraceMs?: number;
  now?: () => Date;
}

/** The message of the refusal in an untrusted workspace. */
export const UNTRUSTED_MESSAGE = 'this workspace is not trusted: Inoculate runs no training commands in it (trust the workspace to train)';

/** Events returned per call at most (the rest come with the next call). */
const MAX_EVENTS = 500;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** A log line's level, by the words trainers use. */
function levelOf(line: string): JobEvent['level'] {
  if (/\b(error|traceback|exception|killed|out of memory)\b/i.test(line)) return 'error';
  if (/\bwarn(ing)?\b/i.test(line)) return 'warn';
  return 'info';
}

/** Log text as events: one per non-empty line (progress bars' carriage returns split too), ANSI colours removed. */
export function eventsOfLog(text: string, at: string): JobEvent[] {
  const events: JobEvent[] = [];
  for (const piece of text.replace(ANSI, '').split(/\r\n|\n|\r/)) {
    const message = piece.trimEnd();
    if (message.trim()) events.push({ at, level: levelOf(message), message });
  }
  return events;
}

export class CommandBackend implements TrainingBackend {
  readonly id: string;
  readonly target: string;
  private readonly scheduler: Scheduler;
  private readonly context: SchedulerContext;

  constructor(private readonly options: CommandBackendOptions) {
    this.id = `command:${options.settings.preset}`;
    this.context = {
      host: options.host,
      settings: options.settings,
      env: scrubEnvironment(options.env),
      baseDir: options.baseDir,
      templatesDir: options.templatesDir,
      commandTimeoutMs: options.commandTimeoutMs ?? 60_000,
      submitTimeoutMs: options.submitTimeoutMs ?? 600_000,
      killGraceMs: options.killGraceMs ?? 10_000,
      now: options.now ?? (() => new Date()),
    };
    this.scheduler = createScheduler(options.settings.preset, this.context);
    this.target = commandTarget(options.settings, options.env);
  }

  private assertTrusted(): void {
    if (!this.options.workspaceTrusted) throw new BackendError('permanent', UNTRUSTED_MESSAGE);
  }

  capabilities(): BackendCapabilities {
    return {
      hyperparameters: ['epochs', 'learningRate', 'batchSize', 'loraRank', 'loraAlpha', 'loraDropout'],
      loss: ['assistant-only', 'all'],
      seed: true,
      downloadableWeights: true,
      minExamples: 1,
    };
  }

  /** The run, ready to submit: slots filled, environment built; errors name the setting at fault. */
  private async input(spec: TrainingSpec): Promise<SubmitInput> {
    const values = slotValues(spec);
    const { settings } = this.options;
    let trainerArgv: string[];
    let submitArgs: string[];
    try {
      trainerArgv = fillArgv(settings.argv?.length ? settings.argv : await shippedTrainerArgv(this.context), values);
    } catch (error) {
      if (error instanceof SlotError) throw new BackendError('permanent', `train.command.argv: ${error.message}`);
      throw error;
    }
    try {
      submitArgs = fillArgv(settings.submitArgs ?? [], values);
    } catch (error) {
      if (error instanceof SlotError) throw new BackendError('permanent', `train.command.submitArgs: ${error.message}`);
      throw error;
    }
    const jobEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(settings.env ?? {})) {
      if (!ENV_NAME.test(name)) throw new BackendError('permanent', `train.command.env: ${JSON.stringify(name)} is not a valid environment variable name`);
      if (name.toUpperCase().startsWith(JOB_ENV_PREFIX)) throw new BackendError('permanent', `train.command.env: ${name}: names starting with ${JOB_ENV_PREFIX} are set by Inoculate`);
      jobEnv[name] = String(value);
    }
    Object.assign(jobEnv, jobEnvironment(values));
    return { spec, layout: specLayout(spec), trainerArgv, jobEnv, submitArgs };
  }

  async preflight(spec: TrainingSpec, signal?: AbortSignal): Promise<PreflightIssue[]> {
    if (!this.options.workspaceTrusted) return [{ severity: 'error', code: 'untrusted-workspace', message: UNTRUSTED_MESSAGE }];
    const issues: PreflightIssue[] = [];
    const { defaulted, values } = resolveHyperparameters(spec);
    if (spec.hyperparameters.learningRateMultiplier !== 'auto') {
      issues.push({ severity: 'warning', code: 'ignored-hyperparameter', message: `learningRateMultiplier is OpenAI's; the command backend takes an absolute learning rate (${values.learningRate})` });
    }
    if (defaulted.length && !this.options.settings.argv?.length) {
      issues.push({ severity: 'info', code: 'paper-defaults', message: `the paper's values are used for ${defaulted.map((key) => `${key} ${values[key]}`).join(', ')}` });
    }
    if (this.options.settings.argv?.length) {
      issues.push({ severity: 'info', code: 'own-trainer', message: `your trainer (train.command.argv) must honour the loss (${spec.loss}) and write its adapter and trainer_state.json to {{outputDir}}` });
    }
    try {
      const input = await this.input(spec);
      // The local preset runs the trainer here: say now when it is not installed (other presets run it elsewhere).
      const trainer = input.trainerArgv[0];
      if (this.options.settings.preset === 'local' && trainer && !(await this.options.host.which(trainer, { ...this.context.env, ...input.jobEnv }))) {
        issues.push({ severity: 'error', code: 'trainer-not-found', message: `${trainer} is not on PATH: install it (the shipped trainer needs TRL >= 1.1: pip install "trl[peft]") or set train.command.argv` });
      }
    } catch (error) {
      issues.push({ severity: 'error', code: 'invalid-command', message: (error as Error).message });
    }
    for (const executable of this.scheduler.executables) {
      if (!(await this.options.host.which(executable, this.context.env))) {
        issues.push({ severity: 'error', code: 'command-not-found', message: `${executable} is not on PATH: the ${this.options.settings.preset} preset needs it` });
      }
    }
    if (this.scheduler.preflight) {
      try {
        issues.push(...(await this.scheduler.preflight(await this.input(spec), signal)));
      } catch {
        // Already reported above.
      }
    }
    return issues;
  }

  async prepare(spec: TrainingSpec): Promise<Record<string, string>> {
    this.assertTrusted();
    const { host } = this.options;
    const layout = specLayout(spec);
    await host.mkdir(layout.runDir);
    // The job reads its data from the run folder (the one path every preset can reach); copied once per content.
    if ((await host.sha256(layout.trainingFile)) !== spec.trainingFile.sha256) {
      const source = await host.sha256(spec.trainingFile.path);
      if (source === undefined) throw new BackendError('permanent', `the training file ${spec.trainingFile.path} does not exist`);
      if (source !== spec.trainingFile.sha256) throw new BackendError('permanent', `the training file ${spec.trainingFile.path} changed after it was built (sha256 ${source}, expected ${spec.trainingFile.sha256})`);
      await host.copyFile(spec.trainingFile.path, layout.trainingFile);
    }
    await host.mkdir(layout.outputDir);
    return { trainingFile: layout.trainingFile, dataDir: layout.dataDir };
  }

  /** The job reference with what `metrics` and `result` need later, whatever the preset. */
  private complete(ref: JobRef, spec: TrainingSpec): JobRef {
    return { ...ref, extra: { ...ref.extra, runDir: specLayout(spec).runDir, baseModel: spec.baseModel, modelName: spec.jobName } };
  }

  async submit(spec: TrainingSpec, _prepared: Record<string, string>, signal?: AbortSignal): Promise<JobRef> {
    this.assertTrusted();
    const input = await this.input(spec);
    // What was run, for provenance (the values are the run's own and the file's `env:`, never secrets).
    // A submit interrupted after the scheduler accepted the job (a killed CLI, a closed editor) left that job behind:
    // attach to it instead of paying twice, whether or not the caller asked `find` first.
    const existing = await this.scheduler.find(input, signal);
    if (existing) return this.complete(existing, spec);
    await this.options.host.writeText(`${input.layout.runDir}/command.json`, `${JSON.stringify({ preset: this.options.settings.preset, trainerArgv: input.trainerArgv, submitArgs: input.submitArgs, env: input.jobEnv }, null, 2)}\n`);
    return this.complete(await this.scheduler.submit(input, signal), spec);
  }

  async find(spec: TrainingSpec, signal?: AbortSignal): Promise<JobRef | undefined> {
    this.assertTrusted();
    const ref = await this.scheduler.find(await this.input(spec), signal);
    return ref && this.complete(ref, spec);
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    this.assertTrusted();
    const status = await this.scheduler.status(ref, signal);
    if (status.state === 'running' && ref.extra.runDir) {
      const progress = progressOf(await readTrainerState(this.options.host, ref.extra.runDir));
      if (progress !== undefined) status.progress = progress;
    }
    return status;
  }

  /** Log files this machine can read directly (local and Slurm), for byte-exact event cursors. */
  private logFiles(ref: JobRef): string[] | undefined {
    const runDir = ref.extra.runDir;
    if (!runDir) return undefined;
    if (this.options.settings.preset === 'local') return [`${runDir}/stdout.log`, `${runDir}/stderr.log`];
    if (this.options.settings.preset === 'slurm') return [`${runDir}/slurm-${ref.id}.out`];
    return undefined;
  }

  async events(ref: JobRef, cursor: string | undefined, signal?: AbortSignal): Promise<{ events: JobEvent[]; cursor?: string }> {
    this.assertTrusted();
    const at = this.context.now().toISOString();
    const files = this.logFiles(ref);
    if (files) {
      // Cursor: byte offsets per file; only whole lines are consumed (a line being written comes next time).
      let offsets: Record<string, number> = {};
      try {
        offsets = cursor ? (JSON.parse(cursor) as Record<string, number>) : {};
      } catch {
        offsets = {};
      }
      const events: JobEvent[] = [];
      for (const file of files) {
        const start = typeof offsets[file] === 'number' ? offsets[file]! : 0;
        const read = await this.options.host.readFrom(file, start, LOG_TAIL_BYTES);
        if (!read) continue;
        const complete = read.text.lastIndexOf('\n');
        if (complete < 0) continue;
        const consumed = read.text.slice(0, complete + 1);
        events.push(...eventsOfLog(consumed, at));
        offsets[file] = read.start + Buffer.byteLength(consumed, 'utf8');
      }
      return { events: events.slice(0, MAX_EVENTS), cursor: JSON.stringify(offsets) };
    }
    // Remote logs come as a tail (a window that slides as the log grows): the cursor is the last line returned,
    // found again in the next tail. A cursor that slid out of the window gives the newest lines (the gap is lost).
    const lines = eventsOfLog(await this.scheduler.logs(ref, signal), at);
    let last: string | undefined;
    try {
      last = cursor ? (JSON.parse(cursor) as { last?: string }).last : undefined;
    } catch {
      last = undefined;
    }
    let start = 0;
    if (last !== undefined) {
      const index = lines.map((event) => event.message).lastIndexOf(last);
      start = index >= 0 ? index + 1 : Math.max(0, lines.length - 50);
    }
    const fresh = lines.slice(start, start + MAX_EVENTS);
    const newest = fresh.length ? fresh[fresh.length - 1]!.message : last;
    return { events: fresh, cursor: newest === undefined ? cursor : JSON.stringify({ last: newest }) };
  }

  async metrics(ref: JobRef): Promise<MetricPoint[]> {
    this.assertTrusted();
    return ref.extra.runDir ? readMetrics(this.options.host, ref.extra.runDir) : [];
  }

  async logs(ref: JobRef, signal?: AbortSignal): Promise<string> {
    this.assertTrusted();
    return this.scheduler.logs(ref, signal);
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    this.assertTrusted();
    await this.scheduler.cancel(ref, signal);
  }

  async result(ref: JobRef, signal?: AbortSignal): Promise<TrainedModel> {
    this.assertTrusted();
    const status = await this.scheduler.status(ref, signal);
    if (status.state !== 'succeeded') {
      throw new BackendError(isTerminal(status.state) ? 'permanent' : 'transient', `job ${ref.id} has not succeeded (${status.state}${status.raw ? `: ${status.raw}` : ''}); there is no model`);
    }
    const runDir = ref.extra.runDir;
    if (!runDir) throw new BackendError('permanent', `job ${ref.id}: its record lacks the run folder`);
    try {
      return await readResult(this.options.host, runDir, { baseModel: ref.extra.baseModel ?? '', modelId: ref.extra.modelName ?? ref.id });
    } catch (error) {
      if (error instanceof ResultError) throw new BackendError('permanent', error.message);
      throw error;
    }
  }
}

/** The scheduler of a preset. */
function createScheduler(preset: CommandPreset, context: SchedulerContext): Scheduler {
  switch (preset) {
    case 'local':
      return new LocalScheduler(context);
    case 'slurm':
      return new SlurmScheduler(context);
    case 'skypilot':
      return new SkyPilotScheduler(context);
    case 'kubernetes':
      return new KubernetesScheduler(context);
    case 'ray':
      return new RayScheduler(context);
    default:
      throw new BackendError('permanent', `train.command.preset: unknown preset ${JSON.stringify(preset)} (local, slurm, skypilot, kubernetes, ray)`);
  }
}

/** The `command` backend for `settings.command`. */
export function createCommandBackend(options: CommandBackendOptions): CommandBackend {
  return new CommandBackend(options);
}
