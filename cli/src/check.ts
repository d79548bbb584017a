/**
 * `inoculate check <file>`: sample the model with each candidate and the control arm, grade every response, and
 * report each arm's rate with its 95% Wilson interval and its lift over the control with a 95% Newcombe interval.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Arm } from '../../core/src/check/arms';
import { ResponseCache } from '../../core/src/check/cache';
import { runCheck, type CheckOutcome, type CheckProgress } from '../../core/src/check/engine';
import { createGrader } from '../../core/src/check/graders/index';
import type { GraderEnvironment } from '../../core/src/check/graders/types';
import { checkResultPaths, checkResultPathsSafe, findWorkspaceRoot, type CheckResultPaths } from '../../core/src/check/layout';
import { ResultsFileError } from '../../core/src/check/resultsFs';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { planCheck, type CheckPlan } from '../../core/src/check/plan';
import { isOpenAIEndpoint, normalizeBaseUrl, OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from '../../core/src/check/providers/openai';
import { maySendSharedKey, secretRedactor, sharedKeyRefusal, type EndpointSource } from '../../core/src/check/keyPolicy';
import { CheckSetupError, checkItems, prepareCheck, type PreparedCheck } from '../../core/src/check/setup';
import type { CheckSummary } from '../../core/src/check/types';
import { summaryOrigin, type ResultOrigin } from '../../core/src/check/provenance';
import { readSummary } from '../../core/src/check/store';
import { analyzePrompt } from '../../core/src/scoring/score';
import { formatLift, formatRate, liftAboveZero } from '../../core/src/check/formatMeasurement';
import { colorizer, UsageError, withRedaction, type CliIO, type Command, type OutputStream } from './io';
import { terminalJson, terminalText } from './terminalText';

const HELP = `Usage: inoculate check [options] <file.inoc>

Sample the model with each candidate prompt and with the control arm, grade every response, and print each arm's
rate of the behaviour (95% Wilson interval) and its lift over the control (95% Newcombe interval). Answers are
cached under .inoculate/: a re-run sends only the requests it has not sent before.

Options:
  --variant NAME      Check only this variant (repeatable); the control arm is always included
  --samples N         Samples per arm (default: check.samples, 50)
  --concurrency N     Requests in flight at once (default: check.concurrency, 8)
  --model M           Model to sample (default: the file's model:)
  --base-url URL      OpenAI-compatible endpoint (default: the file's baseUrl:, then OPENAI_BASE_URL, then OpenAI)
  --max-response-bytes N  Read at most N bytes of one answer (default: check.maxResponseBytes, 4 MiB)
  --no-cache          Send every request again (new answers still replace the cached ones)
  --dry-run           Print what would be sent and its estimated cost; send nothing
  --json              Print the results as JSON
  --results-dir DIR   Where results go (default: .inoculate/ in the workspace root)
  --require-sandbox   Refuse to run model-generated code (code-tests) without bubblewrap
  --allow-module      Run the file's \`module\` grader: JavaScript from the project, run in this process with
                      your environment and no sandbox (refused without this flag)
  -h, --help          Show this help

The API key is read from OPENAI_API_KEY only. Exit status: 0 the check completed, 1 it could not (after
retries), 2 bad arguments or input files, 130 interrupted (finished samples are kept; run again to resume).
`;

/** The exact shape printed by `--json`. */
export interface CheckJson {
  file: string;
  behavior: string;
  model: string;
  requests: number;
  cacheHits: number;
  arms: Array<{
    name: string;
    control: boolean;
    n: number;
    k: number;
    rate: number;
    ci: [number, number];
    lift: number | null;
    liftCi: [number, number] | null;
    predicted: number | null;
  }>;
}

