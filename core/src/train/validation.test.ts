import * as assert from 'node:assert/strict';
import { ESTIMATE_COUNTER } from './tokens';
import { validateExamples } from './validation';
import type { TrainingExample } from './trainingSet';

const example = (line: number, ...pairs: Array<[string, string]>): TrainingExample => ({
  line,
  messages: pairs.map(([role, content]) => ({ role: role as 'user', content })),
});

describe('validateExamples', () => {
  const good = (line: number) => example(line, ['user', `q${line}`], ['assistant', `a${line}`]);

  it('passes ten good examples for OpenAI and counts their tokens', () => {
    const { problems, tokens } = validateExamples(Array.from({ length: 10 }, (_, i) => good(i + 1)), 'openai', ESTIMATE_COUNTER);
    assert.deepEqual(problems, []);
    assert.ok(tokens > 0);
  });

  it('names the line of bad roles, a missing final assistant, empty messages and duplicates', () => {
    const examples = [
      good(1),
      example(2, ['user', 'a'], ['user', 'b'], ['assistant', 'c']),
      example(3, ['user', 'a'], ['assistant', 'b'], ['user', 'c']),
      example(4, ['user', ' '], ['assistant', 'x']),
      good(1),
      example(6, ['user', 'a'], ['system', 'late'], ['assistant', 'b']),
    ];
    examples[4] = { ...examples[4]!, line: 5 };
    const { problems } = validateExamples(examples, 'together', ESTIMATE_COUNTER);
    assert.deepEqual(
      problems.map((p) => [p.line, p.code, p.severity]),
      [
        [2, 'roles', 'error'],
        [3, 'final-assistant', 'error'],
        [4, 'empty', 'error'],
        [5, 'duplicate', 'warning'],
        [6, 'roles', 'error'],
      ],
    );
    assert.match(problems.find((p) => p.line === 5)!.message, /same example as line 1/);
  });

  it("enforces OpenAI's minimum of 10 examples and its length limit", () => {
    const few = validateExamples([good(1)], 'openai', ESTIMATE_COUNTER);
    assert.deepEqual(few.problems.map((p) => p.code), ['too-few-examples']);
    const long = example(1, ['user', 'x'.repeat(300_000)], ['assistant', 'y']);
    const result = validateExamples([long, ...Array.from({ length: 9 }, (_, i) => good(i + 2))], 'openai', ESTIMATE_COUNTER);
    assert.deepEqual(result.problems.map((p) => [p.line, p.code]), [[1, 'too-long']]);
    assert.match(result.problems[0]!.message, /estimated/);
  });
});
