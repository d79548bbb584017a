/** Helpers for the language feature tests: a document from text, positions by marker, hostile Markdown input. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { marked, type Token } from 'marked';
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

/** Pieces an attacker would put in a variant name, a dataset path or field, a model name. */
export const HOSTILE_FRAGMENTS = [
  '[x](command:inoculate.runCheck)',
  '[x](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
  '![i](https://evil.example/pixel.png)',
  '![i][r]\n\n[r]: https://evil.example/i.png',
  '<img src=x onerror=alert(1)>',
  '<a href="command:x">y</a>',
  '<https://evil.example>',
  '<command:inoculate.runCheck>',
  'https://evil.example/x',
  'HTTP://EVIL.EXAMPLE',
  'www.evil.example',
  'mailto:a@evil.example',
  'a@evil.example',
  '`',
  '``',
  '` [x](command:y) `',
  '\\',
  '\\[x](command:y)',
  '&lt;img src=x&gt;',
  '&#60;script&#62;',
  '\n\n# heading\n',
  '\n- item\n',
  '\n    indented code',
  '\r\n> quote',
  '*',
  '_',
  '~~',
  '|',
  ']',
  '[',
  '(',
  ')',
  ':',
  '//',
  '.',
  'www',
  '\u202e',
  '\u0000',
  '\u2028',
  ' ',
  'a',
  '1.',
  '-',
];

/** Text built from hostile fragments and arbitrary characters. */
export const hostileText = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_FRAGMENTS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 60 }),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 10 }).map((parts) => parts.join('')),
);

/**
 * Fails when `markdown`, rendered as VS Code renders hovers (marked, GitHub-flavoured, HTML allowed through the parser
 * so that any HTML would show), contains a link, an image or HTML of any kind.
 */
export function assertInert(markdown: string, context: string): void {
  const tokens = marked.lexer(markdown, { gfm: true });
  marked.walkTokens(tokens, (token: Token) => {
    assert.ok(!['link', 'image', 'html', 'def'].includes(token.type), `${context}: a ${token.type} token (${JSON.stringify(token.raw)}) in ${JSON.stringify(markdown)}`);
  });
  const html = marked.parse(markdown, { gfm: true, async: false }) as string;
  assert.doesNotMatch(html, /<(?!\/?(?:p|strong|em|code|ul|ol|li|blockquote|br|hr)>)[a-z!/?]/i, `${context}: unexpected HTML in ${html}`);
  assert.doesNotMatch(html, /<[a-z][^>]*\b(?:href|src)=/i, `${context}: ${html}`);
}
