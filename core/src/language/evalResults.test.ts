import * as assert from 'node:assert/strict';
import { HOSTILE_NAMES, hostileSummary } from '../../../test/support/evalSummaryFixture';
import { computeCodeLenses } from './codeLens';
import { Commands, ServerCommands } from './commands';
import { evalDocumentUri, evalResultsSourceFrom } from './evalResults';
import { NO_MEASUREMENTS } from './measurements';
import { analyzeWithCursor } from './testing';

describe('evaluation lenses', () => {
  const summary = hostileSummary();
  const name = HOSTILE_NAMES[0]!;
  const instruction = `Instruction 0 ${name}`;
  const located = { workspaceUri: 'file:///w', summary: { ...summary, file: 'doc.inoc' }, origin: 'here' as const };

  it('finds the evaluation of a variant by document and name, with the effect against the baseline', () => {
    const source = evalResultsSourceFrom([located]);
    assert.equal(evalDocumentUri(located), 'file:///w/doc.inoc');
    const lens = source.forVariant('file:///w/doc.inoc', name, instruction)!;
    assert.match(lens.title, /^inoculated: B \d+% \(−\d+ pts\) · C \d+% \([−+]?\d+ pts\)$/);
    assert.doesNotMatch(lens.title, /earlier text|elsewhere/);
    assert.equal(source.forVariant('file:///w/other.inoc', name, instruction), undefined);
    assert.equal(source.forVariant('file:///w/doc.inoc', 'not-evaluated', 'x'), undefined);
  });

  it('says when the fine-tune was trained on an earlier text, and when the results were found, not made here', () => {
    const edited = evalResultsSourceFrom([located]).forVariant('file:///w/doc.inoc', name, 'a new text')!;
    assert.match(edited.title, /\(earlier text\)$/);
    assert.match(edited.tooltip, /1 of 1 fine-tune\(s\) were trained on an earlier text/);
    const found = evalResultsSourceFrom([{ ...located, origin: 'elsewhere' }]).forVariant('file:///w/doc.inoc', name, instruction)!;
    assert.match(found.title, /^elsewhere inoculated: /);
    assert.match(found.tooltip, /not evaluated by you/);
  });

  it('puts the lens above the variant; it opens the comparison in VS Code and explains the score elsewhere', () => {
    const doc = `---\nbehavior: toxicity\n---\n## ${name.replace(/[<>/]/g, 'x')}\n${instruction}\n`;
    const variant = name.replace(/[<>/]/g, 'x');
    const source = { forVariant: (uri: string, arm: string, text: string) => (arm === variant ? evalResultsSourceFrom([located]).forVariant(uri, name, text) : undefined) };
    const { analysis } = analyzeWithCursor(doc);
    const lenses = computeCodeLenses(analysis, NO_MEASUREMENTS, { checks: false, evalResults: source });
    const lens = lenses.find((l) => l.command!.title.startsWith('inoculated:'))!;
    assert.equal(lens.range.start.line, 3);
    assert.equal(lens.command!.command, Commands.showComparison);
    assert.deepEqual(lens.command!.arguments, ['file:///w/doc.inoc']);
    const other = computeCodeLenses(analysis, NO_MEASUREMENTS, { checks: false, evalResults: source, clientCommands: new Set() });
    assert.equal(other.find((l) => l.command!.title.startsWith('inoculated:'))!.command!.command, ServerCommands.explainScore);
  });
});
