/**
 * Quick-fix rewrites for hedges and prohibitions, each verified with the scorer before it is offered: a fix must
 * raise the predicted score (what the lightbulb promises), leave every other hedge reported (a fix that hides a
 * hedge it did not remove would be lying) and add no prohibition. Candidates are plain word-level edits; the scorer
 * (used only through its public result: score, hedges, permissions, prohibitions) decides which of them help, so
 * the fixes keep working when the scorer changes.
 */
import type { PromptAnalysis, Span } from '../scoring/types';

/** Replace `text[start, end)` with `newText`. */
export interface Rewrite {
  title: string;
  start: number;
  end: number;
  newText: string;
  /** The predicted score of the instruction before and after. */
  before: number;
  after: number;
}

/** Scores an instruction (for the document's behaviour); undefined when it cannot be scored. */
export type Scorer = (text: string) => PromptAnalysis | undefined;

interface Candidate {
  title: string;
  start: number;
  end: number;
  newText: string;
}

/** At most this many rewrites per diagnostic, best first. */
const MAX_REWRITES = 3;

const MODALS = new Set(['might', 'may', 'could', 'can']);
/** "might want to agree": the verb after the modal that goes with it. */
const WANT_TO = /^\s+(?:want|wish|like|choose|decide|need)\s+to\b/i;

/** Rewrites that remove or strengthen the hedge at `hedge` in `text`, verified and best first. */
export function hedgeRewrites(text: string, hedge: Span, score: Scorer): Rewrite[] {
  const word = text.slice(hedge.start, hedge.end);
  const candidates: Candidate[] = [];
  const sentence = sentenceStart(text, hedge.start);
  const lastWord = /(\S+)$/.exec(word)?.[1]?.toLowerCase() ?? '';
  const wantTo = WANT_TO.exec(text.slice(hedge.end));
  const modalEnd = hedge.end + (wantTo ? wantTo[0].length : 0);

  // Delete it, with the "to" left dangling after "Feel free" and the separator left before or after it.
  candidates.push(deletion(text, hedge.start, hedge.end, sentence, `Remove "${short(word)}"`));
  if (MODALS.has(lastWord)) {
    // "You might want to agree" → "You must agree" / "You should agree".
    const modalStart = hedge.end - lastWord.length;
    const replaced = text.slice(modalStart, modalEnd);
    for (const strong of ['must', 'should']) {
      candidates.push({ title: `Replace "${short(replaced)}" with "${strong}"`, start: modalStart, end: modalEnd, newText: strong });
    }
    // "You might want to agree with the user." → "Agree with the user."
    const subject = /^(?:please\s+)?(?:you|we)\s+$/i.exec(text.slice(sentence, modalStart)) ?? (modalStart === sentence ? [''] : null);
    if (subject) {
      const after = text.slice(modalEnd).replace(/^\s+/, '');
      const skipped = text.length - modalEnd - after.length;
      if (after) {
        const imperative = capitalize(after[0]!);
        candidates.push({ title: `Rewrite as "${short(imperative + after.slice(1), 40)}"`, start: sentence, end: modalEnd + skipped + 1, newText: imperative });
      }
    }
  }
  return verified(text, candidates, score, (before, after, candidate) => keepsOtherHedges(before, after, hedge, candidate));
}

