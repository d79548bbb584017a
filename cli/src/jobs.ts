/**
 * `inoculate jobs`: the recorded training runs of the workspace (or of one `.inoc` file), refreshed with one poll
 * each (`--watch`: followed to their end); `inoculate jobs cancel <id>`; `inoculate jobs logs <id>`. Everything
 * is read from the run records, so it works from any terminal, after a crash or on another day.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relativeInocPath } from '../../core/src/check/layout';
import { cancelRun, followRun, type TrainingContext } from '../../core/src/train/jobs';
import type { TrainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { currentAttempt, findRunsByPrefix, listRuns, readRun, type RunState } from '../../core/src/train/runStore';
import { BackendError, isTerminal, type TrainingBackend } from '../../core/src/train/types';
import { colorizer, UsageError, type CliIO, type Command } from './io';
import { backendForRun, elapsedText, pollOption, stateText, terminalLine, terminalSafe, workspacePaths } from './trainSupport';

const HELP = `Usage: inoculate jobs [options] [<file.inoc>]
       inoculate jobs cancel <run-id>
       inoculate jobs logs <run-id>

List the training runs recorded under .inoculate/runs/ (all of the workspace, or those of one .inoc file), after
asking each unfinished job's backend for its status once. A run id may be shortened to any unique prefix.

Options:
  --watch             Follow the unfinished jobs until they end
  --no-refresh        Show the records only (ask no backend)
  --poll SECONDS      First wait between status polls (default 5; backs off to 60 while nothing changes)
  --json              Print JSON (see docs/cli.md)
  --results-dir DIR   Where runs are (default: .inoculate/ in the workspace root)
  -h, --help          Show this help

Exit status: 0 fine, 1 a job failed (or a backend could not be asked), 2 bad arguments, 130 interrupted.
`;

interface Options {
  action: 'list' | 'cancel' | 'logs';
  target?: string;
  watch: boolean;
  refresh: boolean;
  json: boolean;
  resultsDir?: string;
  /** First wait between polls, ms. */
  pollMs: number;
}

function parseOptions(args: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        watch: { type: 'boolean' },
        'no-refresh': { type: 'boolean' },
        json: { type: 'boolean' },
        poll: { type: 'string' },
        'results-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [first, ...rest] = positionals;
  const common = { watch: !!values.watch, refresh: !values['no-refresh'], json: !!values.json, resultsDir: values['results-dir'], pollMs: pollOption(values.poll) };
  if (first === 'cancel' || first === 'logs') {
    if (rest.length !== 1) throw new UsageError(`which run? Usage: inoculate jobs ${first} <run-id>`);
    return { action: first, target: rest[0], ...common };
  }
  if (positionals.length > 1) throw new UsageError(`give at most one .inoc file.\n\n${HELP}`);
  return { action: 'list', target: first, ...common };
}

/** The `--json` view of one run. */
export function runJson(run: RunState) {
  const p = run.provenance;
  const attempt = currentAttempt(run);
  return {
    runId: run.runId,
    file: p.inocFile,
    arm: p.arm.name,
    kind: p.arm.kind,
    instructionHash: p.arm.instructionHash,
    seed: p.seed,
    backend: p.backend,
    target: p.target,
    baseModel: p.baseModel,
    attempt: attempt?.attempt ?? 0,
    job: attempt?.job?.id ?? null,
    state: attempt?.status?.state ?? null,
    rawState: attempt?.status?.raw ?? null,
    cancelRequested: !!attempt?.cancelRequestedAt,
    submittedAt: attempt?.submittingAt ?? null,
    observedAt: attempt?.status?.observedAt ?? null,
    model: attempt?.result?.modelId ?? null,
    artifact: attempt?.result?.artifact ?? null,
    trainingFile: p.trainingFile.sha256,
    record: run.recordPath,
  };
}

async function resolveRun(fs: typeof nodeTrainFileSystem, paths: TrainPaths, prefix: string): Promise<RunState> {
  const ids = await findRunsByPrefix(fs, paths, prefix.toLowerCase());
  if (ids.length === 0) throw new UsageError(`no run '${prefix}' under ${paths.runsDir}.`);
  if (ids.length > 1) throw new UsageError(`'${prefix}' matches ${ids.length} runs (${ids.slice(0, 5).join(', ')}...): give more characters.`);
  const run = await readRun(fs, paths, ids[0]!);
  if (!run) throw new UsageError(`the record of run ${ids[0]} cannot be read.`);
  return run;
}

