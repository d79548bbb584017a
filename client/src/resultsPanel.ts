/**
 * The results view of a file's latest check (host side): owns one webview panel per file, posts the summary and pages
 * of samples, writes exports through a save dialog, and restores panels after a reload
 * (`registerWebviewPanelSerializer`). The page itself is `client/webview/results.ts`.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { armsOf } from '../../core/src/check/arms';
import { stableStringify } from '../../core/src/check/cache';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { summaryOrigin } from '../../core/src/check/provenance';
import { userProvenance } from '../../core/src/node/userKey';
import { prepareCheck, sampleRequest, type PreparedCheck } from '../../core/src/check/setup';
import { readSummary, type SampleRecord } from '../../core/src/check/store';
import type { CheckSummary } from '../../core/src/check/types';
import { analyzeFrontmatter } from '../../core/src/format/config';
import { parseInocDocument } from '../../core/src/format/parse';
import { Commands } from '../../core/src/language/commands';
import { commandTargetUri, resultPathsOf, workspaceRootOf } from './checkLocation';
import { armsCsv, samplesCsvHeader, samplesCsvRows } from './results/csv';
import { afterExport } from './results/exportTarget';
import { resultsHtml } from './results/html';
import {
  PAGE_SIZE,
  parseWebviewMessage,
  type CheckAvailability,
  type ExportFormat,
  type HostMessage,
  type ResultsWebviewState,
  type SampleFilter,
  type SampleView,
} from './results/protocol';
import { laterRunNote, originNote } from './results/runNote';
import { SamplesIndex } from './results/samplesIndex';
import { PanelPoster } from './panelPoster';
import { MANAGE_TRUST_COMMAND, RESTRICTED_REASON } from './restrictedMode';

/** The webview type (also in `activationEvents` as `onWebviewPanel:inoculate.results`). */
export const RESULTS_VIEW_TYPE = 'inoculate.results';

/** What a panel's page reported after drawing (the end-to-end tests wait on it). */
export interface ResultsRendered {
  uri: string;
  arms: number;
  samplesShown: number;
  totalSamples: number;
  /** The labels of the action buttons the page offers (e.g. no "Run again" in Restricted Mode). */
  actions: string[];
  /** The notes it shows (a run that produced nothing, edits since the check, Restricted Mode...). */
  notes: string[];
}

/** Whether the view may offer checks here, and why not. */
function checkAvailability(): CheckAvailability {
  return vscode.workspace.isTrusted ? { canRun: true, reason: null } : { canRun: false, reason: RESTRICTED_REASON };
}

const localTime = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

/** Everything a panel shows, loaded from disk. */
interface Loaded {
  summary: CheckSummary;
  index: SamplesIndex;
  /** For rebuilding the prompts of samples; undefined (with the reason) when the file or dataset no longer loads. */
  check: PreparedCheck | undefined;
  checkProblem: string | undefined;
}

