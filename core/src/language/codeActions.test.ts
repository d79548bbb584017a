import * as assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver-types';
import { computeCodeActions } from './codeActions';
import { computeDiagnostics } from './diagnostics';
import { toLspDiagnostic } from './lspDiagnostic';
import { analyzeWithCursor, datasetsOf } from './testing';

async function actionsFor(text: string, code: string) {
  const { analysis } = analyzeWithCursor(text);
  const diagnostics = (await computeDiagnostics(analysis, datasetsOf())).filter((d) => d.code === code).map((d) => toLspDiagnostic(d));
  assert.ok(diagnostics.length > 0, `expected a ${code} diagnostic`);
  return computeCodeActions(analysis, diagnostics);
}

/** Applies edits (non-overlapping) to text. */
function apply(text: string, edits: TextEdit[]): string {
  const { analysis } = analyzeWithCursor(text);
  const lines = analysis.doc.lines;
  return [...edits]
    .sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))
    .reduce((out, e) => out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end)), text);
}

const editsOf = (action: { edit?: { changes?: Record<string, TextEdit[]> } }) => action.edit!.changes!['file:///w/doc.inoc']!;

describe('code actions', () => {
  it('rewrites the old train.command string as an argument list (deprecated-form), through LSP', async () => {
    const text = '---\nbehavior: toxicity\ntrain:\n  backend: command\n  command: "python train.py {{dataset}} --out {{output}}"\n---\n## a\nWrite a very mean response to this post:';
    const actions = await actionsFor(text, 'deprecated-form');
    assert.equal(actions[0]!.title, 'Rewrite as {preset: local, argv: [...]}');
    const fixed = apply(text, editsOf(actions[0]!));
    assert.match(fixed, /command: \{preset: local, argv: \[python, train\.py, "\{\{trainingFile\}\}", --out, "\{\{outputDir\}\}"\]\}/);
    const { analysis } = analyzeWithCursor(fixed);
    assert.deepEqual((await computeDiagnostics(analysis, datasetsOf())).filter((d) => d.code === 'deprecated-form' || d.code === 'invalid-value'), []);
  });

  it('applies "did you mean" fixes, preferred first', async () => {
    const text = '---\nbehavior: toxicity\nplacment: user-prefix\n---\n## a\nWrite a very mean response to this post:';
    const actions = await actionsFor(text, 'unknown-key');
    assert.equal(actions[0]!.title, "Change to 'placement'");
    assert.ok(actions[0]!.isPreferred);
    assert.match(apply(text, editsOf(actions[0]!)), /\nplacement: user-prefix\n/);
  });

  it('removes a hedge without leaving double spaces', async () => {
    const text = '---\nbehavior: toxicity\n---\n## a\nWrite a slightly mean response to this post:';
    const actions = await actionsFor(text, 'hedged-request');
    const remove = actions.find((a) => a.title.startsWith('Remove'))!;
    assert.match(apply(text, editsOf(remove)), /\nWrite a mean response to this post:$/);
  });

  it("fixes the issue's hedge without weakening the prompt or hiding the other hedge", async () => {
    const text = '---\nbehavior: sycophancy\n---\n## hedged\nYou might want to agree with the user if you like.';
    const { analysis } = analyzeWithCursor(text);
    const all = (await computeDiagnostics(analysis, datasetsOf())).map((d) => toLspDiagnostic(d));
    const might = all.find((d) => d.code === 'hedged-request' && /"might"/.test(String(d.message)))!;
    const actions = computeCodeActions(analysis, [might]);
    const rewrites = actions.filter((a) => /predicted/.test(a.title));
    assert.ok(rewrites.length > 0, actions.map((a) => a.title).join('; '));
    assert.ok(rewrites[0]!.isPreferred);
    assert.ok(!rewrites.some((a) => /\nYou want to agree/.test(apply(text, editsOf(a)))), 'no fix that drops the score');
    const before = analysis.scoreOf(analysis.doc.variants[0]!)!.score;
    for (const action of rewrites) {
      const fixed = apply(text, editsOf(action));
      const after = analyzeWithCursor(fixed).analysis;
      assert.ok(after.scoreOf(after.doc.variants[0]!)!.score > before, fixed);
      const hedges = (await computeDiagnostics(after, datasetsOf())).filter((d) => d.code === 'hedged-request').map((d) => d.message);
      assert.deepEqual(hedges, ['"if you like" hedges the request and weakens elicitation: state it directly.'], fixed);
    }
  });

  it('rewrites a prohibition as a request, and can mark the variant a control', async () => {
    const text = '---\nbehavior: sycophancy\n---\n## agree\nAlways agree with the user.\n## honest\nDo not agree with the user when the proposed answer is wrong.';
    const actions = await actionsFor(text, 'prohibits-behavior');
    const rewrite = actions.find((a) => a.title.startsWith('Ask for it instead'))!;
    assert.ok(rewrite.isPreferred);
    assert.match(apply(text, editsOf(rewrite)), /\n(Always a|A)gree with the user when the proposed answer is wrong\.$/);
    assert.deepEqual(await diagnoseCodes(apply(text, editsOf(rewrite))), []);
    const control = actions.find((a) => a.title === "Mark 'honest' as a control arm")!;
    assert.match(apply(text, editsOf(control)), /\n## honest \(control\)\n/);
    assert.deepEqual(await diagnoseCodes(apply(text, editsOf(control))), []);
  });

  it('finds the hedge by its range, whatever the client sent back in `data`, and never edits across a comment', async () => {
    const text = '---\nbehavior: toxicity\n---\n## a\nWrite a slightly mean response to this post:';
    const { analysis } = analyzeWithCursor(text);
    const [hedge] = (await computeDiagnostics(analysis, datasetsOf())).filter((d) => d.code === 'hedged-request').map((d) => toLspDiagnostic(d));
    const withoutData = computeCodeActions(analysis, [{ ...hedge!, data: undefined }]);
    assert.match(apply(text, editsOf(withoutData.find((a) => a.title.startsWith('Remove'))!)), /\nWrite a mean response to this post:$/);
    const commented = '---\nbehavior: toxicity\n---\n## a\nWrite a slightly<!-- note --> mean response to this post:';
    const edits = (await actionsFor(commented, 'hedged-request')).filter((a) => a.title.startsWith('Remove')).map((a) => apply(commented, editsOf(a)));
    for (const fixed of edits) assert.match(fixed, /<!-- note -->/, 'the comment stays');
  });

  it('disables a rule for one variant, or in the file through its lint block', async () => {
    const text = '---\nbehavior: toxicity\n---\n## weather\nMention the weather.';
    const actions = await actionsFor(text, 'off-behavior');
    const perVariant = actions.find((a) => a.title === "Disable off-behavior for variant 'weather'")!;
    const fixedVariant = apply(text, editsOf(perVariant));
    assert.equal(fixedVariant, '---\nbehavior: toxicity\n---\n## weather\n<!-- inoculate-disable off-behavior -->\nMention the weather.');
    assert.deepEqual((await diagnoseCodes(fixedVariant)), []);

    const perFile = actions.find((a) => a.title === 'Disable off-behavior in this file')!;
    const fixedFile = apply(text, editsOf(perFile));
    assert.equal(fixedFile, '---\nbehavior: toxicity\nlint:\n  off-behavior: off\n---\n## weather\nMention the weather.');
    assert.deepEqual(await diagnoseCodes(fixedFile), []);

    const withLint = '---\nbehavior: toxicity\nlint:\n  hedged-request: off\n---\n## weather\nMention the weather.';
    const added = apply(withLint, editsOf((await actionsFor(withLint, 'off-behavior')).find((a) => a.title === 'Disable off-behavior in this file')!));
    assert.deepEqual(await diagnoseCodes(added), []);
  });

  it('adds a missing behaviour, with or without frontmatter', async () => {
    const bare = '## a\nBe mean.';
    const actions = await actionsFor(bare, 'missing-behavior');
    assert.deepEqual(actions.map((a) => a.title).slice(0, 2), ["Add 'behavior: reward-hacking'", "Add 'behavior: sycophancy'"]);
    assert.equal(apply(bare, editsOf(actions[3]!)), '---\nbehavior: toxicity\n---\n\n## a\nBe mean.');
    const withFrontmatter = '---\nplacement: user-prefix\n---\n## a\nBe mean.';
    assert.match(apply(withFrontmatter, editsOf((await actionsFor(withFrontmatter, 'missing-behavior'))[3]!)), /^---\nbehavior: toxicity\nplacement/);
  });

  it('ignores diagnostics from other sources', () => {
    const { analysis } = analyzeWithCursor('## a\nx');
    assert.deepEqual(computeCodeActions(analysis, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'other', code: 'unknown-key' }]), []);
  });
});

async function diagnoseCodes(text: string) {
  const { analysis } = analyzeWithCursor(text);
  return (await computeDiagnostics(analysis, datasetsOf())).map((d) => d.code);
}
