/**
 * The comparison view of a file's latest evaluation (host side): one webview panel per `.inoc` file, fed from
 * `evals/<slug>/summary.json` and its records. It posts the table, core's SVG charts and the words behind them; pages
 * the sample browser per model and condition; stores hand labels (agree/disagree) with core/src/eval/labels.ts and
 * recomputes the judge agreement shown beside the rates; exports CSV/JSON and saves the report (core/src/eval/report)
 * through a save dialog; restores panels after a reload. The page is `client/webview/comparison.ts`.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { labelledGraders } from '../../core/src/eval/engine';
import { evalJson } from '../../core/src/eval/json';
import { appendLabel, graderAgreement, latestLabels, readLabels, type SampleLabel } from '../../core/src/eval/labels';
import { evalResultPaths, type EvalResultPaths } from '../../core/src/eval/layout';
import { readEvalRecords, type EvalSampleRecord } from '../../core/src/eval/records';
import { renderHtmlReport } from '../../core/src/eval/report/html';
import { renderMarkdownReport } from '../../core/src/eval/report/markdown';
import { evalSummaryOrigin, readEvalSummary } from '../../core/src/eval/store';
import type { EvalSummary } from '../../core/src/eval/summary';
import { userProvenance } from '../../core/src/node/userKey';
import { commandTargetUri, workspaceRootOf } from './checkLocation';
import { PanelPoster } from './panelPoster';
import { comparisonHtml } from './eval/comparisonHtml';
import {
  parseComparisonMessage,
  SAMPLE_PAGE_SIZE,
  type ComparisonExport,
  type ComparisonHostMessage,
  type ComparisonWebviewState,
  type EvalSampleView,
  type ReportFormat,
} from './eval/comparisonProtocol';
import { comparisonCsv, comparisonRows } from './eval/comparisonRows';
import { agreementViews, comparisonMessage } from './eval/comparisonView';
import { recordCellKey } from './eval/sampleCells';

/** The webview type (also in `activationEvents` as `onWebviewPanel:inoculate.comparison`). */
export const COMPARISON_VIEW_TYPE = 'inoculate.comparison';
/** The command that opens the view (args: `[uri?]`). */
export const SHOW_COMPARISON_COMMAND = 'inoculate.showComparison';

/** What a panel's page reported after drawing (the end-to-end tests wait on it). */
export interface ComparisonRendered {
  uri: string;
  models: string[];
  rows: number;
  charts: number;
  samplesShown: number;
  agreement: string[];
}

/** What the extension API offers of an open comparison view. */
export interface ComparisonPanelApi {
  /** "Export" after its save dialog: writes to `target`; false when nothing is loaded. */
  exportTo(format: ComparisonExport, target: vscode.Uri): Promise<boolean>;
  /** "Save report" after its save dialog. */
  reportTo(format: ReportFormat, target: vscode.Uri): Promise<boolean>;
  /** A message as the page sends it (the same parsing and handling as the page's own). */
  receive(message: unknown): Promise<void>;
  /** The record ids of a cell's samples, in the browser's order. */
  recordIds(cell: string): string[];
}

const localTime = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

/** Who labels: the operating system's user name (a person can be told apart from another on a shared project). */
function labeller(): string {
  try {
    return userInfo().username.slice(0, 200) || 'editor';
  } catch {
    return 'editor';
  }
}

interface Loaded {
  summary: EvalSummary;
  paths: EvalResultPaths;
  /** The run's graded samples per cell key, in item and sample order (the last record of each sample wins). */
  records: Map<string, EvalSampleRecord[]>;
  labels: SampleLabel[];
}

