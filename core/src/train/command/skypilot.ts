/**
 * The `skypilot` preset: SkyPilot managed jobs. Submit with `sky jobs launch -n NAME task.yaml -y -d` (it prints
 * "Managed Job ID: N"), cancel with `sky jobs cancel -y N`, logs with `sky jobs logs --no-follow N`. `sky jobs queue`
 * prints a table, so status comes through SkyPilot's own Python SDK (`sky.jobs.queue_v2` + `sky.get`, falling back to
 * `sky.jobs.queue` on older releases) run by the interpreter of the `sky` executable, printing JSON. The task is
 * templates/train/skypilot.yaml (or `train.command.template`), filled in its parsed form.
 */
import { stringify as stringifyYaml } from 'yaml';
import { BackendError, type JobRef, type StatusSnapshot } from '../types';
import { commandFailed, extraOf, firstLine, LOG_TAIL_BYTES, runCommand, snapshot, tailLines, type Scheduler, type SchedulerContext, type SubmitInput } from './scheduler';
import { isObject, parseYamlTemplate, resolveTemplate } from './templates';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** The managed job id in `sky jobs launch` output ("Managed Job ID: N", or the "sky jobs logs N" hint). */
export function parseManagedJobId(output: string): string | undefined {
  const plain = output.replace(ANSI, '');
  return /Managed job ID:\s*(\d+)/i.exec(plain)?.[1] ?? /sky jobs logs\s+(\d+)/.exec(plain)?.[1];
}

/**
 * Prints the managed jobs matching `id N` or `name NAME` as JSON: `[{job_id, job_name, status, failure_reason}]`.
 * Fixed text: the id or name arrives as an argument. Exit 3 when SkyPilot cannot be imported.
 */
export const SKY_QUEUE_PROGRAM = `
import json, sys
try:
    import sky
    from sky import jobs
except Exception as error:
    print("cannot import SkyPilot's SDK: %s" % error, file=sys.stderr)
    sys.exit(3)
mode, value = sys.argv[1], sys.argv[2]
ids = [int(value)] if mode == "id" else None

def call(fn, **kwargs):
    result = fn(**kwargs)
    if isinstance(result, (list, tuple)) or not hasattr(sky, "get"):
        return result
    return sky.get(result)

records, last = None, None
for name in ("queue_v2", "queue"):
    fn = getattr(jobs, name, None)
    if fn is None:
        continue
    for kwargs in ({"refresh": False, "job_ids": ids}, {"refresh": False}):
        if kwargs.get("job_ids", 1) is None:
            kwargs.pop("job_ids")
        try:
            records = call(fn, **kwargs)
            break
        except TypeError as error:
            last = error
        except Exception as error:
            last = error
            break
    if records is not None:
        break
if records is None:
    raise last if last else RuntimeError("SkyPilot has no managed jobs queue API")
if isinstance(records, tuple):
    records = records[0]

def plain(record):
    if hasattr(record, "model_dump"):
        record = record.model_dump()
    elif not isinstance(record, dict):
        record = dict(getattr(record, "__dict__", {}))
    status = record.get("status")
    return {"job_id": record.get("job_id"), "job_name": record.get("job_name"), "status": getattr(status, "value", status),
            "failure_reason": record.get("failure_reason")}

print(json.dumps([plain(record) for record in records], default=str))
`;

/** One managed job as the queue program reports it. */
export interface SkyJobRecord {
  jobId: string;
  name: string;
  status: string;
  failureReason?: string;
}

/** A status word from whatever shape SkyPilot used: `"RUNNING"`, `"ManagedJobStatus.RUNNING"`, `{value: ...}`, `[...]`. */
function statusWord(value: unknown): string {
  if (Array.isArray(value)) return statusWord(value[0]);
  if (isObject(value)) return statusWord(value.value ?? value.name ?? '');
  if (typeof value !== 'string') return '';
  return value.includes('.') ? value.slice(value.lastIndexOf('.') + 1) : value;
}

/** Parses the queue program's JSON; a shape it does not know gives no records (the caller reports `unknown`). */
export function parseSkyQueue(stdout: string): SkyJobRecord[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    return undefined;
  }
  if (isObject(value) && Array.isArray(value.jobs)) value = value.jobs;
  if (!Array.isArray(value)) return undefined;
  const records: SkyJobRecord[] = [];
  for (const item of value) {
    if (!isObject(item)) continue;
    const id = item.job_id ?? item.id;
    if (typeof id !== 'number' && typeof id !== 'string') continue;
    const record: SkyJobRecord = { jobId: String(id), name: typeof item.job_name === 'string' ? item.job_name : '', status: statusWord(item.status) };
    if (typeof item.failure_reason === 'string' && item.failure_reason) record.failureReason = item.failure_reason;
    records.push(record);
  }
  return records;
}

/** The interpreter named by a console script's `#!` line when it is a Python (`sky` is one), else `python3`. */
export function pythonOfShebang(firstLineOfScript: string | undefined): string[] {
  const match = /^#!\s*(.+)$/.exec(firstLineOfScript?.trim() ?? '');
  if (!match) return ['python3'];
  let words = match[1]!.trim().split(/\s+/);
  if (/(^|\/)env$/.test(words[0]!)) words = words.slice(1).filter((word) => word !== '-S');
  const interpreter = words[0] ?? '';
  return /(^|\/)python[0-9.]*$/.test(interpreter) ? words : ['python3'];
}

export class SkyPilotScheduler implements Scheduler {
  readonly preset = 'skypilot' as const;
  readonly executables = ['sky'] as const;
  private python: string[] | undefined;
  constructor(private readonly context: SchedulerContext) {}

