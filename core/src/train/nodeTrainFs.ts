/**
 * `TrainFileSystem` on the local disk: the check engine's Node file system plus a folder listing and run locks.
 *
 * Locks are `proper-lockfile` lock folders (`mkdir` is atomic across processes, also on network file systems): the
 * holder refreshes the folder's mtime every few seconds, and a folder older than `LOCK_STALE_MS` is a holder that
 * died (SIGKILL, a power cut) and is taken over. Held locks are removed when the process exits. The library's
 * `stat` is given `lstat`, so a symbolic link planted in the lock's place is never followed (and is refused first).
 */
import * as fs from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeResultsFileSystem } from '../check/nodeFs';
import { ResultsFileError } from '../check/resultsFs';
import { LockBusyError, type HeldLock, type TrainFileSystem } from './trainFs';

/** A lock folder not refreshed for this long belongs to a dead process (the holder refreshes it every 5 s). */
export const LOCK_STALE_MS = 10_000;
const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

/** proper-lockfile's file operations with `stat` not following links. */
const noFollowFs = { mkdir: fs.mkdir, rmdir: fs.rmdir, rmdirSync: fs.rmdirSync, stat: fs.lstat, utimes: fs.utimes, realpath: fs.realpath };

/** Refuses anything but a real folder (or nothing) at `lockDir`. */
async function refuseNonFolder(lockDir: string): Promise<void> {
  let stats: fs.Stats;
  try {
    stats = await lstat(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ResultsFileError(`cannot use the lock ${lockDir}: ${(error as Error).message}`);
  }
  if (stats.isSymbolicLink()) throw new ResultsFileError(`${lockDir} is a symbolic link. Inoculate never follows links inside its results folder. Remove it (rm '${lockDir}') and run again.`);
  if (!stats.isDirectory()) throw new ResultsFileError(`${lockDir} should be a lock folder of Inoculate but is not one; move it away and run again.`);
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const nodeTrainFileSystem: TrainFileSystem = {
  ...nodeResultsFileSystem,
  async listDir(dir) {
    try {
      // Only real folders and files: a symlink planted in `.inoculate/` is not followed into.
      const entries = await readdir(dir, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory() || entry.isFile()).map((entry) => entry.name).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
  },

  async lock(root, lockDir, options = {}): Promise<HeldLock> {
    // Every folder down to the lock folder must be real (a file name below it is only there to check the folder).
    await nodeResultsFileSystem.checkResultsPath(root, join(lockDir, 'lock'));
    // Loaded on first use: the library installs exit handlers (to remove held locks) when it loads.
    const lockfile = await import('proper-lockfile');
    const started = Date.now();
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    let delay = 5;
    for (;;) {
      await refuseNonFolder(lockDir);
      let release: (() => Promise<void>) | undefined;
      try {
        release = await lockfile.lock(lockDir, {
          lockfilePath: lockDir,
          realpath: false,
          stale: LOCK_STALE_MS,
          retries: 0,
          fs: noFollowFs,
          // The refresh failed for longer than the stale time (a frozen process): another process may take the lock;
          // nothing can be undone here, and the default (throwing from a timer) would crash the editor.
          onCompromised: () => undefined,
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ELOCKED') {
          if (code === 'ENOTDIR') await refuseNonFolder(lockDir); // replaced by a link or a file meanwhile
          throw new ResultsFileError(`cannot take the lock ${lockDir}: ${(error as Error).message}`);
        }
      }
      if (release) {
        let released = false;
        const held = release;
        return {
          async release() {
            if (released) return;
            released = true;
            await held().catch(() => undefined); // already released as compromised, or removed: nothing held any more
          },
        };
      }
      const waited = Date.now() - started;
      if (waited >= maxWaitMs) throw new LockBusyError(lockDir, waited);
      // Short waits first (followers hold it for milliseconds), then up to a quarter second, jittered.
      await pause(Math.min(delay, maxWaitMs - waited) * (1 + Math.random() * 0.5), options.signal);
      delay = Math.min(delay * 2, 250);
    }
  },
};
