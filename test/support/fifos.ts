/** FIFOs for tests of code that must never block on one. */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

/** Makes a FIFO at `path` (mkfifo(1)). */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Opens and closes every FIFO for writing without blocking, so a reader stuck in open(2) (a regression) is let go. */
export function releaseFifos(paths: string[]): void {
  for (const path of paths) {
    try {
      closeSync(openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
    } catch {
      // Gone already.
    }
  }
}
