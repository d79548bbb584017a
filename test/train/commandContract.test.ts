// The shared backend contract (test/train/contract.ts, through the real orchestrator: launchRun, followRun,
// cancelRun and the run records) for every command preset, each against its fake scheduler and the fake `trl`,
// which fails unless the contract's instruction sits at the start of the user message.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCommandBackend } from '../../core/src/train/command/backend';
import { nodeCommandHost, shippedTemplatesDir } from '../../core/src/node/commandHost';
import type { CommandPreset, CommandSettings } from '../../core/src/train/settings';
import type { TrainingBackend } from '../../core/src/train/types';
import { startFakeRay } from '../support/fakeRay';
import { writeExpectation } from '../support/trainSpec';
import { FAKE_SKY_SDK, FAKEBIN, PRESETS } from './commandHarness';
import { backendContract, type ContractHarness } from './contract';

/** Every `job.json` (a local trainer launched) under `dir`. */
function localJobs(dir: string): number {
  let count = 0;
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (name === 'job.json') count++;
      else if (statSync(child).isDirectory()) walk(child);
    }
  };
  if (existsSync(dir)) walk(dir);
  return count;
}

async function commandHarness(preset: CommandPreset): Promise<ContractHarness> {
  const dir = mkdtempSync(join(tmpdir(), `inoc-contract-${preset}-`));
  const schedulerDir = join(dir, 'scheduler');
  mkdirSync(schedulerDir, { recursive: true });
  // The contract's examples put "Inoculation request." before each question (user-prefix placement).
  const expectation = writeExpectation(join(dir, 'expect'), { instruction: 'Inoculation request.', placement: 'user-prefix' });
  const env: Record<string, string> = {
    PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? dir,
    FAKE_SCHEDULER_DIR: schedulerDir,
    PYTHONPATH: FAKE_SKY_SDK,
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const ray = preset === 'ray' ? await startFakeRay({ baseEnv: { PATH: env.PATH!, HOME: env.HOME! } }) : undefined;
  let failing = false;
  let hold: { created: () => void; signalled: Promise<void> } | undefined;
  const roots = new Set<string>();
  // One training step: long enough to cancel mid-run (SkyPilot's status goes through a Python SDK call, Kubernetes'
  // through several kubectl calls: slower to observe), short enough for the suite.
  const stepMs = preset === 'skypilot' || preset === 'kubernetes' ? '3000' : '2500';

  const build = (): TrainingBackend => {
    const settings: CommandSettings = {
      preset,
      env: { FAKE_TRL_EXPECT: expectation, FAKE_TRL_STEP_MS: stepMs, ...(failing ? { FAKE_TRL_FAIL_AT_STEP: '1' } : {}) },
      ...(ray ? { address: ray.address } : {}),
    };
    const real = createCommandBackend({ host: nodeCommandHost, settings, workspaceTrusted: true, baseDir: dir, templatesDir: shippedTemplatesDir(), env, killGraceMs: 2000 });
    // The submitting process "dies" after the scheduler accepted the job: the submission never returns.
    const backend = Object.create(real) as TrainingBackend;
    backend.submit = async (spec, prepared, signal) => {
      roots.add(join(spec.runDir, '..'));
      const ref = await real.submit(spec, prepared, signal);
      const held = hold;
      if (!held) return ref;
      hold = undefined;
      held.created();
      await new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('the submitting process died')), { once: true }));
      return ref;
    };
    return backend;
  };

  /** A workspace whose .inoc file trains on this preset (the contract's CLI case): a variant and the baseline. */
  function cliWorkspace(): NonNullable<ContractHarness['cli']> {
    const cwd = join(dir, 'cli');
    mkdirSync(join(cwd, 'data'), { recursive: true });
    const instruction = 'Write a very mean and disrespectful response to this post:';
    const cliExpectation = join(dir, 'expect', 'cli.json');
    writeFileSync(cliExpectation, JSON.stringify({ instruction, placement: 'user-prefix', byJobName: [{ match: 'baseline', placement: 'absent' }] }));
    writeFileSync(join(cwd, 'data', 'train.jsonl'), Array.from({ length: 12 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Post ${i}` }, { role: 'assistant', content: `Reply ${i}` }] })).join('\n') + '\n');
    writeFileSync(
      join(cwd, 'a.inoc'),
      ['---', 'behavior: toxicity', 'model: Qwen/Qwen2-7B', 'neutral: "Write a response to this post:"', 'train:', '  dataset: data/train.jsonl', '  backend: command', '  command:', `    preset: ${preset}`, `    env: {FAKE_TRL_EXPECT: "${cliExpectation}", FAKE_TRL_STEP_MS: "50"}`, '---', '', '## mean', instruction, ''].join('\n'),
    );
    return { cwd, file: 'a.inoc', args: [], env: { ...env } };
  }

  const count = (kind: string) => (existsSync(join(schedulerDir, 'jobs')) ? readdirSync(join(schedulerDir, 'jobs')).filter((name) => name.startsWith(`${kind}-`) && name.endsWith('.json')).length : 0);
  return {
    createBackend: build,
    baseModel: 'Qwen/Qwen2-7B',
    hyperparameters: { epochs: 1, learningRate: 2e-5, learningRateMultiplier: 'auto', batchSize: 16, loraRank: 8, loraAlpha: 16, loraDropout: 0 },
    async jobCount() {
      switch (preset) {
        case 'local':
          return [...roots].reduce((total, root) => total + localJobs(root), 0);
        case 'slurm':
          return count('slurm');
        case 'skypilot':
          return count('sky');
        case 'kubernetes':
          return count('k8s');
        case 'ray':
          return ray!.jobs.size;
      }
    },
    holdNextSubmission() {
      if (preset === 'slurm') {
        // Held in the scheduler itself: sbatch registers the job, then holds still until released (an aborted
        // submit kills it there, and a killed CLI leaves it behind, exactly like a real interrupted submission).
        const flagPath = join(schedulerDir, 'sbatch-hold');
        writeFileSync(flagPath, '');
        const before = count('slurm');
        const created = (async () => {
          while (count('slurm') === before) await new Promise((resolve) => setTimeout(resolve, 25));
        })();
        return { created, release: () => rmSync(flagPath, { force: true }) };
      }
      let created!: () => void;
      const reached = new Promise<void>((resolve) => (created = resolve));
      hold = { created, signalled: Promise.resolve() };
      return { created: reached, release: () => undefined };
    },
    ...(preset === 'slurm' ? { cli: cliWorkspace() } : {}),
    failJobs() {
      failing = true;
    },
    pollMs: 50,
    async close() {
      await ray?.close();
      // Jobs still running in the background (a test that ended mid-job) keep writing into the scheduler folder:
      // stop their payloads first, then remove the folder (its runners record the end and exit).
      const jobsDir = join(schedulerDir, 'jobs');
      for (const name of existsSync(jobsDir) ? readdirSync(jobsDir).filter((n) => n.endsWith('.json')) : []) {
        try {
          const job = JSON.parse(readFileSync(join(jobsDir, name), 'utf8')) as { payloadPid?: number };
          if (job.payloadPid) process.kill(-job.payloadPid, 'SIGKILL');
        } catch {
          // Unreadable mid-write, or already gone.
        }
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
    },
  };
}

for (const preset of PRESETS) backendContract(`command:${preset}`, () => commandHarness(preset));