/** The `--json` view of a summary. */
export function checkJson(summary: CheckSummary): CheckJson {
  return {
    file: summary.file,
    behavior: summary.behavior,
    model: summary.model,
    requests: summary.requests,
    cacheHits: summary.cacheHits,
    arms: summary.arms.map((arm) => ({
      name: arm.name,
      control: arm.control,
      n: arm.n,
      k: arm.k,
      rate: arm.rate,
      ci: arm.ci,
      lift: arm.lift,
      liftCi: arm.liftCi,
      predicted: arm.predicted,
    })),
  };
}

interface Options {
  file: string;
  variants: string[];
  samples?: number;
  concurrency?: number;
  model?: string;
  baseUrl?: string;
  maxResponseBytes?: number;
  noCache: boolean;
  dryRun: boolean;
  json: boolean;
  resultsDir?: string;
  requireSandbox: boolean;
  allowModule: boolean;
}

function parseOptions(args: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        variant: { type: 'string', multiple: true },
        samples: { type: 'string' },
        concurrency: { type: 'string' },
        model: { type: 'string' },
        'base-url': { type: 'string' },
        'max-response-bytes': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        'results-dir': { type: 'string' },
        'require-sandbox': { type: 'boolean' },
        'allow-module': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(`${positionals.length ? 'give one .inoc file at a time' : 'which .inoc file? Give its path'}.`, HELP);
  }
  const whole = (name: string, value: string | undefined, max: number, min = 1) => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got '${value}'.`);
    }
    return Number(value);
  };
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined) validateUrl(baseUrl, '--base-url');
  return {
    file: positionals[0]!,
    variants: values.variant ?? [],
    samples: whole('samples', values.samples, 100_000),
    concurrency: whole('concurrency', values.concurrency, 512),
    model: values.model,
    baseUrl,
    maxResponseBytes: whole('max-response-bytes', values['max-response-bytes'], 1024 * 1024 * 1024, 1024),
    noCache: !!values['no-cache'],
    dryRun: !!values['dry-run'],
    json: !!values.json,
    resultsDir: values['results-dir'],
    requireSandbox: !!values['require-sandbox'],
    allowModule: !!values['allow-module'],
  };
}

function validateUrl(value: string, where: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError(`${where} must be an http(s) URL such as http://localhost:8000/v1; got '${value}'.`);
  if (url.username || url.password) throw new UsageError(`${where} must not contain credentials; put the key in OPENAI_API_KEY.`);
}

