/**
 * Parses a `.inoc` file into frontmatter and variants. Never throws: any input, however broken, yields a
 * document (with whatever structure could be recovered) and the problems found on the way.
 */
import { parseDocument, type Document } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import { LineIndex } from '../text/lineIndex';

export interface Frontmatter {
  /** The whole block, `---` lines included. */
  start: number;
  end: number;
  /** The YAML between the fences (document offsets). */
  contentStart: number;
  contentEnd: number;
  /** False when no closing `---` was found; the YAML then runs to the first `##` heading. */
  closed: boolean;
  yaml: Document.Parsed;
}

/** A span of the prompt text and where it sits in the document (comments are cut out of prompts). */
export interface TextSegment {
  textOffset: number;
  documentOffset: number;
  length: number;
}

export interface Variant {
  index: number;
  /** The name as written, without ` (control)`; empty for a bare `##`. */
  name: string;
  control: boolean;
  /** Offsets of the `## name` line (without its line break) and of the name itself. */
  headingStart: number;
  headingEnd: number;
  nameStart: number;
  nameEnd: number;
  /** The section: from the heading to just before the next heading (or the end of the file). */
  sectionEnd: number;
  /** The body: from the line after the heading to `sectionEnd`. */
  bodyStart: number;
  /** The prompt text sent to the model: comments removed, trimmed, line breaks normalised to `\n`. */
  text: string;
  /** Where each piece of `text` comes from, for mapping analysis spans back to the document. */
  segments: TextSegment[];
  /** Diagnostic codes disabled for this variant by `<!-- inoculate-disable code -->`. */
  disabled: string[];
}

export interface Comment {
  start: number;
  end: number;
  /** Codes named by `inoculate-disable`, if this is such a comment. */
  disables: string[];
}

export interface StrayText {
  start: number;
  end: number;
}

