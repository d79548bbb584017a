/**
 * Read-only virtual documents of training (scheme `inoculate-train`): the two sides of a launch's preview diff and
 * its plan, and per recorded run its provenance and logs. The documents are text the editor shows as it is (the plan
 * and provenance are Markdown whose file and backend text is escaped), never files on disk; run documents follow
 * their record as it changes.
 */
import * as vscode from 'vscode';

/** The URI scheme of these documents. */
export const TRAINING_SCHEME = 'inoculate-train';

/** What a run document shows, rendered from the run's current record (undefined when there is no such run). */
export type RunDocumentRenderer = (kind: 'provenance' | 'logs', runId: string, workspaceUri: string | undefined) => Promise<string | undefined>;

/** The provider; `set` stores a launch's documents, run documents are rendered on demand. */
export class TrainingDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly stored = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;
  private renderRun: RunDocumentRenderer = async () => undefined;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(TRAINING_SCHEME, this);
  }

  /** Who renders run documents (the jobs service, once it exists). */
  setRunRenderer(render: RunDocumentRenderer): void {
    this.renderRun = render;
  }

  /** Stores a document under `path` (e.g. `/preview/3/with.txt`) and returns its URI; an open one is updated. */
  set(path: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: TRAINING_SCHEME, path });
    this.stored.set(uri.path, content);
    this.changed.fire(uri);
    return uri;
  }

  /** The URI of a run's provenance or logs document. */
  runUri(kind: 'provenance' | 'logs', runId: string, workspaceUri: string): vscode.Uri {
    return vscode.Uri.from({ scheme: TRAINING_SCHEME, path: `/runs/${runId}/${kind === 'provenance' ? 'provenance.md' : 'logs.log'}`, query: new URLSearchParams({ workspace: workspaceUri }).toString() });
  }

  /** Tells the editor that the open run documents may have changed (their record did). */
  refreshRuns(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === TRAINING_SCHEME && document.uri.path.startsWith('/runs/')) this.changed.fire(document.uri);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const stored = this.stored.get(uri.path);
    if (stored !== undefined) return stored;
    const match = /^\/runs\/([0-9a-f]{16})\/(provenance\.md|logs\.log)$/.exec(uri.path);
    if (match) {
      const workspace = new URLSearchParams(uri.query).get('workspace') ?? undefined;
      const text = await this.renderRun(match[2] === 'provenance.md' ? 'provenance' : 'logs', match[1]!, workspace);
      return text ?? `No run ${match[1]} is recorded in this workspace (its record may have been deleted).\n`;
    }
    return 'This preview is no longer available: launch or preview the training again.\n';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.stored.clear();
  }
}
