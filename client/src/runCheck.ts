/**
 * "Inoculate: Run Elicitation Check" (`inoculate.runCheck [uri?, variant?]`): the variant under the cursor (or the
 * one given, or all), with the dry-run numbers to confirm before anything is sent, a cancellable progress
 * notification (finished samples are kept; "Inoculate: Cancel Check" and the status bar item cancel too), results
 * under `.inoculate/` in the workspace folder, then the server and the results view are told. Errors speak of the
 * editor's settings and offer the action that fixes them. Refused in an untrusted workspace.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Arm } from '../../core/src/check/arms';
import { ResponseCache } from '../../core/src/check/cache';
import { runCheck, type CheckOutcome } from '../../core/src/check/engine';
import { formatPercent } from '../../core/src/check/formatMeasurement';
import { createGrader } from '../../core/src/check/graders/index';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { planCheck } from '../../core/src/check/plan';
import { isOpenAIEndpoint, normalizeBaseUrl, OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from '../../core/src/check/providers/openai';
import type { ModelProvider } from '../../core/src/check/providers/types';
import { CheckSetupError, prepareCheck, type PreparedCheck } from '../../core/src/check/setup';
import { analyzeFrontmatter } from '../../core/src/format/config';
import { parseInocDocument } from '../../core/src/format/parse';
import { analyzePrompt } from '../../core/src/scoring/score';
import { MeasurementsChangedNotification, VariantAtRequest } from '../../server/src/protocol';
import type { EndpointSource as KeyPolicySource } from '../../core/src/check/keyPolicy';
import { apiKeyFor, apiKeyWithKind, endpointOrigin, keyAfterOffer, type KeyDecision, type KeyKind } from './apiKeyStore';
import { offerKeyAfterRefusal } from './apiKeys';
import { checkConfirmation, graderCalls } from './checkConfirmation';
import { editorCheckError, editorWording, notificationSafe, type CheckErrorContext, type CheckErrorFacts, type EndpointSource } from './checkErrors';
import { commandTargetUri, resultPathsOf, workspaceRootOf } from './checkLocation';
import { CANCEL_CHECK_COMMAND, type CheckRuns } from './checkRuns';
import { keyAfterRefusal, keyRefusalNotice } from './keyRefusal';
import { consentKey, readScopedCheckSettings, settingSources, workspaceConsentText, workspaceSettingsNeedingConsent } from './checkSettings';
import { probeConnection } from './connectionProbe';
import { offerGitignore } from './gitignore';
import { LANGUAGE_ID } from './languageClient';
import { retryLine, runEndLines } from './outputLines';
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
  /** Reloads the results view of `uri` if one is open. */
  refreshResults: (uri: vscode.Uri) => Promise<unknown>;
  /** The running check: its status bar item and "Cancel Check". */
  runs: CheckRuns;
}

export function registerRunCheck(deps: RunCheckDependencies): vscode.Disposable {
  // Set from the command's start (before the check itself runs: saving, preparing, confirming) to its end.
  let busy = false;
  return vscode.commands.registerCommand(RUN_CHECK_COMMAND, async (uriArg?: unknown, variantArg?: unknown): Promise<RunCheckResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showErrorMessage(
        'Inoculate: elicitation checks are disabled in an untrusted workspace: they send your prompts and data to a model endpoint and may run model-written code. Trust the workspace to run them.',
        'Manage Workspace Trust',
      );
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const running = deps.runs.running;
    if (running || busy) {
      void vscode.window
        .showWarningMessage(`Inoculate: a check${running ? ` of ${running.file}` : ''} is already running; wait for it or cancel it first.`, 'Cancel Check')
        .then((choice) => (choice ? vscode.commands.executeCommand(CANCEL_CHECK_COMMAND) : undefined));
      return undefined;
    }
    busy = true;
    try {
      return await runCheckCommand(deps, uriArg, variantArg);
    } finally {
      busy = false;
    }
  });
}

/** The endpoint to sample, the key it gets and the key policy's decision; undefined when the user must act first. */
interface Endpoint {
  provider: ModelProvider;
  source: EndpointSource;
  key: KeyKind;
  decision: KeyDecision;
}

