/** Folding: the frontmatter, each variant, fenced code blocks and multi-line comments. */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from './analysis';
import { trimTrailingBlank } from './symbols';

/** Folding ranges (only those spanning more than one line). */
export function computeFoldingRanges(analysis: DocumentAnalysis): FoldingRange[] {
  const { doc } = analysis;
  const ranges: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: FoldingRangeKind) => {
    const startLine = doc.lines.positionAt(start).line;
    const endLine = doc.lines.positionAt(end).line;
    if (endLine > startLine) ranges.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };
  if (doc.frontmatter) add(doc.frontmatter.start, doc.frontmatter.end, FoldingRangeKind.Region);
  for (const variant of doc.variants) {
    add(variant.headingStart, trimTrailingBlank(doc.text, variant.headingEnd, variant.sectionEnd));
  }
  for (const comment of doc.comments) add(comment.start, comment.end, FoldingRangeKind.Comment);
  // Fences: pairs of ``` / ~~~ lines in the body.
  let open: { line: number; marker: string } | undefined;
  const firstBodyLine = doc.lines.positionAt(doc.bodyStart).line;
  for (let line = firstBodyLine; line < doc.lines.lineCount; line++) {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(doc.lines.lineText(line));
    if (!fence) continue;
    if (!open) open = { line, marker: fence[1]! };
    else if (fence[1]![0] === open.marker[0] && fence[1]!.length >= open.marker.length) {
      if (line > open.line) ranges.push({ startLine: open.line, endLine: line });
      open = undefined;
    }
  }
  return ranges;
}
