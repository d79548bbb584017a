/** The extension's entry point: wires each feature (one module each) to VS Code. */
import * as vscode from 'vscode';
import type { EvalProgress } from '../../core/src/eval/engine';
import { registerApiKeyCommands } from './apiKeys';
import { CheckRuns, type CheckStatusSnapshot, type RunningCheck } from './checkRuns';
import { ComparisonPanels, type ComparisonRendered } from './comparisonPanel';
import { registerEvaluate } from './evaluate';
import { registerExplainScore } from './explainScore';
import { registerGitignoreCommand } from './gitignore';
import { TrainingJobs, type FollowerInfo } from './jobsView';
import { registerLaunchTraining } from './launchTraining';
import { LossCurvePanels, type LossCurveRendered } from './lossCurvePanel';
import type { JobNode } from './train/jobsModel';
import type { JobNotice } from './train/jobNotifications';
import { TrainingDocuments } from './trainingDocuments';
import { InoculateLanguageClient } from './languageClient';
import { registerNewFile } from './newFile';
import { registerRestrictedModeLens } from './restrictedMode';
import { ResultsPanels, type ResultsRendered } from './resultsPanel';
import { registerRunCheck } from './runCheck';
import { registerStarterDataset } from './starterDataset';
import { ScoreStatusBar, type StatusBarSnapshot } from './statusBar';
import { registerTrustNotifications } from './trust';

/** What `activate` returns: other extensions and the end-to-end tests read state through it. */
export interface InoculateApi {
  /** The language server connection (its state, its process id, restart). */
  readonly server: InoculateLanguageClient;
  /** What the status bar item shows now. */
  statusBar(): StatusBarSnapshot;
  /** Fires after every status bar update. */
  readonly onDidUpdateStatusBar: vscode.Event<StatusBarSnapshot>;
  /** The results views: fires when a view has drawn; `panelOf` finds the open view of a file. */
  readonly results: Pick<ResultsPanels, 'onDidRender' | 'panelOf'>;
  /** The running check (if any), its status bar item, and an event on every change. */
  readonly checks: {
    running(): RunningCheck | undefined;
    status(): CheckStatusSnapshot;
    readonly onDidChange: vscode.Event<RunningCheck | undefined>;
  };
  /** Training: the Jobs view's tree as data, its followers, the notifications about ended jobs, the loss curves. */
  readonly jobs: {
    tree(): JobNode[];
    /** Whether the Jobs view is visible, and the ids of its selected nodes. */
    view(): { visible: boolean; selection: string[] };
    readonly onDidChangeView: vscode.Event<void>;
    /** Fires after the run records were read again (and the tree rebuilt). */
    readonly onDidChange: vscode.Event<void>;
    followers(): FollowerInfo[];
    /** Every notification shown about a job's end, oldest first. */
    notices(): readonly JobNotice[];
    readonly onDidNotify: vscode.Event<JobNotice>;
    /** Reads the records again now. */
    reload(): Promise<void>;
    readonly lossCurves: Pick<LossCurvePanels, 'onDidRender'>;
  };
  /** Evaluations: the comparison views (fires when a view has drawn; `panelOf` finds the open view of a file). */
  readonly comparisons: Pick<ComparisonPanels, 'onDidRender' | 'panelOf'>;
  /** Fires at every progress step of a running evaluation. */
  readonly onDidProgressEvaluation: vscode.Event<EvalProgress>;
  /** Fires with each status line of a batch evaluation's jobs (`batch <id> <status> (<endpoint>)`). */
  readonly onDidReportBatchStatus: vscode.Event<string>;
}

export type { CheckStatusSnapshot, ComparisonRendered, FollowerInfo, JobNode, JobNotice, LossCurveRendered, ResultsRendered, RunningCheck };

let activeServer: InoculateLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<InoculateApi> {
  const output = vscode.window.createOutputChannel('Inoculate', { log: true });
  const server = new InoculateLanguageClient(context, output);
  activeServer = server;
  const client = () => server.languageClient;
  const statusBar = new ScoreStatusBar(client);
  const results = new ResultsPanels(context.extensionUri);
  const runs = new CheckRuns();
  const documents = new TrainingDocuments();
  const lossCurves = new LossCurvePanels(context.extensionUri);
  const jobs = new TrainingJobs({ context, output, documents, client, openLossCurve: (run) => lossCurves.show(run) });
  lossCurves.attach(jobs);
  const comparisons = new ComparisonPanels(context.extensionUri);
  const evaluationProgress = new vscode.EventEmitter<EvalProgress>();
  const batchStatus = new vscode.EventEmitter<string>();
  context.subscriptions.push(
    comparisons,
    evaluationProgress,
    batchStatus,
    registerEvaluate({ context, output, client, showComparison: (uri) => comparisons.show(uri), onProgress: (p) => evaluationProgress.fire(p), onBatchStatus: (line) => batchStatus.fire(line) }),
    documents,
    lossCurves,
    jobs,
    registerLaunchTraining({ context, output, documents, jobs }),
    results,
    runs,
    registerRunCheck({ context, client, output, runs, showResults: (uri) => results.show(uri), refreshResults: (uri) => results.refresh(uri) }),
    registerApiKeyCommands(context.secrets),
    registerGitignoreCommand(),
    registerStarterDataset(),
    registerRestrictedModeLens(),
    output,
    server,
    statusBar,
    server.onDidChangeState(() => statusBar.refresh()),
    registerExplainScore(client),
    registerNewFile(),
    registerTrustNotifications(client),
    vscode.commands.registerCommand('inoculate.restartServer', () => server.restart()),
    vscode.commands.registerCommand('inoculate.showOutput', () => output.show()),
  );
  // Re-attach to unfinished jobs from their records (after a window reload too); never blocks the activation.
  void jobs.start().catch((error: unknown) => output.error(`Could not read the training runs: ${error instanceof Error ? error.message : String(error)}`));
  try {
    await server.start();
  } catch (error) {
    // start() reports its own failures; anything else here is a bug worth surfacing, not a silent dead extension.
    const message = `Inoculate failed to activate: ${error instanceof Error ? error.message : String(error)}`;
    output.error(message);
    void server.showFailure(message);
  }
  return {
    server,
    statusBar: () => statusBar.current,
    onDidUpdateStatusBar: statusBar.onDidUpdate,
    results,
    checks: { running: () => runs.running, status: () => runs.status, onDidChange: runs.onDidChange },
    jobs: {
      tree: () => jobs.snapshot(),
      view: () => jobs.viewState(),
      onDidChangeView: jobs.onDidChangeView,
      onDidChange: jobs.onDidChange,
      followers: () => jobs.followerInfo(),
      notices: () => jobs.notices,
      onDidNotify: jobs.onDidNotify,
      reload: () => jobs.reload(),
      lossCurves,
    },
    comparisons,
    onDidProgressEvaluation: evaluationProgress.event,
    onDidReportBatchStatus: batchStatus.event,
  };
}

/** Stops the language server cleanly (shutdown, then exit) before the extension host goes away. */
export function deactivate(): Promise<void> | undefined {
  const server = activeServer;
  activeServer = undefined;
  return server?.stop();
}