/** The `check` command: exit 0 completed, 1 could not complete, 2 bad input, 130 interrupted. */
export const checkCommand: Command = async (args: string[], cliIO: CliIO) => {
  // Whatever an endpoint echoes, the key never reaches the terminal or a log that captures it (any encoding).
  const redact = secretRedactor([cliIO.env.OPENAI_API_KEY?.trim()]);
  const io = withRedaction(cliIO, redact);
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const fs = nodeResultsFileSystem;
  let check: PreparedCheck;
  try {
    check = await prepareCheck(
      fs,
      options.file,
      {
        variants: options.variants,
        samples: options.samples,
        concurrency: options.concurrency,
        model: options.model,
        baseUrl: options.baseUrl,
        maxResponseBytes: options.maxResponseBytes,
      },
      io.cwd,
    );
  } catch (error) {
    if (error instanceof CheckSetupError) return fail(io, error.message, 2);
    throw error;
  }

  // Base URL: flag > file > OPENAI_BASE_URL > OpenAI's own.
  const envBaseUrl = io.env.OPENAI_BASE_URL?.trim() || undefined;
  if (!check.baseUrl && envBaseUrl) validateUrl(envBaseUrl, 'OPENAI_BASE_URL');
  const baseUrl = normalizeBaseUrl(check.baseUrl ?? envBaseUrl ?? OPENAI_DEFAULT_BASE_URL);
  const apiKey = io.env.OPENAI_API_KEY?.trim() || undefined;
  // The shared key never goes to a remote endpoint that only the file names (see keyPolicy.ts).
  const source: EndpointSource = !options.baseUrl && check.config.baseUrl ? 'file' : 'user';
  if (apiKey && !maySendSharedKey(baseUrl, source)) return fail(io, sharedKeyRefusal(baseUrl, check.inocPath), 2);
  const keyFor = (url: string) => (apiKey && maySendSharedKey(url, url === baseUrl ? source : 'file') ? apiKey : undefined);
  const maxResponseBytes = check.sampling.maxResponseBytes;
  const provider = new OpenAIProvider({ baseUrl, apiKey, maxResponseBytes });
  const workspaceRoot = await findWorkspaceRoot(fs, check.inocPath, io.cwd);
  const paths = checkResultPaths(workspaceRoot, check.inocPath, options.resultsDir ? resolve(io.cwd, options.resultsDir) : undefined);

  if (options.dryRun) return dryRun(io, options, check, baseUrl, provider.id, paths);
  // A `module` grader is the project's own JavaScript, run unsandboxed in this process with the whole environment
  // (OPENAI_API_KEY included): a file from a cloned repository may not choose that alone; the user says so.
  if (check.grader.type === 'module' && !options.allowModule) {
    const path = typeof check.grader.path === 'string' ? check.grader.path : '';
    return fail(
      io,
      `${check.inocPath} uses a \`module\` grader (${path}): JavaScript from the project that would run in this process with your environment (OPENAI_API_KEY included) and no sandbox. Nothing was sent. If you wrote it or trust it, run again with --allow-module.`,
      2,
    );
  }
  if (!apiKey && isOpenAIEndpoint(baseUrl)) {
    return fail(io, `no API key for ${baseUrl}: set OPENAI_API_KEY (or point --base-url at a local OpenAI-compatible server).`, 2);
  }

  const behavior = check.config.behavior;
  const predict = (arm: Arm) =>
    behavior && arm.instruction ? analyzePrompt(arm.instruction, { behavior, description: check.config.description, keywords: check.config.keywords }).score : null;
  const progress = progressReporter(io.stderr, io.env);
  const started = Date.now();
  let outcome: CheckOutcome;
  try {
    outcome = await runCheck({
      check,
      provider,
      providerFor: (url) => new OpenAIProvider({ baseUrl: url, apiKey: keyFor(url), maxResponseBytes }),
      grader: (environment) => createGrader(check.grader, environment),
      fs,
      paths,
      useCache: !options.noCache,
      workspaceTrusted: true,
      requireSandbox: options.requireSandbox,
      signal: io.signal,
      onProgress: progress.update,
      onRetry: progress.retry,
      warn: (message) => {
        progress.clear();
        io.stderr.write(`inoculate check: ${terminalText(message)}\n`);
      },
      predict,
    });
  } catch (error) {
    progress.clear();
    if (error instanceof CheckSetupError || error instanceof ResultsFileError) return fail(io, error.message, 2);
    throw error;
  }
  progress.finish(outcome, Date.now() - started);

  const { summary } = outcome;
  if (outcome.summaryWritten) {
    if (options.json) io.stdout.write(`${terminalJson(checkJson(summary))}\n`);
    else io.stdout.write(renderTable(summary, paths, io.stdout, io.env));
  }
  if (outcome.cancelled) {
    const kept = outcome.counts.graded + outcome.counts.failed;
    io.stderr.write(`inoculate check: interrupted; ${kept} of ${outcome.counts.total} samples finished and kept. Run again to finish: only the missing samples are requested.\n`);
    return 130;
  }
  if (outcome.fatal) return fail(io, outcome.fatal.message, 1);
  // This run's own samples decide (a `--variant` summary also keeps other arms' earlier results).
  if (outcome.counts.failed > 0) {
    const failed = outcome.counts.failed;
    return fail(io, `${failed} sample${failed === 1 ? '' : 's'} could not be obtained or graded (after retries); the first: ${outcome.firstFailure ?? 'unknown'}. Run again to retry them.`, 1);
  }
  return 0;
};

/** Prints a one-line error; the message may quote files, endpoints or model output, so it is escaped. */
function fail(io: CliIO, message: string, status: number): number {
  io.stderr.write(`inoculate check: ${terminalText(message)}\n`);
  return status;
}

