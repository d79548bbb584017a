/**
 * Quick fixes: the fixes diagnostics carry, rewrites of hedges and prohibitions (verified with the scorer), marking
 * a variant as a control, adding a missing `behavior`, and disabling a rule per variant or file.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { BEHAVIOR_IDS } from '../format/behaviors';
import { variantTextRange, type Variant } from '../format/parse';
import type { Span } from '../scoring/types';
import type { DocumentAnalysis } from './analysis';
import { fromLspDiagnostic } from './lspDiagnostic';
import { VSCODE_CLIENT_COMMANDS } from './commands';
import { starterDatasetActions, type StarterDatasetOptions } from './starterDataset';
import { hedgeRewrites, prohibitionRewrites, type Rewrite } from './rewrites';

/** What the client can do with code actions (from its capabilities); default: VS Code's client. */
export type CodeActionOptions = StarterDatasetOptions;

/** VS Code's client: it creates files through edits and runs the extension's commands. */
export const VSCODE_CODE_ACTION_OPTIONS: CodeActionOptions = { createFiles: true, clientCommands: new Set(VSCODE_CLIENT_COMMANDS) };

/** Code actions for the diagnostics the editor passes back (the ones under the cursor). */
export function computeCodeActions(analysis: DocumentAnalysis, lspDiagnostics: Diagnostic[], options: CodeActionOptions = VSCODE_CODE_ACTION_OPTIONS): CodeAction[] {
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
    if (diagnostic.code === 'hedged-request' || diagnostic.code === 'prohibits-behavior') {
      actions.push(...rewriteActions(analysis, lspDiagnostic, diagnostic.code, actions.length === 0));
    }
    if (diagnostic.code === 'prohibits-behavior' || diagnostic.code === 'off-behavior') {
      const control = markAsControlAction(analysis, lspDiagnostic);
      if (control && !actions.some((a) => a.title === control.title)) actions.push(control);
    }
    if (diagnostic.code === 'missing-behavior') actions.push(...addBehaviorActions(analysis, lspDiagnostic));
    actions.push(...starterDatasetActions(analysis, lspDiagnostic, options));
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

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * Rewrites for the hedge or prohibition the diagnostic points at, found again in the current analysis by its range
 * (not read from the diagnostic's `data`, which other clients may not return): each one verified to raise the score.
 */
function rewriteActions(analysis: DocumentAnalysis, diagnostic: Diagnostic, code: 'hedged-request' | 'prohibits-behavior', preferFirst: boolean): CodeAction[] {
  const { doc } = analysis;
  for (const variant of doc.variants) {
    if (variant.control || !variant.text) continue;
    const score = analysis.scoreOf(variant);
    if (!score) continue;
    const spans: Span[] = code === 'hedged-request' ? score.hedges : score.prohibitions;
    const span = spans.find((s) => sameRange(variantTextRange(doc, variant, s.start, s.end), diagnostic.range));
    if (!span) continue;
    const rewrites = code === 'hedged-request' ? hedgeRewrites(variant.text, span, analysis.scoreText) : prohibitionRewrites(variant.text, span, analysis.scoreText);
    const actions: CodeAction[] = [];
    for (const rewrite of rewrites) {
      const edit = documentEdit(analysis, variant, rewrite);
      if (!edit) continue;
      actions.push({
        title: rewrite.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: preferFirst && actions.length === 0,
        edit: { changes: { [doc.uri]: [edit] } },
      });
    }
    return actions;
  }
  return [];
}

/** The rewrite as a document edit, if the edited words sit in the document as they are in the prompt (no comment in between). */
function documentEdit(analysis: DocumentAnalysis, variant: Variant, rewrite: Rewrite): TextEdit | undefined {
  const { doc } = analysis;
  const range = variantTextRange(doc, variant, rewrite.start, rewrite.end);
  const written = doc.text.slice(doc.lines.offsetAt(range.start), doc.lines.offsetAt(range.end));
  if (written !== variant.text.slice(rewrite.start, rewrite.end)) return undefined;
  return { range, newText: rewrite.newText };
}

/** "Mark 'x' as a control arm": the variant was meant as a baseline, not a candidate. */
function markAsControlAction(analysis: DocumentAnalysis, diagnostic: Diagnostic): CodeAction | undefined {
  const { doc } = analysis;
  const data = (diagnostic.data ?? {}) as { variant?: unknown };
  const offset = doc.lines.offsetAt(diagnostic.range.start);
  const variant =
    doc.variants.find((v) => typeof data.variant === 'string' && v.name === data.variant) ??
    doc.variants.find((v) => offset >= v.headingStart && offset <= v.sectionEnd);
  if (!variant || variant.control || !variant.name) return undefined;
  const at = doc.lines.positionAt(variant.nameEnd);
  return {
    title: `Mark '${variant.name}' as a control arm`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText: ' (control)' }] } },
  };
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
