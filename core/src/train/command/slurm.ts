/**
 * The `slurm` preset: `sbatch --parsable` (prints `id` or `id;cluster`), status from accounting
 * (`sacct -X -n -P -j ID -o JobIDRaw,State,ExitCode`) with `squeue -h -j ID -o %T` when accounting lags or is down,
 * `scancel`, and `find` by job name (a submit interrupted after sbatch accepted the job). The job script is
 * templates/train/slurm.sbatch (or `train.command.template`), copied into the run folder; the trainer's argv is
 * passed as the script's arguments and the run's values as exported environment variables.
 */
import { BackendError, type JobRef, type StatusSnapshot } from '../types';
import { commandFailed, extraOf, LOG_TAIL_BYTES, runCommand, snapshot, type Scheduler, type SchedulerContext, type SubmitInput } from './scheduler';
import { resolveTemplate } from './templates';

/** Reads sbatch --parsable output: the last non-empty line, `id` or `id;cluster`. */
export function parseSbatchOutput(stdout: string): { id: string; cluster?: string } | undefined {
  const lines = stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  const match = /^(\d+)(?:;(\S+))?$/.exec(lines[lines.length - 1] ?? '');
  if (!match) return undefined;
  return match[2] ? { id: match[1]!, cluster: match[2] } : { id: match[1]! };
}

/** One sacct row (`-P`: `|`-separated). */
export interface SacctRow {
  jobId: string;
  state: string;
  exitCode?: string;
}

/** Parses `sacct -n -P -o JobIDRaw,State[,ExitCode]` output; blank lines (accounting lag) give no rows. */
export function parseSacct(stdout: string): SacctRow[] {
  const rows: SacctRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [jobId, state, exitCode] = line.split('|').map((field) => field.trim());
    if (!jobId || state === undefined) continue;
    rows.push(exitCode === undefined ? { jobId, state } : { jobId, state, exitCode });
  }
  return rows;
}

/** The date `days` before `now`, as sacct's `--starttime` wants it (YYYY-MM-DD). */
function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

export class SlurmScheduler implements Scheduler {
  readonly preset = 'slurm' as const;
  readonly executables = ['sbatch', 'sacct', 'squeue', 'scancel'] as const;
  constructor(private readonly context: SchedulerContext) {}

  private clusterArgs(ref: JobRef): string[] {
    return ref.extra.cluster ? ['-M', ref.extra.cluster] : [];
  }

  private ref(runDir: string, id: string, cluster?: string): JobRef {
    const extra: Record<string, string> = { runDir };
    if (cluster) extra.cluster = cluster;
    return { backend: 'command:slurm', id, extra };
  }

  async submit(input: SubmitInput, signal?: AbortSignal): Promise<JobRef> {
    const { host } = this.context;
    const runDir = input.layout.runDir;
    const script = await resolveTemplate(this.context, 'slurm.sbatch');
    const scriptCopy = `${runDir}/job.sbatch`;
    await host.writeText(scriptCopy, script.text);
    const argv = [
      'sbatch',
      '--parsable',
      `--job-name=${input.spec.jobName}`,
      `--output=${runDir}/slurm-%j.out`,
      `--chdir=${runDir}`,
      '--export=ALL',
      ...input.submitArgs,
      scriptCopy,
      ...input.trainerArgv,
    ];
    const result = await runCommand(this.context, argv, { env: { ...this.context.env, ...input.jobEnv }, timeoutMs: this.context.submitTimeoutMs, signal });
    if (result.exitCode !== 0) throw commandFailed(argv, result, 'permanent');
    const parsed = parseSbatchOutput(result.stdout);
    if (!parsed) throw new BackendError('permanent', `sbatch printed no job id: ${JSON.stringify(result.stdout.slice(0, 200))}`);
    await host.writeText(`${runDir}/slurm.json`, `${JSON.stringify(parsed)}\n`);
    return this.ref(runDir, parsed.id, parsed.cluster);
  }

