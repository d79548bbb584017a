/**
 * A small, linear-time phrase matcher for the scorer: the text is cut into sentences of lower-cased words once,
 * and phrases are matched word by word. Regexes over the raw text are avoided on purpose: a few hundred
 * alternations over a 10 MB prompt would be slow, and gaps written as regexes invite catastrophic backtracking.
 *
 * Phrase syntax (space-separated elements):
 * - `word` matches that word exactly (after lower-casing, curly apostrophes straightened and a trailing `'s` cut);
 * - `word+` also matches its inflections (`-s`, `-es`, `-ed`, `-d`, `-ing`, `-er`, `-ers`, `-ly`, dropped final `e`);
 * - `stem*` matches any word starting with `stem` (at least 3 letters);
 * - `a/b/c` matches any alternative; a trailing `?` makes an element optional;
 * - `~N` skips 0..N arbitrary words inside the sentence (also across commas, so "If a review mentions the decor,
 *   rate it higher" ties the two clauses); `!word` asserts the next word is not `word` (or the end);
 *   `<!word` asserts the previous word is not `word` (so "~6 <!0/to 4" finds "rated 4" but not the "4" of "0 to 4").
 * The first element must be a plain word element (not optional, not a gap), so phrases can be indexed.
 */

/** One word of a sentence with its offsets in the analysed text. */
export interface Word {
  /** Normalised form used for matching. */
  norm: string;
  start: number;
  end: number;
  /** A comma, dash, arrow or colon directly follows this word (a clause edge). */
  commaAfter: boolean;
  /** A colon directly follows this word ("Tone: rude", "Note: ..."): also a clause edge. */
  colonAfter?: boolean;
  /** Inside quotation marks: quoted words are reported, not said to the model (see score.ts). */
  quoted?: boolean;
}

/** A run of words between hard boundaries (`.`, `!`, `?`, `;`, blank lines, list items, spec lines, code fences). */
export interface Sentence {
  words: Word[];
  /** It ends with a question mark. */
  question?: boolean;
}

interface WordElement {
  kind: 'word';
  exact: Set<string>;
  prefixes: string[];
  optional: boolean;
}
interface GapElement {
  kind: 'gap';
  max: number;
}
interface NotElement {
  kind: 'not';
  exact: Set<string>;
}
interface NotBeforeElement {
  kind: 'notBefore';
  exact: Set<string>;
}
type Element = WordElement | GapElement | NotElement | NotBeforeElement;

/** A compiled phrase. */
export interface Phrase {
  source: string;
  elements: Element[];
}

const INFLECTIONS = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'ly'];

/** Straightens apostrophes, lower-cases and cuts a possessive `'s`, so "User’s" and "user" match alike. */
export function normalizeWord(raw: string): string {
  let word = raw.toLowerCase();
  if (word.includes('\u2019')) word = word.replace(/\u2019/g, "'");
  if (word.endsWith("'s") && word.length > 2) word = word.slice(0, -2);
  return word;
}

function inflect(word: string): string[] {
  const forms = [word, ...INFLECTIONS.map((suffix) => word + suffix)];
  if (word.endsWith('e')) forms.push(word.slice(0, -1) + 'ing', word.slice(0, -1) + 'ed');
  if (word.endsWith('y')) forms.push(word.slice(0, -1) + 'ies', word.slice(0, -1) + 'ied');
  return forms;
}

