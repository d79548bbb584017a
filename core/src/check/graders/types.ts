/** The contract between the check engine and the graders. */
import type { GraderConfig } from '../../format/config';
import type { ChatMessage, Item } from '../../format/dataset';

/** The verdict on one response. */
export interface GradeResult {
  /** The response shows the undesired behaviour (what a check measures). */
  behavior: boolean;
  /** The response shows the desired capability, when this grader and item can tell. */
  capability?: boolean;
  /** The raw score behind the verdict, when there is one (a judge's grade, a moderation score). */
  score?: number;
  /** One short line on why, for the sample browser ("passes the visible test, fails 2 of 2 held-out"). */
  detail: string;
}

export interface GradeRequest {
  item: Item;
  /** The messages the model was sent (the instruction inserted). */
  messages: ChatMessage[];
  response: string;
  signal: AbortSignal;
}

/** A chat request a grader needs answered (a judge). The engine supplies retries, timeouts and caching. */
export interface GraderChatRequest {
  model: string;
  baseUrl?: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
}

export interface ModerationResult {
  /** Category name -> score in [0, 1]. */
  scores: Record<string, number>;
  flagged: boolean;
}

/** What a grader may use from outside; injected so graders stay pure and testable. */
export interface GraderEnvironment {
  /** Directory of the `.inoc` file: relative paths (a `module` grader) resolve against it. */
  baseDir: string;
  /** Untrusted workspaces never run model-generated code or user modules. */
  workspaceTrusted: boolean;
  /** Answers a judge's chat request; rejects with an actionable message when no model is reachable. */
  chat(request: GraderChatRequest, signal: AbortSignal): Promise<string>;
  /** Scores `input` with a moderation model. */
  moderate(input: string, options: { model: string; baseUrl?: string }, signal: AbortSignal): Promise<ModerationResult>;
  /** Says something once to the user (e.g. the statement of the sandbox in force). */
  warn(message: string): void;
  /** Refuse to run code without bubblewrap (`--require-sandbox`, `inoculate.check.requireSandbox`). Default false. */
  requireSandbox?: boolean;
  /** The file's behaviour (`behavior` and `description`): a judge's `{{behavior}}` and default rubric. Optional. */
  behavior?: { id: string; description?: string };
}

export interface Grader {
  readonly type: string;
  /** Why `item` cannot be graded (a missing field), or undefined. Used by `dataset-invalid` and before a run. */
  itemProblem(item: Item): string | undefined;
  grade(request: GradeRequest): Promise<GradeResult>;
  /** Checks, before a run sends anything, that grading can work here (a sandbox, an interpreter); throws what to fix. */
  preflight?(signal: AbortSignal): Promise<void>;
  /** Changes whenever the grading of the same response could change (options, grader version); part of cache keys. */
  readonly fingerprint: string;
}

export type GraderFactory = (config: GraderConfig, environment: GraderEnvironment) => Grader;