async function runCheckCommand(deps: RunCheckDependencies, uriArg: unknown, variantArg: unknown): Promise<RunCheckResult | undefined> {
  const uri = commandTargetUri(uriArg);
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
  const scoped = readScopedCheckSettings(vscode.workspace.getConfiguration('inoculate', uri));
  const settings = scoped.settings;
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
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: cannot check: ${editorWording(error.message)}`));
      return undefined;
    }
    throw error;
  }

  const sources = settingSources(scoped);
  const endpoint = await endpointFor(deps, check, isVscodeLm, sources.baseUrl === 'workspace' ? 'workspace-setting' : sources.baseUrl === 'user' ? 'user-setting' : undefined, sources.model);
  if (!endpoint) return undefined;
  const { provider } = endpoint;
  // A judge or moderation grader may use another endpoint, named by the file: its key is looked up now (the engine
  // asks synchronously), and the key policy decides as for any endpoint a file names.
  const graderUrl = typeof check.grader.baseUrl === 'string' ? normalizeBaseUrl(check.grader.baseUrl) : undefined;
  const graderKey = graderUrl ? await apiKeyFor(deps.context.secrets, graderUrl, process.env, 'file').catch(() => undefined) : undefined;
  const paths = await resultPathsOf(uri);
  const endpointShown = provider.baseUrl ?? 'VS Code language models';
  const maxResponseBytes = check.sampling.maxResponseBytes;

  // The key policy says when a key would go to an endpoint or model that the workspace's settings chose: ask first.
  const consentSettings = workspaceSettingsNeedingConsent(scoped, endpoint.decision);
  const consentMemory = consentKey(endpointShown, check.model, endpoint.key);
  const needsConsent = consentSettings.length > 0 && !deps.context.workspaceState.get<boolean>(consentMemory);
  if (settings.confirm || needsConsent) {
    const cache = await ResponseCache.open(fs, paths.cache);
    let plan;
    try {
      plan = await planCheck(check, provider.baseUrl ?? provider.id, provider.id, cache);
    } finally {
      await cache.close();
    }
    const armNames = check.arms.map((arm) => arm.name + (arm.control ? ' (control)' : ''));
    const text = checkConfirmation(paths.relativeFile, armNames, check.model, endpointShown, plan, {
      grader: graderCalls(check.grader, provider.baseUrl),
      workspace: needsConsent ? workspaceConsentText(consentSettings, endpointShown, check.model, endpoint.key) : undefined,
    });
    const go = await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, 'Run Check');
    if (go !== 'Run Check') return undefined;
    if (needsConsent) await deps.context.workspaceState.update(consentMemory, true);
  }

  const behavior = check.config.behavior;
  const predict = (arm: Arm) =>
    behavior && arm.instruction ? analyzePrompt(arm.instruction, { behavior, description: check.config.description, keywords: check.config.keywords }).score : null;
  deps.output.info(`Checking ${paths.relativeFile}: ${check.arms.length} arms × ${check.samplesPerArm} samples on ${check.model} at ${endpointShown}`);
  const started = Date.now();
  const handle = deps.runs.start(uri, paths.relativeFile, check.arms.length * check.samplesPerArm);
  const outcome = await Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Inoculate: checking ${paths.relativeFile}`, cancellable: true },
      async (progress, token) => {
        const subscription = token.onCancellationRequested(() => handle.cancel());
        let reported = 0;
        try {
          return await runCheck({
            check,
            provider,
            providerFor: (url) => new OpenAIProvider({ baseUrl: url, apiKey: url === graderUrl ? graderKey : undefined, maxResponseBytes }),
            grader: (environment) => createGrader(check.grader, environment),
            fs,
            paths,
            workspaceTrusted: vscode.workspace.isTrusted,
            requireSandbox: settings.requireSandbox,
            signal: handle.signal,
            predict,
            onProgress: (p) => {
              handle.progress(p);
              const increment = ((p.done - reported) / Math.max(1, p.total)) * 100;
              reported = p.done;
              progress.report({ increment, message: `${p.done}/${p.total} samples (${p.cached} cached${p.failed ? `, ${p.failed} failed` : ''})` });
            },
            onRetry: (notice) => deps.output.warn(retryLine(notice)),
            warn: (message) => deps.output.warn(editorWording(message)),
          });
        } finally {
          subscription.dispose();
        }
      },
    ),
  )
    .then(
      (value) => value,
      (error: unknown) => {
        const message = editorWording(error instanceof Error ? error.message : String(error));
        deps.output.error(`Check of ${paths.relativeFile} could not run: ${message}`);
        void vscode.window.showErrorMessage(notificationSafe(`Inoculate: the check could not run: ${message}`), 'Show Output').then((choice) => (choice ? deps.output.show(true) : undefined));
        return undefined;
      },
    )
    .finally(() => handle.finish());
  if (!outcome) return undefined;
  for (const line of runEndLines(paths.relativeFile, outcome, Date.now() - started)) deps.output.info(line);
  const errorContext: CheckErrorContext = {
    endpoint: endpointShown,
    source: endpoint.source,
    model: check.model,
    modelSource: settings.model !== null ? 'setting' : 'file',
    key: endpoint.key,
  };
  await report(deps, uri, variant, outcome, paths.relativeFile, errorContext);
  if (outcome.summaryWritten) {
    await deps.client()?.sendNotification(MeasurementsChangedNotification, { uris: [deps.client()!.code2ProtocolConverter.asUri(uri)] }).catch(() => undefined);
    await deps.showResults(uri);
    void offerGitignore(deps.context, root);
  } else {
    // Nothing graded: an open view says what became of this run, above the earlier results it keeps showing.
    await deps.refreshResults(uri);
  }
  return { outcome, summaryPath: paths.summary };
}

