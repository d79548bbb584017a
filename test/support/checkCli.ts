/** Runs the built CLI (`dist/cli.js`, built on first use) as a child process, asynchronously (test servers live in this process). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '../..');
/** The built CLI. */
export const CLI = join(ROOT, 'dist/cli.js');

/** Builds `dist/cli.js` when it is missing (the test runner normally builds before the integration suite). */
export function ensureBuiltCli(): void {
  if (existsSync(CLI)) return;
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(CLI)) throw new Error(`could not build the CLI: ${result.stderr}`);
}

/** How a CLI run ended and what it printed. */
export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI run in progress. */
export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts `inoculate <args>`; the environment is this process's minus any OpenAI settings, plus `env`. */
export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliRun {
  const base = { ...process.env };
  delete base.OPENAI_API_KEY;
  delete base.OPENAI_BASE_URL;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...base, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `inoculate <args>` to the end (killed after `timeoutMs`). */
export async function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  const run = startCli(args, options);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 5 ms until it holds (rejects after `timeoutMs`). */
export async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