async function dryRun(io: CliIO, options: Options, check: PreparedCheck, baseUrl: string, endpointId: string, paths: CheckResultPaths): Promise<number> {
  // The grader still checks every item, so a dry run finds the same input problems a real run would.
  const offline = (): never => {
    throw new Error('no requests in a dry run');
  };
  const environment: GraderEnvironment = { baseDir: check.baseDir, workspaceTrusted: true, chat: async () => offline(), moderate: async () => offline(), warn: () => {} };
  try {
    const grader = createGrader(check.grader, environment);
    checkItems(check, (item) => grader.itemProblem(item), grader.type);
  } catch (error) {
    return fail(io, (error as Error).message, 2);
  }
  let plan: CheckPlan;
  // What is already in .inoculate/, and whether this user measured it (see core/src/check/provenance.ts).
  let foreignCacheEntries = 0;
  let earlier: { origin: ResultOrigin; finishedAt: string } | null = null;
  try {
    await checkResultPathsSafe(nodeResultsFileSystem, paths);
    const cache = options.noCache ? null : await ResponseCache.open(nodeResultsFileSystem, paths.cache);
    try {
      plan = await planCheck(check, baseUrl, endpointId, cache);
      foreignCacheEntries = cache?.foreignEntries ?? 0;
    } finally {
      await cache?.close();
    }
    const summary = await readSummary(nodeResultsFileSystem, paths.summary);
    if (summary) earlier = { origin: summaryOrigin(summary, await nodeResultsFileSystem.userProvenance!()), finishedAt: summary.finishedAt };
  } catch (error) {
    if (error instanceof ResultsFileError) return fail(io, error.message, 2);
    throw error;
  }
  if (options.json) {
    io.stdout.write(`${terminalJson({ file: paths.relativeFile, model: check.model, baseUrl, ...plan, foreignCacheEntries, earlierResults: earlier })}\n`);
    return 0;
  }
  const c = colorizer(io.stdout, io.env);
  const number = (value: number) => value.toLocaleString('en-US');
  const money = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;
  const t = terminalText;
  const lines = [
    `${c.bold(t(paths.relativeFile))}: dry run, nothing sent`,
    `  model        ${t(check.model)} at ${t(baseUrl)}`,
    `  arms         ${plan.arms} (${check.arms.map((arm) => t(arm.name) + (arm.control ? ' (control)' : '')).join(', ')})`,
    `  samples      ${number(plan.samples)} (${number(plan.samplesPerArm)} per arm, ${check.items.length} dataset items)`,
    `  requests     ${number(plan.requests)} (${number(plan.cachedSamples)} answered from the cache)`,
    `  input        ~${number(plan.inputTokens)} tokens (characters / 4)`,
    `  output       ~${number(plan.outputTokens.typical)} tokens typical, at most ${number(plan.outputTokens.max)} (maxTokens ${check.sampling.maxTokens})`,
    `  cost         ${plan.cost ? `~${money(plan.cost.typical)} typical, at most ${money(plan.cost.max)}` : 'price unknown'}`,
    c.dim(`  ${plan.cost ? plan.priceNote : 'prices are known only for OpenAI models on api.openai.com'}; judge and moderation requests are not included.`),
  ];
  if (foreignCacheEntries) {
    lines.push(`  cache        ${number(foreignCacheEntries)} cached answers not measured by you (e.g. committed to the repository): ignored, requested again`);
  }
  if (earlier) {
    lines.push(
      earlier.origin === 'here'
        ? `  earlier      results of ${t(earlier.finishedAt)}, measured here`
        : `  earlier      results of ${t(earlier.finishedAt)} ${c.yellow('found in the results folder but not measured by you')} (e.g. committed to the repository)`,
    );
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The per-arm table of the human output (figures written by `formatMeasurement`, as in the editor). */
export function renderTable(summary: CheckSummary, paths: CheckResultPaths, stream: OutputStream, env: NodeJS.ProcessEnv): string {
  const c = colorizer(stream, env);
  const t = terminalText;
  // Names come from the file (and summaries from anywhere): escaped, and measured escaped. The figures too: a
  // summary from elsewhere can hold text where numbers belong.
  const names = summary.arms.map((arm) => t(arm.name));
  const width = Math.max(3, ...names.map((name) => name.length));
  const rates = summary.arms.map((arm) => t(formatRate(arm)));
  const lifts = summary.arms.map((arm) => (arm.lift === null ? 'control' : t(formatLift(arm.lift, arm.liftCi))));
  const rateWidth = Math.max(...rates.map((r) => r.length), 'rate [95% CI] (k/n)'.length);
  const liftWidth = Math.max(...lifts.map((l) => l.length), 'lift [95% CI]'.length);
  const header = `${'arm'.padEnd(width)}  ${'rate [95% CI] (k/n)'.padEnd(rateWidth)}  ${'lift [95% CI]'}`;
  const rows = summary.arms.map((arm, index) => {
    const bar = '█'.repeat(Math.round(arm.rate * 20)).padEnd(20, '·');
    const failed = arm.failed ? c.red(` ${arm.failed} failed`) : '';
    const lift = lifts[index]!.padEnd(liftWidth);
    const liftText = arm.lift === null ? c.dim(lift) : liftAboveZero(arm.liftCi) ? c.green(lift) : lift;
    return `${names[index]!.padEnd(width)}  ${rates[index]!.padEnd(rateWidth)}  ${liftText}  ${c.cyan(bar)}${failed}`;
  });
  const title = `${c.bold(t(summary.file))}  ${t(summary.behavior)}  ${t(summary.model)} at ${t(summary.baseUrl ?? summary.provider)}  ${t(summary.grader)} grader`;
  const footer = c.dim(
    `${summary.samplesPerArm} samples per arm; ${summary.requests} requests sent, ${summary.cacheHits} answered from the cache. Lift: percentage points over the control.${summary.complete ? '' : ' Incomplete.'}\nResults: ${t(paths.summary)}`,
  );
  return `${title}\n${c.dim(header)}\n${rows.join('\n')}\n${footer}\n`;
}

/** A progress bar on a terminal (stderr); on anything else, only a final line. */
function progressReporter(stream: OutputStream, env: NodeJS.ProcessEnv) {
  const tty = !!stream.isTTY;
  const c = colorizer(stream, env);
  let last: CheckProgress | undefined;
  let retries = 0;
  let drawnAt = 0;
  let drawn = false;
  const draw = () => {
    if (!tty || !last) return;
    const width = 30;
    const filled = last.total ? Math.round((last.done / last.total) * width) : width;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const extra = [`${last.cached} cached`, last.failed ? c.red(`${last.failed} failed`) : '', retries ? `${retries} retries` : ''].filter(Boolean).join(', ');
    stream.write(`\r\x1b[2K${c.cyan(bar)} ${last.done}/${last.total} ${c.dim(extra)}`);
    drawn = true;
  };
  return {
    update(progress: CheckProgress) {
      last = progress;
      const now = Date.now();
      // Redraw at most ten times a second: progress arrives once per sample.
      if (now - drawnAt >= 100 || progress.done === progress.total) {
        drawnAt = now;
        draw();
      }
    },
    retry() {
      retries++;
    },
    clear() {
      if (tty && drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
    finish(outcome: CheckOutcome, elapsedMs: number) {
      this.clear();
      const { summary, counts } = outcome;
      stream.write(
        `inoculate check: ${counts.graded} of ${counts.total} samples graded${counts.failed ? `, ${counts.failed} failed` : ''} (${summary.requests} requests, ${summary.cacheHits} from the cache${retries ? `, ${retries} retries` : ''}) in ${(elapsedMs / 1000).toFixed(1)} s\n`,
      );
    },
  };
}
