import * as assert from 'node:assert/strict';
import { InsertTextFormat } from 'vscode-languageserver-types';
import { computeCompletions, snippetToPlainText } from './completion';
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

  it('never offers an Object.prototype name, whatever grader type or key the file names', async () => {
    const NAMES = Object.getOwnPropertyNames(Object.prototype);
    const polluted = 'properties' in Object.prototype;
    // A polluted prototype (another library's bug) must not reach completion either: own entries only.
    Object.defineProperty(Object.prototype, 'properties', { value: { injected: { type: 'string', description: 'x' } }, configurable: true, writable: true });
    try {
      for (const name of [...NAMES, 'properties']) {
        for (const text of [`---\nbehavior: toxicity\ncheck:\n  grader:\n    type: ${name}\n    |\n---\n`, `---\nbehavior: toxicity\neval:\n  grader:\n    type: ${name}\n    |\n---\n`]) {
          // An unknown type falls back to the behaviour's default grader (moderation here), as the validation does.
          const items = labels(await complete(text));
          assert.ok(!items.some((label) => NAMES.includes(label) || label === 'injected'), `type: ${name}: ${items.join()}`);
        }
        const regex = labels(await complete(`---\nbehavior: toxicity\ncheck:\n  grader:\n    type: regex\n    ${name.slice(0, 1)}|\n---\n`));
        assert.ok(regex.includes('pattern') && !regex.some((label) => NAMES.includes(label) || label === 'injected'), regex.join());
        const lint = labels(await complete(`---\nbehavior: toxicity\nlint:\n  |\n---\n`));
        assert.ok(lint.includes('off-behavior') && !lint.some((label) => NAMES.includes(label) || label === 'injected'), lint.join());
      }
    } finally {
      if (!polluted) delete (Object.prototype as Record<string, unknown>).properties;
    }
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

  it('offers (control) once its `(` is typed after a heading name, replacing what was typed of it', async () => {
    for (const typed of ['(', '(c', '(Con', '(control']) {
      const items = await complete(`---\nbehavior: toxicity\n---\n## formal ${typed}|`);
      assert.deepEqual(labels(items), ['(control)'], typed);
      assert.deepEqual((items[0]!.textEdit as { range: unknown }).range, { start: { line: 3, character: 10 }, end: { line: 3, character: 10 + typed.length } });
    }
    const closed = (await complete('---\nbehavior: toxicity\n---\n## formal (|)'))[0]!.textEdit as { range: { end: { character: number } } };
    assert.equal(closed.range.end.character, 12, 'replaces an auto-closed parenthesis too');
    assert.deepEqual(labels(await complete('---\nbehavior: toxicity\n---\n## formal (control)|')), []);
    assert.deepEqual(labels(await complete('---\nbehavior: toxicity\n---\n## (|')), [], 'not before a name');
  });

  it('never offers anything at the end of a heading name, where Enter must start the next line', async () => {
    for (const line of ['## formal|', '## formal |', '## very-mean|', '## a b c|', '## candidate|', '## control|', '## paper|', '## |']) {
      assert.deepEqual(labels(await complete(`---\nbehavior: sycophancy\n---\n${line}`)), [], line);
    }
  });

  it('sends plain text to clients without snippet support, and VS Code commands only to VS Code', async () => {
    const { analysis, position } = analyzeWithCursor('---\nbehavior: sycophancy\n|\n---\n');
    const plain = await computeCompletions(analysis, position, datasetsOf(), { snippets: false, clientCommands: new Set() });
    for (const item of plain.items) {
      assert.notEqual(item.insertTextFormat, InsertTextFormat.Snippet, item.label);
      assert.doesNotMatch((item.textEdit as { newText: string }).newText, /\$\{?\d/, item.label);
      assert.equal(item.command, undefined, `${item.label} carries no command the client lacks`);
    }
    assert.equal((plain.items.find((i) => i.label === 'placement')!.textEdit as { newText: string }).newText, 'placement: ');
    const headings = await computeCompletions(analyzeWithCursor('---\nbehavior: sycophancy\n---\n|').analysis, { line: 3, character: 0 }, datasetsOf(), { snippets: false, clientCommands: new Set() });
    assert.equal((headings.items.find((i) => i.label === '## candidate')!.textEdit as { newText: string }).newText, '## name\nInstruction that requests the behaviour.\n');
    const vscode = await computeCompletions(analysis, position, datasetsOf());
    assert.equal(vscode.items.find((i) => i.label === 'placement')!.command?.command, 'editor.action.triggerSuggest');
  });

  it('turns snippets into the text they insert untouched', () => {
    assert.equal(snippetToPlainText('## ${1:name}\n${2:Text.}\n'), '## name\nText.\n');
    assert.equal(snippetToPlainText('key: ${1|a,b|}'), 'key: ');
    assert.equal(snippetToPlainText('key:\n  $0'), 'key:\n  ');
    assert.equal(snippetToPlainText('a ${1:b ${2:c}} d'), 'a b c d');
    assert.equal(snippetToPlainText('cost \\$5 \\} \\\\ ${1}end'), 'cost $5 } \\ end');
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
