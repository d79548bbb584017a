/**
 * Messages to a webview panel that the user may close at any time. A closed panel's `webview` throws
 * ("Webview is disposed") when touched, so a reply computed while the user closed the panel (a page of samples
 * read from disk, a reload) would reject where nobody waits for it: an unhandled rejection in the extension host.
 * The poster learns of the close from `onDidDispose` and then sends nothing. Pure (no `vscode` import), so it is
 * unit tested; `vscode.WebviewPanel` fits `PostablePanel`.
 */

/** The part of a webview panel the poster uses. */
export interface PostablePanel<T> {
  readonly webview: { postMessage(message: T): Thenable<boolean> };
  onDidDispose(listener: () => void): { dispose(): void };
}

/** Posts to one panel until it is closed; after that every post is a no-op. */
export class PanelPoster<T> {
  private closed = false;
  private readonly subscription: { dispose(): void };

  constructor(private readonly panel: PostablePanel<T>) {
    this.subscription = panel.onDidDispose(() => {
      this.closed = true;
    });
  }

  /** Whether the panel was closed (or the poster disposed). */
  get disposed(): boolean {
    return this.closed;
  }

  /** Sends `message`; false (nothing sent) once the panel is closed, including when it closes during the send. */
  async post(message: T): Promise<boolean> {
    if (this.closed) return false;
    try {
      return await this.panel.webview.postMessage(message);
    } catch (error) {
      if (this.closed) return false;
      throw error;
    }
  }

  /** Runs `change` (e.g. setting the title, which also throws on a closed panel) only while the panel is open. */
  whileOpen(change: () => void): void {
    if (!this.closed) change();
  }

  /** Stops listening; the poster then counts as closed. */
  dispose(): void {
    this.closed = true;
    this.subscription.dispose();
  }
}
