/**
 * "Inoculate: Evaluate" (`inoculate.evaluate [uri | Jobs view node, choices?]`): evaluate the trained runs of a
 * `.inoc` file (all of them, or the ones picked: a multi-select picker, everything preselected, or the arm or run the
 * Jobs view was opened on plus the baseline) through the same core engine as `inoculate eval`: the plan is shown and
 * confirmed before anything is sent (models × conditions × samples, requests, tokens, cost when known), a progress
 * notification can cancel (finished samples are kept; running again resumes), adapters trained by a command backend
 * are served by vLLM around the run (core's serving), keys come from the editor's secret storage per endpoint or the
 * environment under the key policy (where it withholds OPENAI_API_KEY from an endpoint only the file names, the command
 * says why and offers "Set API Key"; without a key stored it stops before sending anything). With `eval.batch: true`
 * the requests go through core's batch routes (the Batch API, `vllm run-batch`) as with `inoculate eval`: the plan
 * prices them as batch, the progress shows each batch's status (also in the Output channel), and a cancel stops
 * waiting while the batch stays recorded in the ledger, so running again collects it instead of paying twice. Then the
 * comparison view opens and the lenses update. Refused in Restricted Mode.
 */
import * as vscode from 'vscode';
import { ResponseCache } from '../../core/src/check/cache';
import { createGrader } from '../../core/src/check/graders/index';
import { checkResultPaths } from '../../core/src/check/layout';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { summaryOrigin } from '../../core/src/check/provenance';
import { isOpenAIEndpoint, normalizeBaseUrl, OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from '../../core/src/check/providers/openai';
import { ResultsFileError } from '../../core/src/check/resultsFs';
import { CheckSetupError } from '../../core/src/check/setup';
import { readSummary } from '../../core/src/check/store';
import { checkModelDates } from '../../core/src/eval/dates';
import { evalBatchRouting } from '../../core/src/eval/batch/routing';
import { runEvaluation, ServingError, type BatchRouting, type EvalOutcome, type EvalProgress } from '../../core/src/eval/engine';
import { evalResultPaths, evalResultPathsSafe } from '../../core/src/eval/layout';
import { findEvalModels, type EvalModel } from '../../core/src/eval/models';
import { planEvaluation } from '../../core/src/eval/plan';
import { prepareEvaluation, type PreparedEvaluation } from '../../core/src/eval/setup';
import { EVAL_CONDITIONS, type EvalCondition } from '../../core/src/eval/settings';
import { nodeCommandHost } from '../../core/src/node/commandHost';
import { userProvenance } from '../../core/src/node/userKey';
import { analyzePrompt } from '../../core/src/scoring/score';
import { fetchModelShutdown } from '../../core/src/train/backends/openai';
import { trainPaths } from '../../core/src/train/layout';
import { readModelDates, rememberModelDate } from '../../core/src/train/modelDates';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { listRuns } from '../../core/src/train/runStore';
import { createVllmServing } from '../../core/src/train/serving/vllm';
import { SERVE_DEFAULTS } from '../../core/src/train/settings';
import { MeasurementsChangedNotification } from '../../server/src/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';
import { offerKeyAfterRefusal } from './apiKeys';
import { apiKeyWithKind, type KeyChoice } from './apiKeyStore';
import { editorWording, notificationSafe } from './checkErrors';
import { workspaceRootOf } from './checkLocation';
import { evalConfirmation, modelPickItems, type EvalFocus } from './eval/evalChoices';
import { EndpointKeys, keyRefusalNotice } from './keyRefusal';
import { LANGUAGE_ID } from './languageClient';
import { MANAGE_TRUST_COMMAND } from './restrictedMode';
import { safeLine } from './train/jobsModel';

/** The command ids. */
export const EVALUATE_COMMAND = 'inoculate.evaluate';
export const CANCEL_EVALUATION_COMMAND = 'inoculate.cancelEvaluation';
/** True while an evaluation runs ("Inoculate: Cancel Evaluation" is enabled by it). */
const EVALUATION_RUNNING_CONTEXT = 'inoculate.evaluationRunning';

/** Choices given with the command (a keybinding's `args`, the tests): their pickers are skipped. */
export interface EvaluateChoices {
  /** Model keys or names (`base`, `baseline`, a variant's, an extra model's) to evaluate; default: the picker. */
  models?: string[];
  conditions?: EvalCondition[];
  samples?: number;
  /** Requests in flight at once (default: `eval.concurrency`). */
  concurrency?: number;
}

/** What the command resolves to (the end-to-end tests read it); undefined when nothing ran. */
export interface EvaluateResult {
  file: string;
  summaryPath: string;
  models: string[];
  requests: number;
  counts: EvalOutcome['counts'];
  /** The batch jobs (or runs) of a batch evaluation, with their final status. */
  batches: EvalOutcome['summary']['batches'];
  cancelled: boolean;
  complete: boolean;
}

export interface EvaluateDependencies {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  client: () => LanguageClient | undefined;
  /** Opens the comparison view of a file. */
  showComparison: (uri: vscode.Uri) => Promise<void>;
  /** Told of every progress step of a running evaluation (the extension API relays it). */
  onProgress?: (progress: EvalProgress) => void;
  /** Told each status line of a batch evaluation's jobs (the extension API relays it). */
  onBatchStatus?: (line: string) => void;
}

/** The running evaluation's stop (one at a time). */
let running: AbortController | undefined;

/** Together's hosts (their key is TOGETHER_API_KEY or the one stored for them). */
function isTogether(url: string): boolean {
  try {
    return /(^|\.)together\.(ai|xyz)$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The graders that send requests to a model endpoint (the file's, unless their own `baseUrl`). */
const CALLS_A_MODEL = new Set(['judge', 'moderation']);

/** The file and focus of the command's first argument: a URI (string or Uri), a Jobs view node, or the active editor. */
function targetOf(arg: unknown): { uri: vscode.Uri | undefined; focus: EvalFocus } {
  if (typeof arg === 'string') return { uri: vscode.Uri.parse(arg), focus: {} };
  if (arg instanceof vscode.Uri) return { uri: arg, focus: {} };
  const node = arg as { file?: { workspaceUri?: unknown; inocFile?: unknown; arm?: unknown }; runId?: unknown; kind?: unknown } | undefined;
  if (node?.file && typeof node.file.workspaceUri === 'string' && typeof node.file.inocFile === 'string') {
    const file = node.file.inocFile;
    const uri = file.startsWith('/') ? vscode.Uri.file(file) : vscode.Uri.joinPath(vscode.Uri.parse(node.file.workspaceUri), ...file.split('/'));
    const focus: EvalFocus = node.kind === 'run' && typeof node.runId === 'string' ? { runId: node.runId } : typeof node.file.arm === 'string' ? { arm: node.file.arm } : {};
    return { uri, focus };
  }
  return { uri: vscode.window.activeTextEditor?.document.uri, focus: {} };
}

export function registerEvaluate(deps: EvaluateDependencies): vscode.Disposable {
  let busy = false;
  const cancel = vscode.commands.registerCommand(CANCEL_EVALUATION_COMMAND, (): boolean => {
    if (!running) return false;
    running.abort();
    return true;
  });
  const evaluate = vscode.commands.registerCommand(EVALUATE_COMMAND, async (target?: unknown, choiceArg?: unknown): Promise<EvaluateResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showErrorMessage(
        'Inoculate: evaluations are off in an untrusted workspace: they send your data to model endpoints, may start a model server and may run model-written code. Trust the workspace to run them.',
        'Manage Workspace Trust',
      );
      if (choice) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
      return undefined;
    }
    if (busy) {
      void vscode.window.showWarningMessage('Inoculate: an evaluation is already running; wait for it or cancel it first.');
      return undefined;
    }
    busy = true;
    try {
      return await evaluateCommand(deps, target, (choiceArg && typeof choiceArg === 'object' ? choiceArg : {}) as EvaluateChoices);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.output.error(`Evaluation failed: ${message}`);
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: the evaluation failed: ${safeLine(message, 400)}`), 'Show Output').then((c) => (c ? deps.output.show(true) : undefined));
      return undefined;
    } finally {
      busy = false;
    }
  });
  return vscode.Disposable.from(cancel, evaluate);
}

async function evaluateCommand(deps: EvaluateDependencies, target: unknown, choices: EvaluateChoices): Promise<EvaluateResult | undefined> {
  const { uri, focus } = targetOf(target);
  if (!uri) {
    void vscode.window.showInformationMessage('Inoculate: open a .inoc file with an `eval:` block to evaluate its trained runs.');
    return undefined;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Inoculate: save the file to disk first; evaluations read the file, its dataset and its runs from disk.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(`Inoculate: ${vscode.workspace.asRelativePath(uri)} is not a .inoc file.`);
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage('Inoculate: the file could not be saved, so it was not evaluated.');
    return undefined;
  }
  const fs = nodeResultsFileSystem;
  const root = await workspaceRootOf(uri);
  const conditions = (choices.conditions ?? []).filter((c) => EVAL_CONDITIONS.includes(c));
  let evaluation: PreparedEvaluation;
  try {
    const whole = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);
    evaluation = await prepareEvaluation(fs, uri.fsPath, { conditions, samples: whole(choices.samples), concurrency: whole(choices.concurrency) }, root);
  } catch (error) {
    if (error instanceof CheckSetupError) {
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: cannot evaluate: ${editorWording(error.message)}`));
      return undefined;
    }
    throw error;
  }
  // The file's endpoint: the file > OPENAI_BASE_URL > OpenAI's own.
  const env = process.env;
  const baseUrl = normalizeBaseUrl(evaluation.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || OPENAI_DEFAULT_BASE_URL));
  const source = evaluation.config.baseUrl ? 'file' : 'user';
  const paths = evalResultPaths(root, uri.fsPath);
  const runPaths = trainPaths(root);

  // The models: from the run records of this file, plus the extra models.
  const runs = await listRuns(nodeTrainFileSystem, runPaths, { inocFile: paths.relativeFile });
  const found = findEvalModels({ config: evaluation.config, variants: evaluation.variants, runs, extraModels: evaluation.config.eval.models, base: evaluation.config.eval.base });
  if (!found.models.length) {
    const why = found.unusable.length ? `: ${found.unusable.length} training run(s) have no model yet (${[...new Set(found.unusable.map((u) => u.state))].join(', ')}); see the Jobs view` : ': train some with “Inoculate: Launch Training”, set `model:` or add `eval.models`';
    void vscode.window.showErrorMessage(notificationSafe(`Inoculate: no model to evaluate in ${paths.relativeFile}${why}.`));
    return undefined;
  }
  let chosen: EvalModel[];
  if (choices.models) {
    chosen = found.models.filter((m) => choices.models!.includes(m.key) || choices.models!.includes(m.name));
  } else {
    const items = modelPickItems(found.models, focus).map((item) => ({ ...item, label: safeLine(item.label, 120), description: safeLine(item.description, 200), detail: safeLine(item.detail, 200) }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Evaluate ${paths.relativeFile}`,
      placeHolder: 'The models to evaluate (every change is measured against the baseline fine-tune)',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const keys = new Set(picked.map((p) => p.key));
    chosen = found.models.filter((m) => keys.has(m.key));
  }
  if (!chosen.length) {
    void vscode.window.showInformationMessage('Inoculate: no model picked; nothing was evaluated.');
    return undefined;
  }
  if (!chosen.some((m) => m.role === 'baseline')) {
    deps.output.warn(`Evaluating ${paths.relativeFile} without the baseline fine-tune: no change against it can be reported.`);
  }

  // Keys, per endpoint, looked up now (the engine asks synchronously); never logged. Where the key policy withholds
  // OPENAI_API_KEY from an endpoint the file names and no other key is there, the user is told why and may store one
  // (the evaluation then goes on); otherwise it stops here, before anything is sent.
  const keys = new EndpointKeys<KeyChoice>(
    async (url, choice) => {
      let found: { key: string | undefined; refused?: string; refusedBecause?: string };
      try {
        found = await apiKeyWithKind(deps.context.secrets, url, env, choice);
      } catch {
        found = { key: undefined };
      }
      return { ...found, key: found.key ?? (isTogether(url) ? env.TOGETHER_API_KEY?.trim() || undefined : undefined) };
    },
    (url, refusal) => offerKeyAfterRefusal(deps.output, url, keyRefusalNotice(refusal, 'evaluation')),
  );
  const keyOf = (url: string, choice: KeyChoice, needed = true) => keys.need(url, choice, needed);
  const file = paths.relativeFile;
  // The file's endpoint matters when a model is sampled there or a grader that calls a model has no endpoint of its own.
  const graders = [['eval.grader', evaluation.graders.behavior], ['eval.capability', evaluation.graders.capability]] as const;
  const fileEndpointUsed = chosen.some((m) => !m.baseUrl && m.serving !== 'vllm') || graders.some(([, g]) => g && CALLS_A_MODEL.has(g.type) && typeof g.baseUrl !== 'string');
  if (!(await keyOf(baseUrl, { source, where: `${file}'s \`baseUrl:\`` }, fileEndpointUsed))) return undefined;
  for (const model of chosen) {
    if (!model.baseUrl) continue;
    const where = model.role === 'extra' ? `${file}'s \`eval.models\` entry '${model.name}'` : `The training run of ${file}'s '${model.name}'`;
    if (!(await keyOf(model.baseUrl, { source: 'file', where }))) return undefined;
  }
  for (const [key, grader] of graders) {
    if (grader && typeof grader.baseUrl === 'string' && !(await keyOf(normalizeBaseUrl(grader.baseUrl), { source: 'file', where: `${file}'s \`${key}\` (its \`baseUrl:\`)` }))) return undefined;
  }
  const keyFor = (url: string) => keys.key(url);
  if (!keyFor(baseUrl) && isOpenAIEndpoint(baseUrl) && chosen.some((m) => !m.baseUrl && m.serving !== 'vllm')) {
    const set = await vscode.window.showErrorMessage(`Inoculate: no API key for ${baseUrl}: set one to evaluate.`, 'Set API Key');
    if (set) await vscode.commands.executeCommand('inoculate.setApiKey', baseUrl);
    return undefined;
  }

  // Shutdown dates of OpenAI models: refuse after the date.
  const modelDates = await readModelDates(nodeTrainFileSystem, runPaths.modelsCache);
  const dates = await checkModelDates(chosen, {
    today: new Date(),
    fileEndpoint: baseUrl,
    cache: modelDates,
    fetchShutdown: (model, url) => fetchModelShutdown({ baseUrl: url, apiKey: keyFor(url) ?? undefined, model }),
  });
  for (const learned of dates.learned) await rememberModelDate(nodeTrainFileSystem, runPaths.modelsCache, learned.baseUrl, learned.model, learned.shutdownDate, new Date()).catch(() => undefined);
  for (const warning of [...dates.warnings, ...dates.refused]) deps.output.warn(warning.message);
  if (dates.refused.length) void vscode.window.showWarningMessage(notificationSafe(`Inoculate: ${dates.refused.length} model(s) cannot be evaluated: ${safeLine(dates.refused[0]!.message, 300)}`));
  const models = dates.allowed;
  if (!models.length) return undefined;
  const selected = { ...found, models };

  // Batch mode: core's routes, as `inoculate eval --batch` uses them; their status lines go to the Output channel and
  // to the progress notification once it is shown.
  let showBatchStatus: ((line: string) => void) | undefined;
  const routing: BatchRouting | undefined = evaluation.batch
    ? evalBatchRouting({
        evaluation,
        paths,
        models,
        keyFor,
        env,
        secrets: [...keys.values()],
        host: nodeCommandHost,
        fs,
        onStatus: (line) => {
          deps.output.info(`Evaluation of ${paths.relativeFile}: ${line}`);
          deps.onBatchStatus?.(line);
          showBatchStatus?.(line);
        },
      })
    : undefined;
  const batched = (model: EvalModel) => !!routing?.routeFor(model, (model.baseUrl ?? baseUrl).replace(/\/+$/, ''));

  const maxResponseBytes = evaluation.sampling.maxResponseBytes;
  const provider = new OpenAIProvider({ baseUrl, apiKey: keyFor(baseUrl), maxResponseBytes });
  try {
    await evalResultPathsSafe(fs, paths);
  } catch (error) {
    if (error instanceof ResultsFileError) {
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: ${error.message}`));
      return undefined;
    }
    throw error;
  }

  // The plan, confirmed before anything is sent (only the user's own settings can turn the question off).
  const cache = await ResponseCache.open(fs, paths.cache);
  let plan;
  try {
    plan = planEvaluation(evaluation, models, provider.id, batched, cache);
  } finally {
    await cache.close();
  }
  const confirm = vscode.workspace.getConfiguration('inoculate', uri).inspect<boolean>('eval.confirm')?.globalValue ?? true;
  const text = evalConfirmation(paths.relativeFile, plan, evaluation.conditions, baseUrl);
  deps.output.info(`${text.message}\n${text.detail}`);
  if (confirm) {
    const go = await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, 'Evaluate');
    if (go !== 'Evaluate') return undefined;
  }

  // The check the figure's elicitation comes from, and whether this user measured it.
  const checkPaths = checkResultPaths(root, uri.fsPath);
  const checkSummary = await readSummary(fs, checkPaths.summary);
  const provenance = await userProvenance({ create: false }).catch(() => undefined);
  const behavior = evaluation.config.behavior;
  const predict = (_arm: string, instruction: string) =>
    behavior && instruction ? analyzePrompt(instruction, { behavior, description: evaluation.config.description, keywords: evaluation.config.keywords }).score : null;
  const controller = new AbortController();
  running = controller;
  void vscode.commands.executeCommand('setContext', EVALUATION_RUNNING_CONTEXT, true);
  const outcome = await Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Inoculate: evaluating ${paths.relativeFile}`, cancellable: true }, async (progress, token) => {
      const subscription = token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      showBatchStatus = (line) => progress.report({ message: safeLine(line, 200) });
      try {
        return await runEvaluation({
          evaluation,
          found: selected,
          provider,
          providerFor: (url) => new OpenAIProvider({ baseUrl: url, apiKey: keyFor(url), maxResponseBytes }),
          graders: {
            behavior: (environment) => createGrader(evaluation.graders.behavior, environment),
            capability: evaluation.graders.capability ? (environment) => createGrader(evaluation.graders.capability!, environment) : null,
          },
          serving: models.some((m) => m.serving === 'vllm')
            ? createVllmServing({ host: nodeCommandHost, settings: evaluation.config.train.serve ?? { preset: 'vllm', ...SERVE_DEFAULTS }, workspaceTrusted: vscode.workspace.isTrusted, workDir: `${paths.evalDir}/serve`, env })
            : undefined,
          batch: routing,
          fs,
          paths,
          useCache: true,
          workspaceTrusted: vscode.workspace.isTrusted,
          signal: controller.signal,
          onProgress: (p) => {
            deps.onProgress?.(p);
            if (p.phase !== 'sampling') {
              progress.report({ message: p.phase === 'serving' ? 'starting the model server…' : p.phase === 'batch' ? 'sending the batch jobs…' : 'waiting…' });
              return;
            }
            const share = p.total ? (p.done / p.total) * 100 : 100;
            progress.report({ increment: share - reported, message: `${p.done}/${p.total} samples${p.cached ? ` (${p.cached} cached)` : ''}${p.failed ? `, ${p.failed} failed` : ''}` });
            reported = share;
          },
          warn: (message) => deps.output.warn(message),
          check: checkSummary ? { summary: checkSummary, path: relativeTo(root, checkPaths.summary), origin: summaryOrigin(checkSummary, provenance) } : null,
          predict,
        });
      } catch (error) {
        if (error instanceof CheckSetupError || error instanceof ResultsFileError || error instanceof ServingError) {
          void vscode.window.showErrorMessage(notificationSafe(`Inoculate: cannot evaluate: ${editorWording(error.message)}`));
          return undefined;
        }
        throw error;
      } finally {
        subscription.dispose();
        showBatchStatus = undefined;
        running = undefined;
        void vscode.commands.executeCommand('setContext', EVALUATION_RUNNING_CONTEXT, false);
      }
    }),
  );
  if (!outcome) return undefined;
  const { counts } = outcome;
  const batchJobs = outcome.summary.batches.length ? `, ${outcome.summary.batches.length} batch job(s)` : '';
  deps.output.info(`Evaluated ${paths.relativeFile}: ${counts.graded} of ${counts.total} samples graded${counts.failed ? `, ${counts.failed} failed` : ''} (${outcome.summary.requests} requests, ${outcome.summary.cacheHits} from the cache${batchJobs})${outcome.cancelled ? '; cancelled: run again to finish' : ''}.`);
  if (outcome.summaryWritten) {
    await deps.client()?.sendNotification(MeasurementsChangedNotification, { uris: [uri.toString()] }).catch(() => undefined);
    await deps.showComparison(uri);
  }
  if (outcome.cancelled) {
    const pending = evaluation.batch ? ' Batch jobs already sent keep running at their endpoint and are recorded: running again collects them instead of sending them twice.' : '';
    void vscode.window.showInformationMessage(`Inoculate: evaluation cancelled; ${counts.graded + counts.failed} of ${counts.total} samples finished and kept. Run it again to finish.${pending}`);
  }
  else if (outcome.fatal) void vscode.window.showErrorMessage(notificationSafe(`Inoculate: the evaluation stopped: ${safeLine(outcome.fatal.message, 300)}`));
  else if (counts.failed) void vscode.window.showWarningMessage(notificationSafe(`Inoculate: ${counts.failed} sample(s) could not be obtained or graded; the first: ${safeLine(outcome.firstFailure ?? 'unknown', 300)}. Run again to retry them.`));
  return {
    file: paths.relativeFile,
    summaryPath: paths.summary,
    models: models.map((m) => m.key),
    requests: outcome.summary.requests,
    counts,
    batches: outcome.summary.batches,
    cancelled: outcome.cancelled,
    complete: outcome.summary.complete,
  };
}

function relativeTo(root: string, path: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}
