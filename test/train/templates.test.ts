// The shipped templates (templates/train/): one trainer definition (trl-sft.yaml) and three job templates whose
// stand-alone fallback (run by hand, no trainer argv given) trains with the same `trl sft` flags and the paper's
// defaults. Each job script is run here for real with only INOCULATE_* variables set, against the fake `trl`, which
// checks the flags and the instruction placement.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PAPER_LORA_DEFAULTS } from '../../core/src/train/settings';
import { fillArgv, jobEnvironment, slotValues } from '../../core/src/train/command/slots';
import { FAKEBIN, ROOT } from './commandHarness';
import { makeSpec, trainingJsonl, writeExpectation, writeTrainingFile } from '../support/trainSpec';

const TEMPLATES = join(ROOT, 'templates', 'train');
const read = (name: string) => readFileSync(join(TEMPLATES, name), 'utf8');

/** The paper's value of each hyper-parameter flag, as the fallbacks must default it. */
const PAPER_FLAGS: Record<string, string> = {
  '--lora_r': String(PAPER_LORA_DEFAULTS.loraRank),
  '--lora_alpha': String(PAPER_LORA_DEFAULTS.loraAlpha),
  '--lora_dropout': String(PAPER_LORA_DEFAULTS.loraDropout),
  '--learning_rate': '0.00002',
  '--num_train_epochs': String(PAPER_LORA_DEFAULTS.epochs),
  '--per_device_train_batch_size': String(PAPER_LORA_DEFAULTS.batchSize),
  '--assistant_only_loss': 'true',
};

/** The shell fallback's `trl sft` flags: `--flag "${VAR:-default}"` → flag → default (or the literal value). */
function fallbackFlags(script: string): Map<string, string> {
  const start = script.search(/trl sft \\\n/); // the command itself (continued lines), not a mention in a comment
  const block = script.slice(start, script.indexOf('\n', script.indexOf('--report_to', start)));
  const flags = new Map<string, string>();
  for (const match of block.matchAll(/(--[a-z_]+)\s+("[^"]*"|\S+)/g)) {
    const value = match[2]!.replace(/^"|"$/g, '');
    const defaulted = /\$\{[A-Z_]+:-([^}]*)\}/.exec(value);
    flags.set(match[1]!, defaulted ? defaulted[1]! : value);
  }
  return flags;
}

describe('shipped training templates', function () {
  this.timeout(60_000);

  it("trl-sft.yaml: every slot is one we fill, and the run's values land on TRL's flags", () => {
    const argv = (parse(read('trl-sft.yaml')) as { argv: string[] }).argv;
    const spec = makeSpec('/w', { path: '/w/f.jsonl', sha256: 'a', examples: 1, tokens: { total: 1, counted: 'estimate' } });
    const filled = fillArgv(argv, slotValues(spec));
    const flag = (name: string) => filled[filled.indexOf(name) + 1];
    for (const [name, value] of Object.entries(PAPER_FLAGS)) assert.equal(flag(name), value, name);
    assert.equal(flag('--use_peft'), 'true');
    assert.equal(flag('--dataset_name'), `${spec.runDir}/data`);
    assert.equal(flag('--output_dir'), `${spec.runDir}/output`);
    assert.equal(fillArgv(argv, slotValues({ ...spec, loss: 'all' }))[filled.indexOf('--assistant_only_loss') + 1], 'false');
  });

  for (const [name, script] of [
    ['slurm.sbatch', () => read('slurm.sbatch')],
    ['skypilot.yaml', () => (parse(read('skypilot.yaml')) as { run: string }).run],
    ['kubernetes.yaml', () => (parse(read('kubernetes.yaml')) as { spec: { template: { spec: { containers: Array<{ command: string[] }> } } } }).spec.template.spec.containers[0]!.command[2]!],
  ] as const) {
    it(`${name}: its stand-alone trl sft has the same flags as trl-sft.yaml and the paper's defaults, and documents the loss mapping`, () => {
      const shipped = (parse(read('trl-sft.yaml')) as { argv: string[] }).argv.filter((arg) => arg.startsWith('--'));
      const flags = fallbackFlags(script());
      assert.deepEqual([...flags.keys()].sort(), [...shipped].sort());
      for (const [flag, value] of Object.entries(PAPER_FLAGS)) assert.equal(flags.get(flag), value, `${name} ${flag}`);
      const text = read(name);
      assert.match(text, /assistant_only_loss/);
      assert.match(text, /loss: assistant-only/);
      assert.match(text, /loss: all/);
    });
  }

  describe('run by hand, without a trainer argv', () => {
    let dir: string;
    let env: Record<string, string>;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'inoc-templates-'));
      const file = writeTrainingFile(join(dir, 'files'), trainingJsonl(20, 'user-prefix'));
      const spec = makeSpec(dir, file);
      mkdirSync(join(spec.runDir, 'data'), { recursive: true });
      writeFileSync(join(spec.runDir, 'data', 'train.jsonl'), readFileSync(file.path));
      const expectation = writeExpectation(dir, { placement: 'user-prefix', examples: 20, args: Object.fromEntries(Object.entries(PAPER_FLAGS).map(([flag, value]) => [flag.slice(2), value])) });
      env = { PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`, HOME: dir, FAKE_TRL_EXPECT: expectation, FAKE_TRL_STEP_MS: '1', ...jobEnvironment({ runDir: spec.runDir, baseModel: spec.baseModel, dataDir: `${spec.runDir}/data`, outputDir: `${spec.runDir}/output` }) };
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function trained(result: ReturnType<typeof spawnSync>) {
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
      const runDir = env.INOCULATE_RUN_DIR!;
      assert.equal(JSON.parse(readFileSync(join(runDir, 'output', 'adapter_config.json'), 'utf8')).r, PAPER_LORA_DEFAULTS.loraRank);
      assert.ok(existsSync(join(runDir, 'output', 'checkpoint-2', 'trainer_state.json')));
      assert.equal(readFileSync(join(runDir, 'exit_code'), 'utf8').trim(), '0');
    }

    it('slurm.sbatch', () => {
      trained(spawnSync('sh', [join(TEMPLATES, 'slurm.sbatch')], { env, encoding: 'utf8' }));
    });

    it('skypilot.yaml (setup, then run)', () => {
      const task = parse(read('skypilot.yaml')) as { setup: string; run: string };
      trained(spawnSync('bash', ['-c', `${task.setup}\n${task.run}`], { env, encoding: 'utf8' }));
    });

    it('kubernetes.yaml (the trainer container)', () => {
      const command = (parse(read('kubernetes.yaml')) as { spec: { template: { spec: { containers: Array<{ command: string[] }> } } } }).spec.template.spec.containers[0]!.command;
      trained(spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8' }));
    });

    it('fails (and says why) when the run folder is not given', () => {
      const result = spawnSync('sh', [join(TEMPLATES, 'slurm.sbatch')], { env: { PATH: env.PATH! }, encoding: 'utf8' });
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /INOCULATE_RUN_DIR is not set/);
    });
  });
});
