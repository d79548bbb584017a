/**
 * The file operations the training core needs: the check engine's `ResultsFileSystem` (appends, atomic writes,
 * streamed reads) plus listing a folder (runs are one folder each) and a lock across processes (two followers or
 * two launches of one run). The Node implementation is `nodeTrainFs.ts`.
 */
import type { ResultsFileSystem } from '../check/resultsFs';

/** A lock taken with `TrainFileSystem.lock`. */
export interface HeldLock {
  /** Releases the lock (once; later calls do nothing). */
  release(): Promise<void>;
}

/** How long `lock` may wait, and what stops the wait. */
export interface LockWaitOptions {
  signal?: AbortSignal;
  /** Give up (LockBusyError) after waiting this long for a live holder. */
  maxWaitMs?: number;
}

/** The lock stayed held by another live process (or caller) for longer than the caller would wait. */
export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
  constructor(readonly lockDir: string, waitedMs: number) {
    super(`${lockDir} is held by another Inoculate process (waited ${Math.round(waitedMs / 1000)} s). A process that died leaves it stale: it is taken over within seconds.`);
  }
}

export interface TrainFileSystem extends ResultsFileSystem {
  /** Names of the entries of `dir` (not recursive); empty when it does not exist. */
  listDir(dir: string): Promise<string[]>;
  /**
   * Takes the lock folder `lockDir` (inside the results folder `root`; its parent must exist), waiting while another
   * process or caller holds it. A live holder keeps it fresh; one that died (SIGKILL) leaves it stale, and it is
   * taken over once stale. Never through a symbolic link: a link (or a file) in its place is refused
   * (ResultsFileError). Rejects with LockBusyError after `maxWaitMs`, and with the signal's reason when it aborts.
   */
  lock(root: string, lockDir: string, options?: LockWaitOptions): Promise<HeldLock>;
}