/** Tells the user how the run ended; an error says what to do and offers the action that does it. */
async function report(deps: RunCheckDependencies, uri: vscode.Uri, variant: string | undefined, outcome: CheckOutcome, file: string, context: CheckErrorContext): Promise<void> {
  const { counts } = outcome;
  const showOutput = (choice: string | undefined) => (choice === 'Show Output' ? deps.output.show(true) : undefined);
  if (outcome.cancelled) {
    void vscode.window.showInformationMessage(
      `Inoculate: check of ${file} cancelled; ${counts.graded + counts.failed} of ${counts.total} samples finished and kept. Run it again to finish: only the missing samples are requested.`,
    );
  } else if (outcome.fatal) {
    await showCheckError(deps, uri, variant, file, outcome.fatal, context);
  } else if (counts.failed > 0) {
    void vscode.window
      .showWarningMessage(
        notificationSafe(
          `Inoculate: ${counts.failed} of ${counts.total} samples of ${file} could not be obtained or graded; the first: ${editorWording(outcome.firstFailure ?? 'unknown')}. Run again to retry them.`,
        ),
        'Show Output',
      )
      .then(showOutput);
  } else {
    const lines = outcome.summary.arms.map((arm) => `${arm.name} ${formatPercent(arm.rate)}`).join(', ');
    void vscode.window.showInformationMessage(`Inoculate: checked ${file}: ${lines}.`);
  }
}

