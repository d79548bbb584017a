/**
 * Test code only: drives a command backend from a separate process (run with tsx), as a new terminal or a
 * reloaded editor would: `commandDriver.ts <request.json>` prints one JSON line with the answer.
 *
 * Request: `{ options: {settings, baseDir, env}, action, spec?, ref?, dieAfter? }`, action one of
 * `submit` (prepare + submit), `find`, `status`, `wait` (status until terminal, then result when succeeded).
 * `dieAfter` makes this process SIGKILL itself right after the host call it names returns (the scheduler accepted the
 * job, nothing recorded it yet): `spawn` (local), or the first argv word of a command (`sbatch`, `sky`, `kubectl`),
 * or `POST` (the Ray Jobs API).
 */
import { readFileSync } from 'node:fs';
import { createCommandBackend } from '../../core/src/train/command/backend';
import type { CommandHost } from '../../core/src/train/command/host';
import { nodeCommandHost, shippedTemplatesDir } from '../../core/src/node/commandHost';
import type { CommandSettings } from '../../core/src/train/settings';
import { isTerminal, type JobRef, type TrainingSpec } from '../../core/src/train/types';

interface Request {
  options: { settings: CommandSettings; baseDir: string; env: Record<string, string> };
  action: 'submit' | 'find' | 'status' | 'wait';
  spec?: TrainingSpec;
  ref?: JobRef;
  dieAfter?: string;
}

function dying(host: CommandHost, dieAfter: string | undefined): CommandHost {
  if (!dieAfter) return host;
  const die = () => process.kill(process.pid, 'SIGKILL');
  return {
    ...host,
    async run(argv, options) {
      const result = await host.run(argv, options);
      if (argv[0] === dieAfter && !argv.includes('current-context') && !argv.includes('get')) die();
      return result;
    },
    async spawnDetached(argv, options) {
      const result = await host.spawnDetached(argv, options);
      if (dieAfter === 'spawn') die();
      return result;
    },
    fetch: async (input, init) => {
      const response = await host.fetch(input, init);
      if (dieAfter === 'POST' && init?.method === 'POST') die();
      return response;
    },
  };
}

async function main() {
  const request = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Request;
  const backend = createCommandBackend({
    host: dying(nodeCommandHost, request.dieAfter),
    settings: request.options.settings,
    workspaceTrusted: true,
    baseDir: request.options.baseDir,
    templatesDir: shippedTemplatesDir(),
    env: request.options.env,
    killGraceMs: 2000,
  });
  let answer: unknown;
  if (request.action === 'submit') {
    const prepared = await backend.prepare(request.spec!);
    answer = await backend.submit(request.spec!, prepared);
  } else if (request.action === 'find') {
    answer = (await backend.find(request.spec!)) ?? null;
  } else if (request.action === 'status') {
    answer = await backend.status(request.ref!);
  } else {
    let status = await backend.status(request.ref!);
    const deadline = Date.now() + 60_000;
    while (!isTerminal(status.state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await backend.status(request.ref!);
    }
    answer = { status, result: status.state === 'succeeded' ? await backend.result(request.ref!) : null, metrics: await backend.metrics(request.ref!) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