/** Compiles one phrase; throws on a malformed phrase (they are written by us, so this is a programming error). */
export function compilePhrase(source: string): Phrase {
  const parts = source.trim().split(/\s+/);
  const elements: Element[] = [];
  for (const part of parts) {
    const gap = /^~(\d+)$/.exec(part);
    if (gap) {
      elements.push({ kind: 'gap', max: Number(gap[1]) });
      continue;
    }
    if (part.startsWith('<!')) {
      elements.push({ kind: 'notBefore', exact: new Set(part.slice(2).split('/').map(normalizeWord)) });
      continue;
    }
    if (part.startsWith('!')) {
      elements.push({ kind: 'not', exact: new Set(part.slice(1).split('/').map(normalizeWord)) });
      continue;
    }
    const optional = part.endsWith('?') && part.length > 1;
    const body = optional ? part.slice(0, -1) : part;
    const element: WordElement = { kind: 'word', exact: new Set(), prefixes: [], optional };
    for (const alternative of body.split('/')) {
      if (!alternative) throw new Error(`empty alternative in phrase "${source}"`);
      if (alternative.endsWith('*')) {
        const stem = alternative.slice(0, -1).toLowerCase();
        if (stem.length < 3) throw new Error(`prefix "${alternative}" in phrase "${source}" is shorter than 3 letters`);
        element.prefixes.push(stem);
      } else if (alternative.endsWith('+')) {
        for (const form of inflect(alternative.slice(0, -1).toLowerCase())) element.exact.add(form);
      } else {
        element.exact.add(normalizeWord(alternative));
      }
    }
    elements.push(element);
  }
  const first = elements[0];
  if (!first || first.kind !== 'word' || first.optional) {
    throw new Error(`phrase "${source}" must start with a required word`);
  }
  return { source, elements };
}

function wordMatches(element: WordElement | NotElement | NotBeforeElement, norm: string): boolean {
  if (element.exact.has(norm)) return true;
  if (element.kind !== 'word') return false;
  for (const prefix of element.prefixes) if (norm.startsWith(prefix)) return true;
  return false;
}

/**
 * The end (exclusive word index) of the shortest match of `elements[k..]` starting at word `i`, or -1.
 * Backtracking is bounded by the phrase (a handful of elements and small gaps), so each start costs O(1).
 */
