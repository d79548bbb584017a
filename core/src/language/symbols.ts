/** The outline: the frontmatter with its keys, then each variant (candidates with their score, controls marked). */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';

/** Document symbols for the outline, breadcrumbs and "Go to Symbol". */
export function computeDocumentSymbols(analysis: DocumentAnalysis): DocumentSymbol[] {
  const { doc, frontmatter } = analysis;
  const symbols: DocumentSymbol[] = [];
  const fm = doc.frontmatter;
  if (fm) {
    const children: DocumentSymbol[] = [];
    for (const location of frontmatter.locations.values()) {
      if (location.path.length !== 1) continue;
      const keyRange = doc.lines.rangeOf(location.keyStart, location.keyEnd);
      const fullRange = doc.lines.rangeOf(location.keyStart, Math.max(location.valueEnd, location.keyEnd));
      // Any line ending (LF, CRLF, CR): a CR-only file's value must not run on into the next keys.
      const value = doc.text.slice(location.valueStart, location.valueEnd).split(/\r\n|\r|\n/)[0]!.trim();
      children.push({
        name: location.path[0]!,
        detail: value.length > 40 ? `${value.slice(0, 39)}…` : value,
        kind: SymbolKind.Property,
        range: fullRange,
        selectionRange: keyRange,
      });
    }
    const range = doc.lines.rangeOf(fm.start, fm.end);
    symbols.push({
      name: 'frontmatter',
      detail: frontmatter.config.behavior ?? 'no behavior',
      kind: SymbolKind.Namespace,
      range,
      selectionRange: doc.lines.rangeOf(0, doc.lines.lineEnd(0)),
      children,
    });
  }
  for (const variant of doc.variants) {
    const score = variant.control ? undefined : analysis.scoreOf(variant);
    const end = trimTrailingBlank(doc.text, variant.headingEnd, variant.sectionEnd);
    symbols.push({
      name: variant.name || '(unnamed)',
      detail: variant.control ? 'control' : score ? `${score.score.toFixed(2)} ${strengthLabel(score.score)}` : '',
      kind: variant.control ? SymbolKind.Constant : SymbolKind.String,
      range: doc.lines.rangeOf(variant.headingStart, end),
      selectionRange: doc.lines.rangeOf(variant.nameEnd > variant.nameStart ? variant.nameStart : variant.headingStart, variant.nameEnd > variant.nameStart ? variant.nameEnd : variant.headingEnd),
    });
  }
  return symbols;
}

/** The end of a section without the blank lines before the next heading. */
export function trimTrailingBlank(text: string, start: number, end: number): number {
  let at = end;
  while (at > start && /\s/.test(text[at - 1]!)) at--;
  return at;
}
