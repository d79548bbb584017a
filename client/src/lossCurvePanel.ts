/**
 * The loss-curve panels (host side): one webview panel per run, fed from the run's record (its `metrics` lines) and
 * redrawn when the record changes while the job is followed; restored after a window reload from the webview's state
 * (the run id and its workspace folder). The page is `client/webview/lossCurve.ts`; the policy and the standards are
 * the results view's (strict CSP with a nonce, theme colours, keyboard and screen reader, a data table).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { currentAttempt } from '../../core/src/train/runStore';
import type { TrainingJobs } from './jobsView';
import { PanelPoster } from './panelPoster';
import { elapsedText, safeLine, stateWords, type LocatedRunState } from './train/jobsModel';
import { lossCurveHtml } from './train/lossCurveHtml';
import { parseLossCurveMessage, type LossCurveHostMessage, type LossCurveWebviewState } from './train/lossCurveProtocol';

/** The webview type (also in `activationEvents` as `onWebviewPanel:inoculate.lossCurve`). */
export const LOSS_CURVE_VIEW_TYPE = 'inoculate.lossCurve';

/** What a panel's page reported after drawing (the tests wait on it). */
export interface LossCurveRendered {
  runId: string;
  points: number;
  tableRows: number;
  series: string[];
}

class LossCurvePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private lastSent = '';
  /** An update that arrives after the user closed the panel is dropped, not thrown ("Webview is disposed"). */
  private readonly poster: PanelPoster<LossCurveHostMessage>;

  constructor(
    readonly runId: string,
    readonly workspaceUri: string,
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly jobs: TrainingJobs,
    private readonly onRendered: (event: LossCurveRendered) => void,
  ) {
    this.poster = new PanelPoster<LossCurveHostMessage>(panel);
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = lossCurveHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dist', 'lossCurve.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'lossCurve.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => {
        const message = parseLossCurveMessage(raw);
        if (message?.type === 'ready') {
          this.lastSent = '';
          void this.update();
        } else if (message?.type === 'rendered') {
          this.onRendered({ runId: this.runId, points: message.points, tableRows: message.tableRows, series: message.series });
        }
      }),
      jobs.onDidChange(() => void this.update()),
    );
  }

  /** Sends the run's curve as recorded now (only when something the page shows changed). */
  async update(): Promise<void> {
    const located = this.jobs.find(this.runId, this.workspaceUri);
    const message: LossCurveHostMessage = located ? curveMessage(located) : { type: 'missing', runId: this.runId, reason: `No run ${this.runId} is recorded in this workspace any more.` };
    const text = JSON.stringify(message);
    if (text === this.lastSent || this.poster.disposed) return;
    this.lastSent = text;
    if (located) this.panel.title = `Loss: ${safeLine(located.run.provenance.arm.name, 30)} s${located.run.provenance.seed}`;
    await this.poster.post(message);
  }

  dispose(): void {
    this.poster.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The curve message of a run: its metrics and a line saying where it stands. */
function curveMessage(located: LocatedRunState): LossCurveHostMessage {
  const { run } = located;
  const p = run.provenance;
  const attempt = currentAttempt(run);
  const elapsed = elapsedText(attempt, new Date());
  return {
    type: 'curve',
    runId: run.runId,
    workspaceUri: located.workspaceUri,
    title: `${safeLine(p.arm.kind === 'baseline' ? 'baseline (no inoculation)' : p.arm.name, 100)}, seed ${p.seed}`,
    subtitle: [safeLine(p.inocFile, 200), `${safeLine(p.backend, 40)} ${safeLine(p.baseModel, 80)}`, attempt?.job ? `job ${safeLine(attempt.job.id, 80)}` : '', `${stateWords(run)}${elapsed ? ` (${elapsed})` : ''}`]
      .filter(Boolean)
      .join(' · '),
    points: attempt?.metrics ?? [],
  };
}

/** Every loss-curve panel; restores them after a reload. */
export class LossCurvePanels implements vscode.Disposable {
  private readonly panels = new Map<string, LossCurvePanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<LossCurveRendered>();
  /** Fires when a panel's page has drawn. */
  readonly onDidRender = this.renderedEmitter.event;
  private jobs: TrainingJobs | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      this.renderedEmitter,
      vscode.window.registerWebviewPanelSerializer(LOSS_CURVE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: LossCurveWebviewState | undefined) => {
          if (!this.jobs || typeof state?.runId !== 'string' || typeof state.workspaceUri !== 'string' || !/^[0-9a-f]{16}$/.test(state.runId)) {
            panel.dispose();
            return;
          }
          this.adopt(state.runId, state.workspaceUri, panel);
        },
      }),
    );
  }

  /** The jobs service the panels read runs from (set once it exists). */
  attach(jobs: TrainingJobs): void {
    this.jobs = jobs;
  }

  /** Opens (or reveals) the loss curve of a run. */
  async show(located: LocatedRunState): Promise<void> {
    const key = `${located.workspaceUri}#${located.run.runId}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      await existing.update();
      return;
    }
    const panel = vscode.window.createWebviewPanel(LOSS_CURVE_VIEW_TYPE, 'Loss curve', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    this.adopt(located.run.runId, located.workspaceUri, panel);
  }

  private adopt(runId: string, workspaceUri: string, webviewPanel: vscode.WebviewPanel): void {
    if (!this.jobs) return;
    const key = `${workspaceUri}#${runId}`;
    const panel = new LossCurvePanel(runId, workspaceUri, webviewPanel, this.extensionUri, this.jobs, (event) => this.renderedEmitter.fire(event));
    this.panels.set(key, panel);
    webviewPanel.onDidDispose(() => {
      panel.dispose();
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.panel.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
