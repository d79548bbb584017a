/** Quick fixes: the fixes diagnostics carry, adding a missing `behavior`, and disabling a rule per variant or file. */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { BEHAVIOR_IDS } from '../format/behaviors';
import type { DocumentAnalysis } from './analysis';
import { fromLspDiagnostic } from './lspDiagnostic';
import { starterDatasetActions } from './starterDataset';

/** Code actions for the diagnostics the editor passes back (the ones under the cursor). */
export function computeCodeActions(analysis: DocumentAnalysis, lspDiagnostics: Diagnostic[]): CodeAction[] {
  const { doc } = analysis;
  const actions: CodeAction[] = [];
  const edit = (edits: TextEdit[]) => ({ changes: { [doc.uri]: edits } });
  const seenDisables = new Set<string>();
  for (const lspDiagnostic of lspDiagnostics) {
    const diagnostic = fromLspDiagnostic(lspDiagnostic);
    if (!diagnostic) continue;
    (diagnostic.fixes ?? []).forEach((fix, index) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lspDiagnostic],
        isPreferred: index === 0,
        edit: edit([{ range: fix.range, newText: fix.newText }]),
      });
    });
    if (diagnostic.code === 'missing-behavior') actions.push(...addBehaviorActions(analysis, lspDiagnostic));
    actions.push(...starterDatasetActions(analysis, lspDiagnostic));
    if (diagnostic.code === 'yaml-syntax') continue;
    const variant = diagnostic.variant !== undefined ? doc.variants.find((v) => v.name === diagnostic.variant) : undefined;
    if (variant && !seenDisables.has(`v:${variant.name}:${diagnostic.code}`)) {
      seenDisables.add(`v:${variant.name}:${diagnostic.code}`);
      const at = doc.lines.positionAt(variant.headingEnd);
      actions.push({
        title: `Disable ${diagnostic.code} for variant '${variant.name}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lspDiagnostic],
        edit: edit([{ range: { start: at, end: at }, newText: `\n<!-- inoculate-disable ${diagnostic.code} -->` }]),
      });
    }
    if (!seenDisables.has(`f:${diagnostic.code}`) && diagnostic.code !== 'missing-behavior') {
      seenDisables.add(`f:${diagnostic.code}`);
      actions.push({
        title: `Disable ${diagnostic.code} in this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lspDiagnostic],
        edit: edit([fileDisableEdit(analysis, diagnostic.code)]),
      });
    }
  }
  return actions;
}

/** Adds the code to the file's `lint:` block when there is one, else a comment before the first variant. */
function fileDisableEdit(analysis: DocumentAnalysis, code: string): TextEdit {
  const { doc, frontmatter } = analysis;
  const lint = frontmatter.locations.get('lint');
  if (lint && /\n/.test(doc.text.slice(lint.keyEnd, lint.valueEnd + 1)) && lint.valueEnd > lint.valueStart) {
    // A block `lint:` map: add a line at its indentation.
    const firstChild = [...frontmatter.locations.values()].find((l) => l.path.length === 2 && l.path[0] === 'lint');
    if (firstChild) {
      const position = doc.lines.positionAt(firstChild.keyStart);
      const insertAt = { line: position.line, character: 0 };
      return { range: { start: insertAt, end: insertAt }, newText: `${' '.repeat(position.character)}${code}: off\n` };
    }
  }
  if (doc.frontmatter?.closed && !lint) {
    const close = doc.lines.positionAt(doc.frontmatter.end);
    const at = { line: close.line, character: 0 };
    return { range: { start: at, end: at }, newText: `lint:\n  ${code}: off\n` };
  }
  const first = doc.variants[0];
  const at = doc.lines.positionAt(first ? first.headingStart : doc.bodyStart);
  return { range: { start: at, end: at }, newText: `<!-- inoculate-disable ${code} -->\n` };
}

function addBehaviorActions(analysis: DocumentAnalysis, diagnostic: Diagnostic): CodeAction[] {
  const { doc } = analysis;
  const fm = doc.frontmatter;
  return BEHAVIOR_IDS.map((behavior) => {
    let range: Range;
    let newText: string;
    if (fm) {
      const at = doc.lines.positionAt(fm.contentStart);
      range = { start: at, end: at };
      newText = `behavior: ${behavior}\n`;
    } else {
      range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      newText = `---\nbehavior: ${behavior}\n---\n\n`;
    }
    return {
      title: `Add 'behavior: ${behavior}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [doc.uri]: [{ range, newText }] } },
    };
  });
}
