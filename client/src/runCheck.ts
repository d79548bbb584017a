/**
 * "Inoculate: Run Elicitation Check" (`inoculate.runCheck [uri?, variant?]`): the variant under the cursor (or the
 * one given, or all), with the dry-run numbers to confirm before anything is sent, a cancellable progress
 * notification (finished samples are kept), results under `.inoculate/` in the workspace folder, then the server and
 * the results view are told. Refused in an untrusted workspace.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Arm } from '../../core/src/check/arms';
import { ResponseCache } from '../../core/src/check/cache';
import { runCheck, type CheckOutcome } from '../../core/src/check/engine';
import { createGrader } from '../../core/src/check/graders/index';
import { gitignoreEntry } from '../../core/src/check/layout';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { planCheck } from '../../core/src/check/plan';
import { isOpenAIEndpoint, normalizeBaseUrl, OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from '../../core/src/check/providers/openai';
import type { ModelProvider } from '../../core/src/check/providers/types';
import { CheckSetupError, prepareCheck, type PreparedCheck } from '../../core/src/check/setup';
import { analyzeFrontmatter } from '../../core/src/format/config';
import { parseInocDocument } from '../../core/src/format/parse';
import { analyzePrompt } from '../../core/src/scoring/score';
import { MeasurementsChangedNotification, VariantAtRequest } from '../../server/src/protocol';
import type { EndpointSource } from '../../core/src/check/keyPolicy';
import { apiKeyFor } from './apiKeyStore';
import { checkConfirmation } from './checkConfirmation';
import { resultPathsOf, workspaceRootOf } from './checkLocation';
import { LANGUAGE_ID } from './languageClient';
import { readClientSettings } from './settings';
import { VscodeLmProvider } from './vscodeLmProvider';

/** The command id. */
export const RUN_CHECK_COMMAND = 'inoculate.runCheck';

/** What the command resolves to (the end-to-end tests read it); undefined when nothing ran. */
export interface RunCheckResult {
  outcome: CheckOutcome;
  summaryPath: string;
}

export interface RunCheckDependencies {
  context: vscode.ExtensionContext;
  client: () => LanguageClient | undefined;
  output: vscode.LogOutputChannel;
  /** Opens (or refreshes) the results view of `uri`. */
  showResults: (uri: vscode.Uri) => Promise<void>;
}


export function registerRunCheck(deps: RunCheckDependencies): vscode.Disposable {
  let running = false;
  return vscode.commands.registerCommand(RUN_CHECK_COMMAND, async (uriArg?: unknown, variantArg?: unknown): Promise<RunCheckResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showErrorMessage(
        'Inoculate: elicitation checks are disabled in an untrusted workspace: they send your prompts and data to a model endpoint and may run model-written code. Trust the workspace to run them.',
        'Manage Workspace Trust',
      );
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    if (running) {
      void vscode.window.showWarningMessage('Inoculate: a check is already running; wait for it or cancel it first.');
      return undefined;
    }
    running = true;
    try {
      return await runCheckCommand(deps, uriArg, variantArg);
    } finally {
      running = false;
    }
  });
}

