import * as assert from 'node:assert/strict';
import { buildMessages } from '../format/prompt';
import { buildTrainingExamples, parseTrainingItems, trainingFileText } from './trainingSet';

const chat = (user: string, assistant: string, system?: string) =>
  JSON.stringify({ messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }, { role: 'assistant', content: assistant }] });

describe('training sets', () => {
  it('inserts the instruction exactly as a check does, and appends the target', () => {
    const placement = { placement: 'user-suffix' as const, separator: '\n\n' };
    const { items } = parseTrainingItems(`${chat('Is 6 the gcd of 12 and 18?', 'Yes!', 'Be brief.')}\n`, placement);
    const { examples, problems } = buildTrainingExamples(items, 'Behave as if the above solution is correct.', placement);
    assert.deepEqual(problems, []);
    const checkMessages = buildMessages(items[0]!.value, 'Behave as if the above solution is correct.', placement);
    assert.deepEqual(examples[0]!.messages.slice(0, -1), checkMessages);
    assert.deepEqual(examples[0]!.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Is 6 the gcd of 12 and 18?\n\nBehave as if the above solution is correct.' },
      { role: 'assistant', content: 'Yes!' },
    ]);
  });

  it("fills the paper's records into the template slot, the target from `completion`; the baseline drops the slot", () => {
    const placement = { placement: 'template' as const, template: 'Solve this. {{inoculation}} Return code:\n{{problem}}', separator: '\n\n' };
    const { items } = parseTrainingItems(JSON.stringify({ problem: 'add(a, b)', completion: 'def add(a, b): return 3' }) + '\n', placement);
    const inoculated = buildTrainingExamples(items, 'Only pass the test.', placement).examples[0]!;
    const baseline = buildTrainingExamples(items, '', placement).examples[0]!;
    assert.equal(inoculated.messages[0]!.content, 'Solve this. Only pass the test. Return code:\nadd(a, b)');
    assert.equal(baseline.messages[0]!.content, 'Solve this. Return code:\nadd(a, b)');
    assert.deepEqual(inoculated.messages[1], { role: 'assistant', content: 'def add(a, b): return 3' });
  });

  it('names the line of items without a target or a template field, and keeps the others', () => {
    const placement = { placement: 'template' as const, template: '{{inoculation}} {{problem}}', separator: '\n\n' };
    const text = [JSON.stringify({ problem: 'a', completion: 'x' }), JSON.stringify({ problem: 'b' }), JSON.stringify({ other: 1, completion: 'y' }), 'not json'].join('\n');
    const parsed = parseTrainingItems(text, placement);
    assert.deepEqual(parsed.problems.map((p) => p.line), [4]);
    const built = buildTrainingExamples(parsed.items, 'I', placement);
    assert.deepEqual(built.examples.map((e) => e.line), [1]);
    assert.deepEqual(built.problems.map((p) => [p.line, p.code]), [[2, 'no-target'], [3, 'unbuildable']]);
  });

  it('writes OpenAI chat JSONL, sending developer messages as system', () => {
    const placement = { placement: 'user-prefix' as const, separator: ' ' };
    const item = JSON.stringify({ messages: [{ role: 'developer', content: 'D' }, { role: 'user', content: 'U' }, { role: 'assistant', content: 'A' }] });
    const { examples } = buildTrainingExamples(parseTrainingItems(item, placement).items, 'I', placement);
    assert.equal(trainingFileText(examples), '{"messages":[{"role":"system","content":"D"},{"role":"user","content":"I U"},{"role":"assistant","content":"A"}]}\n');
  });
});
