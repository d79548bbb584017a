/**
 * What the command backend and the vLLM serving backend need from the machine, behind one small injected interface
 * so the core stays free of `node:child_process` and `node:fs` (the Node implementation is `core/src/node/commandHost.ts`).
 * Commands are always argument lists: nothing here goes through a shell.
 */

/** How to run a short command (a scheduler call). */
export interface RunOptions {
  /** The complete environment of the command (already scrubbed of secrets by the caller). */
  env: Record<string, string>;
  cwd?: string;
  /** Text written to the command's standard input (e.g. a manifest for `kubectl create -f -`). */
  input?: string;
  /** The command (and its process group) is killed after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Output beyond this is dropped (the start is kept); default 4 MB per stream. */
  maxOutputBytes?: number;
}

/** What a finished short command did. */
export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Killed at `timeoutMs`. */
  timedOut: boolean;
}

/** How to start a long-lived process in its own process group (a local trainer, a vLLM server). */
export interface SpawnDetachedOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Files the process's standard output and error are appended to. */
  stdoutFile: string;
  stderrFile: string;
}

/** A process started in its own group: its pid is also its process group id. */
export interface DetachedProcess {
  pid: number;
  /** Start time (ms since the epoch) as the process table reports it; undefined when it already exited. */
  startTime?: number;
}

/** Thrown by `run` and `spawnDetached` when the executable does not exist. */
export class CommandNotFoundError extends Error {
  override readonly name = 'CommandNotFoundError';
  constructor(readonly command: string) {
    super(`${command}: command not found`);
  }
}

/** The machine, as the command backends see it. */
export interface CommandHost {
  /** Runs `argv` to completion (or its timeout), capturing its output. Throws `CommandNotFoundError`. */
  run(argv: readonly string[], options: RunOptions): Promise<RunResult>;
  /** Starts `argv` detached in a new session and process group, outliving this process. Throws `CommandNotFoundError`. */
  spawnDetached(argv: readonly string[], options: SpawnDetachedOptions): Promise<DetachedProcess>;
  /**
   * Start time (ms since the epoch) of the live process `pid`, or undefined when there is none (or only a zombie).
   * Computed the same way on every call, so equal values mean the same process, never a reused pid.
   */
  processStartTime(pid: number): Promise<number | undefined>;
  /** Sends `signal` to every process of the group `pgid`; false when the group no longer exists. */
  signalGroup(pgid: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<boolean>;
  /** Absolute path of `command` on the PATH of `env`, if any. */
  which(command: string, env: Record<string, string>): Promise<string | undefined>;
  /** A TCP port free on 127.0.0.1 right now. */
  freePort(): Promise<number>;
  /** `fetch` (the Ray Jobs API, vLLM's readiness). */
  fetch: typeof fetch;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;

  // Files of the run folder.
  /** The file's text (its last `maxBytes` bytes when longer), or undefined when it does not exist. */
  readText(path: string, maxBytes?: number): Promise<string | undefined>;
  /**
   * Text from byte `offset` (at most `maxBytes`) and the byte offset it starts at: `offset`, or 0 when the file is
   * now shorter than `offset` (replaced). Undefined when the file does not exist.
   */
  readFrom(path: string, offset: number, maxBytes: number): Promise<{ text: string; start: number } | undefined>;
  /** Writes the whole file atomically (temporary file + rename), creating its folder. */
  writeText(path: string, text: string): Promise<void>;
  /** Creates the file with `text` only if it does not exist yet; false when it already did. */
  createExclusive(path: string, text: string): Promise<boolean>;
  /** Copies a file (overwriting), creating the destination's folder. */
  copyFile(from: string, to: string): Promise<void>;
  /** sha256 (hex) of a file's bytes, or undefined when it does not exist. */
  sha256(path: string): Promise<string | undefined>;
  /** Names in a folder, or undefined when it does not exist. */
  list(path: string): Promise<string[] | undefined>;
  mkdir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
}