export interface InocDocument {
  uri: string;
  text: string;
  lines: LineIndex;
  frontmatter: Frontmatter | undefined;
  /** Offset where the body (after the frontmatter) starts. */
  bodyStart: number;
  variants: Variant[];
  comments: Comment[];
  /** Non-blank text between the frontmatter and the first variant. */
  strayText: StrayText[];
  /** Codes disabled for the whole file by a comment before the first variant. */
  fileDisabled: string[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}##(?=[ \t]|$)(.*)$/;
const CONTROL_SUFFIX = /\s*\((control)\)\s*$/i;
const DISABLE_COMMENT = /^\s*inoculate-disable\b([\s\S]*)$/;

/** Parses `text` (the content of the file at `uri`). */
export function parseInocDocument(uri: string, text: string): InocDocument {
  const lines = new LineIndex(text);
  const frontmatter = parseFrontmatter(text, lines);
  const bodyStartLine = frontmatter ? lines.positionAt(frontmatter.end).line + (frontmatter.closed ? 1 : 0) : 0;
  const bodyStart = frontmatter ? lines.lineStart(bodyStartLine) : 0;
  const scan = scanBody(text, lines, frontmatter ? bodyStartLine : 0);
  const variants: Variant[] = [];
  const headings = scan.headings;
  for (let i = 0; i < headings.length; i++) {
    const heading = headings[i]!;
    const sectionEnd = i + 1 < headings.length ? headings[i + 1]!.lineStart : text.length;
    variants.push(buildVariant(variants.length, heading, sectionEnd, text, lines, scan.comments));
  }
  const firstVariantStart = headings.length ? headings[0]!.lineStart : text.length;
  const strayText = findStrayText(text, lines, bodyStart, firstVariantStart, scan.comments);
  const fileDisabled = scan.comments
    .filter((c) => c.start >= bodyStart && c.end <= firstVariantStart)
    .flatMap((c) => c.disables);
  return {
    uri,
    text,
    lines,
    frontmatter,
    bodyStart,
    variants,
    comments: scan.comments,
    strayText,
    fileDisabled,
  };
}

function parseFrontmatter(text: string, lines: LineIndex): Frontmatter | undefined {
  const firstLine = lines.lineText(0).replace(/^\uFEFF/, '');
  if (!/^---[ \t]*$/.test(firstLine)) return undefined;
  const contentStart = lines.lineCount > 1 ? lines.lineStart(1) : text.length;
  let closeLine = -1;
  let headingLine = -1;
  for (let line = 1; line < lines.lineCount; line++) {
    const lineText = lines.lineText(line);
    if (/^(---|\.\.\.)[ \t]*$/.test(lineText)) {
      closeLine = line;
      break;
    }
    if (headingLine < 0 && HEADING.test(lineText)) headingLine = line;
  }
  const closed = closeLine >= 0;
  // Unclosed: recover by ending the YAML at the first heading so the variants still parse.
  const contentEnd = closed
    ? lines.lineStart(closeLine)
    : headingLine >= 0
      ? lines.lineStart(headingLine)
      : text.length;
  const end = closed ? lines.lineEnd(closeLine) : contentEnd;
  // The YAML library knows LF and CRLF but not a lone CR (old Mac files): give it LF in their place. Same length,
  // so every offset it reports still points into the document.
  const yaml = parseDocument(text.slice(contentStart, contentEnd).replace(/\r(?!\n)/g, '\n'), {
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    keepSourceTokens: false,
  });
  return { start: 0, end, contentStart: Math.min(contentStart, contentEnd), contentEnd, closed, yaml };
}

interface HeadingLine {
  lineStart: number;
  lineEnd: number;
  nameStart: number;
  nameEnd: number;
  name: string;
  control: boolean;
}

interface BodyScan {
  headings: HeadingLine[];
  comments: Comment[];
}

/** One pass over the body: headings outside fences and comments, and the comments themselves. */
function scanBody(text: string, lines: LineIndex, firstLine: number): BodyScan {
  const headings: HeadingLine[] = [];
  const comments: Comment[] = [];
  let fence: { char: string; length: number } | undefined;
  let openComment: number | undefined;
  // Without this, every line would search the rest of the file for `<!--` (quadratic on large files).
  const opens = new ForwardSearch(text, '<!--');
  for (let line = firstLine; line < lines.lineCount; line++) {
    const start = lines.lineStart(line);
    const end = lines.lineEnd(line);
    const lineText = text.slice(start, end);
    if (openComment !== undefined) {
      const close = lineText.indexOf('-->');
      if (close < 0) continue;
      comments.push(makeComment(text, openComment, start + close + 3));
      openComment = undefined;
      openComment = scanComments(text, start + close + 3, end, comments, opens);
      continue;
    }
    if (fence) {
      const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lineText);
      if (closing && closing[1]![0] === fence.char && closing[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    const fenceOpen = FENCE_OPEN.exec(lineText);
    if (fenceOpen && !(fenceOpen[1]![0] === '`' && fenceOpen[2]!.includes('`'))) {
      fence = { char: fenceOpen[1]![0]!, length: fenceOpen[1]!.length };
      continue;
    }
    const heading = HEADING.exec(lineText);
    if (heading) {
      const raw = heading[1]!.replace(/[ \t]+#+[ \t]*$/, '');
      const leading = raw.length - raw.trimStart().length;
      let name = raw.trim();
      const control = CONTROL_SUFFIX.exec(name);
      if (control) name = name.slice(0, control.index).trimEnd();
      const nameStart = start + (lineText.length - heading[1]!.length) + leading;
      headings.push({ lineStart: start, lineEnd: end, nameStart, nameEnd: nameStart + name.length, name, control: !!control });
      continue;
    }
    openComment = scanComments(text, start, end, comments, opens);
  }
  if (openComment !== undefined) comments.push(makeComment(text, openComment, text.length));
  return { headings, comments };
}

/** Finds `needle` at or after an offset, remembering the last hit so a forward scan stays linear overall. */
class ForwardSearch {
  private hit = -2;
  constructor(private readonly text: string, private readonly needle: string) {}
  /** The first occurrence at or after `from`, or -1. */
  next(from: number): number {
    if (this.hit === -1 || (this.hit >= from && this.hit !== -2)) return this.hit;
    this.hit = this.text.indexOf(this.needle, from);
    return this.hit;
  }
}

/** Records the comments on one line; returns where an unclosed one starts. */
function scanComments(text: string, from: number, end: number, comments: Comment[], opens: ForwardSearch): number | undefined {
  let at = from;
  while (at < end) {
    const open = opens.next(at);
    if (open < 0 || open >= end) return undefined;
    const close = text.indexOf('-->', open + 4);
    if (close < 0 || close + 3 > end) return open;
    comments.push(makeComment(text, open, close + 3));
    at = close + 3;
  }
  return undefined;
}

function makeComment(text: string, start: number, end: number): Comment {
  const inner = text.slice(start + 4, Math.max(start + 4, end - 3));
  const disable = DISABLE_COMMENT.exec(inner);
  const disables = disable ? disable[1]!.split(/[\s,]+/).filter(Boolean) : [];
  return { start, end, disables };
}

function buildVariant(
  index: number,
  heading: HeadingLine,
  sectionEnd: number,
  text: string,
  lines: LineIndex,
  comments: Comment[],
): Variant {
  const headingLine = lines.positionAt(heading.lineStart).line;
  const bodyStart = Math.min(lines.lineStart(headingLine + 1), sectionEnd);
  const inside = comments.filter((c) => c.start >= bodyStart && c.start < sectionEnd);
  const { text: promptText, segments } = extractPrompt(text, lines, bodyStart, sectionEnd, inside);
  return {
    index,
    name: heading.name,
    control: heading.control,
    headingStart: heading.lineStart,
    headingEnd: heading.lineEnd,
    nameStart: heading.nameStart,
    nameEnd: heading.nameEnd,
    sectionEnd,
    bodyStart,
    text: promptText,
    segments,
    disabled: inside.flatMap((c) => c.disables),
  };
}

/** The body with comments cut out and line breaks normalised, trimmed, with a map back to the document. */
function extractPrompt(
  text: string,
  lines: LineIndex,
  start: number,
  end: number,
  comments: Comment[],
): { text: string; segments: TextSegment[] } {
  // Pieces of the body between comments; a line holding only a comment is dropped whole.
  const pieces: Array<{ documentOffset: number; value: string }> = [];
  let at = start;
  for (const comment of comments) {
    if (comment.start > at) pieces.push({ documentOffset: at, value: text.slice(at, comment.start) });
    at = Math.min(Math.max(at, comment.end), end);
    // An inline comment between two spaces leaves one space, not two.
    if (/[ \t]/.test(text[comment.start - 1] ?? '') && /[ \t]/.test(text[at] ?? '') && at < end) at++;
    // Swallow the rest of the line if the comment stood alone on it.
    const lineBreak = /^[ \t]*(\r\n|\r|\n)/.exec(text.slice(at, Math.min(end, at + 256)));
    const lineBefore = text.slice(lines.lineStart(lines.positionAt(comment.start).line), comment.start);
    if (lineBreak && /^[ \t]*$/.test(lineBefore)) at += lineBreak[0].length;
  }
  if (at < end) pieces.push({ documentOffset: at, value: text.slice(at, end) });

  let out = '';
  const segments: TextSegment[] = [];
  for (const piece of pieces) {
    // Normalise \r\n and \r to \n, keeping a segment per run so offsets stay exact.
    const re = /\r\n?/g;
    let last = 0;
    let match: RegExpExecArray | null;
    const push = (from: number, to: number) => {
      if (to <= from) return;
      segments.push({ textOffset: out.length, documentOffset: piece.documentOffset + from, length: to - from });
      out += piece.value.slice(from, to);
    };
    while ((match = re.exec(piece.value))) {
      push(last, match.index);
      segments.push({ textOffset: out.length, documentOffset: piece.documentOffset + match.index, length: 1 });
      out += '\n';
      last = match.index + match[0].length;
    }
    push(last, piece.value.length);
  }
  const leading = out.length - out.trimStart().length;
  const trimmed = out.trim();
  const trimmedSegments: TextSegment[] = [];
  for (const segment of segments) {
    const from = Math.max(segment.textOffset, leading);
    const to = Math.min(segment.textOffset + segment.length, leading + trimmed.length);
    if (to <= from) continue;
    trimmedSegments.push({
      textOffset: from - leading,
      documentOffset: segment.documentOffset + (from - segment.textOffset),
      length: to - from,
    });
  }
  return { text: trimmed, segments: trimmedSegments };
}

function findStrayText(text: string, lines: LineIndex, from: number, to: number, comments: Comment[]): StrayText[] {
  const stray: StrayText[] = [];
  const firstLine = lines.positionAt(from).line;
  const lastLine = lines.positionAt(to).line;
  for (let line = firstLine; line <= lastLine && line < lines.lineCount; line++) {
    const start = Math.max(lines.lineStart(line), from);
    const end = Math.min(lines.lineEnd(line), to);
    if (end <= start) continue;
    // Mask comments on this line; whatever non-blank text is left is stray.
    let lineText = text.slice(start, end);
    for (const comment of comments) {
      if (comment.end <= start || comment.start >= end) continue;
      const a = Math.max(comment.start, start) - start;
      const b = Math.min(comment.end, end) - start;
      lineText = lineText.slice(0, a) + ' '.repeat(b - a) + lineText.slice(b);
    }
    const first = lineText.search(/\S/);
    if (first < 0) continue;
    const last = lineText.trimEnd().length;
    stray.push({ start: start + first, end: start + last });
  }
  return mergeAdjacentLines(stray, text);
}

function mergeAdjacentLines(spans: StrayText[], text: string): StrayText[] {
  const merged: StrayText[] = [];
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (previous && /^\s*$/.test(text.slice(previous.end, span.start)) && !/\n\s*\n/.test(text.slice(previous.end, span.start))) {
      previous.end = span.end;
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

/** Maps an offset in `variant.text` to a document offset. */
export function variantTextToDocumentOffset(variant: Variant, textOffset: number): number {
  const segments = variant.segments;
  if (segments.length === 0) return variant.bodyStart;
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (segments[mid]!.textOffset <= textOffset) low = mid;
    else high = mid - 1;
  }
  const segment = segments[low]!;
  return segment.documentOffset + Math.min(Math.max(0, textOffset - segment.textOffset), segment.length);
}

/** The document range of `variant.text[start, end)`. */
export function variantTextRange(doc: InocDocument, variant: Variant, start: number, end: number): Range {
  const from = variantTextToDocumentOffset(variant, start);
  // Map the last character, not the end, so a span ending at a segment boundary stays in its segment.
  const to = end > start ? variantTextToDocumentOffset(variant, end - 1) + 1 : from;
  return doc.lines.rangeOf(from, to);
}