const ALL: SampleFilter = { arm: null, grade: null };
const hash16 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** One panel per `.inoc` file. */
class ResultsPanel implements vscode.Disposable {
  private loaded: Loaded | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The stale arms last sent to the page (joined), to send only changes. */
  private staleSent = '';
  private staleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Replies computed while the user closed the panel (a page of samples, a reload) are dropped, not thrown. */
  private readonly poster: PanelPoster<HostMessage>;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly onRendered: (event: ResultsRendered) => void,
  ) {
    // Subscribed before the owner's close listener, so it knows of the close before anything else runs.
    this.poster = new PanelPoster<HostMessage>(panel);
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    const isThisFile = (uri: vscode.Uri) => uri.toString() === this.uri.toString();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.split('/').pop()!));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw)),
      // "Changed since the check" follows the file while the view is open: edits (saved or not) and changes on disk.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (isThisFile(event.document.uri)) this.scheduleStaleUpdate(300);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (isThisFile(document.uri)) this.scheduleStaleUpdate(0);
      }),
      watcher,
      watcher.onDidChange(() => this.scheduleStaleUpdate(100)),
      watcher.onDidCreate(() => this.scheduleStaleUpdate(100)),
      watcher.onDidDelete(() => this.scheduleStaleUpdate(100)),
    );
  }

  private scheduleStaleUpdate(delayMs: number): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => void this.updateStale(), delayMs);
  }

  /** Tells the page which arms changed since the check, when that changed. */
  private async updateStale(): Promise<void> {
    const summary = this.loaded?.summary;
    if (!summary) return;
    const stale = await this.staleArms(summary);
    if (stale.join('\n') === this.staleSent) return;
    this.staleSent = stale.join('\n');
    await this.post({ type: 'stale', stale });
  }

  private html(): string {
    const webview = this.panel.webview;
    return resultsHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'dist', 'results.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'results.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
  }

  private post(message: HostMessage): Promise<boolean> {
    return this.poster.post(message);
  }

  /** Reads the summary and indexes the samples again, then shows them. */
  async reload(): Promise<void> {
    const paths = await resultPathsOf(this.uri);
    this.poster.whileOpen(() => (this.panel.title = `Results: ${paths.relativeFile.split('/').pop()}`));
    const summary = await readSummary(nodeResultsFileSystem, paths.summary);
    const checks = checkAvailability();
    if (!summary) {
      this.loaded = undefined;
      const later = (await SamplesIndex.build(nodeResultsFileSystem, paths.samples, undefined)).laterRun;
      const reason = later
        ? laterRunNote(later, undefined, localTime)
        : `No check has been run for this file yet (or its summary could not be read).${checks.canRun ? ' Run one with “Run a check”.' : ''}`;
      await this.post({ type: 'empty', uri: this.uri.toString(), file: paths.relativeFile, reason, checks });
      return;
    }
    const index = await SamplesIndex.build(nodeResultsFileSystem, paths.samples, summary);
    let check: PreparedCheck | undefined;
    let checkProblem: string | undefined;
    try {
      // Only to rebuild the prompts of the samples shown (no request is sent).
      check = await prepareCheck(
        nodeResultsFileSystem,
        this.uri.fsPath,
        { samples: summary.samplesPerArm, baseUrl: summary.baseUrl ?? undefined, editorModels: true },
        await workspaceRootOf(this.uri),
      );
    } catch (error) {
      checkProblem = error instanceof Error ? error.message : String(error);
    }
    this.loaded = { summary, index, check, checkProblem };
    const stale = await this.staleArms(summary);
    this.staleSent = stale.join('\n');
    const runNote = index.laterRun ? laterRunNote(index.laterRun, summary.finishedAt, localTime) : null;
    // Results not signed with this user's key (e.g. committed to the repository) say so; no key is made to look.
    const signer = await userProvenance({ create: false }).catch(() => undefined);
    const origin = summaryOrigin(summary, signer);
    await this.post({ type: 'summary', uri: this.uri.toString(), file: paths.relativeFile, summary, stale, checks, runNote, originNote: originNote(origin) });
  }

  /** Arms whose variant text changed (or disappeared) since the check: the editor's text when open (saved or not). */
  private async staleArms(summary: CheckSummary): Promise<string[]> {
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString());
      const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(this.uri));
      const doc = parseInocDocument(this.uri.toString(), text);
      const current = new Map(armsOf(doc, analyzeFrontmatter(doc).config).map((arm) => [arm.name, arm.instructionHash]));
      return summary.arms.filter((arm) => current.get(arm.name) !== arm.instructionHash).map((arm) => arm.name);
    } catch {
      return [];
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    try {
      switch (message.type) {
        case 'ready':
          await this.reload();
          break;
        case 'rendered':
          this.onRendered({
            uri: this.uri.toString(),
            arms: message.arms,
            samplesShown: message.samplesShown,
            totalSamples: message.totalSamples,
            actions: message.actions,
            notes: message.notes,
          });
          break;
        case 'samples':
          await this.sendSamples(message.filter, message.offset);
          break;
        case 'export':
          await this.export(message.format);
          break;
        case 'openFile':
          await vscode.window.showTextDocument(this.uri, { viewColumn: vscode.ViewColumn.One });
          break;
        case 'rerun':
          // The page offers no check in Restricted Mode; a stale page (trust revoked by a reload) is refused here too.
          if (vscode.workspace.isTrusted) await vscode.commands.executeCommand(Commands.runCheck, this.uri.toString());
          else await this.reload();
          break;
        case 'manageTrust':
          await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
          break;
      }
    } catch (error) {
      await this.post({ type: 'status', message: `Error: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private async sendSamples(filter: SampleFilter, offset: number): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    const records = await loaded.index.page(filter, offset, PAGE_SIZE);
    await this.post({ type: 'samples', page: { filter, offset, total: loaded.index.count(filter), samples: records.map((r) => this.view(loaded, r)) } });
  }

  /** A record as the browser shows it, with its prompt rebuilt while the file and dataset still produce it. */
  private view(loaded: Loaded, record: SampleRecord): SampleView {
    let prompt: SampleView['prompt'] = null;
    let promptNote: string | null = null;
    const arm = loaded.check?.allArms.find((a) => a.name === record.arm && a.instructionHash === record.instructionHash);
    if (!loaded.check) promptNote = `The prompt cannot be rebuilt: ${loaded.checkProblem ?? 'the file does not load'}`;
    else if (!arm) promptNote = 'The prompt cannot be rebuilt: the variant changed since the check.';
    else {
      try {
        const { messages } = sampleRequest(loaded.check, arm, record.sample);
        if (hash16(stableStringify(messages)) === record.messagesHash) prompt = messages.map((m) => ({ role: m.role, content: m.content }));
        else promptNote = 'The prompt cannot be rebuilt: the file or its dataset changed since the check.';
      } catch (error) {
        promptNote = `The prompt cannot be rebuilt: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return {
      arm: record.arm,
      sample: record.sample,
      item: record.item,
      prompt,
      promptNote,
      response: record.response,
      behavior: record.grade ? record.grade.behavior : null,
      capability: record.grade ? record.grade.capability : null,
      score: record.grade ? record.grade.score : null,
      detail: record.grade?.detail ?? '',
      error: record.error,
      cached: record.cached,
    };
  }

  private async export(format: ExportFormat): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    const paths = await resultPathsOf(this.uri);
    const base = paths.relativeFile.split('/').pop()!.replace(/\.inoc$/i, '');
    const name = format === 'arms-csv' ? `${base}-arms.csv` : format === 'samples-csv' ? `${base}-samples.csv` : `${base}-results.json`;
    const target = await vscode.window.showSaveDialog({
      title: 'Export check results',
      defaultUri: vscode.Uri.joinPath(vscode.Uri.file(await workspaceRootOf(this.uri)), name),
      filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
    });
    if (!target) return;
    await this.exportTo(loaded, format, target);
  }

  /**
   * Writes the export to `target`, then shows it: opened in an editor beside the results when it is small enough to
   * read there, else revealed in the Explorer (or the OS file manager outside the workspace); the page says where.
   */
  async exportTo(loaded: Loaded, format: ExportFormat, target: vscode.Uri): Promise<void> {
    const bytes = new TextEncoder().encode(await this.exportText(loaded, format));
    await vscode.workspace.fs.writeFile(target, bytes);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(target) !== undefined;
    const shown = afterExport(bytes.length, inWorkspace);
    const where = vscode.workspace.asRelativePath(target);
    try {
      if (shown === 'open') await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.One, preview: true, preserveFocus: false });
      else await vscode.commands.executeCommand(shown === 'reveal-in-explorer' ? 'revealInExplorer' : 'revealFileInOS', target);
    } catch {
      // Some environments lack the file manager (the web): the notification below still says where the file is.
    }
    const how = shown === 'open' ? 'opened in the editor' : shown === 'reveal-in-explorer' ? 'shown in the Explorer' : 'shown in the file manager';
    await this.post({ type: 'status', message: `Exported to ${where} (${how}).` });
    void vscode.window.showInformationMessage(`Inoculate: exported the check results to ${where}.`);
  }

  /** The export's content (samples are read page by page, so a large check never sits in one array of records). */
  async exportText(loaded: Loaded, format: ExportFormat): Promise<string> {
    if (format === 'arms-csv') return armsCsv(loaded.summary);
    const parts: string[] = [];
    const samples: SampleView[] = [];
    const chunk = 500;
    for (let offset = 0; offset < loaded.index.size; offset += chunk) {
      const views = (await loaded.index.page(ALL, offset, chunk)).map((r) => this.view(loaded, r));
      if (format === 'samples-csv') parts.push(samplesCsvRows(views));
      else samples.push(...views);
    }
    if (format === 'samples-csv') return samplesCsvHeader() + parts.join('');
    return `${JSON.stringify({ summary: loaded.summary, samples }, null, 2)}\n`;
  }

  /** For the extension API: the export of the currently loaded results, without a dialog. */
  async exportForApi(format: ExportFormat): Promise<string | undefined> {
    return this.loaded ? this.exportText(this.loaded, format) : undefined;
  }

  /** For the extension API: what "Export" does after the save dialog, to `target`; false when nothing is loaded. */
  async exportToForApi(format: ExportFormat, target: vscode.Uri): Promise<boolean> {
    if (!this.loaded) return false;
    await this.exportTo(this.loaded, format, target);
    return true;
  }

  dispose(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.poster.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** What the extension API offers of an open results view. */
export interface ResultsPanelApi {
  /** The export's text, as "Export" would write it. */
  exportText(format: ExportFormat): Promise<string | undefined>;
  /** "Export" after its save dialog: writes to `target` and shows the file. */
  exportTo(format: ExportFormat, target: vscode.Uri): Promise<boolean>;
  /** Reads the results again and shows them (what a finished check does). */
  reload(): Promise<void>;
  /** Closes the view, as the user does with its tab's close button. */
  close(): void;
  visible: boolean;
}

/** All results panels, the `inoculate.showResults` command and the serializer. */
export class ResultsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ResultsPanel>();
  private readonly renderedEmitter = new vscode.EventEmitter<ResultsRendered>();
  private readonly disposables: vscode.Disposable[] = [this.renderedEmitter];
  /** Fires each time a page has drawn a summary, an empty state or a page of samples. */
  readonly onDidRender = this.renderedEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: ResultsWebviewState | undefined) => {
          if (typeof state?.uri !== 'string') {
            panel.dispose();
            return;
          }
          this.adopt(vscode.Uri.parse(state.uri), panel);
        },
      }),
      // Trust granted: the open views now offer checks.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const panel of this.panels.values()) void panel.reload();
      }),
      vscode.commands.registerCommand(Commands.showResults, async (uriArg?: unknown) => {
        const uri = commandTargetUri(uriArg);
        if (!uri || uri.scheme !== 'file' || !uri.path.endsWith('.inoc')) {
          void vscode.window.showInformationMessage('Inoculate: open a saved .inoc file to see its check results.');
          return;
        }
        await this.show(uri);
      }),
    );
  }

  /** Opens the results of `uri` (or reveals and reloads its panel). */
  async show(uri: vscode.Uri): Promise<void> {
    const existing = this.panels.get(uri.toString());
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      await existing.reload();
      return;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, 'Check results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    this.adopt(uri, panel);
  }

  /** Reloads the view of `uri` if one is open (after a run, whatever it produced); false when none is. */
  async refresh(uri: vscode.Uri): Promise<boolean> {
    const panel = this.panels.get(uri.toString());
    if (!panel) return false;
    await panel.reload();
    return true;
  }

  /** The panel of `uri`, if open (for the extension API). */
  panelOf(uri: vscode.Uri): ResultsPanelApi | undefined {
    const panel = this.panels.get(uri.toString());
    return panel
      ? {
          exportText: (format) => panel.exportForApi(format),
          exportTo: (format, target) => panel.exportToForApi(format, target),
          reload: () => panel.reload(),
          close: () => panel.panel.dispose(),
          visible: panel.panel.visible,
        }
      : undefined;
  }

  private adopt(uri: vscode.Uri, webviewPanel: vscode.WebviewPanel): void {
    const panel = new ResultsPanel(uri, webviewPanel, this.extensionUri, (event) => this.renderedEmitter.fire(event));
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