/** Negations a prohibition may start with, and what makes it a request (the scorer picks what helps). */
const NEGATIONS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^(?:do\s+not|don['’]?t|do\s+n['’]t)\s+/i, ['', 'always ']],
  [/^never\s+/i, ['', 'always ']],
  [/^must\s*(?:not|n['’]t)\s+/i, ['must ']],
  [/^should\s*(?:not|n['’]t)\s+/i, ['should ']],
  [/^(?:cannot|can\s+not|can['’]t)\s+/i, ['must ']],
  [/^(?:will\s+not|won['’]t)\s+/i, ['will ']],
  [/^may\s+not\s+/i, ['must ']],
  [/^(?:avoid|refrain\s+from|stop|quit|resist)\s+/i, ['keep ', 'focus on ']],
  [/^not\s+/i, ['']],
];

/** Rewrites that turn the prohibition at `prohibition` into a request, verified and best first. */
export function prohibitionRewrites(text: string, prohibition: Span, score: Scorer): Rewrite[] {
  const candidates: Candidate[] = [];
  const span = text.slice(prohibition.start, prohibition.end);
  const sentence = sentenceStart(text, prohibition.start);
  for (const [pattern, replacements] of NEGATIONS) {
    const match = pattern.exec(span);
    if (!match) continue;
    const atSentenceStart = /^\s*$/.test(text.slice(sentence, prohibition.start));
    const rest = text.slice(prohibition.start + match[0].length);
    for (const replacement of replacements) {
      // "Do not agree" at the start of a sentence → "Agree"; "you don't agree" → "you agree".
      let newText = replacement;
      let end = prohibition.start + match[0].length;
      if (atSentenceStart) {
        if (newText) newText = capitalize(newText[0]!) + newText.slice(1);
        else if (rest) {
          newText = capitalize(rest[0]!);
          end++;
        }
      }
      const result = (newText + text.slice(end, prohibition.end)).trim();
      candidates.push({ title: `Ask for it instead: "${short(result, 40)}"`, start: prohibition.start, end, newText });
    }
    break;
  }
  return verified(text, candidates, score, (_before, after, candidate) => !after.prohibitions.some((p) => overlaps(p, shifted(prohibition, candidate))));
}

/** Scores each candidate; keeps those that raise the score and pass `accept`; best first, without duplicates. */
function verified(text: string, candidates: Candidate[], score: Scorer, accept: (before: PromptAnalysis, after: PromptAnalysis, candidate: Candidate) => boolean): Rewrite[] {
  const before = score(text);
  if (!before) return [];
  const seen = new Set<string>();
  const rewrites: Rewrite[] = [];
  for (const candidate of candidates) {
    const newText = text.slice(0, candidate.start) + candidate.newText + text.slice(candidate.end);
    if (seen.has(newText) || newText === text) continue;
    seen.add(newText);
    const after = score(newText);
    if (!after || !(after.score > before.score) || (after.prohibits && !before.prohibits) || !accept(before, after, candidate)) continue;
    rewrites.push({
      ...candidate,
      title: `${candidate.title} (predicted ${before.score.toFixed(2)} → ${after.score.toFixed(2)})`,
      before: before.score,
      after: after.score,
    });
  }
  return rewrites.sort((a, b) => b.after - a.after).slice(0, MAX_REWRITES);
}

/** Every hedge and permission other than `removed` is still reported after the edit (at its shifted place). */
function keepsOtherHedges(before: PromptAnalysis, after: PromptAnalysis, removed: Span, edit: Candidate): boolean {
  const reported = [...after.hedges, ...(after.permissions ?? [])];
  for (const other of [...before.hedges, ...(before.permissions ?? [])]) {
    if (other.start === removed.start && other.end === removed.end) continue;
    // Words the edit itself replaced are gone, not hidden.
    if (overlaps(other, { start: edit.start, end: edit.end })) continue;
    const moved = shifted(other, edit);
    if (!reported.some((r) => overlaps(r, moved))) return false;
  }
  return true;
}

/** Where `span` (outside the edit) lies after the edit. */
function shifted(span: Span, edit: Candidate): Span {
  if (span.end <= edit.start) return span;
  const delta = edit.newText.length - (edit.end - edit.start);
  if (span.start >= edit.end) return { start: span.start + delta, end: span.end + delta };
  return { start: edit.start, end: edit.start + edit.newText.length };
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The deletion of `text[start, end)` with the separator it leaves, capitalising a new sentence start. */
function deletion(text: string, start: number, end: number, sentence: number, title: string): Candidate {
  let from = start;
  let to = end;
  const atSentenceStart = /^\s*$/.test(text.slice(sentence, start));
  // "Feel free to be rude" → "Be rude" (not "to be rude").
  if (atSentenceStart) {
    const to_ = /^\s+to\b/i.exec(text.slice(to));
    if (to_) to += to_[0].length;
  }
  if (text[to] === ',') to++;
  if (text[to] === ' ') to++;
  else if (from > 0 && text[from - 1] === ' ') {
    // "..., if you like." would leave "...,.": take the comma before it too.
    from -= text[from - 2] === ',' && (to === text.length || /[.!?;:\n]/.test(text[to]!)) ? 2 : 1;
  }
  if (atSentenceStart && /^[a-z]/.test(text.slice(to))) {
    return { title, start: from, end: to + 1, newText: capitalize(text[to]!) };
  }
  return { title, start: from, end: to, newText: '' };
}

/** The offset where the sentence holding `offset` starts (after `.`, `!`, `?`, `:` or a line break). */
function sentenceStart(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && !/[.!?:\n]/.test(text[at - 1]!)) at--;
  while (at < offset && /\s/.test(text[at]!)) at++;
  return at;
}

function capitalize(letter: string): string {
  return letter.toUpperCase();
}

function short(text: string, length = 30): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
