/**
 * `inoculate eval <file>`: evaluate the base model, the no-inoculation baseline and every inoculated fine-tune (found
 * from the training runs) plus the file's extra models, under the chosen conditions, and report the rates of the
 * behaviour and the capability with their intervals, each model's change against the baseline (paired by item), the
 * seeds, the trigger risk and the elicitation-versus-effect figure. Results go to `.inoculate/evals/<slug>/`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ResponseCache } from '../../core/src/check/cache';
import { formatPercent, formatPoints, formatRate } from '../../core/src/check/formatMeasurement';
import { createGrader } from '../../core/src/check/graders/index';
import { checkResultPaths, findWorkspaceRoot } from '../../core/src/check/layout';
import { maySendSharedKey, secretRedactor, sharedKeyRefusal, type EndpointSource } from '../../core/src/check/keyPolicy';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { summaryOrigin } from '../../core/src/check/provenance';
import { isOpenAIEndpoint, normalizeBaseUrl, OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from '../../core/src/check/providers/openai';
import { ResultsFileError } from '../../core/src/check/resultsFs';
import { CheckSetupError } from '../../core/src/check/setup';
import { readSummary } from '../../core/src/check/store';
import { checkModelDates } from '../../core/src/eval/dates';
import { runEvaluation, ServingError, type EvalOutcome, type EvalProgress } from '../../core/src/eval/engine';
import { evalResultPaths, evalResultPathsSafe, type EvalResultPaths } from '../../core/src/eval/layout';
import { findEvalModels, type EvalModel } from '../../core/src/eval/models';
import { planEvaluation, type EvalPlan } from '../../core/src/eval/plan';
import { prepareEvaluation, type PreparedEvaluation } from '../../core/src/eval/setup';
import { EVAL_CONDITIONS, type EvalCondition } from '../../core/src/eval/settings';
import type { EvalSummary } from '../../core/src/eval/summary';
import { evalJson } from '../../core/src/eval/json';
import { fetchModelShutdown } from '../../core/src/train/backends/openai';
import { trainPaths } from '../../core/src/train/layout';
import { readModelDates, rememberModelDate } from '../../core/src/train/modelDates';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { listRuns } from '../../core/src/train/runStore';
import { analyzePrompt } from '../../core/src/scoring/score';
import { evalBatchRouting, evalServing } from './evalBackends';
import { colorizer, UsageError, withRedaction, type CliIO, type Command, type OutputStream } from './io';
import { terminalJson, terminalText } from './terminalText';

const HELP = `Usage: inoculate eval [options] <file.inoc>

Evaluate the base model, the no-inoculation baseline and every inoculated fine-tune (found from the training runs
under .inoculate/runs/) and the file's extra models, on eval.dataset, under each condition: the rate of the
behaviour (B) and of the capability (C) with 95% intervals, each model's change against the baseline fine-tune
(paired by item), the seeds, and the elicitation-versus-effect figure. Answers are cached: a re-run sends only what
it has not sent before, and an interrupted run resumes.

Options:
  --variant NAME      Only this variant's fine-tunes (repeatable); the baseline is always included
  --model NAME        Only this model (repeatable): base, baseline, a variant's name or an extra model's name
  --condition NAME    neutral, inoculated or safety (repeatable; default: eval.conditions)
  --samples N         Samples per item (default: eval.samples, 5)
  --concurrency N     Requests in flight at once (default: eval.concurrency, 8)
  --base-url URL      The file's endpoint (base model and extra models without their own)
  --batch             Send through the Batch API (OpenAI) or vLLM's batch runner (default: eval.batch)
  --no-cache          Send every request again (new answers still go into the cache)
  --dry-run           Print the models, requests, tokens and cost; send nothing
  --json              Print the results as JSON (see docs/cli.md)
  --results-dir DIR   Where results go (default: .inoculate/ in the workspace root)
  --require-sandbox   Refuse to run model-generated code (code-tests) without bubblewrap
  -h, --help          Show this help

Keys come from the environment only (OPENAI_API_KEY, TOGETHER_API_KEY). Exit status: 0 every planned sample was
graded, 1 some could not be (or a model was refused or could not be served), 2 bad arguments or input,
130 interrupted (finished samples are kept; run again to resume).
`;

interface Options {
  file: string;
  variants: string[];
  models: string[];
  conditions: EvalCondition[];
  samples?: number;
  concurrency?: number;
  baseUrl?: string;
  batch?: boolean;
  noCache: boolean;
  dryRun: boolean;
  json: boolean;
  resultsDir?: string;
  requireSandbox: boolean;
}

function parseOptions(args: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        variant: { type: 'string', multiple: true },
        model: { type: 'string', multiple: true },
        condition: { type: 'string', multiple: true },
        samples: { type: 'string' },
        concurrency: { type: 'string' },
        'base-url': { type: 'string' },
        batch: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        'results-dir': { type: 'string' },
        'require-sandbox': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`${positionals.length ? 'give one .inoc file at a time' : 'which .inoc file? Give its path'}.`, HELP);
  const whole = (name: string, value: string | undefined, max: number) => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}; got '${value}'.`);
    return Number(value);
  };
  const conditions = (values.condition ?? []).map((condition) => {
    if (!EVAL_CONDITIONS.includes(condition as EvalCondition)) throw new UsageError(`--condition must be one of ${EVAL_CONDITIONS.join(', ')}; got '${condition}'.`);
    return condition as EvalCondition;
  });
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined) validateUrl(baseUrl, '--base-url');
  return {
    file: positionals[0]!,
    variants: values.variant ?? [],
    models: values.model ?? [],
    conditions,
    samples: whole('samples', values.samples, 1000),
    concurrency: whole('concurrency', values.concurrency, 512),
    baseUrl,
    batch: values.batch ? true : undefined,
    noCache: !!values['no-cache'],
    dryRun: !!values['dry-run'],
    json: !!values.json,
    resultsDir: values['results-dir'],
    requireSandbox: !!values['require-sandbox'],
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

/** Together's hosts (their key is TOGETHER_API_KEY). */
function isTogether(url: string): boolean {
  try {
    return /(^|\.)together\.(ai|xyz)$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The `eval` command: exit 0 complete, 1 incomplete, 2 bad input, 130 interrupted. */
export const evalCommand: Command = async (args: string[], cliIO: CliIO) => {
  const redact = secretRedactor([cliIO.env.OPENAI_API_KEY?.trim(), cliIO.env.TOGETHER_API_KEY?.trim()]);
  const io = withRedaction(cliIO, redact);
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const fs = nodeResultsFileSystem;
  let evaluation: PreparedEvaluation;
  try {
    evaluation = await prepareEvaluation(
      fs,
      options.file,
      {
        variants: options.variants,
        models: options.models,
        conditions: options.conditions,
        samples: options.samples,
        concurrency: options.concurrency,
        baseUrl: options.baseUrl,
        batch: options.batch,
      },
      io.cwd,
    );
  } catch (error) {
    if (error instanceof CheckSetupError) return fail(io, error.message, 2);
    throw error;
  }

  // The file's endpoint: flag > file > OPENAI_BASE_URL > OpenAI's own.
  const envBaseUrl = io.env.OPENAI_BASE_URL?.trim() || undefined;
  if (!evaluation.baseUrl && envBaseUrl) validateUrl(envBaseUrl, 'OPENAI_BASE_URL');
  const baseUrl = normalizeBaseUrl(evaluation.baseUrl ?? envBaseUrl ?? OPENAI_DEFAULT_BASE_URL);
  const openAIKey = io.env.OPENAI_API_KEY?.trim() || undefined;
  const togetherKey = io.env.TOGETHER_API_KEY?.trim() || undefined;
  const source: EndpointSource = !options.baseUrl && evaluation.config.baseUrl ? 'file' : 'user';
  if (openAIKey && !maySendSharedKey(baseUrl, source)) return fail(io, sharedKeyRefusal(baseUrl, evaluation.inocPath), 2);
  /** The key for an endpoint: Together's for Together, else the shared OpenAI key where the key policy allows it. */
  const keyFor = (url: string) => {
    if (isTogether(url)) return togetherKey;
    return openAIKey && maySendSharedKey(url, url === baseUrl ? source : 'file') ? openAIKey : undefined;
  };
  const maxResponseBytes = evaluation.sampling.maxResponseBytes;
  const provider = new OpenAIProvider({ baseUrl, apiKey: keyFor(baseUrl), maxResponseBytes });
  const providerFor = (url: string) => new OpenAIProvider({ baseUrl: url, apiKey: keyFor(url), maxResponseBytes });
  const workspaceRoot = await findWorkspaceRoot(fs, evaluation.inocPath, io.cwd);
  const resultsRoot = options.resultsDir ? resolve(io.cwd, options.resultsDir) : undefined;
  const paths = evalResultPaths(workspaceRoot, evaluation.inocPath, resultsRoot);
  const runPaths = trainPaths(workspaceRoot, resultsRoot);

  // The models: from the run records of this file, plus the extra models.
  const runs = await listRuns(nodeTrainFileSystem, runPaths, { inocFile: paths.relativeFile });
  const found = findEvalModels({
    config: evaluation.config,
    variants: evaluation.variants,
    runs,
    extraModels: evaluation.config.eval.models,
    base: evaluation.config.eval.base,
    onlyVariants: evaluation.onlyVariants,
  });
  const names = new Set(found.models.map((model) => model.name));
  const unknown = options.models.filter((name) => !names.has(name));
  if (unknown.length) {
    return fail(io, `no model named ${unknown.map((n) => `'${n}'`).join(', ')} to evaluate. Models: ${[...names].map((n) => `'${n}'`).join(', ') || 'none'}${found.unusable.length ? ` (${found.unusable.length} run(s) not finished or failed: \`inoculate jobs\`)` : ''}.`, 2);
  }
  found.models = options.models.length ? found.models.filter((model) => options.models.includes(model.name)) : found.models;
  if (!found.models.length) {
    const why = found.unusable.length ? `: ${found.unusable.length} training run(s) have no model yet (${[...new Set(found.unusable.map((u) => u.state))].join(', ')}); see \`inoculate jobs\`` : ': train some with `inoculate train`, set `model:` or add `eval.models`';
    return fail(io, `no model to evaluate${why}.`, 2);
  }
  for (const model of found.models) {
    if (model.role === 'extra' && model.baseUrl && openAIKey && !keyFor(model.baseUrl) && !isTogether(model.baseUrl)) {
      io.stderr.write(`inoculate eval: ${terminalText(`the extra model '${model.name}' is at ${model.baseUrl}, which is named only in the file and is neither OpenAI's API nor on this machine: no key is sent to it.`)}\n`);
    }
  }

  // Shutdown dates of OpenAI models: the endpoint's answer, else the dated table; refuse after the date.
  const modelDates = await readModelDates(nodeTrainFileSystem, runPaths.modelsCache);
  const dates = await checkModelDates(found.models, {
    today: new Date(),
    fileEndpoint: baseUrl,
    cache: modelDates,
    fetchShutdown: options.dryRun ? undefined : (model, url) => fetchModelShutdown({ baseUrl: url, apiKey: keyFor(url), model, signal: io.signal }),
  });
  for (const learned of dates.learned) {
    await rememberModelDate(nodeTrainFileSystem, runPaths.modelsCache, learned.baseUrl, learned.model, learned.shutdownDate, new Date()).catch(() => undefined);
  }
  for (const warning of [...dates.warnings, ...dates.refused]) io.stderr.write(`inoculate eval: ${terminalText(warning.message)}\n`);
  found.models = dates.allowed;

  const routing = evaluation.batch ? evalBatchRouting({ evaluation, io, paths, keyFor, models: found.models }) : undefined;
  const batched = (model: EvalModel) => !!routing?.routeFor(model, (model.baseUrl ?? baseUrl).replace(/\/+$/, ''));

  if (options.dryRun) return dryRun(io, options, evaluation, found, dates.refused, paths, baseUrl, provider.id, batched);
  if (!keyFor(baseUrl) && isOpenAIEndpoint(baseUrl) && found.models.some((model) => !model.baseUrl && model.serving !== 'vllm')) {
    return fail(io, `no API key for ${baseUrl}: set OPENAI_API_KEY (or point --base-url at a local OpenAI-compatible server).`, 2);
  }
  if (!found.models.length) return fail(io, 'every model was refused (see above): nothing to evaluate.', 1);

  // The check the figure's elicitation comes from, and whether this user measured it.
  const checkPaths = checkResultPaths(workspaceRoot, evaluation.inocPath, resultsRoot);
  const checkSummary = await readSummary(fs, checkPaths.summary);
  const provenance = await fs.userProvenance?.();
  const behavior = evaluation.config.behavior;
  const predict = (_arm: string, instruction: string) =>
    behavior && instruction ? analyzePrompt(instruction, { behavior, description: evaluation.config.description, keywords: evaluation.config.keywords }).score : null;

  // The cost preview, on stderr before anything is sent (the full plan: --dry-run).
  try {
    const cache = options.noCache ? null : await ResponseCache.open(fs, paths.cache);
    try {
      const plan = planEvaluation(evaluation, found.models, provider.id, batched, cache);
      const cost = plan.cost ? `, ~$${plan.cost.typical.toFixed(2)} typical (at most $${plan.cost.max.toFixed(2)}${plan.cost.complete ? '' : ', priced models only'})` : '';
      io.stderr.write(`inoculate eval: ${found.models.length} models, ${plan.cells} cells, ${plan.samples} samples: ${plan.requests} requests (${plan.cachedSamples} from the cache), ~${plan.inputTokens} input tokens${cost}\n`);
    } finally {
      await cache?.close();
    }
  } catch (error) {
    if (!(error instanceof ResultsFileError)) throw error;
    // Said again, with exit 2, by the run itself.
  }
  const progress = progressReporter(io.stderr, io.env);
  const started = Date.now();
  let outcome: EvalOutcome;
  try {
    outcome = await runEvaluation({
      evaluation,
      found,
      provider,
      providerFor,
      graders: {
        behavior: (environment) => createGrader(evaluation.graders.behavior, environment),
        capability: evaluation.graders.capability ? (environment) => createGrader(evaluation.graders.capability!, environment) : null,
      },
      serving: found.models.some((model) => model.serving === 'vllm') ? evalServing({ evaluation, io, paths }) : undefined,
      batch: routing,
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
        io.stderr.write(`inoculate eval: ${terminalText(message)}\n`);
      },
      check: checkSummary ? { summary: checkSummary, path: relativeTo(workspaceRoot, checkPaths.summary), origin: summaryOrigin(checkSummary, provenance) } : null,
      predict,
    });
  } catch (error) {
    progress.clear();
    if (error instanceof CheckSetupError || error instanceof ResultsFileError) return fail(io, error.message, 2);
    if (error instanceof ServingError) return fail(io, error.message, 1);
    if (io.signal.aborted) {
      io.stderr.write('inoculate eval: interrupted before sampling started; nothing was sent.\n');
      return 130;
    }
    throw error;
  }
  progress.finish(outcome, Date.now() - started);
  if (outcome.summaryWritten) {
    if (options.json) io.stdout.write(`${terminalJson({ ...evalJson(outcome.summary), summaryPath: paths.summary, refused: dates.refused.map((r) => ({ name: r.model.name, seed: r.model.seed, message: r.message })) })}\n`);
    else io.stdout.write(renderEvalTable(outcome.summary, paths, io.stdout, io.env));
  }
  if (outcome.cancelled) {
    io.stderr.write(`inoculate eval: interrupted; ${outcome.counts.graded + outcome.counts.failed} of ${outcome.counts.total} samples finished and kept. Run again to finish: only the missing samples are requested.\n`);
    return 130;
  }
  if (outcome.fatal) return fail(io, outcome.fatal.message, 1);
  if (outcome.counts.failed > 0) {
    const failed = outcome.counts.failed;
    return fail(io, `${failed} sample${failed === 1 ? '' : 's'} could not be obtained or graded (after retries); the first: ${outcome.firstFailure ?? 'unknown'}. Run again to retry them.`, 1);
  }
  if (dates.refused.length) return fail(io, `${dates.refused.length} model(s) could not be evaluated (see above).`, 1);
  return 0;
};

function relativeTo(root: string, path: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** Prints a one-line error; the message may quote files, endpoints or model output, so it is escaped. */
function fail(io: CliIO, message: string, status: number): number {
  io.stderr.write(`inoculate eval: ${terminalText(message)}\n`);
  return status;
}

async function dryRun(
  io: CliIO,
  options: Options,
  evaluation: PreparedEvaluation,
  found: ReturnType<typeof findEvalModels>,
  refused: Array<{ model: EvalModel; message: string }>,
  paths: EvalResultPaths,
  baseUrl: string,
  endpointId: string,
  batched: (model: EvalModel) => boolean,
): Promise<number> {
  // The graders still check every item, so a dry run finds the same input problems a real run would.
  const offline = (): never => {
    throw new Error('no requests in a dry run');
  };
  const environment = { baseDir: evaluation.baseDir, workspaceTrusted: true, chat: async () => offline(), moderate: async () => offline(), warn: () => {} };
  try {
    for (const config of [evaluation.graders.behavior, evaluation.graders.capability]) {
      if (!config) continue;
      const grader = createGrader(config, environment);
      for (const item of evaluation.items) {
        const problem = grader.itemProblem(item.value);
        if (problem) return fail(io, `${evaluation.datasetShown}:${item.line}: ${problem} (needed by the \`${grader.type}\` grader).`, 2);
      }
    }
  } catch (error) {
    return fail(io, (error as Error).message, 2);
  }
  let plan: EvalPlan;
  try {
    await evalResultPathsSafe(nodeResultsFileSystem, paths);
    const cache = options.noCache ? null : await ResponseCache.open(nodeResultsFileSystem, paths.cache);
    try {
      plan = planEvaluation(evaluation, found.models, endpointId, batched, cache);
    } finally {
      await cache?.close();
    }
  } catch (error) {
    if (error instanceof ResultsFileError) return fail(io, error.message, 2);
    throw error;
  }
  const unusable = found.unusable.map((u) => ({ arm: u.arm, seed: u.seed, runId: u.runId, state: u.state, message: u.message }));
  if (options.json) {
    io.stdout.write(`${terminalJson({ file: paths.relativeFile, baseUrl, conditions: evaluation.conditions, batch: evaluation.batch, ...plan, unusable, notes: found.notes, refused: refused.map((r) => ({ name: r.model.name, seed: r.model.seed, message: r.message })) })}\n`);
    return 0;
  }
  const c = colorizer(io.stdout, io.env);
  const t = terminalText;
  const number = (value: number) => value.toLocaleString('en-US');
  const money = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;
  const lines = [
    `${c.bold(t(paths.relativeFile))}: dry run, nothing sent`,
    `  conditions   ${evaluation.conditions.join(', ')}${evaluation.batch ? ' (batch)' : ''}`,
    `  dataset      ${t(evaluation.datasetShown)}: ${plan.items} items × ${plan.samplesPerItem} samples per model and condition`,
    `  samples      ${number(plan.samples)} in ${plan.cells} model × condition cells`,
    `  requests     ${number(plan.requests)} (${number(plan.cachedSamples)} answered from the cache)`,
    `  tokens       ~${number(plan.inputTokens)} input (characters / 4), ~${number(plan.outputTokens.typical)} output typical, at most ${number(plan.outputTokens.max)}`,
    `  cost         ${plan.cost ? `~${money(plan.cost.typical)} typical, at most ${money(plan.cost.max)}${plan.cost.complete ? '' : ' (for the models with a known price)'}` : 'price unknown'}`,
    '  models',
    ...plan.models.map(
      (model) =>
        `    ${t(model.name)}${model.seed === null ? '' : ` seed ${model.seed}`}  ${t(model.model)} at ${t(model.endpoint)}: ${number(model.requests)} requests${model.cost ? `, ~${money(model.cost.typical)}` : ''}${model.batch ? ' (batch)' : ''}  ${c.dim(t(model.priceNote))}`,
    ),
  ];
  for (const u of found.unusable) lines.push(c.yellow(`  not ready    ${t(u.arm)} seed ${u.seed} (run ${u.runId}): ${t(u.message)}`));
  for (const note of found.notes) lines.push(c.dim(`  note         ${t(note)}`));
  for (const r of refused) lines.push(c.red(`  refused      ${t(r.message)}`));
  lines.push(c.dim('  Judge and moderation requests are not included; prices are OpenAI list prices, verify before budgeting.'));
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The results table of the human output (figures written as everywhere else: `34% [22%, 48%] (17/50)`). */
export function renderEvalTable(summary: EvalSummary, paths: EvalResultPaths, stream: OutputStream, env: NodeJS.ProcessEnv): string {
  const c = colorizer(stream, env);
  const t = terminalText;
  const agreement = (outcome: 'behavior' | 'capability') => summary.agreement.find((a) => a.outcome === outcome);
  const kappaMark = (outcome: 'behavior' | 'capability') => {
    const a = agreement(outcome);
    if (!a || (!a.judge && a.used === 0)) return '';
    if (a.kappa.estimate === null) return c.yellow(' κ?');
    return a.level === 'warn' ? c.yellow(` κ${a.kappa.estimate.toFixed(2)}⚠`) : ` κ${a.kappa.estimate.toFixed(2)}`;
  };
  const change = (cell: EvalSummary['cells'][number], outcome: 'behavior' | 'capability') => {
    if (cell.role === 'baseline') return c.dim('baseline');
    const comparison = summary.comparisons.find((cmp) => cmp.cell === cell.key)?.[outcome];
    if (!comparison) return '';
    const text = `${formatPoints(comparison.estimate)}${comparison.ci ? ` [${formatPoints(comparison.ci[0])}, ${formatPoints(comparison.ci[1])}]` : ''}`;
    return comparison.ci && comparison.ci[1] < 0 ? c.green(text) : comparison.ci && comparison.ci[0] > 0 ? c.red(text) : text;
  };
  const rows = summary.cells.map((cell) => [
    t(cell.name),
    cell.seed === null ? '' : String(cell.seed),
    t(cell.prompt ? `${cell.condition}: ${cell.prompt}` : cell.condition),
    t(formatRate({ rate: cell.behavior.estimate, ci: cell.behavior.ci, k: cell.behavior.k, n: cell.behavior.n })) + kappaMark('behavior'),
    change(cell, 'behavior'),
    cell.capability ? t(formatRate({ rate: cell.capability.estimate, ci: cell.capability.ci, k: cell.capability.k, n: cell.capability.n })) + kappaMark('capability') : c.dim('not measured'),
    cell.capability ? change(cell, 'capability') : '',
    cell.failed ? c.red(`${cell.failed} failed`) : '',
  ]);
  const header = ['model', 'seed', 'condition', 'B [95% CI] (k/n)', 'ΔB vs baseline', 'C [95% CI] (k/n)', 'ΔC', ''];
  // Widths measured on the text without colour codes.
  const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => plain(row[i]!).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell + ' '.repeat(Math.max(0, widths[i]! - plain(cell).length))).join('  ').trimEnd();
  const out = [
    `${c.bold(t(summary.file))}  ${t(summary.behavior)}  ${summary.dataset.items} items × ${summary.samplesPerItem} samples  B: ${t(summary.graders.behavior.type)}  C: ${t(summary.graders.capability?.type ?? `${summary.graders.behavior.type} (when it can tell)`)}`,
    c.dim(line(header)),
    ...rows.map(line),
  ];
  const arms = summary.arms.filter((arm) => arm.change.behavior && (arm.change.behavior.seeds > 1 || arm.trigger));
  for (const arm of arms) {
    const b = arm.change.behavior!;
    if (b.seeds > 1) {
      out.push(`${t(arm.arm)} (${arm.condition}), ${b.seeds} seeds: B ${formatPercent(arm.behavior.mean.estimate)}${arm.behavior.mean.ci ? ` [${formatPercent(arm.behavior.mean.ci[0])}, ${formatPercent(arm.behavior.mean.ci[1])}]` : ''} (mean), ΔB ${formatPoints(b.estimate)} pts${b.ci ? ` [${formatPoints(b.ci[0])}, ${formatPoints(b.ci[1])}]` : ''} (${b.method})`);
    }
    if (arm.trigger) {
      const tr = arm.trigger;
      out.push(`${t(arm.arm)}: with its instruction present, B ${formatPoints(tr.estimate)} pts${tr.ci ? ` [${formatPoints(tr.ci[0])}, ${formatPoints(tr.ci[1])}]` : ''} against the neutral prompt${tr.ci && tr.ci[0] > 0 ? c.yellow(' (a trigger)') : ''}`);
    }
  }
  const figure = summary.figure;
  if (figure && figure.points.length) {
    const r = (result: typeof figure.pearson, name: string) => `${name} ${result.estimate === null ? 'n/a' : result.estimate.toFixed(2)}${result.ci ? ` [${result.ci[0].toFixed(2)}, ${result.ci[1].toFixed(2)}]` : ''}`;
    out.push(`Elicitation vs effect (${figure.points.length} candidates): ${r(figure.pearson, 'Pearson r')}, ${r(figure.spearman, 'Spearman ρ')}${figure.predicted ? `; predicted score: ${r(figure.predicted.pearson, 'r')}, ${r(figure.predicted.spearman, 'ρ')}` : ''}`);
  }
  for (const a of summary.agreement) if (a.level === 'warn' || (a.judge && a.level === 'unknown')) out.push(c.yellow(`${a.outcome === 'behavior' ? 'B' : 'C'} grader (${t(a.type)}): ${t(a.message)}`));
  for (const u of summary.unusable) out.push(c.yellow(`not evaluated: ${t(u.arm)} seed ${u.seed}: ${t(u.message)}`));
  for (const note of summary.notes) out.push(c.dim(`note: ${t(note)}`));
  out.push(
    c.dim(
      `ΔB, ΔC: points against the baseline fine-tune, paired by item (${Object.keys(summary.methods).filter((m) => m.includes('paired') || m.includes('independent')).join(', ') || 'no comparison'}). ${summary.requests} requests sent, ${summary.cacheHits} answered from the cache.${summary.complete ? '' : ' Incomplete.'}\nResults: ${t(paths.summary)} (inoculate report ${t(summary.file)})`,
    ),
  );
  return `${out.join('\n')}\n`;
}

/** A progress bar on a terminal (stderr); on anything else, only a final line. */
function progressReporter(stream: OutputStream, env: NodeJS.ProcessEnv) {
  const tty = !!stream.isTTY;
  const c = colorizer(stream, env);
  let last: EvalProgress | undefined;
  let retries = 0;
  let drawnAt = 0;
  let drawn = false;
  const draw = () => {
    if (!tty || !last) return;
    if (last.phase !== 'sampling') {
      stream.write(`\r\x1b[2K${c.dim(last.phase === 'serving' ? 'starting the model server...' : 'waiting for batch jobs...')}`);
      drawn = true;
      return;
    }
    const width = 30;
    const filled = last.total ? Math.round((last.done / last.total) * width) : width;
    const extra = [`${last.cached} cached`, last.failed ? c.red(`${last.failed} failed`) : '', retries ? `${retries} retries` : ''].filter(Boolean).join(', ');
    stream.write(`\r\x1b[2K${c.cyan(`${'█'.repeat(filled)}${'░'.repeat(width - filled)}`)} ${last.done}/${last.total} ${c.dim(extra)}`);
    drawn = true;
  };
  return {
    update(progress: EvalProgress) {
      last = progress;
      const now = Date.now();
      if (now - drawnAt >= 100 || progress.done === progress.total || progress.phase !== 'sampling') {
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
    finish(outcome: EvalOutcome, elapsedMs: number) {
      this.clear();
      const { summary, counts } = outcome;
      stream.write(
        `inoculate eval: ${counts.graded} of ${counts.total} samples graded${counts.failed ? `, ${counts.failed} failed` : ''} (${summary.requests} requests, ${summary.cacheHits} from the cache${summary.batches.length ? `, ${summary.batches.length} batch job(s)` : ''}${retries ? `, ${retries} retries` : ''}) in ${(elapsedMs / 1000).toFixed(1)} s\n`,
      );
    },
  };
}