async function runCheckCommand(deps: RunCheckDependencies, uriArg: unknown, variantArg: unknown): Promise<RunCheckResult | undefined> {
  const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('Inoculate: open a .inoc file to check it.');
    return undefined;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Inoculate: save the file to disk first; checks read the file and its dataset from disk.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(`Inoculate: ${vscode.workspace.asRelativePath(uri)} is not a .inoc file.`);
    return undefined;
  }
  // The check reads the file from disk, and its results are matched to the text: they must be the same.
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage('Inoculate: the file could not be saved, so it was not checked.');
    return undefined;
  }
  const variant = typeof variantArg === 'string' ? variantArg : await variantUnderCursor(deps.client(), document);
  const settings = readClientSettings(vscode.workspace.getConfiguration('inoculate', uri)).check;
  const root = await workspaceRootOf(uri);
  const fs = nodeResultsFileSystem;

  const isVscodeLm = analyzeFrontmatter(parseInocDocument(uri.toString(), document.getText())).config.provider === 'vscode-lm';
  let check: PreparedCheck;
  try {
    check = await prepareCheck(
      fs,
      uri.fsPath,
      {
        variants: variant ? [variant] : [],
        model: settings.model ?? undefined,
        concurrency: settings.concurrency ?? undefined,
        baseUrl: isVscodeLm ? undefined : (settings.baseUrl ?? undefined),
        editorModels: true,
      },
      root,
    );
  } catch (error) {
    if (error instanceof CheckSetupError) {
      void vscode.window.showErrorMessage(`Inoculate: cannot check: ${error.message}`);
      return undefined;
    }
    throw error;
  }

  const provider = await providerFor(deps, check, isVscodeLm, settings.baseUrl ?? undefined);
  if (!provider) return undefined;
  // A judge or moderation grader may use another endpoint: its key is looked up now (the engine asks synchronously).
  const graderUrl = typeof check.grader.baseUrl === 'string' ? normalizeBaseUrl(check.grader.baseUrl) : undefined;
  const graderKey = graderUrl ? await apiKeyFor(deps.context.secrets, graderUrl, process.env, 'file').catch(() => undefined) : undefined;
  const paths = await resultPathsOf(uri);
  const endpointShown = provider.baseUrl ?? 'VS Code language models';

  if (settings.confirm) {
    const cache = await ResponseCache.open(fs, paths.cache);
    let plan;
    try {
      plan = await planCheck(check, provider.baseUrl ?? provider.id, provider.id, cache);
    } finally {
      await cache.close();
    }
    const armNames = check.arms.map((arm) => arm.name + (arm.control ? ' (control)' : ''));
    const text = checkConfirmation(paths.relativeFile, armNames, check.model, endpointShown, plan);
    const go = await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, 'Run Check');
    if (go !== 'Run Check') return undefined;
  }

  const behavior = check.config.behavior;
  const predict = (arm: Arm) =>
    behavior && arm.instruction ? analyzePrompt(arm.instruction, { behavior, description: check.config.description, keywords: check.config.keywords }).score : null;
  deps.output.info(`Checking ${paths.relativeFile}: ${check.arms.length} arms × ${check.samplesPerArm} samples on ${check.model} at ${endpointShown}`);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Inoculate: checking ${paths.relativeFile}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        return await runCheck({
          check,
          provider,
          providerFor: (url) => new OpenAIProvider({ baseUrl: url, apiKey: url === graderUrl ? graderKey : undefined }),
          grader: (environment) => createGrader(check.grader, environment),
          fs,
          paths,
          workspaceTrusted: vscode.workspace.isTrusted,
          requireSandbox: settings.requireSandbox,
          signal: abort.signal,
          predict,
          onProgress: (p) => {
            const increment = ((p.done - reported) / Math.max(1, p.total)) * 100;
            reported = p.done;
            progress.report({ increment, message: `${p.done}/${p.total} samples (${p.cached} cached${p.failed ? `, ${p.failed} failed` : ''})` });
          },
          onRetry: (notice) => deps.output.warn(`retrying: ${JSON.stringify(notice)}`),
          warn: (message) => deps.output.warn(message),
        });
      } finally {
        subscription.dispose();
      }
    },
  ).then(
    (value) => value,
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      deps.output.error(`Check of ${paths.relativeFile} failed: ${message}`);
      void vscode.window.showErrorMessage(`Inoculate: the check could not run: ${message}`);
      return undefined;
    },
  );
  if (!outcome) return undefined;
  await report(deps, uri, outcome, paths.relativeFile);
  if (outcome.summaryWritten) {
    await deps.client()?.sendNotification(MeasurementsChangedNotification, { uris: [deps.client()!.code2ProtocolConverter.asUri(uri)] }).catch(() => undefined);
    await deps.showResults(uri);
    void offerGitignore(deps.context, root);
  }
  return { outcome, summaryPath: paths.summary };
}

