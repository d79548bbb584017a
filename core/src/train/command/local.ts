/**
 * The `local` preset: the trainer as a detached process group on this machine (it outlives the editor and the CLI).
 *
 * A fixed wrapper (`sh -c WRAPPER`, the trainer's argv as its arguments: no value is ever part of the script) writes
 * `<runDir>/pid` ("pid epoch-seconds") when it starts and `<runDir>/exit_code` when the trainer ends. The backend
 * persists the pid and its start time in `<runDir>/job.json` and in the job reference, so status survives a reload
 * and a reused pid (same number, another start time) is never mistaken for the trainer. Cancel writes a
 * `<runDir>/cancelled` marker, sends SIGTERM to the group and SIGKILL after a grace period.
 */
import { BackendError, type JobRef, type StatusSnapshot } from '../types';
import { CommandNotFoundError } from './host';
import { LOG_TAIL_BYTES, snapshot, type Scheduler, type SchedulerContext, type SubmitInput } from './scheduler';
import { runLayout } from './slots';

const WRAPPER = [
  'run_dir=$1; shift',
  `printf '%s %s\\n' "$$" "$(date +%s)" > "$run_dir/pid.$$" && mv -f "$run_dir/pid.$$" "$run_dir/pid"`,
  '"$@"',
  'code=$?',
  `printf '%s\\n' "$code" > "$run_dir/exit_code.$$" && mv -f "$run_dir/exit_code.$$" "$run_dir/exit_code"`,
  'exit "$code"',
].join('\n');

/** The wrapper's argv: `sh -c WRAPPER inoculate-local <runDir> <trainer argv...>`. */
export function localArgv(runDir: string, trainerArgv: readonly string[]): string[] {
  return ['sh', '-c', WRAPPER, 'inoculate-local', runDir, ...trainerArgv];
}

/** How far the wrapper's own clock reading may be from the process table's start time (it runs right after exec). */
const PID_FILE_TOLERANCE_MS = 5000;
/**
 * How long `find` waits for the pid file of a launch interrupted around its spawn: the wrapper writes it as its first
 * command, so only a launch that died before spawning (or a machine under heavy load) leaves the marker alone.
 */
const LAUNCH_SETTLE_MS = 10_000;

interface LocalJob {
  pid: number;
  /** ms since the epoch; absent when the process had already exited when first looked at. */
  startTime?: number;
}

export class LocalScheduler implements Scheduler {
  readonly preset = 'local' as const;
  readonly executables = ['sh'] as const;
  constructor(private readonly context: SchedulerContext) {}

  private files(runDir: string) {
    const dir = runLayout(runDir).runDir;
    return {
      job: `${dir}/job.json`,
      pid: `${dir}/pid`,
      exitCode: `${dir}/exit_code`,
      cancelled: `${dir}/cancelled`,
      launch: `${dir}/launch`,
      stdout: `${dir}/stdout.log`,
      stderr: `${dir}/stderr.log`,
    };
  }

  private ref(runDir: string, job: LocalJob): JobRef {
    return { backend: 'command:local', id: String(job.pid), extra: { runDir, pid: String(job.pid), startTime: job.startTime === undefined ? '' : String(job.startTime) } };
  }

  private async readJob(runDir: string): Promise<LocalJob | undefined> {
    const text = await this.context.host.readText(this.files(runDir).job);
    if (text === undefined) return undefined;
    try {
      const job = JSON.parse(text) as LocalJob;
      if (Number.isSafeInteger(job.pid) && job.pid > 1) return job;
    } catch {
      // A job file cut short: fall back to the wrapper's pid file.
    }
    return undefined;
  }

  /** The job as the wrapper recorded it (`pid epoch-seconds`), checked against the process table. */
  private async fromPidFile(runDir: string): Promise<LocalJob | undefined> {
    const text = await this.context.host.readText(this.files(runDir).pid);
    const match = /^(\d+)\s+(\d+)/.exec(text ?? '');
    if (!match) return undefined;
    const pid = Number(match[1]);
    if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
    const startTime = await this.context.host.processStartTime(pid);
    // A live process with that pid but another start time is not ours (pid reuse): record it as gone.
    if (startTime !== undefined && Math.abs(startTime - Number(match[2]) * 1000) <= PID_FILE_TOLERANCE_MS) return { pid, startTime };
    return { pid };
  }

  async find(input: SubmitInput, signal?: AbortSignal): Promise<JobRef | undefined> {
    const { host } = this.context;
    const runDir = input.layout.runDir;
    const lookup = async () => (await this.readJob(runDir)) ?? (await this.fromPidFile(runDir));
    let job = await lookup();
    // A launch marker without a pid file: a submit died around its spawn, and its wrapper may be starting right now.
    if (!job && (await host.readText(this.files(runDir).launch)) !== undefined) {
      for (let waited = 0; !job && waited < LAUNCH_SETTLE_MS; waited += 100) {
        await host.sleep(100, signal);
        job = await lookup();
      }
    }
    return job ? this.ref(runDir, job) : undefined;
  }

