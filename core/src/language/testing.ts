/** Helpers for the language feature tests: a document from text, positions by marker. */
import { AnalysisCache, type DocumentAnalysis } from './analysis';
import { DatasetCache } from './datasets';
import type { LanguageServiceHost } from './host';

export const TEST_URI = 'file:///w/doc.inoc';

/** Analyses `text`; a `|` marks the cursor (removed), returned as a position. */
export function analyzeWithCursor(textWithCursor: string): { analysis: DocumentAnalysis; position: { line: number; character: number }; text: string } {
  const at = textWithCursor.indexOf('|');
  const text = at < 0 ? textWithCursor : textWithCursor.slice(0, at) + textWithCursor.slice(at + 1);
  const analysis = new AnalysisCache().get({ uri: TEST_URI, version: 1, getText: () => text });
  return { analysis, position: analysis.doc.lines.positionAt(Math.max(0, at)), text };
}

/** A dataset cache over fixed files. */
export function datasetsOf(files: Record<string, string> = {}): DatasetCache {
  const host: LanguageServiceHost = { readFile: async (uri) => files[uri] };
  return new DatasetCache(host);
}
