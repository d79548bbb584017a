/**
 * The check that is running, and two ways to stop it that do not depend on the progress notification (which Escape
 * hides): the command "Inoculate: Cancel Check" and a status bar item shown for as long as the check runs. Cancelling
 * keeps every finished sample; a re-run requests only the others.
 */
import * as vscode from 'vscode';
import type { CheckProgress } from '../../core/src/check/engine';

/** The command id. */
export const CANCEL_CHECK_COMMAND = 'inoculate.cancelCheck';
/** The context key that is true while a check runs (the command's enablement). */
export const CHECK_RUNNING_CONTEXT = 'inoculate.checkRunning';

/** The running check, as the status bar and the extension API show it. */
export interface RunningCheck {
  uri: string;
  /** The file, relative to its workspace. */
  file: string;
  total: number;
  done: number;
  cached: number;
  failed: number;
  cancelling: boolean;
}

/** What the status bar item shows now (read by the end-to-end tests). */
export interface CheckStatusSnapshot {
  visible: boolean;
  text: string;
  command: string | undefined;
}

/** One running check, seen from the command that runs it. */
export interface CheckRunHandle {
  /** Aborts when the user cancels (through the notification, the command or the status bar). */
  readonly signal: AbortSignal;
  progress(progress: CheckProgress): void;
  /** Cancels from the progress notification's own button. */
  cancel(): void;
  finish(): void;
}

export class CheckRuns implements vscode.Disposable {
  private current: { info: RunningCheck; abort: AbortController } | undefined;
  private readonly item = vscode.window.createStatusBarItem('inoculate.check', vscode.StatusBarAlignment.Left, 50);
  private readonly changeEmitter = new vscode.EventEmitter<RunningCheck | undefined>();
  /** Fires when a check starts, progresses, is being cancelled, or ends (then with undefined). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.item, this.changeEmitter];

  constructor() {
    this.item.name = 'Inoculate: running check';
    this.disposables.push(vscode.commands.registerCommand(CANCEL_CHECK_COMMAND, () => this.cancel()));
  }

  /** The running check, if any. */
  get running(): RunningCheck | undefined {
    return this.current ? { ...this.current.info } : undefined;
  }

  /** What the status bar item shows. */
  get status(): CheckStatusSnapshot {
    return this.current ? { visible: true, text: this.item.text, command: typeof this.item.command === 'string' ? this.item.command : this.item.command?.command } : { visible: false, text: '', command: undefined };
  }

  /** Starts tracking a check of `uri`; throws if one is already running (the command refuses that earlier). */
  start(uri: vscode.Uri, file: string, total: number): CheckRunHandle {
    if (this.current) throw new Error('a check is already running');
    const abort = new AbortController();
    const run = { info: { uri: uri.toString(), file, total, done: 0, cached: 0, failed: 0, cancelling: false }, abort };
    this.current = run;
    void vscode.commands.executeCommand('setContext', CHECK_RUNNING_CONTEXT, true);
    this.draw();
    return {
      signal: abort.signal,
      progress: (progress) => {
        if (this.current !== run) return;
        Object.assign(run.info, { total: progress.total, done: progress.done, cached: progress.cached, failed: progress.failed });
        this.draw();
      },
      cancel: () => {
        if (this.current === run) this.cancel();
      },
      finish: () => {
        if (this.current !== run) return;
        this.current = undefined;
        void vscode.commands.executeCommand('setContext', CHECK_RUNNING_CONTEXT, false);
        this.item.hide();
        this.changeEmitter.fire(undefined);
      },
    };
  }

  /** Cancels the running check; false when none runs. */
  cancel(): boolean {
    const run = this.current;
    if (!run) {
      void vscode.window.showInformationMessage('Inoculate: no check is running.');
      return false;
    }
    if (!run.info.cancelling) {
      run.info.cancelling = true;
      run.abort.abort();
      this.draw();
    }
    return true;
  }

  private draw(): void {
    const run = this.current;
    if (!run) return;
    const { file, done, total, cancelling } = run.info;
    const name = file.split('/').pop() ?? file;
    this.item.text = cancelling ? `$(loading~spin) Cancelling the check of ${name}` : `$(loading~spin) Checking ${name}: ${done}/${total} $(stop-circle)`;
    this.item.tooltip = cancelling
      ? 'Inoculate: stopping; the finished samples are kept.'
      : `Inoculate: checking ${file} (${done} of ${total} samples). Click to cancel; the finished samples are kept and a re-run requests only the others.`;
    this.item.accessibilityInformation = { label: cancelling ? `Cancelling the check of ${file}` : `Checking ${file}, ${done} of ${total} samples. Activate to cancel.`, role: 'button' };
    this.item.command = cancelling ? undefined : { title: 'Cancel Check', command: CANCEL_CHECK_COMMAND };
    this.item.show();
    this.changeEmitter.fire({ ...run.info });
  }

  dispose(): void {
    this.current?.abort.abort();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