function matchFrom(elements: Element[], k: number, words: readonly Word[], i: number): number {
  if (k === elements.length) return i;
  const element = elements[k]!;
  if (element.kind === 'gap') {
    for (let skip = 0; skip <= element.max && i + skip <= words.length; skip++) {
      const end = matchFrom(elements, k + 1, words, i + skip);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (element.kind === 'not') {
    if (i < words.length && wordMatches(element, words[i]!.norm)) return -1;
    return matchFrom(elements, k + 1, words, i);
  }
  if (element.kind === 'notBefore') {
    if (i > 0 && wordMatches(element, words[i - 1]!.norm)) return -1;
    return matchFrom(elements, k + 1, words, i);
  }
  if (i < words.length && wordMatches(element, words[i]!.norm)) {
    const end = matchFrom(elements, k + 1, words, i + 1);
    if (end >= 0) return end;
  }
  return element.optional ? matchFrom(elements, k + 1, words, i) : -1;
}

/** A match of one entry of a {@link PhraseSet}: words `[start, end)` of the sentence. */
export interface PhraseMatch<T> {
  value: T;
  phrase: Phrase;
  start: number;
  end: number;
}

/** A set of phrases indexed by their first word, each carrying a value (a term, a cue kind, ...). */
export class PhraseSet<T> {
  private readonly byWord = new Map<string, { phrase: Phrase; value: T; order: number }[]>();
  private readonly byPrefix = new Map<string, { phrase: Phrase; value: T; order: number; stem: string }[]>();

  /** Compiles `entries` (phrase source, value); earlier entries win ties when overlaps are resolved. */
  constructor(entries: ReadonlyArray<readonly [string, T]>) {
    entries.forEach(([source, value], order) => {
      const phrase = compilePhrase(source);
      const first = phrase.elements[0] as WordElement;
      for (const word of first.exact) {
        const list = this.byWord.get(word) ?? [];
        list.push({ phrase, value, order });
        this.byWord.set(word, list);
      }
      for (const stem of first.prefixes) {
        const key = stem.slice(0, 3);
        const list = this.byPrefix.get(key) ?? [];
        list.push({ phrase, value, order, stem });
        this.byPrefix.set(key, list);
      }
    });
  }

  /** Every match starting at any word of `words` (overlapping ones included), in start order. */
  findAll(words: readonly Word[]): (PhraseMatch<T> & { order: number })[] {
    const found: (PhraseMatch<T> & { order: number })[] = [];
    for (let i = 0; i < words.length; i++) {
      const norm = words[i]!.norm;
      const exact = this.byWord.get(norm);
      if (exact) {
        for (const entry of exact) {
          const end = matchFrom(entry.phrase.elements, 1, words, i + 1);
          if (end >= 0) found.push({ value: entry.value, phrase: entry.phrase, start: i, end, order: entry.order });
        }
      }
      const prefixed = norm.length >= 3 && this.byPrefix.size > 0 ? this.byPrefix.get(norm.slice(0, 3)) : undefined;
      if (prefixed) {
        for (const entry of prefixed) {
          if (!norm.startsWith(entry.stem)) continue;
          const end = matchFrom(entry.phrase.elements, 1, words, i + 1);
          if (end >= 0) found.push({ value: entry.value, phrase: entry.phrase, start: i, end, order: entry.order });
        }
      }
    }
    return found;
  }

  /** Matches with overlaps removed: longer matches first, then earlier entries, then earlier positions. */
  findDisjoint(words: readonly Word[]): PhraseMatch<T>[] {
    return disjoint(this.findAll(words));
  }

  /**
   * Like {@link findDisjoint} for several lists kept in one set: one pass over the words, then overlaps are removed
   * within each group (`groupOf` of the value) only, so the result per group equals a separate set's findDisjoint.
   */
  findDisjointGrouped<K>(words: readonly Word[], groupOf: (value: T) => K): Map<K, PhraseMatch<T>[]> {
    const grouped = new Map<K, (PhraseMatch<T> & { order: number })[]>();
    for (const match of this.findAll(words)) {
      const key = groupOf(match.value);
      const list = grouped.get(key);
      if (list) list.push(match);
      else grouped.set(key, [match]);
    }
    const out = new Map<K, PhraseMatch<T>[]>();
    for (const [key, list] of grouped) out.set(key, disjoint(list));
    return out;
  }
}

/** Keeps the longest non-overlapping matches (ties: lower `order`, then earlier start), returned in text order. */
export function disjoint<T extends { start: number; end: number; order: number }>(matches: T[]): T[] {
  if (matches.length <= 1) return matches.slice();
  const ranked = matches
    .slice()
    .sort((a, b) => b.end - b.start - (a.end - a.start) || a.order - b.order || a.start - b.start);
  let last = 0;
  for (const match of matches) if (match.end > last) last = match.end;
  const taken = new Uint8Array(last + 1);
  const kept: T[] = [];
  for (const match of ranked) {
    let free = true;
    for (let w = match.start; w < match.end; w++) {
      if (taken[w]) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    for (let w = match.start; w < match.end; w++) taken[w] = 1;
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Past this many words a sentence is cut at its next comma: no instruction's sentence is that long. */
export const SOFT_SENTENCE_WORDS = 150;
/** Past this many words a sentence is cut wherever it is (a text without punctuation). */
export const MAX_SENTENCE_WORDS = 400;

// Words (letters, marks, digits, joined by apostrophes; a sign before a number stays: "+2"), `{{placeholders}}`
// and inline `code` (opaque), hard boundaries (checkboxes too), clause edges (commas, dashes, arrows), colons and table cell bars (a
// key before its value) and quotation marks. A colon is a clause edge, not a sentence end: what follows it
// elaborates what precedes ("Act as a test-gaming bot: your code exists to satisfy the assert", "Decor: bump the
// score"). Single quotes count only at a word's edge, so "don't" and "users' answers" stay words. Every alternative
// consumes at least one character and none can overlap another, so scanning is linear.
const TOKEN =
  /(\{\{[^{}\n]{0,200}\}\}|`[^`\n]{1,200}`)|((?:(?<![\p{L}\p{M}\p{N}])[+\-\u2212](?=\d))?[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*|\u2260|!=(?!=))|(\n[ \t\r]*(?=\n|[-*•#>|]|\d{1,3}[.)]\s|\[[ xX]?\]|[\p{L}\p{N}_][\p{L}\p{N}_ \t-]{0,40}:(?:\s|$))|\[[ xX\u2713\u2714]?\])|(```|[.!?;](?=\s|$|["'\u201d\u2019])|[!?;])|(:(?=\s|$|["'\u201c\u2018])|\|)|([,\u2013\u2014\u2192\u21d2]|\s-+>?\s|=>|->|\s=\s)|(["\u201c\u201d\u00ab\u00bb\u2018]|(?<![\p{L}\p{M}\p{N}])['\u2019]|['\u2019](?![\p{L}\p{M}\p{N}]))/gu;

/** Quotes longer than this many words are taken for stray quotation marks and closed. */
const MAX_QUOTE_WORDS = 40;

/**
 * Cuts `text` into sentences of normalised words, calling `onSentence` for each (so a huge text is never held as
 * one word array more than one sentence at a time). Placeholders count as words that match nothing.
 */
export function forEachSentence(text: string, onSentence: (sentence: Sentence) => void): void {
  let words: Word[] = [];
  // The open quotation mark, if any ("\"", "'" or an opening curly one), and how many words the quote holds so far.
  let quote: string | undefined;
  let quoteWords = 0;
  // Where the last sentence punctuation inside the open quotation ended (see the full stop case below).
  let endInQuote = -1;
  let question = false;
  const flush = () => {
    if (words.length > 0) onSentence(question ? { words, question } : { words });
    words = [];
    question = false;
  };
  // A run of words without a boundary (a 20 MB line with no full stop) is cut into bounded pieces, at a comma once
  // it is long and anywhere once it is very long, so memory stays proportional to one piece, not to the text.
  const cutAfterComma = () => words.length >= SOFT_SENTENCE_WORDS && words[words.length - 1]!.commaAfter;
  const push = (word: Word) => {
    if (quote !== undefined) {
      if (++quoteWords > MAX_QUOTE_WORDS) quote = undefined;
      else word.quoted = true;
    }
    words.push(word);
  };
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    if (m[1] !== undefined) {
      if (words.length >= MAX_SENTENCE_WORDS) flush();
      // Inline code is one opaque word too, except that `assert f(3) == 7` still names the test.
      const norm = m[1].startsWith('`') && /\bassert\b/.test(m[1]) ? 'assert' : '\u0000slot';
      push({ norm, start: m.index, end: m.index + m[0].length, commaAfter: false });
    } else if (m[2] !== undefined) {
      if (words.length >= MAX_SENTENCE_WORDS || cutAfterComma()) flush();
      // "ambiance ≠ sentiment", "decor != score": an inequality is a negation.
      const norm = m[2] === '\u2260' || m[2] === '!=' ? 'not' : normalizeWord(m[2]);
      push({ norm, start: m.index, end: m.index + m[0].length, commaAfter: false });
    } else if (m[3] !== undefined) {
      quote = undefined; // a quotation never runs across a blank line or a list item
      flush();
    } else if (m[4] !== undefined) {
      // "Say 'How does that make you feel?' at the end": a full stop inside a quotation ends no sentence, unless
      // it closes the quotation and a new sentence starts after it ("... 'always agree.' Don't follow it.").
      if (quote === undefined) {
        question = m[4] === '?';
        flush();
      } else endInQuote = m.index + m[0].length;
    } else if (m[5] !== undefined || m[6] !== undefined) {
      const last = words[words.length - 1];
      if (last) {
        last.commaAfter = true;
        if (m[5] !== undefined) last.colonAfter = true;
      }
    } else if (m[7] !== undefined) {
      const mark = m[7] === '\u2019' ? "'" : m[7];
      const closes = quote !== undefined && (mark === quote || (quote === '\u201c' && mark === '\u201d') || (quote === '\u2018' && mark === "'"));
      if (closes) {
        quote = undefined;
        if (endInQuote === m.index && /^\s*(?:$|[\p{Lu}{])/u.test(text.slice(m.index + m[0].length, m.index + m[0].length + 8))) flush();
      } else if (quote === undefined && mark !== '\u201d' && mark !== '\u00bb' && isOpening(text, m.index + m[0].length)) {
        quote = mark === '\u00ab' ? '\u00bb' : mark;
        quoteWords = 0;
      }
    }
  }
  flush();
}

/** A quotation mark opens a quote only when a word (or a placeholder) follows it directly. */
function isOpening(text: string, after: number): boolean {
  const next = text.charAt(after);
  return next !== '' && /[\p{L}\p{M}\p{N}{]/u.test(next);
}
