import * as assert from 'node:assert/strict';
import { computeCompletions } from './completion';
import { analyzeWithCursor, datasetsOf } from './testing';

async function complete(textWithCursor: string) {
  const { analysis, position } = analyzeWithCursor(textWithCursor);
  const list = await computeCompletions(analysis, position, datasetsOf({ 'file:///w/data.jsonl': '{"prompt": "p", "proposed_answer": 3, "answer": 6}\n' }));
  return list.items;
}
const labels = (items: Array<{ label: string }>) => items.map((i) => i.label);

describe('completion', () => {
  it('offers top-level keys not yet present, behaviour first', async () => {
    const items = await complete('---\nbehavior: toxicity\n|\n---\n');
    assert.ok(labels(items).includes('placement'));
    assert.ok(labels(items).includes('check'));
    assert.ok(!labels(items).includes('behavior'));
    const placement = items.find((i) => i.label === 'placement')!;
    assert.equal((placement.textEdit as { newText: string }).newText, 'placement: ${1|user-prefix,user-suffix,system,template|}');
  });

  it('offers behaviours, placements and enum values after a key', async () => {
    assert.deepEqual(labels(await complete('---\nbehavior: |\n---\n')), ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom']);
    assert.deepEqual(labels(await complete('---\nbehavior: toxicity\nplacement: user-|\n---\n')), ['user-prefix', 'user-suffix', 'system', 'template']);
    const replaced = (await complete('---\nbehavior: toxicity\nplacement: user-|\n---\n'))[0]!.textEdit as { range: { start: { character: number } } };
    assert.equal(replaced.range.start.character, 11, 'replaces the typed prefix');
    assert.ok(labels(await complete('---\nmodel: |\n---\n')).includes('gpt-4.1-mini'));
  });

  it('offers nested keys by indentation, even while the YAML is broken', async () => {
    const nested = labels(await complete('---\nbehavior: toxicity\ncheck:\n  dataset: data.jsonl\n  |\nneutral: [\n---\n'));
    assert.ok(nested.includes('samples') && nested.includes('grader'), nested.join());
    assert.ok(!nested.includes('dataset'));
    assert.ok(!nested.includes('behavior'));
  });

  it('offers grader names and a grader\'s own options', async () => {
    assert.ok(labels(await complete('---\nbehavior: toxicity\ncheck:\n  grader: |\n---\n')).includes('code-tests'));
    assert.ok(labels(await complete('---\nbehavior: toxicity\ncheck:\n  grader: {type: |}\n---\n')).includes('moderation'));
    const options = labels(await complete('---\nbehavior: toxicity\ncheck:\n  grader:\n    type: moderation\n    |\n---\n'));
    assert.ok(options.includes('threshold') && options.includes('category'), options.join());
  });

  it('offers diagnostic codes and severities under lint', async () => {
    const codes = labels(await complete('---\nbehavior: toxicity\nlint:\n  |\n---\n'));
    assert.ok(codes.includes('off-behavior') && codes.includes('hedged-request'));
    assert.deepEqual(labels(await complete('---\nbehavior: toxicity\nlint:\n  off-behavior: |\n---\n')), ['off', 'error', 'warning', 'information', 'hint']);
  });

  it('offers heading snippets and the paper prompts in the body', async () => {
    const items = await complete('---\nbehavior: sycophancy\n---\n\n|');
    assert.deepEqual(labels(items).slice(0, 2), ['## candidate', '## control']);
    const paper = items.find((i) => i.label === '## paper prompt 1')!;
    assert.match((paper.textEdit as { newText: string }).newText, /Behave as if the above solution is correct\./);
  });

  it('offers (control) after a heading name', async () => {
    assert.deepEqual(labels(await complete('---\nbehavior: toxicity\n---\n## formal |')), ['(control)']);
    assert.deepEqual(labels(await complete('---\nbehavior: toxicity\n---\n## formal (control)|')), []);
  });

  it('offers dataset fields inside {{ }}, and the inoculation slot in the template', async () => {
    const fm = '---\nbehavior: sycophancy\ncheck:\n  dataset: data.jsonl\n';
    const body = labels(await complete(`${fm}---\n## a\nBehave as if {{prop|`));
    assert.deepEqual(body.sort(), ['answer', 'prompt', 'proposed_answer']);
    const inTemplate = labels(await complete(`${fm}placement: template\ntemplate: "Q {{|"\n---\n## a\nx`));
    assert.ok(inTemplate.includes('inoculation'));
    const item = (await complete(`${fm}---\n## a\nBehave as if {{|}}`)).find((i) => i.label === 'answer')!;
    assert.equal((item.textEdit as { newText: string }).newText, 'answer', 'no second pair of braces');
  });

  it("offers the command's slots inside train.command, not the dataset's fields", async () => {
    const fm = '---\nbehavior: sycophancy\ncheck:\n  dataset: data.jsonl\ntrain:\n  backend: command\n  command:\n    preset: local\n    argv: [python, t.py, "{{|"]\n';
    const items = labels(await complete(`${fm}---\n## a\nx`));
    assert.ok(items.includes('trainingFile') && items.includes('outputDir') && items.includes('seed'), items.join(','));
    assert.ok(!items.includes('proposed_answer'));
  });
});
