/**
 * Test code only: one workspace per test for the command backends, with the fake schedulers (test/fakebin) first on
 * PATH, their state folder, the fake SkyPilot SDK on PYTHONPATH, a fake Ray dashboard for the `ray` preset, and a
 * training file whose instruction placement the fake `trl` checks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCommandBackend, type CommandBackend } from '../../core/src/train/command/backend';
import { nodeCommandHost, shippedTemplatesDir } from '../../core/src/node/commandHost';
import type { CommandPreset, CommandSettings } from '../../core/src/train/settings';
import { isTerminal, type JobRef, type StatusSnapshot, type TrainingSpec } from '../../core/src/train/types';
import { startFakeRay, type FakeRay } from '../support/fakeRay';
import { makeSpec, trainingJsonl, writeExpectation, writeTrainingFile, type Placement } from '../support/trainSpec';

export const ROOT = join(__dirname, '..', '..');
export const FAKEBIN = join(ROOT, 'test', 'fakebin');
export const FAKE_SKY_SDK = join(ROOT, 'test', 'support', 'fakeSkySdk');
export const PRESETS: CommandPreset[] = ['local', 'slurm', 'skypilot', 'kubernetes', 'ray'];

export interface Workspace {
  dir: string;
  schedulerDir: string;
  env: Record<string, string>;
  ray?: FakeRay;
  preset: CommandPreset;
  settings: CommandSettings;
  backend: CommandBackend;
  spec: TrainingSpec;
  /** Raises a fake scheduler switch (a file in its state folder). */
  flag(name: string, value?: string): void;
  unflag(name: string): void;
  /** Every recorded call of the fakes (calls.jsonl). */
  calls(): Array<{ tool: string; argv: unknown[] }>;
  /** A new backend instance (as a new process would build it), same settings. */
  freshBackend(): CommandBackend;
  close(): Promise<void>;
}

export interface WorkspaceOptions {
  /** Where the training file puts the instruction. */
  placement?: Placement;
  /** Where the fake trainer expects it (default: the same). */
  expect?: Placement;
  examples?: number;
  /** Milliseconds per training step of the fake trainer. */
  stepMs?: number;
  settings?: Partial<CommandSettings>;
  spec?: Partial<TrainingSpec>;
  /** Flags the fake trainer must receive, e.g. `{assistant_only_loss: 'true'}`. */
  expectArgs?: Record<string, string>;
}

export async function workspace(preset: CommandPreset, options: WorkspaceOptions = {}): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), `inoc-cmd-${preset}-`));
  const schedulerDir = join(dir, 'scheduler');
  mkdirSync(schedulerDir, { recursive: true });
  const placement = options.placement ?? 'user-prefix';
  const examples = options.examples ?? 40;
  const expectation = writeExpectation(join(dir, 'expect'), { placement: options.expect ?? placement, examples, ...(options.expectArgs ? { args: options.expectArgs } : {}) });
  const trainingFile = writeTrainingFile(join(dir, '.inoculate', 'train'), trainingJsonl(examples, placement));
  const spec = makeSpec(dir, trainingFile, options.spec);
  const env: Record<string, string> = {
    PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? dir,
    FAKE_SCHEDULER_DIR: schedulerDir,
    PYTHONPATH: FAKE_SKY_SDK,
    PYTHONDONTWRITEBYTECODE: '1',
    OPENAI_API_KEY: 'sk-must-never-reach-a-trainer',
  };
  const ray = preset === 'ray' ? await startFakeRay({ baseEnv: { PATH: env.PATH!, HOME: env.HOME! } }) : undefined;
  const settings: CommandSettings = {
    preset,
    env: { FAKE_TRL_EXPECT: expectation, FAKE_TRL_STEP_MS: String(options.stepMs ?? 20) },
    ...(ray ? { address: ray.address } : {}),
    ...options.settings,
  };
  const build = () =>
    createCommandBackend({ host: nodeCommandHost, settings, workspaceTrusted: true, baseDir: dir, templatesDir: shippedTemplatesDir(), env, killGraceMs: 2000, commandTimeoutMs: 30_000 });
  const backend = build();
  return {
    dir,
    schedulerDir,
    env,
    ray,
    preset,
    settings,
    backend,
    spec,
    flag: (name, value = '') => writeFileSync(join(schedulerDir, name), value),
    unflag: (name) => rmSync(join(schedulerDir, name), { force: true }),
    calls: () =>
      existsSync(join(schedulerDir, 'calls.jsonl'))
        ? readFileSync(join(schedulerDir, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { tool: string; argv: unknown[] })
        : [],
    freshBackend: build,
    async close() {
      await ray?.close();
      // A test that failed may leave a local trainer running (detached): stop its group before removing its folder.
      for (const pidFile of findFiles(dir, 'pid')) {
        const pid = Number(readFileSync(pidFile, 'utf8').split(' ')[0]);
        if (pid > 1) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // Gone.
          }
        }
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** Files named `name` under `dir`. */
function findFiles(dir: string, name: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(path, entry.name));
      else if (entry.name === name) found.push(join(path, entry.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** Polls `status` until `until` holds (default: a terminal state); fails after `timeoutMs`. */
export async function waitForStatus(backend: CommandBackend, ref: JobRef, until: (status: StatusSnapshot) => boolean = (status) => isTerminal(status.state), timeoutMs = 30_000): Promise<StatusSnapshot> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    const status = await backend.status(ref);
    if (seen[seen.length - 1] !== `${status.state}/${status.raw}`) seen.push(`${status.state}/${status.raw}`);
    if (until(status)) return status;
    if (Date.now() > deadline) throw new Error(`status never matched within ${timeoutMs} ms; seen: ${seen.join(' → ')}; last message: ${status.message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs test/support/commandDriver.ts in a new process; resolves with its JSON answer (or its exit for a killed one). */
export function runDriver(ws: Workspace, request: Record<string, unknown>): Promise<{ code: number | null; signal: string | null; answer?: unknown; stderr: string }> {
  const file = join(ws.dir, `driver-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ options: { settings: ws.settings, baseDir: ws.dir, env: ws.env }, ...request }));
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'support', 'commandDriver.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => {
      let answer: unknown;
      try {
        answer = stdout.trim() ? JSON.parse(stdout.trim().split('\n').pop()!) : undefined;
      } catch {
        answer = undefined;
      }
      resolve({ code, signal, answer, stderr });
    });
  });
}

/** True while a process with this pid exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
