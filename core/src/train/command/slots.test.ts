import assert from 'node:assert/strict';
import { COMMAND_SLOTS, PAPER_LORA_DEFAULTS } from '../settings';
import { fillArgv, isModelServiceSecret, jobEnvironment, resolveHyperparameters, runLayout, scrubEnvironment, SlotError, slotValues } from './slots';
import type { TrainingSpec } from '../types';

const spec = (overrides: Partial<TrainingSpec> = {}): TrainingSpec => ({
  runId: 'r1',
  attempt: 1,
  submissionKey: 'r1',
  jobName: 'very-mean-s0-abc',
  baseModel: 'Qwen/Qwen2-7B',
  trainingFile: { path: '/w/f.jsonl', sha256: 'ab', examples: 3, tokens: { total: 10, counted: 'estimate' } },
  hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
  loss: 'assistant-only',
  seed: 3,
  metadata: {},
  runDir: '/w/.inoculate/runs/r1/',
  ...overrides,
});

describe('train/command/slots', () => {
  it("gives 'auto' and missing hyper-parameters the paper's values, and says which", () => {
    const { values, defaulted } = resolveHyperparameters(spec());
    assert.deepEqual(values, { ...PAPER_LORA_DEFAULTS });
    assert.deepEqual(defaulted.sort(), ['batchSize', 'epochs', 'learningRate', 'loraAlpha', 'loraDropout', 'loraRank']);
    const given = resolveHyperparameters(spec({ hyperparameters: { epochs: 3, learningRate: 1e-4, learningRateMultiplier: 'auto', batchSize: 8, loraRank: 32, loraAlpha: 64, loraDropout: 0.1 } }));
    assert.deepEqual(given.values, { epochs: 3, learningRate: 1e-4, batchSize: 8, loraRank: 32, loraAlpha: 64, loraDropout: 0.1 });
    assert.deepEqual(given.defaulted, []);
  });

  it('lays the run folder out without a trailing slash; a forced attempt works in a folder of its own', () => {
    assert.deepEqual(runLayout('/w/run/'), { runDir: '/w/run', dataDir: '/w/run/data', trainingFile: '/w/run/data/train.jsonl', outputDir: '/w/run/output' });
    assert.deepEqual(runLayout('/w/run', 2), { runDir: '/w/run/attempt-2', dataDir: '/w/run/attempt-2/data', trainingFile: '/w/run/attempt-2/data/train.jsonl', outputDir: '/w/run/attempt-2/output' });
    const values = slotValues(spec({ attempt: 3, submissionKey: 'r1-3' }));
    assert.equal(values.runDir, '/w/.inoculate/runs/r1/attempt-3');
    assert.equal(values.submissionKey, 'r1-3');
    assert.equal(values.attempt, '3');
  });

  it('fills every slot, with the loss in TRL terms', () => {
    const values = slotValues(spec());
    assert.equal(values.learningRate, '0.00002');
    assert.equal(values.loraRank, '8');
    assert.equal(values.assistantOnlyLoss, 'true');
    assert.equal(slotValues(spec({ loss: 'all' })).assistantOnlyLoss, 'false');
    assert.equal(values.outputDir, '/w/.inoculate/runs/r1/output');
    assert.deepEqual(fillArgv(['--lr', '{{learningRate}}', '--out={{ outputDir }}/x', '{{seed}}'], values), ['--lr', '0.00002', '--out=/w/.inoculate/runs/r1/output/x', '3']);
  });

  it('substitutes once: a value holding {{slot}} or shell syntax stays one literal argument', () => {
    const values = { baseModel: 'evil/{{runDir}}"; rm -rf ~; echo "', runDir: '/w' };
    assert.deepEqual(fillArgv(['serve', '{{baseModel}}'], values), ['serve', 'evil/{{runDir}}"; rm -rf ~; echo "']);
  });

  it('names an unknown slot, its argument and the known ones', () => {
    assert.throws(() => fillArgv(['a', '--model={{modle}}'], { model: 'x' }), (error: unknown) => error instanceof SlotError && /argument 2 .*\{\{modle\}\}.*known: model/.test(error.message));
  });

  it('expands a list slot only when it stands alone', () => {
    assert.deepEqual(fillArgv(['--lora-modules', '{{loraModules}}', '--x'], {}, { loraModules: ['a=/p', 'b=/q'] }), ['--lora-modules', 'a=/p', 'b=/q', '--x']);
    assert.throws(() => fillArgv(['--m={{loraModules}}'], {}, { loraModules: ['a'] }), /must stand alone/);
  });

  it('fills exactly the slots the format declares (COMMAND_SLOTS: validation, hover and completion know them)', () => {
    assert.deepEqual(Object.keys(slotValues(spec())).sort(), Object.keys(COMMAND_SLOTS).sort());
  });

  it('hands every slot to the job as an INOCULATE_ variable', () => {
    const env = jobEnvironment(slotValues(spec()));
    assert.equal(env.INOCULATE_BASE_MODEL, 'Qwen/Qwen2-7B');
    assert.equal(env.INOCULATE_ASSISTANT_ONLY_LOSS, 'true');
    assert.equal(env.INOCULATE_RUN_DIR, '/w/.inoculate/runs/r1');
    assert.equal(env.INOCULATE_LORA_RANK, '8');
    assert.ok(Object.keys(env).every((name) => /^INOCULATE_[A-Z_]+$/.test(name)), Object.keys(env).join(', '));
  });

  it('keeps model-service keys away from jobs, and the rest (HF_TOKEN, cloud and cluster credentials) with them', () => {
    const env = scrubEnvironment({
      PATH: '/bin',
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'http://x',
      TOGETHER_API_KEY: 't',
      ANTHROPIC_API_KEY: 'a',
      MY_SERVICE_API_KEY: 'k',
      HF_TOKEN: 'hf',
      AWS_SECRET_ACCESS_KEY: 'aws',
      KUBECONFIG: '/k',
      'BAD-NAME': 'x',
      UNDEFINED: undefined,
    });
    assert.deepEqual(Object.keys(env).sort(), ['AWS_SECRET_ACCESS_KEY', 'HF_TOKEN', 'KUBECONFIG', 'PATH']);
    assert.equal(isModelServiceSecret('azure_openai_api_key'), true);
    assert.equal(isModelServiceSecret('SLURM_CONF'), false);
  });
});