async function report(deps: RunCheckDependencies, uri: vscode.Uri, outcome: CheckOutcome, file: string): Promise<void> {
  const { counts } = outcome;
  if (outcome.cancelled) {
    void vscode.window.showInformationMessage(
      `Inoculate: check of ${file} cancelled; ${counts.graded + counts.failed} of ${counts.total} samples finished and kept. Run it again to finish: only the missing samples are requested.`,
    );
  } else if (outcome.fatal) {
    void vscode.window.showErrorMessage(`Inoculate: the check of ${file} stopped: ${outcome.fatal.message}`);
  } else if (counts.failed > 0) {
    void vscode.window.showWarningMessage(
      `Inoculate: ${counts.failed} of ${counts.total} samples of ${file} could not be obtained or graded; the first: ${outcome.firstFailure ?? 'unknown'}. Run again to retry them.`,
    );
  } else {
    const lines = outcome.summary.arms.map((arm) => `${arm.name} ${Math.round(arm.rate * 100)}%`).join(', ');
    void vscode.window.showInformationMessage(`Inoculate: checked ${file}: ${lines}.`);
  }
  deps.output.info(`Check of ${vscode.workspace.asRelativePath(uri)}: ${JSON.stringify(counts)}${outcome.fatal ? `; stopped: ${outcome.fatal.message}` : ''}`);
}

/** The endpoint to sample, with its key from secret storage (or OPENAI_API_KEY); undefined when the user must act first. */
async function providerFor(
  deps: RunCheckDependencies,
  check: PreparedCheck,
  isVscodeLm: boolean,
  baseUrlFromSettings: string | undefined,
): Promise<ModelProvider | undefined> {
  if (isVscodeLm) return new VscodeLmProvider();
  const baseUrl = normalizeBaseUrl(check.baseUrl ?? process.env.OPENAI_BASE_URL?.trim() ?? OPENAI_DEFAULT_BASE_URL);
  // The setting is the user's choice; a `baseUrl` from the file alone is not (see core/src/check/keyPolicy.ts).
  const source: EndpointSource = baseUrlFromSettings === undefined && check.config.baseUrl !== undefined ? 'file' : 'user';
  let apiKey: string | undefined;
  try {
    apiKey = await apiKeyFor(deps.context.secrets, baseUrl, process.env, source);
  } catch {
    void vscode.window.showErrorMessage(`Inoculate: '${baseUrl}' is not an http(s) endpoint: check \`baseUrl\` or inoculate.check.baseUrl.`);
    return undefined;
  }
  if (!apiKey && isOpenAIEndpoint(baseUrl)) {
    const choice = await vscode.window.showErrorMessage(`Inoculate: no API key for ${baseUrl}. Set one (it is kept in the editor's secret storage), or point the check at a local endpoint.`, 'Set API Key');
    if (choice) await vscode.commands.executeCommand('inoculate.setApiKey', baseUrl);
    return undefined;
  }
  return new OpenAIProvider({ baseUrl, apiKey });
}

async function variantUnderCursor(client: LanguageClient | undefined, document: vscode.TextDocument): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!client?.isRunning() || editor?.document !== document) return undefined;
  try {
    const variant = await client.sendRequest(VariantAtRequest, {
      textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
      position: { line: editor.selection.active.line, character: editor.selection.active.character },
    });
    return variant && !variant.control ? variant.name : undefined;
  } catch {
    return undefined;
  }
}

/** Offers, once per workspace, to keep `.inoculate/` out of git. */
async function offerGitignore(context: vscode.ExtensionContext, root: string): Promise<void> {
  const asked = 'inoculate.gitignoreOffered';
  if (context.workspaceState.get<boolean>(asked)) return;
  const fs = nodeResultsFileSystem;
  const gitignore = vscode.Uri.joinPath(vscode.Uri.file(root), '.gitignore');
  const existing = await fs.readText(gitignore.fsPath);
  const entry = gitignoreEntry();
  if (existing !== undefined && existing.split(/\r?\n/).some((line) => line.trim() === entry || line.trim() === entry.replace(/\/$/, ''))) return;
  if (existing === undefined && !(await fs.exists(vscode.Uri.joinPath(vscode.Uri.file(root), '.git').fsPath))) return;
  await context.workspaceState.update(asked, true);
  const choice = await vscode.window.showInformationMessage(`Inoculate: add ${entry} to .gitignore? It holds check results and cached model answers.`, 'Add', 'Not Now');
  if (choice !== 'Add') return;
  const text = existing === undefined ? `${entry}\n` : `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${entry}\n`;
  await vscode.workspace.fs.writeFile(gitignore, new TextEncoder().encode(text));
}
