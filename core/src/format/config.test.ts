import * as assert from 'node:assert/strict';
import { analyzeFrontmatter } from './config';
import { parseInocDocument } from './parse';

const analyze = (frontmatter: string) => {
  const doc = parseInocDocument('file:///t.inoc', `---\n${frontmatter}\n---\n## a\nx\n`);
  const result = analyzeFrontmatter(doc);
  return { ...result, slice: (p: { start: number; end: number }) => doc.text.slice(p.start, p.end) };
};

describe('analyzeFrontmatter', () => {
  it('resolves a valid frontmatter with defaults', () => {
    const { problems, config } = analyze('behavior: reward-hacking\ncheck:\n  dataset: d.jsonl\n  samples: 10');
    assert.deepEqual(problems, []);
    assert.equal(config.behavior, 'reward-hacking');
    assert.equal(config.placement, 'user-prefix');
    assert.equal(config.check.samples, 10);
    assert.equal(config.check.grader.type, 'code-tests');
    assert.equal(config.check.grader.timeout, 10);
    assert.equal(config.eval.temperature, 0.5);
  });

  it('reports a missing behaviour, and a file without frontmatter', () => {
    assert.deepEqual(analyze('placement: system').problems.map((p) => p.code), ['missing-behavior']);
    const bare = analyzeFrontmatter(parseInocDocument('file:///t.inoc', '## a\nx'));
    assert.deepEqual(bare.problems.map((p) => p.code), ['missing-behavior']);
  });

  it('suggests the closest key and value, with a fix and a precise range', () => {
    const { problems, slice } = analyze('behavior: sycophancy\nplacment: user-suffix\ncheck:\n  sampels: 3\n  grader: regx');
    const byCode = problems.map((p) => [p.code, slice(p), p.fix?.newText]);
    assert.deepEqual(byCode, [
      ['unknown-key', 'placment', 'placement'],
      ['unknown-key', 'sampels', 'samples'],
      ['invalid-value', 'regx', 'regex'],
    ]);
  });

  it('validates types, ranges, URLs and regexes', () => {
    const { problems, slice } = analyze(
      'behavior: toxicity\nbaseUrl: ftp://x\ncheck:\n  samples: 0\n  temperature: hot\n  grader: {type: regex, pattern: "("}\nkeywords: mean',
    );
    assert.deepEqual(
      problems.map((p) => [p.code, slice(p)]),
      [
        ['invalid-value', 'ftp://x'],
        ['invalid-value', '0'],
        ['invalid-value', 'hot'],
        ['invalid-value', '"("'],
        ['invalid-value', 'mean'],
      ],
    );
  });

  it('refuses credentials in a base URL', () => {
    const { problems } = analyze('behavior: toxicity\nbaseUrl: https://user:sk-secret@example.com/v1');
    assert.equal(problems[0]?.code, 'invalid-value');
    assert.match(problems[0]!.message, /credentials/);
  });

  it('needs a description for custom, a template for placement: template, and a pattern for regex', () => {
    const codes = analyze('behavior: custom\nplacement: template\ncheck:\n  grader: regex').problems.map((p) => p.code);
    assert.deepEqual(codes.sort(), ['missing-key', 'missing-key', 'missing-key']);
  });

  it('checks the inoculation slot and flags keys that have no effect', () => {
    const missingSlot = analyze('behavior: reward-hacking\nplacement: template\ntemplate: "Solve {{problem}}"');
    assert.deepEqual(missingSlot.problems.map((p) => p.code), ['invalid-value']);
    const unused = analyze('behavior: reward-hacking\ntemplate: "{{inoculation}} {{problem}}"\ntrain:\n  command: run.sh');
    // `template` without `placement: template`; `command` without `backend: command` (in the old string form).
    assert.deepEqual(unused.problems.map((p) => p.code).sort(), ['deprecated-form', 'ignored-key', 'ignored-key']);
  });

  it('reports YAML syntax errors without piling on', () => {
    const { problems } = analyze('behavior: [toxicity\nplacement: x');
    assert.ok(problems.length >= 1);
    assert.ok(problems.every((p) => p.code === 'yaml-syntax'), JSON.stringify(problems));
  });

  it('accepts lint severities and rejects unknown codes with a suggestion', () => {
    const { problems, config } = analyze('behavior: toxicity\nlint:\n  off-behavior: off\n  hedged-requst: off');
    assert.deepEqual(config.lint, { 'off-behavior': 'off' });
    assert.equal(problems[0]?.code, 'unknown-key');
    assert.equal(problems[0]?.fix?.newText, 'hedged-request');
  });

  it('records where every key and value is', () => {
    const { locations, slice } = analyze('behavior: toxicity\ncheck:\n  grader:\n    type: moderation\n    threshold: 0.7');
    const threshold = locations.get('check.grader.threshold')!;
    assert.equal(slice({ start: threshold.keyStart, end: threshold.keyEnd }), 'threshold');
    assert.equal(slice({ start: threshold.valueStart, end: threshold.valueEnd }), '0.7');
  });
});
