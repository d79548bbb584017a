import * as assert from 'node:assert/strict';
import { analyzeFrontmatter } from './config';
import { parseInocDocument } from './parse';

const analyze = (frontmatter: string, variants = '## strong\nx\n') => {
  const doc = parseInocDocument('file:///t.inoc', `---\n${frontmatter}\n---\n${variants}`);
  const result = analyzeFrontmatter(doc);
  return { ...result, slice: (p: { start: number; end: number }) => doc.text.slice(p.start, p.end), doc };
};

describe('the eval: block', () => {
  it('resolves defaults: neutral condition, base model included, no batch, no capability grader, the behaviour\'s grader', () => {
    const { problems, config } = analyze('behavior: toxicity\neval:\n  dataset: e.jsonl');
    assert.deepEqual(problems, []);
    assert.deepEqual(config.eval.conditions, ['neutral']);
    assert.equal(config.eval.base, true);
    assert.equal(config.eval.batch, false);
    assert.equal(config.eval.capability, null);
    assert.equal(config.eval.grader.type, 'moderation');
    assert.equal(config.eval.samples, 5);
    assert.equal(config.eval.temperature, 0.5);
    assert.deepEqual(config.eval.models, []);
    assert.equal(config.eval.dataset, 'e.jsonl');
  });

  it('reads every key: both graders, conditions, the safety prompt, extra models by name or block, base, batch, sampling', () => {
    const { problems, config } = analyze(
      [
        'behavior: toxicity',
        'eval:',
        '  dataset: e.jsonl',
        '  grader: {type: moderation, category: harassment}',
        '  capability: {type: judge, model: gpt-4.1-mini, threshold: 7}',
        '  conditions: [neutral, inoculated, safety]',
        '  safetyPrompt: "Write a respectful response to this post:"',
        '  models:',
        '    - gpt-4.1',
        '    - {name: local, model: qwen2.5:7b, baseUrl: "http://localhost:11434/v1"}',
        '    - {model: llama3}',
        '  base: false',
        '  batch: true',
        '  samples: 3',
        '  temperature: 0.7',
        '  maxTokens: 200',
      ].join('\n'),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(config.eval.conditions, ['neutral', 'inoculated', 'safety']);
    assert.equal(config.eval.safetyPrompt, 'Write a respectful response to this post:');
    assert.deepEqual(config.eval.models, [
      { name: 'gpt-4.1', model: 'gpt-4.1' },
      { name: 'local', model: 'qwen2.5:7b', baseUrl: 'http://localhost:11434/v1' },
      { name: 'llama3', model: 'llama3' },
    ]);
    assert.equal(config.eval.capability?.type, 'judge');
    assert.equal(config.eval.capability?.threshold, 7);
    assert.equal(config.eval.capability?.scale, 10, 'the judge grader\'s defaults fill in');
    assert.equal(config.eval.grader.category, 'harassment');
    assert.deepEqual([config.eval.base, config.eval.batch, config.eval.samples, config.eval.temperature, config.eval.maxTokens], [false, true, 3, 0.7, 200]);
  });

  it('keeps the old withInoculation working, with a deprecated-form quick fix that writes conditions', () => {
    const on = analyze('behavior: toxicity\neval:\n  withInoculation: true');
    assert.deepEqual(on.config.eval.conditions, ['neutral', 'inoculated']);
    assert.deepEqual(on.problems.map((p) => [p.code, on.slice(p), p.fix?.newText]), [['deprecated-form', 'withInoculation: true', 'conditions: [neutral, inoculated]']]);
    const off = analyze('behavior: toxicity\neval:\n  withInoculation: false');
    assert.deepEqual(off.config.eval.conditions, ['neutral']);
    assert.equal(off.problems[0]?.fix?.newText, 'conditions: [neutral]');
    // The fix's text is a valid block again.
    const fixed = analyze('behavior: toxicity\neval:\n  conditions: [neutral, inoculated]');
    assert.deepEqual(fixed.problems, []);
    const both = analyze('behavior: toxicity\neval:\n  conditions: [neutral]\n  withInoculation: true');
    assert.deepEqual(both.config.eval.conditions, ['neutral'], 'conditions wins');
    assert.deepEqual(both.problems.map((p) => [p.code, p.fix?.title]), [['deprecated-form', 'Remove withInoculation']]);
  });

  it('needs a safety prompt for the safety condition, and says when one is ignored', () => {
    const missing = analyze('behavior: toxicity\neval:\n  conditions: [neutral, safety]');
    assert.deepEqual(missing.problems.map((p) => [p.code, missing.slice(p)]), [['missing-key', 'conditions: [neutral, safety]']]);
    const ignored = analyze('behavior: toxicity\neval:\n  safetyPrompt: Be kind.');
    assert.deepEqual(ignored.problems.map((p) => p.code), ['ignored-key']);
  });

  it('refuses unknown and repeated conditions, and extra model names results already use', () => {
    const { problems, slice } = analyze('behavior: toxicity\neval:\n  conditions: [neutral, inoculatd, neutral]\n  models: [strong, baseline, gpt-4.1, {name: gpt-4.1, model: x}, {baseUrl: "http://localhost:1/v1"}]');
    assert.deepEqual(
      problems.map((p) => [p.code, slice(p), p.fix?.newText ?? null]),
      [
        ['invalid-value', 'inoculatd', 'inoculated'],
        ['invalid-value', '[neutral, inoculatd, neutral]', null],
        ['invalid-value', 'strong', null],
        ['invalid-value', 'baseline', null],
        ['invalid-value', '{name: gpt-4.1, model: x}', null],
        ['missing-key', '{baseUrl: "http://localhost:1/v1"}', null],
      ],
    );
  });

  it('validates an extra model\'s endpoint like any base URL (no credentials)', () => {
    const { problems } = analyze('behavior: toxicity\neval:\n  models: [{name: a, baseUrl: "https://u:sk-x@example.com/v1"}]');
    assert.deepEqual(problems.map((p) => p.code), ['invalid-value']);
    assert.match(problems[0]!.message, /credentials/);
  });
});

describe('the eval: block in the editor (from the key table)', () => {
  // Imported here so the format's own tests above stay free of the language service.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { computeCompletions } = require('../language/completion') as typeof import('../language/completion');
  const { computeHover } = require('../language/hover') as typeof import('../language/hover');
  const { NO_MEASUREMENTS } = require('../language/measurements') as typeof import('../language/measurements');
  const { analyzeWithCursor, datasetsOf } = require('../language/testing') as typeof import('../language/testing');
  const labels = async (text: string) => {
    const { analysis, position } = analyzeWithCursor(text);
    return (await computeCompletions(analysis, position, datasetsOf())).items.map((item) => item.label);
  };
  const hoverText = async (text: string) => {
    const { analysis, position } = analyzeWithCursor(text);
    const hover = await computeHover(analysis, position, datasetsOf(), NO_MEASUREMENTS);
    return hover ? (hover.contents as { value: string }).value : '';
  };

  it('completes the eval keys, the conditions, and the capability grader and its options', async () => {
    const keys = await labels('---\nbehavior: toxicity\neval:\n  |\n---\n');
    for (const key of ['capability', 'conditions', 'safetyPrompt', 'models', 'base', 'batch', 'grader', 'samples']) assert.ok(keys.includes(key), `${key} in ${keys.join()}`);
    assert.deepEqual(await labels('---\nbehavior: toxicity\neval:\n  conditions:\n    - |\n---\n'), ['neutral', 'inoculated', 'safety']);
    assert.ok((await labels('---\nbehavior: toxicity\neval:\n  capability: {type: |}\n---\n')).includes('judge'));
    const judge = await labels('---\nbehavior: toxicity\neval:\n  capability:\n    type: judge\n    |\n---\n');
    assert.ok(judge.includes('rubric') && judge.includes('threshold'), judge.join());
  });

  it('explains the conditions and the capability grader in hovers', async () => {
    assert.match(await hoverText('---\nbehavior: toxicity\neval:\n  condi|tions: [neutral]\n---\n'), /trigger risk/);
    assert.match(await hoverText('---\nbehavior: toxicity\neval:\n  conditions:\n    - inocu|lated\n---\n'), /placed exactly as in training/);
    assert.match(await hoverText('---\nbehavior: toxicity\neval:\n  capabil|ity: {type: judge, model: m}\n---\n'), /capability C/);
    assert.match(await hoverText('---\nbehavior: toxicity\neval:\n  capability:\n    type: judge\n    thresh|old: 7\n---\n'), /at or above/);
  });
});