  async submit(input: SubmitInput, signal?: AbortSignal): Promise<JobRef> {
    const { host } = this.context;
    const runDir = input.layout.runDir;
    const files = this.files(runDir);
    // `find` waits for the wrapper of an interrupted launch; past that, the marker is from a launch that never spawned.
    const existing = await this.find(input, signal);
    if (existing) return existing;
    await host.writeText(files.launch, `${this.context.now().toISOString()}\n`);
    await host.remove(files.exitCode);
    await host.remove(files.cancelled);
    let spawned;
    try {
      spawned = await host.spawnDetached(localArgv(runDir, input.trainerArgv), {
        env: { ...this.context.env, ...input.jobEnv },
        cwd: runDir,
        stdoutFile: files.stdout,
        stderrFile: files.stderr,
      });
    } catch (error) {
      await host.remove(files.launch);
      if (error instanceof CommandNotFoundError) throw new BackendError('permanent', error.message);
      throw error;
    }
    const job: LocalJob = spawned.startTime === undefined ? { pid: spawned.pid } : { pid: spawned.pid, startTime: spawned.startTime };
    await host.writeText(files.job, `${JSON.stringify(job)}\n`);
    return this.ref(runDir, job);
  }

  /** True when the job's process is alive and is the one we started. */
  private async alive(ref: JobRef): Promise<boolean> {
    const pid = Number(ref.extra.pid);
    const recorded = Number(ref.extra.startTime);
    if (!ref.extra.startTime || !Number.isSafeInteger(pid)) return false;
    const startTime = await this.context.host.processStartTime(pid);
    return startTime !== undefined && startTime === recorded;
  }

  async status(ref: JobRef): Promise<StatusSnapshot> {
    const { host } = this.context;
    const runDir = ref.extra.runDir ?? '';
    if (!runDir) throw new BackendError('permanent', `job ${ref.id}: its record lacks the run folder`);
    const files = this.files(runDir);
    const now = this.context.now();
    // Liveness first, files second: the wrapper writes exit_code before it exits, so a process seen dead here has
    // left its exit code (if it ever will) by the time the files are read.
    const alive = await this.alive(ref);
    const cancelled = (await host.readText(files.cancelled)) !== undefined;
    const exitText = await host.readText(files.exitCode);
    if (exitText !== undefined && /^\s*-?\d+\s*$/.test(exitText)) {
      const code = Number(exitText.trim());
      if (code === 0) return snapshot('local', 'exited0', now, { message: 'exit code 0' });
      if (cancelled) return snapshot('local', 'cancelled', now, { message: `cancelled (exit code ${code})` });
      return snapshot('local', 'exited', now, { message: `the trainer exited with code ${code}` });
    }
    if (alive) {
      if (cancelled) return snapshot('local', 'running', now, { cancelRequested: true, message: 'cancellation under way' });
      const started = (await host.readText(files.pid)) !== undefined;
      return snapshot('local', started ? 'running' : 'starting', now);
    }
    if (cancelled) return snapshot('local', 'cancelled', now);
    return snapshot('local', 'vanished', now, { message: 'the trainer is gone and left no exit code (killed, or the machine restarted)' });
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const { host } = this.context;
    const current = await this.status(ref);
    if (current.state === 'succeeded' || current.state === 'failed' || current.state === 'cancelled') return;
    await host.writeText(this.files(ref.extra.runDir!).cancelled, `${this.context.now().toISOString()}\n`);
    if (!(await this.alive(ref))) return;
    const pgid = Number(ref.extra.pid);
    await host.signalGroup(pgid, 'SIGTERM');
    for (let waited = 0; waited < this.context.killGraceMs; waited += 100) {
      if (!(await this.alive(ref))) return;
      await host.sleep(100, signal);
    }
    if (await this.alive(ref)) await host.signalGroup(pgid, 'SIGKILL');
  }

  async logs(ref: JobRef): Promise<string> {
    const files = this.files(ref.extra.runDir ?? '');
    const stdout = (await this.context.host.readText(files.stdout, LOG_TAIL_BYTES / 2)) ?? '';
    const stderr = (await this.context.host.readText(files.stderr, LOG_TAIL_BYTES / 2)) ?? '';
    return [stdout && `--- stdout (${files.stdout}) ---\n${stdout}`, stderr && `--- stderr (${files.stderr}) ---\n${stderr}`].filter(Boolean).join('\n');
  }
}