  private ref(runDir: string, id: string): JobRef {
    return { backend: 'command:skypilot', id, extra: { runDir } };
  }

  /** The Python that runs `sky` (its SDK is importable there). */
  private async interpreter(): Promise<string[]> {
    if (!this.python) {
      const sky = await this.context.host.which('sky', this.context.env);
      const head = sky ? await this.context.host.readText(sky, 4096).then((text) => (text ?? '').split('\n')[0]) : undefined;
      // readText returns the end of long files; a console script is short, and its first line is its `#!`.
      this.python = pythonOfShebang(head);
    }
    return this.python;
  }

  /** The managed jobs matching an id or a name, through SkyPilot's SDK. */
  private async queue(mode: 'id' | 'name', value: string, signal?: AbortSignal): Promise<SkyJobRecord[] | undefined> {
    const argv = [...(await this.interpreter()), '-c', SKY_QUEUE_PROGRAM, mode, value];
    const result = await runCommand(this.context, argv, { signal });
    if (result.exitCode === 3) throw new BackendError('permanent', `the skypilot preset reads job states through SkyPilot's Python SDK: ${firstLine(result)}`);
    if (result.exitCode !== 0) throw new BackendError('transient', `SkyPilot's managed jobs queue did not answer: ${tailLines(result.stderr || result.stdout, 1)}`);
    return parseSkyQueue(result.stdout);
  }

  async submit(input: SubmitInput, signal?: AbortSignal): Promise<JobRef> {
    const { host } = this.context;
    const runDir = input.layout.runDir;
    const template = await resolveTemplate(this.context, 'skypilot.yaml');
    const task = parseYamlTemplate(template.path, template.text);
    const envs: Record<string, string> = {};
    if (isObject(task.envs)) for (const [name, value] of Object.entries(task.envs)) envs[name] = value === null || value === undefined ? '' : String(value);
    Object.assign(envs, input.jobEnv, { INOCULATE_TRAINER_ARGV: JSON.stringify(input.trainerArgv) });
    task.name = input.spec.jobName;
    task.envs = envs;
    if (this.context.settings.image) {
      // SkyPilot runs the task in a container image given as `resources.image_id: docker:<image>`.
      task.resources = { ...(isObject(task.resources) ? task.resources : {}), image_id: `docker:${this.context.settings.image}` };
    }
    // Upload the training data to the same path on the cluster.
    task.file_mounts = { ...(isObject(task.file_mounts) ? task.file_mounts : {}), [input.layout.dataDir]: input.layout.dataDir };
    const taskPath = `${runDir}/task.yaml`;
    await host.writeText(taskPath, stringifyYaml(task, { lineWidth: 0 }));
    const argv = ['sky', 'jobs', 'launch', '-n', input.spec.jobName, taskPath, '-y', '-d', ...input.submitArgs];
    const result = await runCommand(this.context, argv, { timeoutMs: this.context.submitTimeoutMs, signal });
    if (result.exitCode !== 0) throw commandFailed(argv, result, 'permanent');
    const id = parseManagedJobId(`${result.stdout}\n${result.stderr}`) ?? (await this.find(input, signal))?.id;
    if (!id) throw new BackendError('permanent', `sky jobs launch printed no managed job id: ${tailLines(result.stdout, 3)}`);
    await host.writeText(`${runDir}/sky.json`, `${JSON.stringify({ id })}\n`);
    return this.ref(runDir, id);
  }

  async find(input: SubmitInput, signal?: AbortSignal): Promise<JobRef | undefined> {
    const runDir = input.layout.runDir;
    const recorded = await this.context.host.readText(`${runDir}/sky.json`);
    try {
      const id = recorded ? (JSON.parse(recorded) as { id?: unknown }).id : undefined;
      if (typeof id === 'string' && /^\d+$/.test(id)) return this.ref(runDir, id);
    } catch {
      // Cut short: ask SkyPilot.
    }
    const records = (await this.queue('name', input.spec.jobName, signal)) ?? [];
    const mine = records.filter((record) => record.name === input.spec.jobName).sort((a, b) => Number(b.jobId) - Number(a.jobId));
    return mine[0] ? this.ref(runDir, mine[0].jobId) : undefined;
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    const now = this.context.now();
    const records = await this.queue('id', ref.id, signal);
    if (!records) return snapshot('skypilot', 'unreadable answer', now, { message: "SkyPilot's queue answered in a shape this version of Inoculate does not know" });
    const record = records.find((candidate) => candidate.jobId === ref.id);
    if (!record) return snapshot('skypilot', 'not in queue', now, { message: `managed job ${ref.id} is not in SkyPilot's queue` });
    return snapshot('skypilot', record.status, now, record.failureReason ? { message: record.failureReason } : {});
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const current = await this.status(ref, signal);
    if (current.state === 'succeeded' || current.state === 'failed' || current.state === 'cancelled') return;
    const argv = ['sky', 'jobs', 'cancel', '-y', ref.id];
    const result = await runCommand(this.context, argv, { signal });
    if (result.exitCode !== 0) throw commandFailed(argv, result);
  }

  async logs(ref: JobRef, signal?: AbortSignal): Promise<string> {
    extraOf(ref, 'runDir');
    const argv = ['sky', 'jobs', 'logs', '--no-follow', ref.id];
    const result = await runCommand(this.context, argv, { signal });
    if (result.exitCode !== 0) throw commandFailed(argv, result);
    const text = result.stdout.replace(ANSI, '');
    return text.length > LOG_TAIL_BYTES ? text.slice(-LOG_TAIL_BYTES) : text;
  }
}
