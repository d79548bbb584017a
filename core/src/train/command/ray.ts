/**
 * The `ray` preset: Ray Jobs through the dashboard's REST API (`POST /api/jobs/`, with the trailing slash;
 * `GET /api/jobs/{id}`, `GET /api/jobs/{id}/logs`, `POST /api/jobs/{id}/stop`). The submission id is the attempt's
 * submission key (the run id), so a second submission of the same attempt is refused by Ray and found instead. The entrypoint is fixed text (Ray runs
 * it through a shell): it executes the trainer's argument list from `runtime_env.env_vars.INOCULATE_TRAINER_ARGV`.
 */
import type { CommandSettings } from '../settings';
import { BackendError, type JobRef, type StatusSnapshot } from '../types';
import { LOG_TAIL_BYTES, PYTHON_ARGV_LAUNCHER, snapshot, type Scheduler, type SchedulerContext, type SubmitInput } from './scheduler';
import { isObject } from './templates';

const DEFAULT_ADDRESS = 'http://127.0.0.1:8265';

/** The entrypoint: a fixed command that never contains a run's values. */
export const RAY_ENTRYPOINT = `python3 -c '${PYTHON_ARGV_LAUNCHER}'`;

/** The dashboard address: the setting, else RAY_API_SERVER_ADDRESS / RAY_ADDRESS when they are HTTP URLs. */
export function rayAddress(setting: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const candidates = [setting, env.RAY_API_SERVER_ADDRESS, env.RAY_ADDRESS].filter((value): value is string => !!value);
  for (const candidate of candidates) {
    if (/^https?:\/\//.test(candidate)) return candidate.replace(/\/+$/, '');
    if (candidate === setting) throw new BackendError('permanent', `train.command.address must be the Ray dashboard's HTTP address (e.g. ${DEFAULT_ADDRESS}), not ${JSON.stringify(candidate)}`);
  }
  return DEFAULT_ADDRESS;
}

/**
 * Where a command backend's jobs go, part of every run's identity: the preset's name, or the Ray dashboard's
 * address (a different Ray cluster is a different run). Known before any command runs.
 */
export function commandTarget(settings: Pick<CommandSettings, 'preset' | 'address'>, env: Readonly<Record<string, string | undefined>>): string {
  if (settings.preset !== 'ray') return settings.preset;
  try {
    return rayAddress(settings.address, env);
  } catch {
    return settings.address ?? '';
  }
}

/** Ray's `entrypoint_num_gpus` / `_cpus` / `_memory` from `submitArgs` written as `ray job submit` flags. */
export function rayResources(submitArgs: readonly string[]): { entrypoint_num_gpus: number; entrypoint_num_cpus?: number; entrypoint_memory?: number } {
  const resources: { entrypoint_num_gpus: number; entrypoint_num_cpus?: number; entrypoint_memory?: number } = { entrypoint_num_gpus: 1 };
  for (let index = 0; index < submitArgs.length; index++) {
    const match = /^--(entrypoint-num-gpus|entrypoint-num-cpus|entrypoint-memory)(?:=(.*))?$/.exec(submitArgs[index]!);
    if (!match) throw new BackendError('permanent', `train.command.submitArgs: the ray preset understands --entrypoint-num-gpus, --entrypoint-num-cpus and --entrypoint-memory, not ${JSON.stringify(submitArgs[index])}`);
    const raw = match[2] ?? submitArgs[++index];
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) throw new BackendError('permanent', `train.command.submitArgs: ${match[1]} needs a number, found ${JSON.stringify(raw)}`);
    if (match[1] === 'entrypoint-num-gpus') resources.entrypoint_num_gpus = value;
    else if (match[1] === 'entrypoint-num-cpus') resources.entrypoint_num_cpus = value;
    else resources.entrypoint_memory = value;
  }
  return resources;
}

/** The submission id of an attempt: its submission key (the run id, `<runId>-<n>` when forced), in characters every Ray version accepts. */
export function submissionIdOf(submissionKey: string): string {
  return submissionKey.replace(/[^A-Za-z0-9_-]/g, '-');
}

export class RayScheduler implements Scheduler {
  readonly preset = 'ray' as const;
  readonly executables = [] as const;
  private readonly address: string;
  constructor(private readonly context: SchedulerContext) {
    this.address = rayAddress(context.settings.address, context.env);
  }

  private ref(runDir: string, id: string, address = this.address): JobRef {
    return { backend: 'command:ray', id, extra: { runDir, address } };
  }

