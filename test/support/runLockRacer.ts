/**
 * Test code only: one process of a race on one training run (run with tsx), for test/train/runLock.test.ts.
 * `runLockRacer.ts <request.json>` sets up, then for each round prints `ready <n>`, waits for a line on stdin (the
 * barrier: the test writes it to every racer once all are ready), acts, and prints one JSON line with what it did.
 *
 * Actions: `follow` (followRun once against the fake OpenAI server), `launch` (launchRun), `hold` (takes the run's
 * lock, prints `held`, and waits to be killed). `noLock` swaps in a file system whose lock does nothing: the test
 * suite never sets it; it is there to show that the race tests fail without the lock.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createTrainingBackend } from '../../core/src/train/backends';
import { followRun, launchRun, type PlannedRun } from '../../core/src/train/jobs';
import { runLockPath, trainPaths } from '../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../core/src/train/nodeTrainFs';
import type { TrainFileSystem } from '../../core/src/train/trainFs';

interface Request {
  action: 'follow' | 'launch' | 'hold';
  workspace: string;
  baseUrl: string;
  apiKey: string;
  /** One race per round, each on its own run: `runId` (follow, hold) or `planned` (launch). */
  rounds: Array<{ runId: string; planned?: PlannedRun }>;
  noLock?: boolean;
}

async function main(): Promise<void> {
  const request = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Request;
  const fs: TrainFileSystem = request.noLock ? { ...nodeTrainFileSystem, lock: async () => ({ release: async () => undefined }) } : nodeTrainFileSystem;
  const paths = trainPaths(request.workspace);
  const ctx = { fs, paths };
  const backend = createTrainingBackend({ id: 'openai', target: request.baseUrl }, { fs, apiKey: request.apiKey });
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (const [index, round] of request.rounds.entries()) {
    process.stdout.write(`ready ${index}\n`);
    if ((await lines.next()).done) throw new Error('the barrier closed before the race');
    if (request.action === 'hold') {
      await fs.lock(paths.resultsRoot, runLockPath(paths, round.runId));
      process.stdout.write('held\n');
      setInterval(() => undefined, 60_000); // alive (holding the lock, refreshing it) until killed
      await new Promise(() => undefined);
    }
    if (request.action === 'follow') {
      const outcome = await followRun(ctx, round.runId, backend, { once: true, initialIntervalMs: 1 });
      process.stdout.write(`${JSON.stringify({ round: index, reason: outcome.reason })}\n`);
    } else {
      const outcome = await launchRun(ctx, round.planned!, backend);
      process.stdout.write(`${JSON.stringify({ round: index, action: outcome.action, job: outcome.job?.id ?? null })}\n`);
    }
  }
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
