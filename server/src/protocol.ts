/** Custom LSP messages between the Inoculate client and server, all under the `inoculate/` namespace. */
import { NotificationType, RequestType, type Position, type TextDocumentIdentifier } from 'vscode-languageserver-protocol';
import type { VariantScore } from '../../core/src/language/service';

export type { VariantScore };

export interface VariantAtParams {
  textDocument: TextDocumentIdentifier;
  position: Position;
}

/** The variant under the cursor with its score (the status bar item), or null outside any variant. */
export const VariantAtRequest = new RequestType<VariantAtParams, VariantScore | null, void>('inoculate/variantAt');

export interface VariantScoresParams {
  textDocument: TextDocumentIdentifier;
}

/** Every variant of a document with its predicted score. */
export const VariantScoresRequest = new RequestType<VariantScoresParams, VariantScore[], void>('inoculate/variantScores');

export interface MeasurementsChangedParams {
  /** The `.inoc` documents whose results changed; empty means "reload everything". */
  uris: string[];
}

/** Sent by the client after a check wrote new results under `.inoculate/`. */
export const MeasurementsChangedNotification = new NotificationType<MeasurementsChangedParams>('inoculate/measurementsChanged');

export interface WorkspaceTrustParams {
  trusted: boolean;
}

/**
 * Workspace trust changed: checks (code lens "▶ Check") are offered, and datasets outside the workspace read, only in
 * trusted workspaces.
 */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('inoculate/workspaceTrust');

/** What the client tells the server at start-up (`initializationOptions`); any LSP client may send it. */
export interface InitializationOptions {
  /** The user trusts the workspace: datasets outside it may be read and checks offered. Absent: untrusted. */
  workspaceTrusted: boolean;
  /**
   * Commands the client runs itself (the VS Code extension's `inoculate.*` and `editor.action.triggerSuggest`). Code
   * lenses and completion items use only these and the server's own commands; absent: none.
   */
  clientCommands?: string[];
}

/** Sent by the client when training run records changed (`.inoculate/runs/`): the `trained: N runs` lenses reload. */
export const RunsChangedNotification = new NotificationType<MeasurementsChangedParams>('inoculate/runsChanged');