  async find(input: SubmitInput, signal?: AbortSignal): Promise<JobRef | undefined> {
    const runDir = input.layout.runDir;
    const recorded = await this.context.host.readText(`${runDir}/slurm.json`);
    if (recorded) {
      try {
        const parsed = JSON.parse(recorded) as { id?: unknown; cluster?: unknown };
        if (typeof parsed.id === 'string' && /^\d+$/.test(parsed.id)) return this.ref(runDir, parsed.id, typeof parsed.cluster === 'string' ? parsed.cluster : undefined);
      } catch {
        // Cut short: ask Slurm.
      }
    }
    // The job name carries the run id: ask accounting (finished jobs too), then the queue (accounting may lag).
    const ids = new Set<string>();
    const sacctArgv = ['sacct', '-X', '-n', '-P', `--name=${input.spec.jobName}`, `--starttime=${daysBefore(this.context.now(), 60)}`, '-o', 'JobIDRaw,State'];
    const sacct = await runCommand(this.context, sacctArgv, { signal });
    if (sacct.exitCode === 0) for (const row of parseSacct(sacct.stdout)) if (/^\d+$/.test(row.jobId)) ids.add(row.jobId);
    const squeueArgv = ['squeue', '-h', `--name=${input.spec.jobName}`, '-o', '%i'];
    const squeue = await runCommand(this.context, squeueArgv, { signal });
    if (squeue.exitCode === 0) for (const line of squeue.stdout.split('\n')) if (/^\d+$/.test(line.trim())) ids.add(line.trim());
    if (!ids.size) {
      if (sacct.exitCode !== 0 && squeue.exitCode !== 0) throw commandFailed(squeueArgv, squeue);
      return undefined;
    }
    const newest = [...ids].sort((a, b) => Number(b) - Number(a))[0]!;
    return this.ref(runDir, newest);
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    const now = this.context.now();
    const sacctArgv = ['sacct', '-X', '-n', '-P', '-j', ref.id, '-o', 'JobIDRaw,State,ExitCode', ...this.clusterArgs(ref)];
    const sacct = await runCommand(this.context, sacctArgv, { signal });
    if (sacct.exitCode === 0) {
      const rows = parseSacct(sacct.stdout);
      const row = rows.find((candidate) => candidate.jobId === ref.id) ?? rows[0];
      if (row && row.state) {
        const message = row.exitCode && row.exitCode !== '0:0' ? `exit code ${row.exitCode}` : undefined;
        return snapshot('slurm', row.state, now, message ? { message } : {});
      }
    }
    // Accounting has no row yet (it lags behind the controller) or is unavailable: the queue knows live jobs.
    const squeueArgv = ['squeue', '-h', '-j', ref.id, '-o', '%T', ...this.clusterArgs(ref)];
    const squeue = await runCommand(this.context, squeueArgv, { signal });
    const state = squeue.exitCode === 0 ? squeue.stdout.trim().split('\n')[0]?.trim() ?? '' : '';
    if (state) return snapshot('slurm', state, now);
    if (sacct.exitCode !== 0 && squeue.exitCode !== 0 && !/invalid job id/i.test(squeue.stderr)) {
      throw commandFailed(squeueArgv, squeue);
    }
    return snapshot('slurm', 'no record', now, { message: 'neither sacct nor squeue knows this job yet (accounting lag, or accounting is disabled)' });
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const current = await this.status(ref, signal);
    if (current.state === 'succeeded' || current.state === 'failed' || current.state === 'cancelled') return;
    const argv = ['scancel', ...this.clusterArgs(ref), ref.id];
    const result = await runCommand(this.context, argv, { signal });
    // A job that ended meanwhile makes scancel complain; the next status tells what happened.
    if (result.exitCode !== 0 && !/already completing or completed|invalid job id/i.test(result.stderr)) throw commandFailed(argv, result);
  }

  async logs(ref: JobRef): Promise<string> {
    const runDir = extraOf(ref, 'runDir');
    const path = `${runDir}/slurm-${ref.id}.out`;
    const text = await this.context.host.readText(path, LOG_TAIL_BYTES);
    return text === undefined ? '' : text;
  }
}
