/**
 * The Jobs view (activity bar, "Inoculate" → "Jobs") and what keeps it true: the run records of every workspace
 * folder (`.inoculate/runs/<runId>/record.jsonl`, re-read when they change on disk, whoever wrote them), one follower
 * per unfinished job (`followRun`: polls with backoff, records what it sees, stops at a terminal state), re-attached
 * from the records after a window reload, a notification once per job that ends (also for jobs that ended while the
 * window was closed), and the actions on a run: cancel, open logs, copy model id, show provenance, open the loss curve.
 * In an untrusted workspace the view lists the records read-only: nothing is followed (following sends keys to
 * endpoints), cancelled or launched, and the view says why.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { cancelRun, followRun, type TrainingContext } from '../../core/src/train/jobs';
import { trainPaths, type TrainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import { currentAttempt, listRuns, type RunState } from '../../core/src/train/runStore';
import { BackendError, isTerminal, type TrainingBackend } from '../../core/src/train/types';
import { Commands } from '../../core/src/language/commands';
import { RunsChangedNotification } from '../../server/src/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';
import { notificationSafe } from './checkErrors';
import { MANAGE_TRUST_COMMAND } from './restrictedMode';
import { createEditorBackend, identityOfRun } from './train/editorBackend';
import { noticesFor, observeRun, pruneMemory, type JobEnded, type JobNotice, type NoticeMemory } from './train/jobNotifications';
import { findNode, jobsTree, parentOf, runPhase, safeLine, type FollowStatus, type JobNode, type LocatedRunState } from './train/jobsModel';
import { provenanceMarkdown } from './train/provenance';
import { runLogsText, type BackendLog } from './train/runLogs';
import { needsKey, takesKey, trainingKeyFor } from './train/trainingKeys';
import { readTrainClientSettings } from './train/trainSettings';
import type { TrainingDocuments } from './trainingDocuments';
import { commandTargetUri } from './checkLocation';

/** The view's id (contributed in package.json under the `inoculate` view container). */
export const JOBS_VIEW_ID = 'inoculate.jobs';

/** Why nothing is followed, cancelled or launched in an untrusted workspace. */
export const TRAINING_RESTRICTED_REASON =
  'Restricted Mode: training runs are listed from their records only. Following, cancelling and launching jobs talk to endpoints with your API keys (and a command backend runs commands from the file), so they need a trusted workspace.';

const NOTICE_MEMORY_KEY = 'inoculate.jobs.notices';

/** What the Jobs view reads and offers (the launch command and the loss-curve panels use it too). */
export interface JobsDependencies {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  documents: TrainingDocuments;
  client: () => LanguageClient | undefined;
  /** Opens the loss curve of a run. */
  openLossCurve: (run: LocatedRunState) => Promise<void>;
}

/** A follower's state, for the API. */
export interface FollowerInfo {
  runId: string;
  workspaceUri: string;
  status: FollowStatus;
}

const runKey = (workspaceUri: string, runId: string) => `${workspaceUri}#${runId}`;

/** The records, the followers, the tree and the actions. */
export class TrainingJobs implements vscode.TreeDataProvider<JobNode>, vscode.Disposable {
  private runs: LocatedRunState[] = [];
  private nodes: JobNode[] = [];
  private readonly followers = new Map<string, { abort: AbortController; status: FollowStatus; workspaceUri: string; runId: string }>();
  private readonly backends = new Map<string, Promise<TrainingBackend>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly treeChanged = new vscode.EventEmitter<JobNode | undefined>();
  readonly onDidChangeTreeData = this.treeChanged.event;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the records were read again and the tree rebuilt. */
  readonly onDidChange = this.changed.event;
  private readonly notified = new vscode.EventEmitter<JobNotice>();
  /** Fires for every notification shown about a job's end. */
  readonly onDidNotify = this.notified.event;
  readonly notices: JobNotice[] = [];
  private readonly view: vscode.TreeView<JobNode>;
  private readonly viewChanged = new vscode.EventEmitter<void>();
  /** Fires when the view's visibility or selection changes. */
  readonly onDidChangeView = this.viewChanged.event;
  private watchers: vscode.Disposable[] = [];
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  private readonly sessionStart = new Date().toISOString();
  private readonly seenThisSession = new Set<string>();
  private disposed = false;

