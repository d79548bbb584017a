/**
 * The bounded pool of workers every run uses: `concurrency` workers take tasks from one queue, in order, until it is
 * empty or the stop signal aborts (each worker finishes the task it holds; none starts a new one).
 */

/** Runs `work` on each task with at most `concurrency` at once; resolves when every worker has stopped. */
export async function runPool<T>(tasks: Iterable<T>, concurrency: number, stop: AbortSignal, work: (task: T) => Promise<void>): Promise<void> {
  const queue = tasks[Symbol.iterator]();
  const worker = async () => {
    while (!stop.aborted) {
      const next = queue.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  const workers = Math.max(1, Math.floor(concurrency));
  await Promise.all(Array.from({ length: workers }, worker));
}
