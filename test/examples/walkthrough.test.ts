// The README's "From a check to a fine-tune", run for real: the commands of its code block (read from the README, so
// the walkthrough cannot drift from what the CLI does) through the built CLI as child processes, on a copy of every
// example, offline and without submitting anything. Launching commands get `--dry-run` (the README's own dry run
// is run as written); their output must show the jobs planned per variant and baseline, clean validation, and the
// check, training and evaluation on one model. The examples lint clean, and their commented Slurm and SkyPilot
// presets plan the same jobs. Two guards watch every run: a preload that records and refuses any connection or DNS
// lookup, and scheduler and trainer executables on PATH that record any call; a control shows each can fail.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'shell-quote';
import { ensureBuiltCli, runCli, startCli, ROOT, type CliResult } from '../support/checkCli';

const SECTION = '## From a check to a fine-tune';
/** The example the README's block uses; the other examples get the same commands with their own file and candidate. */
const README_FILE = 'examples/sycophancy.inoc';
const EXAMPLE_FILES = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.inoc')).sort();
const NO_NETWORK = join(ROOT, 'test/support/noNetwork.cjs');
/** What a launch could call: every scheduler of the presets, the trainer and the server. */
const TRIPWIRES = ['trl', 'sbatch', 'sacct', 'squeue', 'scancel', 'sky', 'kubectl', 'vllm'];

/** The `npx inoculate ...` commands of the section's `sh` blocks, as argument lists (comments dropped). */
function walkthroughCommands(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${SECTION}\n`);
  assert.ok(start >= 0, `README.md has no "${SECTION}" section`);
  const rest = readme.slice(start + SECTION.length + 2);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const commands: string[][] = [];
  for (const block of section.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const line of block[1]!.split('\n')) {
      const words = parse(line).filter((word): word is string => typeof word === 'string');
      if (words[0] === 'npx' && words[1] === 'inoculate') commands.push(words.slice(2));
    }
  }
  return commands;
}

interface Sandbox {
  dir: string;
  networkLog: string;
  tripwireLog: string;
  env: NodeJS.ProcessEnv;
}

/** A workspace holding a copy of examples/, with the two guards. */
function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'inoculate-walkthrough-'));
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  const bin = join(dir, 'tripwire-bin');
  mkdirSync(bin);
  const tripwireLog = join(dir, 'tripwire.log');
  for (const name of TRIPWIRES) {
    const file = join(bin, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> '${tripwireLog}'\nexit 1\n`);
    chmodSync(file, 0o755);
  }
  const networkLog = join(dir, 'network.log');
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    NODE_OPTIONS: `--require ${NO_NETWORK}`,
    INOCULATE_NO_NETWORK_LOG: networkLog,
  };
  return { dir, networkLog, tripwireLog, env };
}

const readIfAny = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** Nothing left the process, nothing was called, nothing was recorded as a run. */
function assertUntouched(box: Sandbox): void {
  assert.equal(readIfAny(box.networkLog), '', 'a command opened a connection');
  assert.equal(readIfAny(box.tripwireLog), '', 'a command called a scheduler, the trainer or vLLM');
  assert.ok(!existsSync(join(box.dir, '.inoculate', 'runs')), 'a command recorded a run');
}

const run = (box: Sandbox, args: string[]): Promise<CliResult> => runCli(args, { cwd: box.dir, env: box.env });

