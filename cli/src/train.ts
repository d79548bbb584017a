/**
 * `inoculate train <file>`: build, validate and preview the training files of the chosen variants and the
 * no-inoculation baseline, then submit one job per run (variant × seed) on the file's backend, recording each run
 * under `.inoculate/runs/`. A run already submitted is attached to, not paid for twice (`--force` makes a new
 * attempt). `--watch` follows the jobs to their end.
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backendIdentity } from '../../core/src/train/backends/index';
import { followRun, launchRun, type LaunchOutcome, type TrainingContext } from '../../core/src/train/jobs';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { planTraining, TrainSetupError, type TrainingPlan } from '../../core/src/train/plan';
import { currentAttempt, type RunState } from '../../core/src/train/runStore';
import type { TrainSettings } from '../../core/src/train/settings';
import { BackendError, isTerminal } from '../../core/src/train/types';
import { colorizer, UsageError, type CliIO, type Command } from './io';
import { makeBackend, pollOption, stateText, terminalLine, workspacePaths } from './trainSupport';

const HELP = `Usage: inoculate train [options] <file.inoc>

Build the training files of the chosen variants and of the no-inoculation baseline (the neutral prompt), with each
instruction inserted exactly as a check inserts it; validate and preview them; then submit one fine-tuning job per
variant and seed. Runs are recorded under .inoculate/runs/: launching the same run again attaches to its job.

Options:
  --variant NAME      Train this variant (repeatable; default: train.variants, else every candidate)
  --seeds N           Seeds 0..N-1 (default: train.seeds)
  --backend NAME      openai, together or command (default: train.backend)
  --model M           Base model (default: train.model, else model:)
  --base-url URL      The fine-tuning API (default: train.baseUrl, then OPENAI_BASE_URL / TOGETHER_BASE_URL)
  --dry-run           Build, validate and preview; print the jobs and their estimated cost; submit nothing
  --watch             Follow the jobs until they end
  --force             Submit again even runs that already have a job (a new, recorded attempt)
  --poll SECONDS      First wait between status polls (default 5; backs off to 60 while nothing changes)
  --json              Print JSON (see docs/cli.md)
  --results-dir DIR   Where runs and training files go (default: .inoculate/ in the workspace root)
  -h, --help          Show this help

Keys come from the environment only: OPENAI_API_KEY (AZURE_OPENAI_API_KEY for Azure), TOGETHER_API_KEY.
Exit status: 0 fine, 1 a job failed or could not be submitted, 2 bad arguments or input, 130 interrupted.
`;

interface Options {
  file: string;
  variants: string[];
  seeds?: number;
  backend?: TrainSettings['backend'];
  model?: string;
  baseUrl?: string;
  dryRun: boolean;
  watch: boolean;
  force: boolean;
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
        variant: { type: 'string', multiple: true },
        seeds: { type: 'string' },
        backend: { type: 'string' },
        model: { type: 'string' },
        'base-url': { type: 'string' },
        'dry-run': { type: 'boolean' },
        watch: { type: 'boolean' },
        force: { type: 'boolean' },
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
  if (positionals.length !== 1) throw new UsageError(`${positionals.length ? 'give one .inoc file at a time' : 'which .inoc file? Give its path'}.\n\n${HELP}`);
  if (values.seeds !== undefined && (!/^\d+$/.test(values.seeds) || Number(values.seeds) < 1 || Number(values.seeds) > 100)) {
    throw new UsageError(`--seeds must be a whole number from 1 to 100; got '${values.seeds}'.`);
  }
  if (values.backend !== undefined && !['openai', 'together', 'command'].includes(values.backend)) {
    throw new UsageError(`--backend must be openai, together or command; got '${values.backend}'.`);
  }
  const pollMs = pollOption(values.poll);
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError(`--base-url must be an http(s) URL; got '${baseUrl}'.`);
    if (url.username || url.password) throw new UsageError('--base-url must not contain credentials; put the key in the environment.');
  }
  return {
    file: positionals[0]!,
    variants: values.variant ?? [],
    seeds: values.seeds === undefined ? undefined : Number(values.seeds),
    backend: values.backend as TrainSettings['backend'] | undefined,
    model: values.model,
    baseUrl,
    dryRun: !!values['dry-run'],
    watch: !!values.watch,
    force: !!values.force,
    json: !!values.json,
    resultsDir: values['results-dir'],
    pollMs,
  };
}


/** The `--json` shape of a plan and what happened to its runs. */
export function trainJson(plan: TrainingPlan, launched: Map<string, LaunchOutcome>, finals: Map<string, RunState>, dryRun: boolean) {
  return {
    file: plan.inocFile,
    behavior: plan.behavior,
    backend: plan.backend.id,
    target: plan.backend.target,
    model: plan.settings.model,
    loss: plan.settings.loss,
    hyperparameters: plan.settings.hyperparameters,
    dryRun,
    tokenizer: plan.tokenizer,
    dataset: { path: plan.dataset.shown, sha256: plan.dataset.sha256, items: plan.dataset.items },
    arms: plan.arms.map((arm) => ({
      name: arm.arm.name,
      kind: arm.arm.kind,
      instructionHash: arm.arm.instructionHash,
      trainingFile: { path: arm.trainingFile.path, sha256: arm.trainingFile.sha256, examples: arm.trainingFile.examples, tokens: arm.trainingFile.tokens.total, counted: arm.trainingFile.tokens.counted },
      cost: arm.cost.kind === 'estimate' ? { usd: arm.cost.usd, note: arm.cost.note } : null,
      costNote: arm.cost.note,
      check: arm.check,
    })),
    runs: plan.runs.map((run) => {
      const outcome = launched.get(run.provenance.runId);
      const final = finals.get(run.provenance.runId) ?? outcome?.run;
      const attempt = final ? currentAttempt(final) : undefined;
      return {
        runId: run.provenance.runId,
        arm: run.provenance.arm.name,
        seed: run.provenance.seed,
        action: outcome?.action ?? null,
        attempt: outcome?.attempt ?? null,
        job: outcome?.job?.id ?? attempt?.job?.id ?? null,
        state: attempt?.status?.state ?? null,
        rawState: attempt?.status?.raw ?? null,
        model: attempt?.result?.modelId ?? null,
        message: outcome?.message ?? null,
        issues: outcome?.issues ?? [],
      };
    }),
    dateNotices: plan.dateNotices,
    errors: plan.errors,
    warnings: plan.warnings,
    previews: plan.previews,
  };
}

