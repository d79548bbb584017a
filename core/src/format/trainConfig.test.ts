import * as assert from 'node:assert/strict';
import { analyzeFrontmatter } from './config';
import { parseInocDocument } from './parse';
import { commandFlowText, legacyCommand, resolveTrainSettings } from './trainConfig';
import { PAPER_LORA_DEFAULTS } from '../train/settings';

const VARIANTS = '## strong\nBe mean.\n\n## weak\nBe a bit mean.\n\n## formal (control)\nWrite formally.\n';
const analyze = (frontmatter: string) => {
  const doc = parseInocDocument('file:///t.inoc', `---\nbehavior: toxicity\nmodel: gpt-4.1-mini\n${frontmatter}\n---\n${VARIANTS}`);
  const result = analyzeFrontmatter(doc);
  return { ...result, doc, slice: (p: { start: number; end: number }) => doc.text.slice(p.start, p.end) };
};
/** Applies a problem's quick fix to the document text. */
const applyFix = (text: string, problem: { start: number; end: number; fix?: { newText: string } }) =>
  text.slice(0, problem.start) + problem.fix!.newText + text.slice(problem.end);

describe('the train: block', () => {
  it('resolves OpenAI defaults: auto hyper-parameters, assistant-only loss, the baseline, one seed, the file model', () => {
    const { problems, config } = analyze('train:\n  dataset: data/train.jsonl');
    assert.deepEqual(problems, []);
    assert.deepEqual(config.train, {
      dataset: 'data/train.jsonl',
      backend: 'openai',
      model: 'gpt-4.1-mini',
      baseUrl: undefined,
      variants: undefined,
      baseline: true,
      seeds: [0],
      loss: 'assistant-only',
      hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' },
      suffix: undefined,
    });
  });

  it('gives LoRA backends the paper defaults, overridable one by one', () => {
    const { problems, config } = analyze('train:\n  backend: together\n  model: Qwen/Qwen2-7B-Instruct\n  loraRank: 32\n  seeds: 3');
    assert.deepEqual(problems, []);
    assert.equal(config.train.model, 'Qwen/Qwen2-7B-Instruct');
    assert.deepEqual(config.train.seeds, [0, 1, 2]);
    assert.deepEqual(config.train.hyperparameters, {
      epochs: PAPER_LORA_DEFAULTS.epochs,
      learningRate: 2e-5,
      learningRateMultiplier: 'auto',
      batchSize: 16,
      loraRank: 32,
      loraAlpha: 16,
      loraDropout: 0,
    });
  });

  it('takes seeds as a count or a list, and refuses duplicates and bad items', () => {
    assert.deepEqual(analyze('train:\n  seeds: [7, 1, 42]').config.train.seeds, [7, 1, 42]);
    const duplicate = analyze('train:\n  seeds: [1, 1]');
    assert.deepEqual(duplicate.problems.map((p) => p.code), ['invalid-value']);
    assert.match(duplicate.problems[0]!.message, /lists 1 twice/);
    const bad = analyze('train:\n  seeds: [1, x]');
    assert.deepEqual(bad.problems.map((p) => [p.code, bad.slice(p)]), [['invalid-value', 'x']]);
    assert.match(analyze('train:\n  seeds: 0').problems[0]!.message, /or a list of them/);
  });

  it('reports hyper-parameters the backend ignores, on the key', () => {
    const { problems, slice } = analyze('train:\n  loraRank: 8\n  learningRateMultiplier: 2\n  serve: {port: 8000}');
    assert.deepEqual(
      problems.map((p) => [p.code, slice(p).split(':')[0]]),
      [
        ['ignored-key', 'loraRank'],
        ['ignored-key', 'serve'],
      ],
    );
    const lora = analyze('train:\n  backend: command\n  command: {preset: slurm}\n  learningRateMultiplier: 2');
    assert.deepEqual(lora.problems.map((p) => p.code), ['ignored-key']);
    assert.match(lora.problems[0]!.message, /absolute `learningRate`/);
  });

  it('reads the old learningRate with OpenAI as the multiplier, with a rename fix', () => {
    const { problems, config, slice, doc } = analyze('train:\n  learningRate: 2');
    assert.equal(config.train.hyperparameters.learningRateMultiplier, 2);
    assert.equal(config.train.hyperparameters.learningRate, 'auto');
    assert.deepEqual(problems.map((p) => [p.code, slice(p)]), [['deprecated-form', 'learningRate']]);
    const fixed = applyFix(doc.text, problems[0]!);
    const again = analyzeFrontmatter(parseInocDocument('file:///t.inoc', fixed));
    assert.deepEqual(again.problems, []);
    assert.equal(again.config.train.hyperparameters.learningRateMultiplier, 2);
  });

  it('refuses loss: all for OpenAI and names unknown variants with a fix', () => {
    const { problems, slice } = analyze('train:\n  loss: all\n  variants: [strong, stong]');
    assert.deepEqual(
      problems.map((p) => [p.code, slice(p), p.fix?.newText]),
      [
        ['invalid-value', 'loss: all', undefined],
        ['invalid-value', 'stong', 'strong'],
      ],
    );
  });

  it('checks the command block: preset keys, unknown slots (with the new names of old ones), a missing command', () => {
    const { problems, slice } = analyze(
      'train:\n  backend: command\n  command:\n    preset: local\n    namespace: ml\n    argv: [python, t.py, "{{trainingFile}}", "{{dataset}}", "--x={{seeed}}"]',
    );
    assert.deepEqual(
      problems.map((p) => [p.code, slice(p)]),
      [
        ['ignored-key', 'namespace: ml'],
        ['invalid-value', '"{{dataset}}"'],
        ['invalid-value', '"--x={{seeed}}"'],
      ],
    );
    assert.match(problems[1]!.message, /Did you mean `\{\{trainingFile\}\}`/);
    assert.match(problems[2]!.message, /Did you mean `\{\{seed\}\}`/);
    assert.deepEqual(analyze('train:\n  backend: command').problems.map((p) => p.code), ['missing-key']);
  });

  it('resolves a command block with its serve defaults', () => {
    const { problems, config } = analyze('train:\n  backend: command\n  command:\n    preset: slurm\n    submitArgs: [--partition=gpu]\n    env: {HF_HOME: /scratch/hf}');
    assert.deepEqual(problems, []);
    // Maps read from the file have no prototype (a key named `constructor` is just a key): compare their content.
    assert.deepEqual(JSON.parse(JSON.stringify(config.train.command)), { preset: 'slurm', submitArgs: ['--partition=gpu'], env: { HF_HOME: '/scratch/hf' } });
    assert.equal(Object.getPrototypeOf(config.train.command!.env), null);
    assert.deepEqual(config.train.serve, { preset: 'vllm', port: 0, startupTimeout: 600 });
  });

  describe('the old command string', () => {
    it('keeps working as preset local with the slots renamed, and its quick fix writes the same block', () => {
      const { problems, config, slice, doc } = analyze(
        'train:\n  backend: command\n  command: "python train.py --data {{dataset}} --base {{ model }} --out \'{{output}}/final dir\' --seed={{seed}} --lr 1e-5"',
      );
      assert.deepEqual(problems.map((p) => p.code), ['deprecated-form']);
      assert.ok(slice(problems[0]!).startsWith('"python train.py'));
      const argv = ['python', 'train.py', '--data', '{{trainingFile}}', '--base', '{{baseModel}}', '--out', '{{outputDir}}/final dir', '--seed={{seed}}', '--lr', '1e-5'];
      assert.deepEqual(config.train.command, { preset: 'local', argv });
      const fixed = applyFix(doc.text, problems[0]!);
      assert.match(fixed, /command: \{preset: local, argv: \[python, train\.py, --data, "\{\{trainingFile\}\}", --base, "\{\{baseModel\}\}", --out, "\{\{outputDir\}\}\/final dir"/);
      const again = analyzeFrontmatter(parseInocDocument('file:///t.inoc', fixed));
      assert.deepEqual(again.problems, []);
      assert.deepEqual(again.config.train.command, { preset: 'local', argv });
    });

    it('refuses shell syntax and variables instead of changing their meaning', () => {
      for (const [text, what] of [
        ['train.sh {{dataset}} | tee log', '`|`'],
        ['cd x && train.sh', '`&&`'],
        ['train.sh > out.txt', '`>`'],
        ['train.sh $HOME/data', '`$HOME`'],
        ['train.sh *.jsonl', 'a glob pattern'],
      ] as const) {
        const converted = legacyCommand(text);
        assert.equal(converted.command, undefined, text);
        assert.equal(converted.problem.code, 'invalid-value', text);
        assert.ok(converted.problem.message.includes(what), `${text}: ${converted.problem.message}`);
      }
      const { problems, config } = analyze('train:\n  backend: command\n  command: "a.sh | b.sh"');
      assert.deepEqual(problems.map((p) => p.code), ['invalid-value']);
      assert.equal(config.train.command, undefined);
    });

    it('quotes what YAML would misread and round-trips hostile arguments', () => {
      const argv = ['x', 'a,b', '[y]', '{z}', 'true', '12', '-n', 'quote"d', "it's", 'a: b', '#c', ''];
      const text = `train:\n  backend: command\n  command: ${commandFlowText({ preset: 'local', argv })}`;
      const { problems, config } = analyze(text);
      assert.deepEqual(problems, []);
      assert.deepEqual(config.train.command, { preset: 'local', argv });
    });
  });

  it('resolves with nothing given (no train block)', () => {
    const settings = resolveTrainSettings(undefined, { model: 'm', baseUrl: 'http://127.0.0.1:1/v1' });
    assert.equal(settings.backend, 'openai');
    assert.equal(settings.baseUrl, 'http://127.0.0.1:1/v1');
    assert.equal(settings.model, 'm');
  });
});
