/**
 * Runs a function exported by a TypeScript module in a worker thread and stops it after a deadline: for tests of
 * work that must stay bounded (a regression then fails the test at the deadline instead of hanging the suite).
 */
import { Worker } from 'node:worker_threads';

/** Calls `exported(...args)` from `modulePath` in a worker; rejects when it throws or runs past `deadlineMs`. */
export function callInWorker<T>(modulePath: string, exported: string, args: unknown[], deadlineMs: number): Promise<T> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    require('tsx/cjs');
    Promise.resolve()
      .then(() => require(workerData.modulePath)[workerData.exported](...workerData.args))
      .then((value) => parentPort.postMessage({ value }), (error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
  `;
  const worker = new Worker(code, { eval: true, workerData: { modulePath, exported, args } });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`still running after ${deadlineMs} ms: the work is not bounded`));
    }, deadlineMs);
    worker.once('message', (message: { value?: T; error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message.value as T);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