class ComparisonPanel implements vscode.Disposable {
  private loaded: Loaded | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly who = labeller();
  /** Replies computed while the user closes the panel are dropped instead of throwing "Webview is disposed". */
  private readonly poster: PanelPoster<ComparisonHostMessage>;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly onRendered: (event: ComparisonRendered) => void,
  ) {
    this.poster = new PanelPoster<ComparisonHostMessage>(panel);
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = comparisonHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dist', 'comparison.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'comparison.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
    this.disposables.push(panel.webview.onDidReceiveMessage((raw) => void this.receive(raw)));
  }

  private post(message: ComparisonHostMessage): Promise<boolean> {
    return this.poster.post(message);
  }

  private async paths(): Promise<EvalResultPaths> {
    return evalResultPaths(await workspaceRootOf(this.uri), this.uri.fsPath);
  }

  /** Reads the summary, its records and the labels again, then draws them. */
  async reload(): Promise<void> {
    const paths = await this.paths();
    this.poster.whileOpen(() => (this.panel.title = `Compare: ${paths.relativeFile.split('/').pop()}`));
    await nodeResultsFileSystem.checkResultsPath(paths.trustedRoot, paths.summary);
    const summary = await readEvalSummary(nodeResultsFileSystem, paths.summary);
    if (!summary) {
      this.loaded = undefined;
      await this.post({ type: 'empty', uri: this.uri.toString(), file: paths.relativeFile, reason: 'No evaluation of this file yet (or its summary could not be read). Run “Inoculate: Evaluate” after training.' });
      return;
    }
    const bySample = new Map<string, EvalSampleRecord>();
    await readEvalRecords(nodeResultsFileSystem, paths.samples, (record) => bySample.set(`${recordCellKey(record)}\u0000${record.item}\u0000${record.sample}`, record), summary.runId);
    const records = new Map<string, EvalSampleRecord[]>();
    for (const record of bySample.values()) {
      const key = recordCellKey(record);
      const list = records.get(key) ?? [];
      list.push(record);
      records.set(key, list);
    }
    for (const list of records.values()) list.sort((a, b) => a.item - b.item || a.sample - b.sample);
    const labels = await readLabels(nodeResultsFileSystem, paths.labels);
    this.loaded = { summary: this.withAgreement(summary, records, labels), paths, records, labels };
    const signer = await userProvenance({ create: false }).catch(() => undefined);
    // Results not signed with this user's key (e.g. committed to the repository) say so; no key is made to look.
    const elsewhere = evalSummaryOrigin(summary, signer) !== 'here';
    const notes = elsewhere ? ['Evaluated elsewhere: these results were found in this folder’s .inoculate/ (e.g. committed to the repository), not produced by you.'] : [];
    await this.post(comparisonMessage(this.loaded.summary, this.uri.toString(), paths.relativeFile, notes, localTime(summary.finishedAt)));
  }

  /** The summary with judge agreement as the labels are now (labels added after the run count). */
  private withAgreement(summary: EvalSummary, records: Map<string, EvalSampleRecord[]>, labels: SampleLabel[]): EvalSummary {
    if (!labels.length) return summary;
    const all = [...records.values()].flat().map((r) => ({ id: r.id, outcome: r.outcome }));
    return { ...summary, agreement: graderAgreement(all, labels, labelledGraders(summary.graders)) };
  }

  /** Handles a message from the page (or the extension API): parsed as untrusted first. */
  async receive(raw: unknown): Promise<void> {
    const message = parseComparisonMessage(raw);
    if (!message) return;
    try {
      switch (message.type) {
        case 'ready':
          await this.reload();
          break;
        case 'rendered':
          this.onRendered({ uri: this.uri.toString(), models: message.models, rows: message.rows, charts: message.charts, samplesShown: message.samplesShown, agreement: message.agreement });
          break;
        case 'samples':
          await this.sendSamples(message.cell, message.offset);
          break;
        case 'label':
          await this.label(message.record, message.outcome, message.verdict);
          break;
        case 'export':
        case 'report': {
          const target = await this.askTarget(message.type, message.format);
          if (!target) return;
          if (message.type === 'export') await this.exportTo(message.format, target);
          else await this.reportTo(message.format, target);
          break;
        }
        case 'openFile':
          await vscode.window.showTextDocument(this.uri, { viewColumn: vscode.ViewColumn.One });
          break;
      }
    } catch (error) {
      await this.post({ type: 'status', message: `Error: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  recordIds(cell: string): string[] {
    return (this.loaded?.records.get(cell) ?? []).map((r) => r.id);
  }

  private async sendSamples(cell: string, offset: number): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    const list = loaded.records.get(cell) ?? [];
    const mine = latestLabels(loaded.labels).filter((l) => l.who === this.who);
    const labelOf = (id: string, outcome: 'behavior' | 'capability') => mine.find((l) => l.record === id && l.outcome === outcome)?.verdict ?? null;
    const samples: EvalSampleView[] = list.slice(offset, offset + SAMPLE_PAGE_SIZE).map((r) => ({
      id: r.id,
      item: r.item,
      sample: r.sample,
      response: r.response,
      behavior: r.outcome.behavior,
      capability: r.outcome.capability,
      error: r.error,
      labels: { behavior: labelOf(r.id, 'behavior'), capability: labelOf(r.id, 'capability') },
    }));
    await this.post({ type: 'samples', page: { cell, offset, total: list.length, samples } });
  }

  /** Stores a hand label for a sample of this run, then sends the agreement recomputed. */
  private async label(recordId: string, outcome: 'behavior' | 'capability', verdict: 'agree' | 'disagree'): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    const record = [...loaded.records.values()].flat().find((r) => r.id === recordId);
    const grade = record?.outcome[outcome];
    if (!record || grade === null || grade === undefined) {
      await this.post({ type: 'status', message: 'That sample has no such grade in the latest evaluation; nothing was labelled.' });
      return;
    }
    const grader = labelledGraders(loaded.summary.graders).find((g) => g.outcome === outcome)!;
    await nodeResultsFileSystem.checkResultsPath(loaded.paths.trustedRoot, loaded.paths.labels);
    const label = await appendLabel(nodeResultsFileSystem, loaded.paths.labels, { record: recordId, outcome, verdict, grade, grader: grader.fingerprint, who: this.who });
    loaded.labels.push(label);
    loaded.summary = this.withAgreement(loaded.summary, loaded.records, loaded.labels);
    await this.post({ type: 'agreement', agreement: agreementViews(loaded.summary.agreement) });
  }

  private async askTarget(kind: 'export' | 'report', format: ComparisonExport | ReportFormat): Promise<vscode.Uri | undefined> {
    const paths = await this.paths();
    const base = paths.relativeFile.split('/').pop()!.replace(/\.inoc$/i, '');
    const name = kind === 'report' ? `${base}-report.${format}` : `${base}-comparison.${format}`;
    const filters: Record<string, string[]> = format === 'csv' ? { CSV: ['csv'] } : format === 'json' ? { JSON: ['json'] } : format === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] };
    return vscode.window.showSaveDialog({ title: kind === 'report' ? 'Save the evaluation report' : 'Export the comparison', defaultUri: vscode.Uri.joinPath(vscode.Uri.file(paths.workspaceRoot), name), filters });
  }

  async exportTo(format: ComparisonExport, target: vscode.Uri): Promise<boolean> {
    const loaded = this.loaded;
    if (!loaded) return false;
    const text = format === 'csv' ? comparisonCsv(comparisonRows(loaded.summary)) : `${JSON.stringify(evalJson(loaded.summary), null, 2)}\n`;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    await this.written([target], 'Exported');
    return true;
  }

  async reportTo(format: ReportFormat, target: vscode.Uri): Promise<boolean> {
    const loaded = this.loaded;
    if (!loaded) return false;
    const signer = await userProvenance({ create: false }).catch(() => undefined);
    const input = { summary: loaded.summary, origin: evalSummaryOrigin(loaded.summary, signer), generatedAt: new Date().toISOString() };
    const encode = (text: string) => new TextEncoder().encode(text);
    if (format === 'html') {
      await vscode.workspace.fs.writeFile(target, encode(renderHtmlReport(input)));
      await this.written([target], 'Saved the report');
      return true;
    }
    const report = renderMarkdownReport(input, basename(target.fsPath, extname(target.fsPath)));
    await vscode.workspace.fs.writeFile(target, encode(report.markdown));
    const written = [target];
    for (const file of report.files) {
      const beside = vscode.Uri.file(join(dirname(target.fsPath), file.name));
      await vscode.workspace.fs.writeFile(beside, encode(file.svg));
      written.push(beside);
    }
    await this.written(written, 'Saved the report');
    return true;
  }

  private async written(targets: vscode.Uri[], what: string): Promise<void> {
    const where = vscode.workspace.asRelativePath(targets[0]!);
    const extra = targets.length > 1 ? ` and ${targets.length - 1} SVG file${targets.length === 2 ? '' : 's'} beside it` : '';
    await this.post({ type: 'status', message: `${what} to ${where}${extra}.` });
    void vscode.window.showInformationMessage(`Inoculate: ${what.toLowerCase()} to ${where}${extra}.`);
  }

  dispose(): void {
    this.poster.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** All comparison panels, the `inoculate.showComparison` command and the serializer. */
export class ComparisonPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ComparisonPanel>();
  private readonly renderedEmitter = new vscode.EventEmitter<ComparisonRendered>();
  private readonly disposables: vscode.Disposable[] = [this.renderedEmitter];
  /** Fires each time a page has drawn. */
  readonly onDidRender = this.renderedEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(COMPARISON_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: ComparisonWebviewState | undefined) => {
          if (typeof state?.uri !== 'string') {
            panel.dispose();
            return;
          }
          this.adopt(vscode.Uri.parse(state.uri), panel);
        },
      }),
      vscode.commands.registerCommand(SHOW_COMPARISON_COMMAND, async (uriArg?: unknown) => {
        const uri = commandTargetUri(uriArg);
        if (!uri || uri.scheme !== 'file' || !uri.path.endsWith('.inoc')) {
          void vscode.window.showInformationMessage('Inoculate: open a saved .inoc file to compare its evaluated runs.');
          return;
        }
        await this.show(uri);
      }),
    );
  }

  /** Opens the comparison of `uri` (or reveals and reloads its panel). */
  async show(uri: vscode.Uri): Promise<void> {
    const existing = this.panels.get(uri.toString());
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      await existing.reload();
      return;
    }
    const panel = vscode.window.createWebviewPanel(COMPARISON_VIEW_TYPE, 'Comparison', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    this.adopt(uri, panel);
  }

  /** The panel of `uri`, if open (for the extension API). */
  panelOf(uri: vscode.Uri): ComparisonPanelApi | undefined {
    const panel = this.panels.get(uri.toString());
    return panel
      ? { exportTo: (f, t) => panel.exportTo(f, t), reportTo: (f, t) => panel.reportTo(f, t), receive: (m) => panel.receive(m), recordIds: (cell) => panel.recordIds(cell) }
      : undefined;
  }

  private adopt(uri: vscode.Uri, webviewPanel: vscode.WebviewPanel): void {
    const panel = new ComparisonPanel(uri, webviewPanel, this.extensionUri, (event) => this.renderedEmitter.fire(event));
    this.panels.set(uri.toString(), panel);
    webviewPanel.onDidDispose(() => {
      panel.dispose();
      if (this.panels.get(uri.toString()) === panel) this.panels.delete(uri.toString());
    });
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.panel.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
