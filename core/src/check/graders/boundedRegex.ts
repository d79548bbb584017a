/**
 * A user's regular expression, run on model output where it can be stopped. JavaScript's engine backtracks: a
 * pattern such as `(a+)+$` takes exponential time on a few dozen characters, and while it runs the thread cannot do
 * anything else (Ctrl+C included). A linear-time engine (RE2, V8's experimental one) would not keep the documented
 * syntax (lookarounds, backreferences), so matching runs in a worker thread instead, one request at a time, and the
 * worker is terminated when a match takes longer than the time limit or the check is cancelled (V8 interrupts a
 * running regex for that); the next match starts a fresh worker. Measured cost (`npm run bench`'s numbers in
 * docs/graders.md): well under a millisecond per match on typical responses.
 */
import { Worker } from 'node:worker_threads';
import { abortReason } from '../providers/types';

/** What a match found: where, the whole match and its groups (undefined for a group that did not take part). */
export interface BoundedMatch {
  index: number;
  text: string;
  groups: Array<string | undefined>;
}

/** A match that ran past its time limit. */
export class RegexTimeoutError extends Error {
  override readonly name = 'RegexTimeoutError';
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const regex = new RegExp(workerData.source, workerData.flags);
parentPort.on('message', ({ id, text }) => {
  regex.lastIndex = 0;
  let reply;
  try {
    const match = regex.exec(text);
    reply = { id, match: match ? { index: match.index, text: match[0], groups: Array.from(match).slice(1) } : null };
  } catch (error) {
    reply = { id, error: String(error && error.message || error) };
  }
  parentPort.postMessage(reply);
});
`;

interface Reply {
  id: number;
  match?: BoundedMatch | null;
  error?: string;
}

/** A compiled pattern whose matches run in a worker thread with a time limit and a cancel signal. */
export class BoundedRegex {
  private worker: Worker | undefined;
  private nextId = 0;
  /** Matches run one after another: the previous one's promise. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Workers started so far (a timeout or a cancellation ends one). */
  workersStarted = 0;

  /**
   * Compiles `source` with `flags` here first, so a syntax error is reported at once (compiling never backtracks);
   * throws the engine's SyntaxError.
   */
  constructor(
    readonly source: string,
    readonly flags: string,
    readonly timeoutMs: number,
  ) {
    new RegExp(source, flags);
  }

  /** The first match in `text`, or null; rejects with RegexTimeoutError past the limit, with the abort reason when `signal` aborts. */
  exec(text: string, signal: AbortSignal): Promise<BoundedMatch | null> {
    const run = this.queue.then(() => this.run(text, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker (it is also unreferenced while idle, so it never keeps a process alive). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source: this.source, flags: this.flags } });
    this.workersStarted++;
    // An error in the worker (e.g. the regex overflowed its stack) ends it: the match in flight fails, the next one
    // starts another worker.
    worker.on('error', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    return worker;
  }

  private async run(text: string, signal: AbortSignal): Promise<BoundedMatch | null> {
    if (signal.aborted) throw abortReason(signal);
    let worker = this.worker;
    if (!worker) {
      worker = this.worker = this.start();
      // The time limit is for matching: a fresh worker's start-up (slow on a loaded machine) does not count.
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          void worker!.terminate();
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        worker!.once('online', () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
        worker!.once('error', (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        });
      });
    }
    const running = worker;
    const id = this.nextId++;
    running.ref();
    return new Promise<BoundedMatch | null>((resolve, reject) => {
      const worker = running;
      const finish = (settle: () => void, stopWorker: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (stopWorker) {
          if (this.worker === worker) this.worker = undefined;
          void worker.terminate();
        } else {
          worker.unref();
        }
        settle();
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        if (reply.error !== undefined) finish(() => reject(new Error(reply.error)), false);
        else finish(() => resolve(reply.match ?? null), false);
      };
      const onError = (error: Error) => finish(() => reject(error), true);
      const onAbort = () => finish(() => reject(abortReason(signal)), true);
      const timer = setTimeout(
        () => finish(() => reject(new RegexTimeoutError(`the pattern did not finish within ${this.timeoutMs / 1000} s on this response`)), true),
        this.timeoutMs,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, text });
    });
  }
}