  constructor(private readonly deps: JobsDependencies) {
    this.view = vscode.window.createTreeView(JOBS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.view.message = vscode.workspace.isTrusted ? undefined : TRAINING_RESTRICTED_REASON;
    deps.documents.setRunRenderer((kind, runId, workspaceUri) => this.renderRunDocument(kind, runId, workspaceUri));
    this.disposables.push(
      this.view,
      this.viewChanged,
      this.view.onDidChangeSelection(() => this.viewChanged.fire()),
      this.view.onDidChangeVisibility(() => this.viewChanged.fire()),
      this.treeChanged,
      this.changed,
      this.notified,
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.scheduleReload(0);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.view.message = undefined;
        this.scheduleReload(0);
      }),
      // A key stored (or cleared) for an endpoint: followers waiting for one start, and backends are rebuilt with it.
      deps.context.secrets.onDidChange(() => {
        this.backends.clear();
        for (const [key, follower] of this.followers) if (follower.status.kind !== 'following') this.followers.delete(key);
        this.scheduleReload(0);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('inoculate.jobs.pollInterval')) this.restartFollowers();
      }),
      vscode.commands.registerCommand(Commands.showJobs, (uri?: unknown, arm?: unknown) => this.showJobs(uri, arm)),
      vscode.commands.registerCommand('inoculate.refreshJobs', () => this.refresh()),
      vscode.commands.registerCommand('inoculate.cancelJob', (target?: unknown, workspace?: unknown) => this.cancel(target, workspace)),
      vscode.commands.registerCommand('inoculate.openJobLogs', (target?: unknown, workspace?: unknown) => this.openDocument('logs', target, workspace)),
      vscode.commands.registerCommand('inoculate.showProvenance', (target?: unknown, workspace?: unknown) => this.openDocument('provenance', target, workspace)),
      vscode.commands.registerCommand('inoculate.copyModelId', (target?: unknown, workspace?: unknown) => this.copyModelId(target, workspace)),
      vscode.commands.registerCommand('inoculate.openLossCurve', async (target?: unknown, workspace?: unknown) => {
        const run = await this.runOf(target, workspace, 'Open the loss curve of which run?', (r) => (currentAttempt(r.run)?.metrics.length ?? 0) > 0);
        if (run) await deps.openLossCurve(run);
      }),
    );
    this.watch();
  }

  /** Reads the records for the first time and re-attaches to unfinished jobs. */
  start(): Promise<void> {
    return this.reload();
  }

  // ---- records ---------------------------------------------------------------------------------------------------

  private watch(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      // The folders themselves too: a watcher may miss files created in a brand-new folder (the first run of a
      // workspace creates `.inoculate/runs/<runId>/record.jsonl` at once), but it reports the folder's creation.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '{.inoculate,.inoculate/runs,.inoculate/runs/**}'));
      const onChange = () => this.scheduleReload(100);
      this.watchers.push(watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onChange), watcher.onDidDelete(onChange));
    }
  }

  private scheduleReload(delayMs: number): void {
    if (this.disposed) return;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, delayMs);
  }

  /** The training paths of a workspace folder. */
  pathsOf(workspaceUri: string): TrainPaths {
    return trainPaths(vscode.Uri.parse(workspaceUri).fsPath);
  }

  /** Reads every record again (one read at a time; a change meanwhile reads once more), then updates everything. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          const found: LocatedRunState[] = [];
          for (const folder of vscode.workspace.workspaceFolders ?? []) {
            if (folder.uri.scheme !== 'file') continue;
            const runs = await listRuns(nodeTrainFileSystem, trainPaths(folder.uri.fsPath)).catch((error: unknown) => {
              this.deps.output.warn(`Could not read the training runs of ${folder.name}: ${error instanceof Error ? error.message : String(error)}`);
              return [] as RunState[];
            });
            const seen = new Set<string>();
            for (const run of runs) {
              // A record whose provenance names another run than its folder (copied, or written to confuse) is
              // skipped: each run is listed, followed and acted on once, under the id it is stored by.
              if (basename(dirname(run.recordPath)) !== run.runId || seen.has(run.runId)) {
                this.deps.output.warn(`Skipped the run record ${run.recordPath}: its provenance names run ${safeLine(run.runId, 40)}.`);
                continue;
              }
              seen.add(run.runId);
              found.push({ workspaceUri: folder.uri.toString(), workspaceName: folder.name, run });
            }
          }
          this.runs = found;
          if (vscode.workspace.isTrusted) {
            await this.announceEnds();
            this.syncFollowers();
          }
          this.rebuild();
        } while (this.reloadAgain && !this.disposed);
      } finally {
        this.reloading = undefined;
      }
      this.deps.documents.refreshRuns();
      // The server's `trained: N runs` lenses read the same records.
      void this.deps.client()?.sendNotification(RunsChangedNotification, { uris: [] }).catch(() => undefined);
      this.changed.fire();
    })();
    return this.reloading;
  }

  private rebuild(): void {
    const follow = new Map<string, FollowStatus>();
    for (const follower of this.followers.values()) follow.set(follower.runId, follower.status);
    this.nodes = jobsTree(this.runs, { now: new Date(), follow, multiRoot: (vscode.workspace.workspaceFolders?.length ?? 0) > 1 });
    this.treeChanged.fire(undefined);
    // Elapsed times of unfinished jobs move on: redraw them now and then while any is unfinished.
    const active = this.runs.some((r) => {
      const state = currentAttempt(r.run)?.status?.state;
      return !!currentAttempt(r.run)?.job && !(state && isTerminal(state));
    });
    if (active && !this.clock) this.clock = setInterval(() => this.rebuild(), 15_000);
    if (!active && this.clock) {
      clearInterval(this.clock);
      this.clock = undefined;
    }
  }

  /** Every run as recorded now. */
  get all(): readonly LocatedRunState[] {
    return this.runs;
  }

  /** The current tree (for the API: the end-to-end tests read it). */
  snapshot(): JobNode[] {
    return this.nodes;
  }

  /** The ids of the selected nodes, and whether the view is visible (for the API). */
  viewState(): { visible: boolean; selection: string[] } {
    return { visible: this.view.visible, selection: this.view.selection.map((n) => n.id) };
  }

  find(runId: string, workspaceUri?: string): LocatedRunState | undefined {
    return this.runs.find((r) => r.run.runId === runId && (workspaceUri === undefined || r.workspaceUri === workspaceUri));
  }

  // ---- notifications ---------------------------------------------------------------------------------------------

  private async announceEnds(): Promise<void> {
    let memory = this.deps.context.workspaceState.get<NoticeMemory>(NOTICE_MEMORY_KEY) ?? {};
    const before = JSON.stringify(memory);
    const ended: JobEnded[] = [];
    for (const located of this.runs) {
      const result = observeRun(memory, this.seenThisSession, located.run, this.sessionStart);
      memory = result.memory;
      if (result.ended) ended.push(result.ended);
    }
    memory = pruneMemory(memory, new Set(this.runs.map((r) => r.run.runId)));
    if (JSON.stringify(memory) !== before) await this.deps.context.workspaceState.update(NOTICE_MEMORY_KEY, memory);
    for (const notice of noticesFor(ended)) this.notify(notice);
  }

  private notify(notice: JobNotice): void {
    this.notices.push(notice);
    this.deps.output.info(notice.message);
    const show = notice.level === 'error' ? vscode.window.showErrorMessage : notice.level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void Promise.resolve(show(notificationSafe(notice.message), ...notice.actions)).then(async (choice) => {
      if (choice === 'Copy Model ID' && notice.runId) await vscode.commands.executeCommand('inoculate.copyModelId', notice.runId);
      else if (choice === 'Show Logs' && notice.runId) await vscode.commands.executeCommand('inoculate.openJobLogs', notice.runId);
      else if (choice === 'Show Jobs') await this.showJobs();
    });
    this.notified.fire(notice);
  }

  // ---- following -------------------------------------------------------------------------------------------------

  /**
   * Starts one follower for each unfinished job that has none (trusted workspaces only), and for a job that
   * succeeded without its model recorded (a follower stopped between the two lines): following it records the model.
   */
  private syncFollowers(): void {
    if (!vscode.workspace.isTrusted || this.disposed) return;
    for (const located of this.runs) {
      const attempt = currentAttempt(located.run);
      const modelMissing = attempt?.status?.state === 'succeeded' && !attempt.result && !attempt.errors.some((e) => e.stage === 'result');
      if (!attempt?.job || (attempt.status && isTerminal(attempt.status.state) && !modelMissing)) continue;
      const key = runKey(located.workspaceUri, located.run.runId);
      if (this.followers.has(key)) continue;
      this.follow(located);
    }
  }

  /** Follows `located` now (the launch calls it for the runs it submitted). */
  follow(located: LocatedRunState): void {
    const key = runKey(located.workspaceUri, located.run.runId);
    if (this.followers.has(key) || !vscode.workspace.isTrusted) return;
    const abort = new AbortController();
    const follower = { abort, status: { kind: 'following' } as FollowStatus, workspaceUri: located.workspaceUri, runId: located.run.runId };
    this.followers.set(key, follower);
    const setStatus = (status: FollowStatus) => {
      follower.status = status;
      if (this.followers.get(key) === follower) this.rebuild();
    };
    void (async () => {
      let backend: TrainingBackend;
      try {
        const found = await this.backendOf(located);
        if ('reason' in found) return setStatus({ kind: 'not-followed', reason: found.reason });
        backend = found.backend;
      } catch (error) {
        return setStatus({ kind: 'not-followed', reason: error instanceof Error ? error.message : String(error) });
      }
      const paths = this.pathsOf(located.workspaceUri);
      const ctx: TrainingContext = { fs: nodeTrainFileSystem, paths };
      const { pollIntervalMs } = readTrainClientSettings(vscode.workspace.getConfiguration('inoculate'));
      this.deps.output.info(`Following ${located.run.runId} (${safeLine(located.run.provenance.arm.name, 60)} seed ${located.run.provenance.seed}) on ${located.run.provenance.backend}`);
      try {
        const outcome = await followRun(ctx, located.run.runId, backend, {
          signal: abort.signal,
          initialIntervalMs: pollIntervalMs,
          maxIntervalMs: Math.max(pollIntervalMs, 60_000),
          onUpdate: () => this.scheduleReload(0),
        });
        if (outcome.reason === 'error') {
          this.deps.output.warn(`Stopped following ${located.run.runId}: ${outcome.message ?? ''}`);
          setStatus({ kind: 'stopped', reason: outcome.message ?? 'the backend refused' });
        } else if (outcome.reason === 'terminal' || outcome.reason === 'no-job') {
          if (this.followers.get(key) === follower) this.followers.delete(key);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        this.deps.output.warn(`Stopped following ${located.run.runId}: ${message}`);
        setStatus({ kind: 'stopped', reason: message });
      }
      this.scheduleReload(0);
    })();
  }

  private restartFollowers(): void {
    for (const follower of this.followers.values()) follower.abort.abort();
    this.followers.clear();
    this.scheduleReload(0);
  }

  /** The followers and their states (for the API). */
  followerInfo(): FollowerInfo[] {
    return [...this.followers.values()].map((f) => ({ runId: f.runId, workspaceUri: f.workspaceUri, status: f.status }));
  }

  /**
   * The backend of a recorded run with its key (secret storage, else the environment where the key policy allows),
   * or why it cannot be used. One backend per (workspace, backend, target), shared by the runs that use it.
   */
  async backendOf(located: LocatedRunState): Promise<{ backend: TrainingBackend } | { reason: string }> {
    const identity = identityOfRun(located.run, process.env);
    const key = await trainingKeyFor(this.deps.context.secrets, identity, process.env);
    if (takesKey(identity) && !key.key && needsKey(identity)) {
      return { reason: `no API key for ${identity.target}: store one with "Inoculate: Set API Key"${identity.keyEnv ? ` (or set ${identity.keyEnv})` : ''}` };
    }
    const cacheKey = `${located.workspaceUri} ${identity.id} ${identity.target}`;
    let backend = this.backends.get(cacheKey);
    if (!backend) {
      const p = located.run.provenance;
      backend = createEditorBackend(identity, {
        paths: this.pathsOf(located.workspaceUri),
        apiKey: key.key,
        env: process.env,
        baseDir: vscode.Uri.joinPath(vscode.Uri.parse(located.workspaceUri), ...p.inocFile.split('/'), '..').fsPath,
        workspaceTrusted: vscode.workspace.isTrusted,
      });
      this.backends.set(cacheKey, backend);
      backend.catch(() => this.backends.delete(cacheKey));
    }
    return { backend: await backend };
  }

  // ---- commands --------------------------------------------------------------------------------------------------

  getTreeItem(node: JobNode): vscode.TreeItem {
    const state = node.collapsed === 'none' ? vscode.TreeItemCollapsibleState.None : node.collapsed === 'expanded' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.contextValue;
    item.accessibilityInformation = { label: `${node.label}${node.description ? `, ${node.description}` : ''}` };
    if (node.command) item.command = node.command;
    return item;
  }

  getChildren(node?: JobNode): JobNode[] {
    return node ? (findNode(this.nodes, node.id)?.children ?? node.children) : this.nodes;
  }

  getParent(node: JobNode): JobNode | undefined {
    return parentOf(this.nodes, node.id);
  }

  /** Reveals the Jobs view, at a file's (or one of its arms') runs when given. */
  async showJobs(uriArg?: unknown, armArg?: unknown): Promise<void> {
    await vscode.commands.executeCommand(`${JOBS_VIEW_ID}.focus`);
    const uri = commandTargetUri(uriArg, false);
    if (!uri) return;
    if (this.reloading) await this.reloading;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const inocFile = folder ? vscode.workspace.asRelativePath(uri, false) : undefined;
    const fileNode = this.nodes.find((n) => n.file?.workspaceUri === folder?.uri.toString() && n.file?.inocFile === inocFile);
    if (!fileNode) return;
    const armNode = typeof armArg === 'string' ? fileNode.children.find((n) => n.file?.arm === armArg) : undefined;
    await this.view.reveal(armNode ?? fileNode, { select: true, focus: true, expand: true });
  }

  /** Reads the records again and restarts followers that stopped (e.g. after a refused key). */
  async refresh(): Promise<void> {
    for (const [key, follower] of this.followers) if (follower.status.kind !== 'following') this.followers.delete(key);
    this.backends.clear();
    await this.reload();
  }

  /** The run a command is about: a tree node, a run id (and workspace), or one picked from a list. */
  private async runOf(target: unknown, workspace: unknown, placeHolder: string, filter: (run: LocatedRunState) => boolean = () => true): Promise<LocatedRunState | undefined> {
    if (this.reloading) await this.reloading;
    const workspaceUri = typeof workspace === 'string' ? workspace : undefined;
    if (target && typeof target === 'object' && typeof (target as JobNode).runId === 'string') {
      const node = target as JobNode;
      return this.find(node.runId!, node.file?.workspaceUri ?? workspaceUri);
    }
    if (typeof target === 'string') {
      const found = this.find(target, workspaceUri);
      if (!found) void vscode.window.showErrorMessage(`Inoculate: no training run ${safeLine(target, 40)} is recorded in this workspace.`);
      return found;
    }
    const candidates = this.runs.filter(filter);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('Inoculate: no training run fits. Launch one with "Inoculate: Launch Training".');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((r) => ({
        label: `${safeLine(r.run.provenance.arm.name, 60)} · seed ${r.run.provenance.seed}`,
        description: `${runPhase(r.run)} · ${r.run.runId}`,
        detail: safeLine(r.run.provenance.inocFile, 200),
        located: r,
      })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.located;
  }

  /** Copies a run's model id to the clipboard; returns it (undefined when the run has no model yet). */
  private async copyModelId(target: unknown, workspace: unknown): Promise<string | undefined> {
    const located = await this.runOf(target, workspace, 'Copy the model id of which run?', (r) => !!currentAttempt(r.run)?.result);
    if (!located) return undefined;
    const model = currentAttempt(located.run)?.result?.modelId;
    if (!model) {
      void vscode.window.showInformationMessage(`Inoculate: run ${located.run.runId} has no trained model yet (${runPhase(located.run)}).`);
      return undefined;
    }
    await vscode.env.clipboard.writeText(model);
    void vscode.window.showInformationMessage(notificationSafe(`Inoculate: copied ${safeLine(model, 200)}`));
    return model;
  }

  /** Opens a run's provenance or logs (read-only documents that follow its record). */
  private async openDocument(kind: 'provenance' | 'logs', target: unknown, workspace: unknown): Promise<vscode.Uri | undefined> {
    const located = await this.runOf(target, workspace, kind === 'logs' ? 'Open the logs of which run?' : 'Show the provenance of which run?');
    if (!located) return undefined;
    const uri = this.deps.documents.runUri(kind, located.run.runId, located.workspaceUri);
    if (kind === 'logs') this.fetchedLogs.delete(runKey(located.workspaceUri, located.run.runId));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return uri;
  }

  /** The backend's log read when the logs document was opened, per run (read again when it is opened again). */
  private readonly fetchedLogs = new Map<string, Promise<BackendLog>>();

  private async renderRunDocument(kind: 'provenance' | 'logs', runId: string, workspaceUri: string | undefined): Promise<string | undefined> {
    if (this.reloading) await this.reloading;
    const located = this.find(runId, workspaceUri);
    if (!located) return undefined;
    const local = (iso: string) => {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : `${date.toLocaleString()} (${iso})`;
    };
    if (kind === 'provenance') return provenanceMarkdown(located.run, local);
    const key = runKey(located.workspaceUri, runId);
    let log = this.fetchedLogs.get(key);
    if (!log) {
      log = this.readBackendLog(located);
      this.fetchedLogs.set(key, log);
    }
    return runLogsText(located.run, await log);
  }

  private async readBackendLog(located: LocatedRunState): Promise<BackendLog> {
    const job = currentAttempt(located.run)?.job;
    if (!job) return { kind: 'not-asked', reason: 'no job was submitted' };
    if (!vscode.workspace.isTrusted) return { kind: 'not-asked', reason: 'the workspace is not trusted' };
    try {
      const found = await this.backendOf(located);
      if ('reason' in found) return { kind: 'failed', reason: found.reason };
      return { kind: 'read', text: await found.backend.logs(job, AbortSignal.timeout(30_000)) };
    } catch (error) {
      return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Cancels a run's job after asking (unless the user switched confirmations off); returns what happened. */
  private async cancel(target: unknown, workspace: unknown): Promise<'requested' | 'already-ended' | 'no-job' | undefined> {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showErrorMessage(`Inoculate: ${TRAINING_RESTRICTED_REASON}`, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
      return undefined;
    }
    const located = await this.runOf(target, workspace, 'Cancel which job?', (r) => {
      const a = currentAttempt(r.run);
      return !!a?.job && !(a.status && isTerminal(a.status.state));
    });
    if (!located) return undefined;
    const p = located.run.provenance;
    const job = currentAttempt(located.run)?.job;
    const what = `${safeLine(p.arm.name, 60)} seed ${p.seed} (${job ? safeLine(job.id, 80) : 'no job'})`;
    if (readTrainClientSettings(vscode.workspace.getConfiguration('inoculate')).confirm) {
      const go = await vscode.window.showWarningMessage(
        notificationSafe(`Cancel the training job of ${what}?`),
        { modal: true, detail: `The backend (${p.backend} at ${p.target}) is asked to stop it; what it trained so far is lost, and a new launch of the same run needs --force (a new attempt).` },
        'Cancel Job',
      );
      if (go !== 'Cancel Job') return undefined;
    }
    const found = await this.backendOf(located).catch((error: unknown) => ({ reason: error instanceof Error ? error.message : String(error) }));
    if ('reason' in found) {
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: could not cancel ${what}: ${found.reason}`));
      return undefined;
    }
    // The run's follower stops first: it polls on its own schedule from what it last saw, and after the cancellation
    // (recorded by cancelRun's own poll) it must not record anything older. A new one starts if the job goes on.
    const key = runKey(located.workspaceUri, located.run.runId);
    this.followers.get(key)?.abort.abort();
    this.followers.delete(key);
    try {
      const outcome = await cancelRun({ fs: nodeTrainFileSystem, paths: this.pathsOf(located.workspaceUri) }, located.run.runId, found.backend);
      const text =
        outcome.action === 'requested'
          ? `cancellation of ${what} requested; the Jobs view shows when the backend has stopped it.`
          : outcome.action === 'already-ended'
            ? `${what} had already ended; nothing to cancel.`
            : `${what} has no job; nothing to cancel.`;
      this.deps.output.info(`Cancel ${located.run.runId}: ${outcome.action}`);
      void vscode.window.showInformationMessage(notificationSafe(`Inoculate: ${text}`));
      await this.reload();
      return outcome.action;
    } catch (error) {
      const message = error instanceof BackendError || error instanceof Error ? error.message : String(error);
      this.deps.output.error(`Could not cancel ${located.run.runId}: ${message}`);
      void vscode.window.showErrorMessage(notificationSafe(`Inoculate: could not cancel ${what}: ${safeLine(message, 300)}`), 'Show Output').then((c) => (c ? this.deps.output.show(true) : undefined));
      return undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    if (this.clock) clearInterval(this.clock);
    for (const follower of this.followers.values()) follower.abort.abort();
    this.followers.clear();
    for (const watcher of this.watchers) watcher.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