/** The `jobs` command. */
export const jobsCommand: Command = async (args: string[], io: CliIO) => {
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const fs = nodeTrainFileSystem;
  const { root, paths } = await workspacePaths(io, options.action === 'list' ? options.target : undefined, options.resultsDir);
  const ctx: TrainingContext = { fs, paths };
  const c = colorizer(io.stdout, io.env);
  const fail = (message: string, status: number) => {
    io.stderr.write(`inoculate jobs: ${terminalLine(message, 2000)}\n`);
    return status;
  };
  const backends = new Map<string, Promise<TrainingBackend>>();
  const backendOf = (run: RunState) => {
    const key = `${run.provenance.backend} ${run.provenance.target}`;
    let backend = backends.get(key);
    if (!backend) {
      backend = backendForRun(run, io, paths, root);
      backends.set(key, backend);
    }
    return backend;
  };

  if (options.action === 'cancel') {
    const run = await resolveRun(fs, paths, options.target!);
    try {
      const outcome = await cancelRun(ctx, run.runId, await backendOf(run), io.signal);
      const text = outcome.action === 'requested' ? `cancellation requested (${stateText(outcome.run)})` : outcome.action === 'already-ended' ? `already ended (${stateText(outcome.run)}); nothing to cancel` : 'no job was submitted; nothing to cancel';
      io.stdout.write(options.json ? `${JSON.stringify({ ...runJson(outcome.run), action: outcome.action }, null, 2)}\n` : `${run.runId}: ${text}\n`);
      return 0;
    } catch (error) {
      if (error instanceof UsageError) return fail(error.message, 2);
      if (error instanceof BackendError) return fail(`${run.runId}: could not cancel: ${terminalLine(error.message, 400)}`, 1);
      throw error;
    }
  }

  if (options.action === 'logs') {
    const run = await resolveRun(fs, paths, options.target!);
    const attempt = currentAttempt(run);
    let live: string | undefined;
    let liveError: string | undefined;
    if (attempt?.job && options.refresh) {
      try {
        live = await (await backendOf(run)).logs(attempt.job, io.signal);
      } catch (error) {
        liveError = error instanceof Error ? error.message : String(error);
      }
    }
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ ...runJson(run), events: attempt?.events ?? [], statusHistory: attempt?.statusHistory ?? [], errors: attempt?.errors ?? [], logs: live ?? null, logsError: liveError ?? null }, null, 2)}\n`);
      return 0;
    }
    const out: string[] = [c.bold(`${run.runId}  ${terminalLine(run.provenance.arm.name, 60)} seed ${run.provenance.seed}  ${run.provenance.backend}  ${stateText(run)}`)];
    for (const status of attempt?.statusHistory ?? []) out.push(c.dim(`${status.observedAt}  status ${status.state} (${terminalLine(status.raw, 80)})${status.message ? `: ${terminalLine(status.message, 300)}` : ''}`));
    for (const error of attempt?.errors ?? []) out.push(c.red(`${error.at}  ${error.stage}: ${terminalLine(error.message, 400)}`));
    if (live !== undefined) out.push('', c.dim('-- logs from the backend --'), terminalSafe(live.replace(/\r/g, ''), 200_000));
    else for (const event of attempt?.events ?? []) out.push(`${event.at}  ${event.level.padEnd(5)} ${terminalLine(event.message, 400)}`);
    if (liveError) out.push(c.yellow(`(could not read the backend's logs: ${terminalLine(liveError, 300)}; shown: the recorded events)`));
    io.stdout.write(`${out.join('\n')}\n`);
    return 0;
  }

  // list
  const filter = options.target ? { inocFile: relativeInocPath(root, resolve(io.cwd, options.target)) } : {};
  let runs = await listRuns(fs, paths, filter);
  let problems = 0;
  const refresh = async (run: RunState, watch: boolean): Promise<RunState> => {
    const attempt = currentAttempt(run);
    if (!attempt?.job || (attempt.status && isTerminal(attempt.status.state))) return run;
    try {
      const outcome = await followRun(ctx, run.runId, await backendOf(run), { once: !watch, signal: io.signal, initialIntervalMs: options.pollMs, maxIntervalMs: Math.max(options.pollMs, 60_000) });
      if (outcome.reason === 'error') {
        problems++;
        io.stderr.write(`inoculate jobs: ${run.runId}: ${terminalLine(outcome.message ?? '', 400)}\n`);
      }
      if (watch && outcome.reason === 'terminal') io.stderr.write(`inoculate jobs: ${run.runId} ${terminalLine(run.provenance.arm.name, 40)} seed ${run.provenance.seed}: ${stateText(outcome.run)}\n`);
      return outcome.run;
    } catch (error) {
      problems++;
      io.stderr.write(`inoculate jobs: ${run.runId}: ${terminalLine(error instanceof Error ? error.message : String(error), 400)}\n`);
      return run;
    }
  };
  if (options.refresh || options.watch) runs = await Promise.all(runs.map((run) => refresh(run, options.watch)));
  if (io.signal.aborted) return 130;
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ runs: runs.map(runJson) }, null, 2)}\n`);
  } else if (runs.length === 0) {
    io.stdout.write(`No training runs${options.target ? ` of ${terminalLine(options.target)}` : ''} under ${paths.runsDir}. Start one with \`inoculate train <file.inoc>\`.\n`);
  } else {
    const rows = runs.map((run) => {
      const attempt = currentAttempt(run);
      return [run.runId.slice(0, 12), terminalLine(run.provenance.inocFile, 40), terminalLine(run.provenance.arm.name, 30), String(run.provenance.seed), run.provenance.backend, stateText(run), elapsedText(run), terminalLine(attempt?.result?.modelId ?? '', 80)];
    });
    const header = ['run', 'file', 'arm', 'seed', 'backend', 'state', 'elapsed', 'model'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
    io.stdout.write(`${c.dim(line(header))}\n${rows.map(line).join('\n')}\n`);
  }
  const failed = runs.filter((run) => currentAttempt(run)?.status?.state === 'failed').length;
  return failed || problems ? 1 : 0;
};