/** A check that stopped: the editor's words (a refused connection probed), the whole story in the Output, actions. */
async function showCheckError(deps: RunCheckDependencies, uri: vscode.Uri, variant: string | undefined, file: string, error: CheckErrorFacts, context: CheckErrorContext): Promise<void> {
  const target = /\bhttps?:\/\/[^\s()'"`]+/.exec(error.message)?.[0] ?? context.endpoint;
  const reachability = error.kind === 'network' ? await probeConnection(target.replace(/[.,:;]+$/, '')) : undefined;
  const shown = editorCheckError(error, { ...context, reachability });
  deps.output.error(`Check of ${file} stopped: ${shown.message}`);
  if (shown.message !== error.message) deps.output.error(`  (the engine said: ${error.message})`);
  void vscode.window.showErrorMessage(notificationSafe(`Inoculate: the check of ${file} stopped. ${shown.message}`), ...shown.actions).then(async (choice) => {
    switch (choice) {
      case 'Show Output':
        deps.output.show(true);
        break;
      case 'Open Settings':
        await vscode.commands.executeCommand('workbench.action.openSettings', shown.setting ?? 'inoculate.check');
        break;
      case 'Open File':
        await vscode.window.showTextDocument(uri);
        break;
      case 'Set API Key':
        // With the key stored, the check goes on where it stopped (finished samples are cached).
        if (await vscode.commands.executeCommand<boolean>('inoculate.setApiKey', shown.endpoint ?? context.endpoint)) {
          await vscode.commands.executeCommand(RUN_CHECK_COMMAND, uri.toString(), variant);
        }
        break;
    }
  });
}

/**
 * The endpoint to sample, with its key as the core's key policy decides (core/src/check/keyPolicy.ts): the one stored
 * for it, else OPENAI_API_KEY where the policy allows it. When the policy withholds OPENAI_API_KEY (an endpoint that
 * only the file or the workspace's settings name), says why and offers to choose the endpoint in the user's settings
 * or to store a key for it; when OpenAI's endpoint has no key, offers "Set API Key". The check goes on once a key
 * is stored. Undefined when the user must act.
 */
async function endpointFor(
  deps: RunCheckDependencies,
  check: PreparedCheck,
  isVscodeLm: boolean,
  settingSource: EndpointSource | undefined,
  modelSource: KeyPolicySource | undefined,
): Promise<Endpoint | undefined> {
  const noKey: KeyDecision = { kind: 'none', needsConsent: false };
  if (isVscodeLm) return { provider: new VscodeLmProvider({ maxResponseBytes: check.sampling.maxResponseBytes }), source: 'file', key: 'none', decision: noKey };
  const fromEnvironment = process.env.OPENAI_BASE_URL?.trim();
  const baseUrl = normalizeBaseUrl(check.baseUrl ?? fromEnvironment ?? OPENAI_DEFAULT_BASE_URL);
  const source: EndpointSource = settingSource ?? (check.config.baseUrl !== undefined ? 'file' : fromEnvironment ? 'environment' : 'default');
  const policy: KeyPolicySource = source === 'file' ? 'file' : source === 'workspace-setting' ? 'workspace' : 'user';
  const where = source === 'file' ? `${vscode.workspace.asRelativePath(check.inocPath)}'s \`baseUrl:\`` : undefined;
  const lookup = () => apiKeyWithKind(deps.context.secrets, baseUrl, process.env, { source: policy, modelSource, where });
  try {
    endpointOrigin(baseUrl);
  } catch {
    void vscode.window.showErrorMessage(`Inoculate: '${baseUrl}' is not an http(s) endpoint: check the file's \`baseUrl\` or the setting inoculate.check.baseUrl.`);
    return undefined;
  }
  // OPENAI_API_KEY withheld by the policy: said why (Output, notification), and the check goes on only once a key is stored.
  if (!(await keyAfterRefusal(lookup, (refusal) => offerKeyAfterRefusal(deps.output, baseUrl, keyRefusalNotice(refusal, 'check'))))) return undefined;
  const offerToSet = async (message: string): Promise<boolean> => {
    const choice = await vscode.window.showErrorMessage(notificationSafe(message), 'Set API Key');
    return choice === 'Set API Key' && (await vscode.commands.executeCommand<boolean>('inoculate.setApiKey', baseUrl)) === true;
  };
  const found = await keyAfterOffer(lookup, isOpenAIEndpoint(baseUrl), () =>
    offerToSet(`Inoculate: no API key for ${baseUrl}. Set one (it is kept in the editor's secret storage) and the check goes on, or point the check at a local endpoint.`),
  );
  if (!found || found.refused) return undefined;
  const { key: apiKey, ...decision } = found;
  return { provider: new OpenAIProvider({ baseUrl, apiKey, maxResponseBytes: check.sampling.maxResponseBytes }), source, key: found.kind, decision };
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