function json<T>(result: CliResult, what: string): T {
  assert.equal(result.status, 0, `${what}: exit ${result.status}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface TrainJson {
  backend: string;
  model: string;
  dryRun: boolean;
  tokenizer: { counted: string };
  dataset: { items: number };
  arms: { name: string; kind: string; trainingFile: { examples: number } }[];
  runs: { arm: string; seed: number; action: string | null; job: string | null; issues: unknown[] }[];
  errors: unknown[];
  warnings: unknown[];
}

/** The file's candidates (not controls), in file order, by `inoculate score --json`. */
async function candidatesOf(box: Sandbox, file: string): Promise<string[]> {
  const scored = json<{ variants: { name: string; control: boolean }[] }[]>(await run(box, ['score', '--json', file]), `score ${file}`);
  return scored[0]!.variants.filter((v) => !v.control).map((v) => v.name);
}

/** The README's command for `file`: its own path, and its first candidate where the README names one. */
function forExample(command: string[], file: string, firstCandidate: string): string[] {
  return command.map((word, i) => (word === README_FILE ? file : command[i - 1] === '--variant' && file !== README_FILE ? firstCandidate : word));
}

/** A launching command made safe: `--dry-run` where the command has one and the README did not write it. */
function safe(command: string[]): string[] {
  return ['check', 'train', 'eval'].includes(command[0]!) && !command.includes('--dry-run') ? [...command, '--dry-run'] : command;
}

function assertPlanned(plan: TrainJson, arms: string[], seeds: number[], backend: string, what: string): void {
  assert.equal(plan.dryRun, true, what);
  assert.equal(plan.backend, backend, what);
  assert.deepEqual(plan.errors, [], `${what}: validation errors`);
  assert.deepEqual(plan.warnings, [], `${what}: validation warnings`);
  assert.deepEqual(plan.arms.map((a) => a.name), arms, what);
  assert.equal(plan.arms.at(-1)!.kind, 'baseline', `${what}: the baseline is planned`);
  for (const arm of plan.arms) assert.equal(arm.trainingFile.examples, plan.dataset.items, `${what}: ${arm.name} trains on every item`);
  assert.deepEqual(
    plan.runs.map((r) => [r.arm, r.seed]),
    arms.flatMap((arm) => seeds.map((seed) => [arm, seed])),
    `${what}: one job per arm and seed`,
  );
  for (const r of plan.runs) assert.ok(r.action === null && r.job === null && r.issues.length === 0, `${what}: ${r.arm} seed ${r.seed} was not only planned`);
  assert.equal(plan.tokenizer.counted, 'estimate', `${what}: no tokenizer is known for the open model, and the plan says so`);
}

describe('the README walkthrough "From a check to a fine-tune"', function () {
  this.timeout(120_000);
  const commands = walkthroughCommands();
  let box: Sandbox;
  before(() => {
    ensureBuiltCli();
    box = sandbox();
  });
  after(() => rmSync(box.dir, { recursive: true, force: true, maxRetries: 5 }));

  it('shows every step: check, a dry run, a launch of a chosen candidate, following, evaluation, the report', () => {
    const has = (predicate: (c: string[]) => boolean, what: string) => assert.ok(commands.some(predicate), `the walkthrough has no ${what}: ${JSON.stringify(commands)}`);
    has((c) => c[0] === 'check', 'check');
    has((c) => c[0] === 'train' && c.includes('--dry-run'), 'training dry run');
    has((c) => c[0] === 'train' && !c.includes('--dry-run') && c.includes('--variant'), 'launch of a chosen candidate');
    has((c) => c[0] === 'jobs' && c.includes('--watch'), '`jobs --watch`');
    has((c) => c[0] === 'eval', 'evaluation');
    has((c) => c[0] === 'report', 'report');
    for (const c of commands) assert.ok(c.includes(README_FILE), `${c.join(' ')}: the walkthrough uses ${README_FILE} throughout`);
  });

  it('the examples lint clean: no diagnostic of any severity', async () => {
    const result = await run(box, ['lint', '--json', 'examples']);
    const files = json<{ file: string; diagnostics: unknown[] }[]>(result, 'lint');
    assert.deepEqual(files.map((f) => f.file).sort(), EXAMPLE_FILES.map((f) => `examples/${f}`));
    for (const f of files) assert.deepEqual(f.diagnostics, [], f.file);
    assertUntouched(box);
  });

  for (const name of EXAMPLE_FILES) {
    const file = `examples/${name}`;
    it(`${name}: every command of the walkthrough runs offline, plans one job per arm and seed, and submits nothing`, async () => {
      const candidates = await candidatesOf(box, file);
      assert.ok(candidates.length >= 2, `${file}: candidates ${candidates}`);
      const checkPlan = json<{ model: string }>(await run(box, ['check', file, '--dry-run', '--json']), `check ${file}`);
      for (const readmeCommand of commands) {
        const command = safe(forExample(readmeCommand, file, candidates[0]!));
        const what = `inoculate ${command.join(' ')}`;
        const result = await run(box, command);
        switch (command[0]) {
          case 'train': {
            assert.equal(result.status, 0, `${what}\n${result.stderr}`);
            const variant = command[command.indexOf('--variant') + 1];
            const arms = command.includes('--variant') ? [variant!, 'baseline'] : [...candidates, 'baseline'];
            const seeds = command.includes('--seeds') ? [...Array(Number(command[command.indexOf('--seeds') + 1])).keys()] : [0];
            if (readmeCommand.includes('--dry-run')) {
              // The README's own dry run, as written: what the reader sees.
              assert.match(result.stdout, /dry run, nothing submitted/, what);
              assert.match(result.stdout, /backend +command:local/, what);
              assert.match(result.stdout, new RegExp(`${arms.length * seeds.length} jobs: ${arms.length} arms × seeds 0\\b`), what);
            }
            const plan = json<TrainJson>(await run(box, [...command, '--json']), `${what} --json`);
            assertPlanned(plan, arms, seeds, 'command:local', what);
            assert.equal(plan.model, checkPlan.model, `${file}: the check samples the model that is fine-tuned`);
            break;
          }
          case 'check': {
            assert.equal(result.status, 0, `${what}\n${result.stderr}`);
            assert.match(result.stdout, /dry run, nothing sent/, what);
            break;
          }
          case 'eval': {
            assert.equal(result.status, 0, `${what}\n${result.stderr}`);
            assert.match(result.stdout, new RegExp(`base +${checkPlan.model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at `), `${what}: the base model is the checked one`);
            break;
          }
          case 'jobs': {
            assert.equal(result.status, 0, `${what}\n${result.stderr}`);
            assert.match(result.stdout, /No training runs of /, what);
            break;
          }
          case 'report': {
            // Real flags, and nothing to report before an evaluation: the exit status of missing results, said so.
            assert.equal(result.status, 2, `${what}\n${result.stderr}`);
            assert.match(result.stderr, /no evaluation results for /, what);
            break;
          }
          default:
            assert.fail(`${what}: a command the walkthrough test does not know`);
        }
      }
      assertUntouched(box);
    });

    for (const preset of ['slurm', 'skypilot']) {
      it(`${name}: the commented \`preset: ${preset}\` plans the same jobs on ${preset}, without calling it`, async () => {
        const alt = sandbox();
        try {
          const path = join(alt.dir, file);
          const text = readFileSync(path, 'utf8');
          const swapped = text.replace(/^(\s*)preset: local\b.*\n/m, '').replace(new RegExp(`^(\\s*)# (preset: ${preset})\\b`, 'm'), '$1$2');
          assert.notEqual(swapped, text);
          assert.match(swapped, new RegExp(`^\\s+preset: ${preset}\\b`, 'm'), `${file} has no commented preset: ${preset}`);
          assert.doesNotMatch(swapped, /^\s+preset: local\b/m);
          writeFileSync(path, swapped);
          const lint = json<{ diagnostics: unknown[] }[]>(await run(alt, ['lint', '--json', file]), `lint ${file}`);
          assert.deepEqual(lint[0]!.diagnostics, []);
          const plan = json<TrainJson>(await run(alt, ['train', file, '--dry-run', '--json']), `train ${file} (${preset})`);
          assertPlanned(plan, [...(await candidatesOf(alt, file)), 'baseline'], [0], `command:${preset}`, `${file} (${preset})`);
          assertUntouched(alt);
        } finally {
          rmSync(alt.dir, { recursive: true, force: true, maxRetries: 5 });
        }
      });
    }
  }

  describe('the guards can fail', () => {
    it('a real check trips the network guard (the examples\' endpoint is never reached)', async () => {
      const alt = sandbox();
      try {
        const check = startCli(['check', README_FILE, '--samples', '1'], { cwd: alt.dir, env: alt.env });
        const seen = await waitForText(alt.networkLog, /connect /, check.done);
        check.child.kill('SIGKILL');
        await check.done;
        assert.match(seen, /connect (localhost|127\.0\.0\.1|::1):8000/);
      } finally {
        rmSync(alt.dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    it('a real launch records a run and calls the trainer (the tripwire), where the dry run did neither', async () => {
      const alt = sandbox();
      try {
        const launch = await run(alt, ['train', README_FILE, '--variant', 'as-if-correct']);
        assert.equal(launch.status, 0, launch.stderr);
        assert.ok(existsSync(join(alt.dir, '.inoculate', 'runs')));
        // The local preset starts the trainers detached (they outlive the CLI): follow both jobs to their end, the
        // tripwire's failure, as the walkthrough's `jobs --watch` would.
        const watched = await run(alt, ['jobs', README_FILE, '--watch', '--poll', '1']);
        assert.equal(watched.status, 1, `both jobs fail at the tripwire\n${watched.stdout}\n${watched.stderr}`);
        const calls = readIfAny(alt.tripwireLog).split('\n').filter((line) => line.startsWith('trl sft '));
        assert.equal(calls.length, 2, readIfAny(alt.tripwireLog));
        for (const call of calls) assert.match(call, /--model_name_or_path Qwen\/Qwen2\.5-7B-Instruct /);
        assert.equal(readIfAny(alt.networkLog), '');
      } finally {
        rmSync(alt.dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });
  });
});

/** Resolves with the file's text once it matches (watching the file's folder), or fails after 30 s or when `ended` settles first without it. */
async function waitForText(file: string, pattern: RegExp, ended?: Promise<unknown>): Promise<string> {
  const { watch } = await import('node:fs');
  return new Promise((resolve, reject) => {
    const folder = join(file, '..');
    const finish = (error?: Error) => {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(readIfAny(file));
    };
    const look = () => {
      if (pattern.test(readIfAny(file))) finish();
    };
    const watcher = watch(folder, look);
    const timer = setTimeout(() => finish(new Error(`${file} never matched ${pattern}: ${JSON.stringify(readIfAny(file))}`)), 30_000);
    void ended?.then(() => {
      if (pattern.test(readIfAny(file))) finish();
      else finish(new Error(`the process ended and ${file} never matched ${pattern}: ${JSON.stringify(readIfAny(file))}`));
    });
    look();
  });
}