function money(value: number): string {
  return `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;
}

/** The human view of a plan. */
function renderPlan(plan: TrainingPlan, io: CliIO, dryRun: boolean): string {
  const c = colorizer(io.stdout, io.env);
  const number = (value: number) => value.toLocaleString('en-US');
  const hp = plan.settings.hyperparameters;
  const hpText = Object.entries(hp)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  const lines = [
    `${c.bold(terminalLine(plan.inocFile))}: ${dryRun ? 'dry run, nothing submitted' : 'training'}`,
    `  backend      ${plan.backend.id} at ${terminalLine(plan.backend.target)}`,
    `  base model   ${terminalLine(plan.settings.model ?? '')}`,
    `  dataset      ${terminalLine(plan.dataset.shown)} (${plan.dataset.items} items, sha256 ${plan.dataset.sha256.slice(0, 12)})`,
    `  loss         ${plan.settings.loss}; ${hpText}`,
    `  tokens       ${plan.tokenizer.counted === 'tokenizer' ? `counted with ${plan.tokenizer.name}` : 'estimated (characters / 4; no tokenizer known for this model)'}`,
    '',
    c.dim(`  ${'arm'.padEnd(24)} ${'examples'.padStart(8)} ${'tokens'.padStart(10)}  cost`),
  ];
  let total = 0;
  let priced = true;
  for (const arm of plan.arms) {
    const cost = arm.cost.kind === 'estimate' ? `~${money(arm.cost.usd)} per seed` : arm.cost.note;
    if (arm.cost.kind === 'estimate') total += arm.cost.usd * plan.settings.seeds.length;
    else priced = false;
    const name = `${terminalLine(arm.arm.name, 40)}${arm.arm.kind === 'baseline' && arm.arm.name !== 'baseline' ? ' (baseline)' : ''}`;
    const check = arm.check ? c.dim(`  check: ${(arm.check.rate * 100).toFixed(0)}% [${(arm.check.ci[0] * 100).toFixed(0)}–${(arm.check.ci[1] * 100).toFixed(0)}%] n=${arm.check.n}${arm.check.stale ? ' (edited since)' : ''}`) : '';
    lines.push(`  ${name.padEnd(24)} ${number(arm.trainingFile.examples).padStart(8)} ${number(arm.trainingFile.tokens.total).padStart(10)}  ${cost}${check}`);
  }
  lines.push(`  ${plan.runs.length} job${plan.runs.length === 1 ? '' : 's'}: ${plan.arms.length} arm${plan.arms.length === 1 ? '' : 's'} × seeds ${plan.settings.seeds.join(', ')}${priced && total > 0 ? `; estimated ${money(total)} in all` : ''}`);
  const note = plan.arms.find((arm) => arm.cost.kind === 'estimate')?.cost.note;
  if (note) lines.push(c.dim(`  ${note}; verify before budgeting.`));
  if (dryRun && plan.previews[0]?.pairs[0]) {
    const preview = plan.previews[0];
    const pair = preview.pairs[0]!;
    const lastUser = (messages: typeof pair.with) => [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    lines.push('', c.dim(`  preview, ${terminalLine(plan.dataset.shown)}:${pair.line} (user message):`));
    lines.push(`  - without: ${terminalLine(lastUser(pair.without), 160)}`);
    lines.push(`  + ${terminalLine(preview.arm, 30)}: ${terminalLine(lastUser(pair.with), 160)}`);
  }
  for (const notice of plan.dateNotices) lines.push((notice.severity === 'error' ? c.red : c.yellow)(`  ${notice.severity}: ${notice.message}`));
  for (const warning of plan.warnings.slice(0, 20)) lines.push(c.yellow(`  warning: ${terminalLine(warning)}`));
  for (const error of plan.errors.slice(0, 20)) lines.push(c.red(`  error: ${terminalLine(error)}`));
  if (plan.errors.length > 20) lines.push(c.red(`  ... and ${plan.errors.length - 20} more errors`));
  return `${lines.join('\n')}\n`;
}

/** The `train` command. */
export const trainCommand: Command = async (args: string[], io: CliIO) => {
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const fail = (message: string, status: number) => {
    io.stderr.write(`inoculate train: ${message}\n`);
    return status;
  };
  const { root, paths } = await workspacePaths(io, options.file, options.resultsDir);
  let plan: TrainingPlan;
  let identity: ReturnType<typeof backendIdentity> | undefined;
  try {
    plan = await planTraining({
      fs: nodeTrainFileSystem,
      inocPath: resolve(io.cwd, options.file),
      workspaceRoot: root,
      paths,
      cwd: io.cwd,
      overrides: { variants: options.variants, seeds: options.seeds, backend: options.backend, model: options.model },
      identify: (settings) => (identity = backendIdentity(settings, io.env, options.baseUrl)),
    });
  } catch (error) {
    if (error instanceof TrainSetupError) return fail(error.message, 2);
    throw error;
  }
  const launched = new Map<string, LaunchOutcome>();
  const finals = new Map<string, RunState>();
  const print = () => {
    if (options.json) io.stdout.write(`${JSON.stringify(trainJson(plan, launched, finals, options.dryRun), null, 2)}\n`);
  };
  if (!options.json) io.stdout.write(renderPlan(plan, io, options.dryRun));
  if (plan.errors.length) {
    print();
    return fail(`${plan.errors.length} problem${plan.errors.length === 1 ? '' : 's'} in the training data; nothing submitted.`, 2);
  }
  if (options.dryRun) {
    print();
    return 0;
  }
  let backend;
  try {
    backend = await makeBackend(identity!, io, paths, plan.inocFile, plan.settings, dirname(resolve(root, plan.inocFile)));
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    if (error instanceof BackendError) return fail(error.message, 2);
    throw error;
  }
  if (identity!.keyEnv && !io.env[identity!.keyEnv]?.trim() && /api\.(openai\.com|together\.ai|together\.xyz)$/.test(new URL(identity!.target).hostname)) {
    return fail(`no API key for ${identity!.target}: set ${identity!.keyEnv}.`, 2);
  }

  const ctx: TrainingContext = { fs: nodeTrainFileSystem, paths };
  const c = colorizer(io.stderr, io.env);
  let failures = 0;
  const saidIssues = new Set<string>();
  for (const run of plan.runs) {
    if (io.signal.aborted) break;
    const label = `${terminalLine(run.provenance.arm.name, 40)} seed ${run.provenance.seed} [${run.provenance.runId}]`;
    let outcome: LaunchOutcome;
    try {
      outcome = await launchRun(ctx, run, backend, { force: options.force, signal: io.signal });
    } catch (error) {
      if (io.signal.aborted) break;
      failures++;
      io.stderr.write(c.red(`inoculate train: ${label}: ${terminalLine(error instanceof Error ? error.message : String(error), 400)}\n`));
      continue;
    }
    launched.set(run.provenance.runId, outcome);
    for (const issue of outcome.issues) {
      // The same notice (a model's date, an ignored hyper-parameter) is said once, not once per run.
      if (issue.severity === 'info' || saidIssues.has(issue.message)) continue;
      saidIssues.add(issue.message);
      io.stderr.write((issue.severity === 'error' ? c.red : c.yellow)(`inoculate train: ${issue.severity}: ${terminalLine(issue.message, 400)}\n`));
    }
    const job = outcome.job ? ` job ${terminalLine(outcome.job.id, 80)}` : '';
    switch (outcome.action) {
      case 'submitted':
        io.stderr.write(`inoculate train: ${label}: submitted${job}${outcome.attempt > 1 ? ` (attempt ${outcome.attempt})` : ''}\n`);
        break;
      case 'attached':
        io.stderr.write(`inoculate train: ${label}: already submitted${job} (${stateText(outcome.run)}); attached, nothing sent. --force submits a new attempt.\n`);
        break;
      case 'recovered':
        io.stderr.write(`inoculate train: ${label}: found${job}, submitted by an interrupted earlier launch; recorded, not submitted again\n`);
        break;
      default:
        if (io.signal.aborted) break;
        failures++;
        io.stderr.write(c.red(`inoculate train: ${label}: ${outcome.action === 'refused' ? 'refused by preflight' : 'not submitted'}: ${terminalLine(outcome.message ?? '', 400)}\n`));
    }
    // An endpoint that cannot be reached, or refuses the key, would fail every other run the same way.
    const status = outcome.failure?.status;
    if (outcome.action === 'failed' && (outcome.failure?.kind === 'transient' || status === 401 || status === 403)) {
      const left = plan.runs.length - plan.runs.indexOf(run) - 1;
      if (left > 0) io.stderr.write(c.red(`inoculate train: stopped; ${left} other run${left === 1 ? '' : 's'} not attempted. Run again to go on: submitted runs are attached to, not submitted twice.\n`));
      break;
    }
  }
  if (io.signal.aborted) {
    print();
    io.stderr.write('inoculate train: interrupted; submitted runs are recorded. Run again to finish: submitted runs are attached to, not submitted twice.\n');
    return 130;
  }
  if (options.watch) {
    const seen = new Set<string>();
    const followed = [...launched.values()].filter((outcome) => outcome.job);
    const results = await Promise.all(
      followed.map((outcome) =>
        followRun(ctx, outcome.runId, backend, {
          signal: io.signal,
          initialIntervalMs: options.pollMs,
          maxIntervalMs: Math.max(options.pollMs, 60_000),
          onUpdate: (state) => {
            const attempt = currentAttempt(state);
            const key = `${outcome.runId}:${attempt?.status?.state}:${attempt?.status?.raw}`;
            if (seen.has(key)) return;
            seen.add(key);
            io.stderr.write(`inoculate train: ${terminalLine(state.provenance.arm.name, 40)} seed ${state.provenance.seed} [${outcome.runId}]: ${stateText(state)}${attempt?.result ? ` → ${terminalLine(attempt.result.modelId, 200)}` : ''}\n`);
          },
        }),
      ),
    );
    for (const result of results) {
      finals.set(result.run.runId, result.run);
      const state = currentAttempt(result.run)?.status?.state;
      if (result.reason === 'error') {
        failures++;
        io.stderr.write(c.red(`inoculate train: stopped following ${result.run.runId}: ${terminalLine(result.message ?? '', 400)}\n`));
      } else if (state && isTerminal(state) && state !== 'succeeded') failures++;
    }
    if (io.signal.aborted) {
      print();
      io.stderr.write('inoculate train: stopped watching; the jobs go on. Follow them with `inoculate jobs --watch`.\n');
      return 130;
    }
  }
  print();
  return failures ? 1 : 0;
};