  /** One request to the Jobs API: network errors and 5xx are transient, other 4xx permanent (except 404, returned). */
  private async request(address: string, method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    let response: Response;
    const timeout = AbortSignal.timeout(this.context.commandTimeoutMs);
    try {
      response = await this.context.host.fetch(`${address}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new BackendError('transient', `the Ray dashboard at ${address} did not answer: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 500 && !/already exists/i.test(text)) throw new BackendError('transient', `Ray ${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`, { status: response.status });
    return { status: response.status, text };
  }

  private parse(text: string, what: string): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(text);
      if (isObject(value)) return value;
    } catch {
      // Fall through.
    }
    throw new BackendError('transient', `Ray answered ${what} with something that is not a JSON object: ${text.slice(0, 200)}`);
  }

  async submit(input: SubmitInput, signal?: AbortSignal): Promise<JobRef> {
    const runDir = input.layout.runDir;
    const submissionId = submissionIdOf(input.spec.submissionKey);
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(input.spec.metadata)) metadata[key] = String(value);
    metadata.inoculate_run_id = input.spec.runId;
    metadata.inoculate_submission = input.spec.submissionKey;
    metadata.job_name = input.spec.jobName;
    const body = {
      entrypoint: RAY_ENTRYPOINT,
      submission_id: submissionId,
      runtime_env: { env_vars: { ...input.jobEnv, INOCULATE_TRAINER_ARGV: JSON.stringify(input.trainerArgv) } },
      metadata,
      ...rayResources(input.submitArgs),
    };
    const response = await this.request(this.address, 'POST', '/api/jobs/', body, signal);
    // Ray refuses a second submission with the same id: that job is this run's.
    if (response.status >= 400 && /already exists/i.test(response.text)) return this.ref(runDir, submissionId);
    if (response.status !== 200) throw new BackendError('permanent', `Ray refused the job (HTTP ${response.status}): ${response.text.slice(0, 300)}`, { status: response.status });
    const answer = this.parse(response.text, 'the submission');
    const id = typeof answer.submission_id === 'string' ? answer.submission_id : submissionId;
    return this.ref(runDir, id);
  }

  async find(input: SubmitInput, signal?: AbortSignal): Promise<JobRef | undefined> {
    const submissionId = submissionIdOf(input.spec.submissionKey);
    const response = await this.request(this.address, 'GET', `/api/jobs/${encodeURIComponent(submissionId)}`, undefined, signal);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new BackendError('permanent', `Ray GET /api/jobs/${submissionId}: HTTP ${response.status}: ${response.text.slice(0, 300)}`, { status: response.status });
    return this.ref(input.layout.runDir, submissionId);
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    const now = this.context.now();
    const address = ref.extra.address ?? this.address;
    const response = await this.request(address, 'GET', `/api/jobs/${encodeURIComponent(ref.id)}`, undefined, signal);
    if (response.status === 404) return snapshot('ray', 'not found', now, { message: `Ray does not know job ${ref.id} (deleted, or another cluster)` });
    if (response.status !== 200) throw new BackendError('permanent', `Ray GET /api/jobs/${ref.id}: HTTP ${response.status}: ${response.text.slice(0, 300)}`, { status: response.status });
    const info = this.parse(response.text, 'a status request');
    const raw = typeof info.status === 'string' && info.status ? info.status : 'no status';
    const parts = [typeof info.message === 'string' ? info.message : '', typeof info.driver_exit_code === 'number' ? `exit code ${info.driver_exit_code}` : ''].filter(Boolean);
    return snapshot('ray', raw, now, parts.length ? { message: parts.join('; ') } : {});
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const current = await this.status(ref, signal);
    if (current.state === 'succeeded' || current.state === 'failed' || current.state === 'cancelled') return;
    const address = ref.extra.address ?? this.address;
    const response = await this.request(address, 'POST', `/api/jobs/${encodeURIComponent(ref.id)}/stop`, undefined, signal);
    if (response.status !== 200 && response.status !== 404) throw new BackendError('permanent', `Ray could not stop job ${ref.id} (HTTP ${response.status}): ${response.text.slice(0, 300)}`);
  }

  async logs(ref: JobRef, signal?: AbortSignal): Promise<string> {
    const address = ref.extra.address ?? this.address;
    const response = await this.request(address, 'GET', `/api/jobs/${encodeURIComponent(ref.id)}/logs`, undefined, signal);
    if (response.status !== 200) throw new BackendError('permanent', `Ray GET logs of ${ref.id}: HTTP ${response.status}`);
    const logs = this.parse(response.text, 'a logs request').logs;
    const text = typeof logs === 'string' ? logs : '';
    return text.length > LOG_TAIL_BYTES ? text.slice(-LOG_TAIL_BYTES) : text;
  }
}
