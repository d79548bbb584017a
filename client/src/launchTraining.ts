/**
 * "Inoculate: Launch Training" (`inoculate.launchTraining [uri?, variant | choices?]`) and "Preview Training"
 * (`inoculate.previewTraining [uri?, choices?]`): pick the variants (the best measured candidates preselected, the
 * no-inoculation baseline always offered and preselected), the seeds and the backend (the file's, overridable); build
 * and validate the training files; show the preview before anything is sent: the first examples without and with the
 * instruction in a diff editor, the plan (counts, tokens and how they were counted, jobs, estimated cost, notices) and
 * the data's problems on their dataset lines (Problems panel); then a confirmation; then a progress notification
 * while each run is uploaded and submitted. Keys come from the editor's secret storage per endpoint (or the
 * environment, under the key policy), never from settings, and are never logged. Refused in an untrusted workspace.
 */
import * as vscode from 'vscode';
import { readSummary } from '../../core/src/check/store';
import { checkResultPaths } from '../../core/src/check/layout';
import { instructionHash } from '../../core/src/check/arms';
import { analyzeFrontmatter } from '../../core/src/format/config';
import { parseInocDocument } from '../../core/src/format/parse';
import { Commands } from '../../core/src/language/commands';
import { analyzePrompt } from '../../core/src/scoring/score';
import { backendIdentity, type ResolvedIdentity } from '../../core/src/train/backends/index';
import { launchRun, type LaunchOutcome, type TrainingContext } from '../../core/src/train/jobs';
import { trainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { planTraining, TrainSetupError, type TrainOverrides, type TrainingPlan } from '../../core/src/train/plan';
import { currentAttempt, readRun } from '../../core/src/train/runStore';
import type { TrainSettings } from '../../core/src/train/settings';
import type { PreflightIssue } from '../../core/src/train/types';
import { keyAfterOffer } from './apiKeyStore';
import { notificationSafe } from './checkErrors';
import { offerGitignore } from './gitignore';
import type { TrainingJobs } from './jobsView';
import { TRAINING_RESTRICTED_REASON } from './jobsView';
import { LANGUAGE_ID } from './languageClient';
import { MANAGE_TRUST_COMMAND } from './restrictedMode';
import { createEditorBackend } from './train/editorBackend';
import { safeLine } from './train/jobsModel';
import { armChoices, backendChoices, BASELINE_CHOICE, parseSeeds, preselectedVariants, preselectionNote, seedsText, type VariantInfo } from './train/launchChoices';
import { datasetProblems, launchConfirmation, planMarkdown, previewSides, type DatasetProblem, type RunDisposition } from './train/trainingPreview';
import { keyText, needsKey, trainingKeyFor, type TrainingKey } from './train/trainingKeys';
import { readTrainClientSettings } from './train/trainSettings';
import type { TrainingDocuments } from './trainingDocuments';
import { commandTargetUri } from './checkLocation';

/** The command ids. */
export const LAUNCH_TRAINING_COMMAND = 'inoculate.launchTraining';
export const PREVIEW_TRAINING_COMMAND = 'inoculate.previewTraining';

/** Choices given with the command (a keybinding's `args`, another extension, the tests): their pickers are skipped. */
export interface TrainingChoices {
  /** Variants to train (the baseline is added unless `baseline: false`). */
  variants?: string[];
  baseline?: boolean;
  /** A count (0..N-1) or the seeds. */
  seeds?: number | number[];
  backend?: TrainSettings['backend'];
}

/** One run of a launch, as the command returns it. */
export interface LaunchedRun {
  runId: string;
  arm: string;
  seed: number;
  /** `submitted`, `attached`, `recovered`, `refused`, `failed`, or `not-attempted` (the launch stopped before it). */
  action: LaunchOutcome['action'] | 'not-attempted';
  job: string | null;
  message: string | null;
}

/** What the commands resolve to (the end-to-end tests read it); undefined when the user stopped or nothing could start. */
export interface TrainingCommandResult {
  file: string;
  backend: { id: string; target: string };
  /** The preview documents: the diff's two sides and the plan. */
  preview: { without: string; with: string; plan: string };
  problems: DatasetProblem[];
  runs: LaunchedRun[];
  /** `previewed`: preview only; `blocked`: errors in the data; `declined`: not confirmed; `launched`. */
  outcome: 'previewed' | 'blocked' | 'declined' | 'launched';
}

export interface LaunchTrainingDependencies {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  documents: TrainingDocuments;
  jobs: TrainingJobs;
}

/** Registers both commands and the diagnostics collection of training-data problems. */
export function registerLaunchTraining(deps: LaunchTrainingDependencies): vscode.Disposable {
  const problems = vscode.languages.createDiagnosticCollection('inoculate-train');
  let busy = false;
  const run = (mode: 'launch' | 'preview') => async (uriArg?: unknown, choiceArg?: unknown): Promise<TrainingCommandResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showErrorMessage(`Inoculate: training is off in an untrusted workspace. ${TRAINING_RESTRICTED_REASON}`, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
      return undefined;
    }
    if (busy) {
      void vscode.window.showWarningMessage('Inoculate: a training launch is already being prepared; finish or cancel it first.');
      return undefined;
    }
    busy = true;
    try {
      return await trainingCommand(deps, problems, mode, uriArg, choiceArg);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.output.error(`Training ${mode} failed: ${message}`);
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: ${mode === 'launch' ? 'the launch' : 'the preview'} failed: ${safeLine(message, 400)}`), 'Show Output').then((c) => (c ? deps.output.show(true) : undefined));
      return undefined;
    } finally {
      busy = false;
    }
  };
  return vscode.Disposable.from(
    problems,
    vscode.commands.registerCommand(LAUNCH_TRAINING_COMMAND, run('launch')),
    vscode.commands.registerCommand(PREVIEW_TRAINING_COMMAND, run('preview')),
  );
}

let previewCount = 0;

async function trainingCommand(
  deps: LaunchTrainingDependencies,
  problemsCollection: vscode.DiagnosticCollection,
  mode: 'launch' | 'preview',
  uriArg: unknown,
  choiceArg: unknown,
): Promise<TrainingCommandResult | undefined> {
  const uri = commandTargetUri(uriArg);
  if (!uri) {
    void vscode.window.showInformationMessage('Inoculate: open a .inoc file with a `train:` block to train from it.');
    return undefined;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Inoculate: save the file to disk first; training reads the file and its dataset from disk.');
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Inoculate: open the folder holding this file as a workspace folder to train from it: its runs are recorded under that folder\'s .inoculate/ and followed in the Jobs view.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(`Inoculate: ${vscode.workspace.asRelativePath(uri)} is not a .inoc file.`);
    return undefined;
  }
  // Training reads the file from disk, and its record names the text: they must be the same.
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage('Inoculate: the file could not be saved, so nothing was trained.');
    return undefined;
  }
  const root = folder.uri.fsPath;
  const paths = trainPaths(root);
  const doc = parseInocDocument(uri.toString(), document.getText());
  const config = analyzeFrontmatter(doc).config;
  if (!config.train.dataset) {
    void vscode.window.showErrorMessage('Inoculate: this file has no training data: add a `train:` block with `dataset:` (a JSONL file, relative to the file). See docs/training.md.');
    return undefined;
  }
  const given: TrainingChoices = typeof choiceArg === 'object' && choiceArg !== null ? (choiceArg as TrainingChoices) : {};
  const requested = typeof choiceArg === 'string' ? choiceArg : undefined;

  // 1. Variants (and the baseline).
  let variants = Array.isArray(given.variants) ? given.variants.filter((v): v is string => typeof v === 'string') : undefined;
  let baseline = typeof given.baseline === 'boolean' ? given.baseline : undefined;
  if (!variants) {
    const summary = await readSummary(nodeTrainFileSystem, checkResultPaths(root, uri.fsPath).summary).catch(() => undefined);
    const behavior = config.behavior ? { behavior: config.behavior, description: config.description, keywords: config.keywords } : undefined;
    const infos: VariantInfo[] = doc.variants
      .filter((v) => v.name)
      .map((v) => ({
        name: v.name,
        control: v.control,
        text: v.text,
        instructionHash: instructionHash(v.text),
        predicted: behavior && !v.control && v.text ? analyzePrompt(v.text, behavior).score : null,
      }));
    const pre = preselectedVariants(infos, config.train.variants, summary, requested);
    const items = armChoices(infos, config.neutral, summary, pre.names).map((choice) => ({ ...choice, alwaysShow: true }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `${mode === 'launch' ? 'Launch' : 'Preview'} Training (1/3): arms of ${vscode.workspace.asRelativePath(uri)}`,
      placeHolder: `${preselectionNote(pre.reason)} Space toggles, Enter goes on.`,
      ignoreFocusOut: true,
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    variants = picked.filter((p) => p.name !== BASELINE_CHOICE).map((p) => p.name);
    baseline = picked.some((p) => p.name === BASELINE_CHOICE);
    if (variants.length === 0 && !baseline) {
      void vscode.window.showInformationMessage('Inoculate: nothing was chosen, so nothing was trained.');
      return undefined;
    }
  }
  baseline ??= true;

  // 2. Seeds.
  let seeds: number[] | undefined;
  if (typeof given.seeds === 'number' || Array.isArray(given.seeds)) {
    const parsed = parseSeeds(Array.isArray(given.seeds) ? given.seeds.join(', ') : String(given.seeds));
    if ('error' in parsed) throw new Error(`seeds: ${parsed.error}`);
    seeds = parsed;
  } else {
    const typed = await vscode.window.showInputBox({
      title: `${mode === 'launch' ? 'Launch' : 'Preview'} Training (2/3): seeds`,
      prompt: 'How many seeds (3 means seeds 0, 1, 2), or the seeds themselves (1, 5, 9). One run per arm and seed.',
      value: seedsText(config.train.seeds),
      ignoreFocusOut: true,
      validateInput: (value) => {
        const parsed = parseSeeds(value);
        return 'error' in parsed ? parsed.error : undefined;
      },
    });
    if (typed === undefined) return undefined;
    const parsed = parseSeeds(typed);
    if ('error' in parsed) return undefined;
    seeds = parsed;
  }

  // 3. Backend.
  let backend = given.backend;
  if (backend !== 'openai' && backend !== 'together' && backend !== 'command') {
    const fileTarget = (() => {
      try {
        return backendIdentity(config.train, process.env).target;
      } catch {
        return '';
      }
    })();
    const choices = backendChoices(config.train, fileTarget);
    const picked = await vscode.window.showQuickPick(choices, {
      title: `${mode === 'launch' ? 'Launch' : 'Preview'} Training (3/3): backend`,
      placeHolder: "Where the jobs run (the file's train.backend first)",
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    backend = picked.backend;
  }

  // Build, validate and plan (nothing is sent).
  let identity: ResolvedIdentity | undefined;
  const overrides: TrainOverrides = { variants: variants.length ? variants : undefined, seeds, backend, baseline };
  let plan: TrainingPlan;
  try {
    plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Inoculate: building and checking the training files…' }, () =>
      planTraining({
        fs: nodeTrainFileSystem,
        inocPath: uri.fsPath,
        workspaceRoot: root,
        paths,
        overrides,
        identify: (settings) => (identity = backendIdentity(settings, process.env)),
      }),
    );
  } catch (error) {
    if (error instanceof TrainSetupError) {
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: cannot train: ${safeLine(error.message, 500)}`));
      return undefined;
    }
    throw error;
  }
  // Only the baseline chosen: the plan was made with every candidate (an empty list means "all"); keep the baseline.
  if (variants.length === 0) plan = onlyBaseline(plan);

  const dispositions = new Map<string, RunDisposition>();
  for (const run of plan.runs) {
    const existing = await readRun(nodeTrainFileSystem, paths, run.provenance.runId);
    const attempt = existing ? currentAttempt(existing) : undefined;
    dispositions.set(run.provenance.runId, attempt?.job ? { kind: 'attached', job: attempt.job.id, state: attempt.status?.state ?? 'submitted' } : { kind: 'new' });
  }
  const key = await trainingKeyFor(deps.context.secrets, identity!, process.env);

  // The preview: the diff, the plan, and the data's problems on their lines.
  const id = ++previewCount;
  const armsShown = plan.arms.filter((a) => a.arm.kind === 'variant').map((a) => a.arm.name);
  const sides = previewSides(plan, armsShown);
  const without = deps.documents.set(`/preview/${id}/without the instruction.txt`, sides.without);
  const withIt = deps.documents.set(`/preview/${id}/with the instruction.txt`, sides.with);
  const planUri = deps.documents.set(`/preview/${id}/plan.md`, planMarkdown(plan, { dispositions, key: keyText(key, plan.backend.target) }));
  await vscode.commands.executeCommand('vscode.diff', without, withIt, `Training preview: without ↔ with the instruction (${armsShown.length ? armsShown.map((a) => safeLine(a, 40)).join(', ') : 'baseline only'})`, { preview: false });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(planUri), { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
  const problems = datasetProblems(plan);
  const datasetUri = vscode.Uri.file(plan.dataset.path);
  problemsCollection.set(
    datasetUri,
    problems.map((p) => {
      const line = Math.max(0, p.line - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'inoculate train';
      return diagnostic;
    }),
  );
  const result: TrainingCommandResult = {
    file: plan.inocFile,
    backend: { id: plan.backend.id, target: plan.backend.target },
    preview: { without: without.toString(), with: withIt.toString(), plan: planUri.toString() },
    problems,
    runs: plan.runs.map((r) => ({ runId: r.provenance.runId, arm: r.provenance.arm.name, seed: r.provenance.seed, action: 'not-attempted', job: null, message: null })),
    outcome: 'previewed',
  };
  deps.output.info(`Training plan for ${plan.inocFile}: ${plan.runs.length} runs on ${plan.backend.id} at ${plan.backend.target}; ${plan.errors.length} errors, ${plan.warnings.length} warnings in the data`);
  if (plan.errors.length) {
    void vscode.window
      .showErrorMessage(
        notificationSafe(`Inoculate: ${plan.errors.length} problem${plan.errors.length === 1 ? '' : 's'} in the training data of ${plan.inocFile} (the first: ${safeLine(plan.errors[0]!, 200)}); nothing was sent.`),
        'Show Problems',
      )
      .then((c) => (c ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
    return { ...result, outcome: 'blocked' };
  }
  if (mode === 'preview') return result;

  // The key: offered to store when the service's own endpoint has none.
  const offered = await keyAfterOffer<TrainingKey>(
    () => trainingKeyFor(deps.context.secrets, identity!, process.env),
    needsKey(identity!),
    async () => {
      const choice = await vscode.window.showWarningMessage(
        notificationSafe(`Inoculate: no API key for ${plan.backend.target}. ${key.refusedEnv ? keyText(key, plan.backend.target) : `Store one for it (kept in the editor's secret storage)${identity!.keyEnv ? `, or set ${identity!.keyEnv}` : ''}.`}`),
        'Set API Key',
      );
      return choice === 'Set API Key' ? vscode.commands.executeCommand<boolean>('inoculate.setApiKey', plan.backend.target).then((stored) => stored === true) : false;
    },
  );
  if (!offered) return { ...result, outcome: 'declined' };

  const settings = readTrainClientSettings(vscode.workspace.getConfiguration('inoculate', uri));
  if (settings.confirm) {
    const text = launchConfirmation(plan, { dispositions, key: keyText(offered, plan.backend.target) });
    const button = [...dispositions.values()].every((d) => d.kind === 'attached') ? 'Attach' : 'Launch';
    const go = await vscode.window.showWarningMessage(notificationSafe(text.message), { modal: true, detail: text.detail }, button);
    if (go !== button) return { ...result, outcome: 'declined' };
  }

  const backendObject = await createEditorBackend(identity!, {
    paths,
    apiKey: offered.key,
    env: process.env,
    settings: plan.settings,
    baseDir: vscode.Uri.joinPath(uri, '..').fsPath,
    workspaceTrusted: vscode.workspace.isTrusted,
  }).catch((error: unknown) => {
    void vscode.window.showErrorMessage(notificationSafe(`Inoculate: cannot use the ${plan.backend.id} backend: ${safeLine(error instanceof Error ? error.message : String(error), 400)}`));
    return undefined;
  });
  if (!backendObject) return { ...result, outcome: 'declined' };

  const ctx: TrainingContext = { fs: nodeTrainFileSystem, paths };
  const issues = new Map<string, PreflightIssue>();
  const runs = [...result.runs];
  let stopped: { message: string; status?: number } | undefined;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Inoculate: launching ${plan.runs.length} training job${plan.runs.length === 1 ? '' : 's'}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        for (const [index, planned] of plan.runs.entries()) {
          if (abort.signal.aborted) break;
          const p = planned.provenance;
          const label = `${safeLine(p.arm.name, 40)} seed ${p.seed}`;
          progress.report({ message: `${label}: uploading and submitting (${index + 1} of ${plan.runs.length})`, increment: 100 / plan.runs.length });
          let outcome: LaunchOutcome;
          try {
            outcome = await launchRun(ctx, planned, backendObject, { signal: abort.signal });
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            runs[index] = { ...runs[index]!, action: 'failed', message };
            deps.output.error(`${label} [${p.runId}]: ${message}`);
            continue;
          }
          runs[index] = { ...runs[index]!, action: outcome.action, job: outcome.job?.id ?? null, message: outcome.message ?? null };
          for (const issue of outcome.issues) if (issue.severity !== 'info') issues.set(issue.message, issue);
          deps.output.info(`${label} [${p.runId}]: ${outcome.action}${outcome.job ? ` job ${outcome.job.id}` : ''}${outcome.message ? `: ${outcome.message}` : ''}`);
          if (outcome.job) deps.jobs.follow({ workspaceUri: folder.uri.toString(), workspaceName: folder.name, run: outcome.run });
          // An unreachable endpoint or a refused key would fail every other run the same way.
          const status = outcome.failure?.status;
          if (outcome.action === 'failed' && (outcome.failure?.kind === 'transient' || status === 401 || status === 403)) {
            stopped = { message: outcome.message ?? 'the backend failed', status };
            break;
          }
        }
      } finally {
        subscription.dispose();
      }
    },
  );
  await deps.jobs.reload();
  void offerGitignore(deps.context, root);

  for (const issue of issues.values()) deps.output.warn(`preflight ${issue.severity}: ${issue.message}`);
  const count = (action: LaunchedRun['action']) => runs.filter((r) => r.action === action).length;
  const submitted = count('submitted') + count('recovered');
  const attached = count('attached');
  const failed = runs.filter((r) => r.action === 'failed' || r.action === 'refused');
  const notAttempted = count('not-attempted');
  const summary = [
    submitted ? `${submitted} submitted` : '',
    attached ? `${attached} already running or done (attached, nothing sent)` : '',
    failed.length ? `${failed.length} not submitted` : '',
    notAttempted ? `${notAttempted} not attempted` : '',
  ].filter(Boolean);
  const first = failed[0];
  if (failed.length || notAttempted) {
    const actions = stopped?.status === 401 || stopped?.status === 403 ? ['Set API Key', 'Show Output'] : ['Show Output'];
    void vscode.window
      .showErrorMessage(notificationSafe(`Inoculate: training of ${plan.inocFile}: ${summary.join(', ')}.${first?.message ? ` ${safeLine(first.message, 300)}` : ''}${notAttempted ? ' Launch again to go on: submitted runs are attached to, not submitted twice.' : ''}`), ...actions)
      .then((choice) => {
        if (choice === 'Set API Key') return vscode.commands.executeCommand('inoculate.setApiKey', plan.backend.target);
        if (choice === 'Show Output') deps.output.show(true);
        return undefined;
      });
  } else {
    void vscode.window
      .showInformationMessage(notificationSafe(`Inoculate: training of ${plan.inocFile}: ${summary.join(', ')}. The Jobs view follows them.`), 'Show Jobs')
      .then((choice) => (choice ? vscode.commands.executeCommand(Commands.showJobs, uri.toString()) : undefined));
  }
  if (issues.size) {
    const warnings = [...issues.values()];
    void vscode.window.showWarningMessage(notificationSafe(`Inoculate: ${safeLine(warnings[0]!.message, 300)}${warnings.length > 1 ? ` (and ${warnings.length - 1} more notices in the output)` : ''}`));
  }
  return { ...result, runs, outcome: 'launched' };
}

/** The plan restricted to the baseline (when no variant was chosen). */
function onlyBaseline(plan: TrainingPlan): TrainingPlan {
  const keep = (kind: string) => kind === 'baseline';
  return {
    ...plan,
    arms: plan.arms.filter((a) => keep(a.arm.kind)),
    runs: plan.runs.filter((r) => keep(r.provenance.arm.kind)),
    previews: [],
  };
}
