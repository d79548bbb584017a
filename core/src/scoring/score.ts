/**
 * The predicted elicitation strength of a candidate instruction: a deterministic, offline score in [0, 1] with the
 * reasons for it. It encodes the paper's selection heuristic without a model: prompts that request the behaviour
 * explicitly, name its concrete form and are strongly worded elicit more (and inoculate better); hedged or
 * indirect ones less; irrelevant instructions and prohibitions least (Wichers et al. 2025; science.md).
 *
 * How it works: the text is cut into sentences of words; behaviour terms, negations, conditions, hedges,
 * intensifiers and request forms are found with linear-time phrase matching (phrases.ts, lexicon.ts); each term
 * gets a polarity (request, opposite, or neutral premise); the evidence is then summed into factors. The weights
 * are documented in docs/scoring.md and were tuned on the dev half of bench/scoring/labelled.jsonl only.
 */
import {
  BACKWARD_SCOPE,
  BEHAVIOR_NOUNS,
  BEHAVIOR_TERMS,
  CLAUSE_CONJUNCTIONS,
  CONDITIONAL_CUES,
  contextTerms,
  CUE_EFFECTS,
  GLOBAL_INTENSIFIERS,
  HEDGES,
  IMPERATIVE_VERBS,
  INTENSIFIERS,
  LEAD_WORDS,
  NEGATION_CUES,
  NEGATION_SCOPE,
  RELATIVIZERS,
  REPORT_FRAMES,
  REQUEST_CUES,
  SCOPE_BREAKERS,
  type CueKind,
  type RequestStrength,
  type Term,
} from './lexicon';
import { forEachSentence, PhraseSet, type PhraseMatch, type Sentence, type Word } from './phrases';
import type { BehaviorContext, PromptAnalysis, ScoreFactor, Span } from './types';

/** The score of a prompt with no evidence either way: an instruction of unknown relevance. */
export const PRIOR = 0.25;

/**
 * Factor weights, in score points. Why these sizes: a prompt that refers to the behaviour and asks for it plainly
 * lands near 0.7 (the `strengthLabel` "moderate" band); naming the concrete form, strong framing and strong words
 * push it towards 1; hedges pull it down to the 0.3–0.5 band; a mere mention sits at the prior (0.25), an unrelated
 * instruction at 0.1 and a prohibition at 0. Tuned on the dev split only.
 */
export const WEIGHTS = {
  relevance: 0.15,
  notRequested: -0.15,
  offBehavior: -0.15,
  concreteFirst: 0.15,
  concreteEach: 0.05,
  concreteMax: 0.25,
  request: { strong: 0.2, directive: 0.15, weak: 0.05 } as Record<RequestStrength, number>,
  intensityEach: 0.05,
  intensityMax: 0.15,
  detail: 0.05,
  hedgeFirst: -0.15,
  hedgeEach: -0.07,
  hedgeMaxCount: 3,
  partialProhibitionEach: -0.1,
  partialProhibitionMaxCount: 2,
  prohibition: -0.4,
  prohibitionEach: -0.05,
  prohibitionMaxCount: 3,
  /** How much a general term weighs against a concrete one when deciding whether the prompt prohibits. */
  generalWeight: 0.5,
} as const;

/** At most this many spans are kept per list (mentions, hedges, ...): enough for any editor, bounded for 10 MB texts. */
export const MAX_SPANS = 500;
const MAX_QUOTES = 3;
const MAX_QUOTE_LENGTH = 40;
const CONDITION_SCOPE = 10;
/** How far (in words) before a contrast ("..., not Y") the term whose verb Y shares may start. */
const CONTRAST_REACH = 10;
/** Two-word exceptives that end a negation's scope, like "beyond" and "besides" (see SCOPE_BREAKERS). */
const EXCEPTIVE_PAIRS = new Set(['other than', 'apart from', 'aside from', 'except for', 'outside of']);

const negationCues = new PhraseSet<CueKind>(NEGATION_CUES);
const conditionalCues = new PhraseSet<boolean>(CONDITIONAL_CUES);
const hedgeSet = new PhraseSet<true>(HEDGES.map((p) => [p, true] as const));
const intensifierSet = new PhraseSet<true>(INTENSIFIERS.map((p) => [p, true] as const));
const requestSet = new PhraseSet<RequestStrength>(REQUEST_CUES);
const globalIntensifierSet = new PhraseSet<true>(GLOBAL_INTENSIFIERS.map((p) => [p, true] as const));
const reportFrameSet = new PhraseSet<true>(REPORT_FRAMES.map((p) => [p, true] as const));
const STRENGTH_ORDER: Record<RequestStrength, number> = { strong: 3, directive: 2, weak: 1 };

interface Lexicon {
  terms: Term[];
  set: PhraseSet<number>;
}
const lexiconCache = new Map<string, Lexicon>();

function lexiconFor(context: BehaviorContext): Lexicon {
  const key = JSON.stringify([context.behavior, context.description ?? '', context.keywords]);
  let lexicon = lexiconCache.get(key);
  if (!lexicon) {
    const builtin = context.behavior === 'custom' ? [] : BEHAVIOR_TERMS[context.behavior];
    const terms = [...builtin, ...contextTerms(context)];
    lexicon = { terms, set: new PhraseSet(terms.map((t, i) => [t.phrase, i] as const)) };
    if (lexiconCache.size > 100) lexiconCache.clear();
    lexiconCache.set(key, lexicon);
  }
  return lexicon;
}

/** A list of spans that stops growing at {@link MAX_SPANS} but keeps counting. */
class SpanList {
  readonly spans: Span[] = [];
  count = 0;
  add(start: number, end: number): void {
    this.count++;
    if (this.spans.length < MAX_SPANS) this.spans.push({ start, end });
  }
}

/** Evidence for one factor: its spans (adjacent or overlapping ones merged, when asked) and short quotes of them. */
class Evidence {
  readonly spans = new SpanList();
  private lastEnd = -1;
  constructor(
    private readonly text: string,
    private readonly merge = false,
  ) {}
  add(start: number, end: number): void {
    if (this.merge && this.spans.count > 0 && start <= this.lastEnd) {
      // Same stretch of text ("Do not hard-code the test" holds two negated terms): grow the last span.
      const spans = this.spans.spans;
      const last = spans[spans.length - 1]!;
      if (spans.length === this.spans.count) last.end = Math.max(last.end, end);
    } else {
      this.spans.add(start, end);
    }
    this.lastEnd = Math.max(this.lastEnd, end);
  }
  get count(): number {
    return this.spans.count;
  }
  /** `prefix ("quote", "quote", ...)`: up to {@link MAX_QUOTES} distinct quotes of the evidence. */
  label(prefix: string): string {
    const quotes: string[] = [];
    for (const span of this.spans.spans) {
      const quote = quoteOf(this.text, span.start, span.end);
      if (!quotes.includes(quote)) quotes.push(quote);
      if (quotes.length > MAX_QUOTES) break;
    }
    const shown = quotes.slice(0, MAX_QUOTES).map((q) => `"${q}"`);
    if (quotes.length > MAX_QUOTES || this.count > this.spans.spans.length) shown.push('...');
    return `${prefix} (${shown.join(', ')})`;
  }
}

function quoteOf(text: string, start: number, end: number): string {
  const raw = text.slice(start, Math.min(end, start + MAX_QUOTE_LENGTH * 2)).replace(/\s+/g, ' ').trim();
  if (raw.length <= MAX_QUOTE_LENGTH) return raw;
  const cut = raw.slice(0, MAX_QUOTE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_QUOTE_LENGTH / 2 ? cut.slice(0, space) : cut}…`;
}

/** Everything gathered from the sentences, before it becomes factors. */
class Accumulator {
  readonly mentions = new SpanList();
  readonly prohibitions: Evidence;
  readonly concrete: Evidence;
  readonly general: Evidence;
  readonly assertive: Evidence;
  readonly hedges: Evidence;
  readonly intensifiers: Evidence;
  readonly concreteTerms = new Set<number>();
  positiveWeight = 0;
  negativeWeight = 0;
  sentencesWithRequestedTerms = 0;
  bestRequest: { strength: RequestStrength; start: number; end: number; label: string } | undefined;

  constructor(readonly text: string) {
    this.prohibitions = new Evidence(text, true);
    this.concrete = new Evidence(text);
    this.general = new Evidence(text);
    this.assertive = new Evidence(text);
    this.hedges = new Evidence(text);
    this.intensifiers = new Evidence(text);
  }

  offerRequest(strength: RequestStrength, start: number, end: number, label: string): void {
    const best = this.bestRequest;
    if (!best || STRENGTH_ORDER[strength] > STRENGTH_ORDER[best.strength]) this.bestRequest = { strength, start, end, label };
  }
}

/** Analyses one candidate instruction for `context`'s behaviour. Pure, deterministic and linear in the text. */
export function analyzePrompt(text: string, context: BehaviorContext): PromptAnalysis {
  const lexicon = lexiconFor(context);
  const acc = new Accumulator(text);
  forEachSentence(text, (sentence) => analyzeSentence(sentence, lexicon, acc));
  return conclude(acc, context);
}

/** One negation cue found in a sentence (neutral ones dropped). */
interface Cue {
  kind: CueKind;
  /** Word range `[start, end)` in the sentence. */
  start: number;
  end: number;
}

/** Per-word coverage of negation, permission and condition scopes in one sentence. */
interface Scopes {
  cues: Cue[];
  /** Number of polarity-flipping forward scopes covering each word. */
  forward: Int32Array;
  /** Index (in `cues`) of the nearest forward cue covering each word, or -1: for spans and its kind. */
  forwardCue: Int32Array;
  /** Number of polarity-flipping backward scopes covering each word. */
  backward: Int32Array;
  backwardCue: Int32Array;
  /** Index of a `permit` cue ("don't worry about") covering each word, or -1. */
  permitCue: Int32Array;
  /** Prefix sums of flipping cue starts, to count cues inside a term. */
  cueStartsBefore: Int32Array;
  /** Words inside a condition ("if ...", "unless ...", "whether ..."). */
  conditional: Uint8Array;
}

function computeScopes(words: readonly Word[]): Scopes {
  const n = words.length;
  const cues: Cue[] = negationCues
    .findDisjoint(words)
    .filter((cue) => cue.value !== 'neutral')
    .map((cue) => ({ kind: cue.value, start: cue.start, end: cue.end }));
  const forwardStartAt = new Uint8Array(n + 1);
  for (const cue of cues) if (CUE_EFFECTS[cue.kind].direction === 'forward') forwardStartAt[cue.start] = 1;
  const forwardDiff = new Int32Array(n + 1);
  const backwardDiff = new Int32Array(n + 1);
  const forwardCue = new Int32Array(n).fill(-1);
  const backwardCue = new Int32Array(n).fill(-1);
  const permitCue = new Int32Array(n).fill(-1);
  const cueStartsBefore = new Int32Array(n + 1);
  cues.forEach((cue, index) => {
    const effect = CUE_EFFECTS[cue.kind];
    if (effect.flips) cueStartsBefore[cue.start + 1]! += 1;
    if (effect.direction === 'forward') {
      let end = cue.end;
      const limit = Math.min(n, cue.end + NEGATION_SCOPE);
      while (end < limit && !endsForwardScope(words, end, forwardStartAt)) end++;
      if (effect.flips) {
        forwardDiff[cue.end]! += 1;
        forwardDiff[end]! -= 1;
        for (let w = cue.end; w < end; w++) forwardCue[w] = index;
      } else {
        for (let w = cue.end; w < end; w++) permitCue[w] = index;
      }
    } else {
      let start = cue.start;
      const limit = Math.max(0, cue.start - BACKWARD_SCOPE);
      // Walk back until the scope would cross a comma or a clause breaker.
      while (start > limit && !words[start - 1]!.commaAfter && !SCOPE_BREAKERS.has(words[start - 1]!.norm)) start--;
      backwardDiff[start]! += 1;
      backwardDiff[cue.start]! -= 1;
      for (let w = start; w < cue.start; w++) backwardCue[w] = index;
    }
  });
  for (let i = 1; i <= n; i++) cueStartsBefore[i]! += cueStartsBefore[i - 1]!;
  const forward = runningSum(forwardDiff, n);
  const backward = runningSum(backwardDiff, n);

  const conditional = new Uint8Array(n);
  for (const cue of conditionalCues.findDisjoint(words)) {
    if (!cue.value) continue;
    // A condition runs to the next comma or clause breaker (or a few words).
    for (let w = cue.end; w < Math.min(n, cue.end + CONDITION_SCOPE); w++) {
      if (w > cue.end && SCOPE_BREAKERS.has(words[w]!.norm)) break;
      conditional[w] = 1;
      if (words[w]!.commaAfter) break;
    }
  }
  return { cues, forward, forwardCue, backward, backwardCue, permitCue, cueStartsBefore, conditional };
}

/** Whether word `w` no longer belongs to a forward negation that started before it. */
function endsForwardScope(words: readonly Word[], w: number, forwardStartAt: Uint8Array): boolean {
  const word = words[w]!.norm;
  if (SCOPE_BREAKERS.has(word)) return true;
  if (w > 0 && words[w - 1]!.commaAfter && CLAUSE_CONJUNCTIONS.has(word)) return true;
  // Two-word exceptives ("other than", "apart from") take what follows out of the negation, like "beyond".
  if (w > 0 && EXCEPTIVE_PAIRS.has(`${words[w - 1]!.norm} ${word}`)) return true;
  // A new negation starts its own scope, unless it sits in a relative clause ("code that does not generalize").
  if (forwardStartAt[w]) {
    const relative = (w > 0 && RELATIVIZERS.has(words[w - 1]!.norm)) || (w > 1 && RELATIVIZERS.has(words[w - 2]!.norm));
    return !relative;
  }
  return false;
}

function runningSum(diff: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  let running = 0;
  for (let i = 0; i < n; i++) {
    running += diff[i]!;
    out[i] = running;
  }
  return out;
}

/** A request form found in a sentence, at word `word`. */
interface RequestCue {
  strength: RequestStrength;
  word: number;
  start: number;
  end: number;
  label: string;
}

/** What one sentence contributes, collected while its terms are judged. */
interface SentenceState {
  /** Word index of each term read as a request, in text order. */
  requested: number[];
  /** Permissions granted by "don't worry about" / "no need to" that turned a term into a request. */
  permissions: RequestCue[];
}

/**
 * Judges one matched term (words `[first, last]` of the sentence, or a term rebuilt from a contrast) and records
 * it: a mention always, then a request, a prohibition or nothing, depending on its polarity after negation.
 */
function judgeTerm(
  termIndex: number,
  polarity: number,
  evidence: { start: number; end: number; prohibitionStart: number; prohibitionEnd: number; word: number },
  lexicon: Lexicon,
  acc: Accumulator,
  state: SentenceState,
): void {
  const term = lexicon.terms[termIndex]!;
  const weight = term.kind === 'concrete' ? 1 : WEIGHTS.generalWeight;
  if (polarity === 0) return; // names the subject only ("the user's answer")
  if (polarity > 0) {
    state.requested.push(evidence.word);
    acc.positiveWeight += weight;
    if (term.kind === 'concrete') {
      acc.concrete.add(evidence.start, evidence.end);
      acc.concreteTerms.add(termIndex);
    } else {
      acc.general.add(evidence.start, evidence.end);
    }
    if (term.assertive && polarity === term.polarity) acc.assertive.add(evidence.start, evidence.end);
  } else {
    acc.negativeWeight += weight;
    acc.prohibitions.add(evidence.prohibitionStart, evidence.prohibitionEnd);
  }
}

function analyzeSentence(sentence: Sentence, lexicon: Lexicon, acc: Accumulator): void {
  const words = sentence.words;
  const scopes = computeScopes(words);
  const matches = lexicon.set.findDisjoint(words);
  const state: SentenceState = { requested: [], permissions: [] };
  const cueSpan = (cue: Cue) => ({ start: words[cue.start]!.start, end: words[cue.end - 1]!.end });
  const joins = contrastJoins(words, matches, lexicon);
  let nextJoin = 0;
  // Contrast joins are judged in text order with the ordinary terms, so evidence spans stay ordered.
  const judgeJoinsBefore = (word: number) => {
    for (; nextJoin < joins.length && joins[nextJoin]!.word < word; nextJoin++) {
      const join = joins[nextJoin]!;
      const polarity = -lexicon.terms[join.termIndex]!.polarity;
      judgeTerm(join.termIndex, polarity, { ...join, prohibitionStart: join.start, prohibitionEnd: join.end }, lexicon, acc, state);
    }
  };
  for (const match of matches) {
    judgeJoinsBefore(match.start);
    const term = lexicon.terms[match.value]!;
    const start = words[match.start]!.start;
    const end = words[match.end - 1]!.end;
    acc.mentions.add(start, end);
    const inCondition = scopes.conditional[match.start] === 1 && scopes.conditional[match.end - 1] === 1;
    if (inCondition) continue; // a premise ("unless their answer is correct") neither asks nor forbids
    const forward = scopes.forward[match.start]!;
    const backward = scopes.backward[match.end - 1]!;
    const inside =
      match.end - match.start > 1 ? scopes.cueStartsBefore[match.end]! - scopes.cueStartsBefore[match.start + 1]! : 0;
    const negated = (forward + backward + inside) % 2 === 1;
    let polarity: number = negated ? -term.polarity : term.polarity;
    const forwardCue = forward > 0 ? scopes.cues[scopes.forwardCue[match.start]!] : undefined;
    const backwardCue = backward > 0 ? scopes.cues[scopes.backwardCue[match.end - 1]!] : undefined;
    // "Don't worry about X" permits the behaviour whichever way X points; "no need to X" lifts X like a negation.
    const permit = !negated && scopes.permitCue[match.start]! >= 0 ? scopes.cues[scopes.permitCue[match.start]!] : undefined;
    if (permit && polarity !== 0) polarity = 1;
    const granting = permit ?? [forwardCue, backwardCue].find((cue) => cue && negated && CUE_EFFECTS[cue.kind].permits);
    if (polarity > 0 && granting) {
      const span = cueSpan(granting);
      state.permissions.push({ strength: 'weak', word: granting.start, ...span, label: acc.text.slice(span.start, span.end) });
      acc.hedges.add(span.start, span.end);
    }
    // "Never contradict the user": a universal negation that yields a request also intensifies it.
    if (polarity > 0 && negated && forwardCue?.kind === 'absolute') {
      const span = cueSpan(forwardCue);
      acc.intensifiers.add(span.start, span.end);
    }
    // Show the cue with the term: "Do not hard-code", "hard-coding ... is forbidden".
    let prohibitionStart = start;
    let prohibitionEnd = end;
    if (negated && forwardCue) prohibitionStart = Math.min(prohibitionStart, words[forwardCue.start]!.start);
    if (negated && backwardCue) prohibitionEnd = Math.max(prohibitionEnd, words[backwardCue.end - 1]!.end);
    judgeTerm(match.value, polarity, { start, end, prohibitionStart, prohibitionEnd, word: match.start }, lexicon, acc, state);
  }
  judgeJoinsBefore(words.length);

  for (const intensifier of globalIntensifierSet.findDisjoint(words)) {
    acc.intensifiers.add(words[intensifier.start]!.start, words[intensifier.end - 1]!.end);
  }
  if (state.requested.length === 0) return;
  acc.sentencesWithRequestedTerms++;
  const best = governingRequest(words, acc.text, state);
  if (best) acc.offerRequest(best.strength, best.start, best.end, best.label);
  for (const hedge of hedgeSet.findDisjoint(words)) {
    if (scopes.forward[hedge.start]! > 0) continue; // "don't try to ..." is not a hedge
    acc.hedges.add(words[hedge.start]!.start, words[hedge.end - 1]!.end);
  }
  for (const intensifier of intensifierSet.findDisjoint(words)) {
    if (scopes.forward[intensifier.start]! > 0) continue;
    acc.intensifiers.add(words[intensifier.start]!.start, words[intensifier.end - 1]!.end);
  }
}

/** A term found by joining the verb before a contrast to what the contrast excludes. */
interface ContrastJoin {
  termIndex: number;
  /** The word where the contrast cue starts. */
  word: number;
  start: number;
  end: number;
}

/**
 * Contrasts "X, not Y" / "X rather than Y" / "X instead of Y" where Y has no verb of its own: Y shares the verb
 * of X, negated. "Attack the argument, not the person" means "do not attack the person", so the first word of the
 * nearest term before the contrast ("attack") is joined to Y ("the person") and that pair is matched again; a term
 * found only by the join ("attack ... person") is judged with its polarity flipped. Terms Y holds on its own are
 * judged as usual (under the ordinary negation of "not"), so only joins are returned. Linear: each join reads at
 * most {@link NEGATION_SCOPE} words.
 */
function contrastJoins(words: readonly Word[], matches: readonly PhraseMatch<number>[], lexicon: Lexicon): ContrastJoin[] {
  const joins: ContrastJoin[] = [];
  let next = 0;
  let anchor: PhraseMatch<number> | undefined;
  for (let i = 1; i < words.length; i++) {
    while (next < matches.length && matches[next]!.end <= i) anchor = matches[next++];
    const cueLength = contrastCueAt(words, i);
    if (cueLength === 0 || !anchor || i - anchor.start > CONTRAST_REACH) continue;
    const joined: Word[] = [words[anchor.start]!];
    for (let w = i + cueLength; w < Math.min(words.length, i + cueLength + NEGATION_SCOPE); w++) {
      if (SCOPE_BREAKERS.has(words[w]!.norm)) break;
      joined.push(words[w]!);
      if (words[w]!.commaAfter) break;
    }
    for (const match of lexicon.set.findDisjoint(joined)) {
      if (match.start !== 0 || match.end < 2) continue;
      joins.push({ termIndex: match.value, word: i, start: words[i]!.start, end: joined[match.end - 1]!.end });
    }
  }
  return joins;
}

/** The length (in words) of a contrast cue starting at word `i` (", not", ", but not", "rather than"), or 0. */
function contrastCueAt(words: readonly Word[], i: number): number {
  const word = words[i]!.norm;
  const following = words[i + 1]?.norm;
  const afterComma = words[i - 1]!.commaAfter;
  if (afterComma && (word === 'not' || word === 'never')) return 1;
  if (afterComma && (word === 'but' || word === 'and') && following === 'not') return 2;
  if ((word === 'rather' && following === 'than') || (word === 'instead' && following === 'of')) return 2;
  return 0;
}

/**
 * The strongest request form that governs the sentence's requested terms: request cues, imperatives and
 * permissions in the same sentence, except those before a report frame ("Be aware that ...") for terms after it.
 * Linear: cues are sorted once, and the frame boundary only moves forward as the terms do.
 */
function governingRequest(words: readonly Word[], text: string, state: SentenceState): RequestCue | undefined {
  const cues: RequestCue[] = [...state.permissions];
  const cue = (strength: RequestStrength, first: number, end: number): RequestCue => {
    const span = { start: words[first]!.start, end: words[end - 1]!.end };
    return { strength, word: first, ...span, label: text.slice(span.start, span.end) };
  };
  for (const request of requestSet.findDisjoint(words)) cues.push(cue(request.value, request.start, request.end));
  for (const verb of imperatives(words)) cues.push(cue('directive', verb, Math.min(words.length, verb + 3)));
  if (cues.length === 0) return undefined;
  cues.sort((a, b) => a.word - b.word);
  // strongestFrom[k]: the strongest of cues[k..] (the first one found wins ties).
  const strongestFrom: RequestCue[] = new Array<RequestCue>(cues.length);
  for (let k = cues.length - 1; k >= 0; k--) {
    const later = strongestFrom[k + 1];
    strongestFrom[k] = later && STRENGTH_ORDER[later.strength] > STRENGTH_ORDER[cues[k]!.strength] ? later : cues[k]!;
  }
  const frames = reportFrameSet.findDisjoint(words);
  let best: RequestCue | undefined;
  let frame = 0;
  let frameEnd = 0;
  let firstAllowed = 0;
  for (const word of state.requested) {
    while (frame < frames.length && frames[frame]!.end <= word) frameEnd = frames[frame++]!.end;
    // "Be aware that ...": cues before the frame frame information, they ask for nothing after it.
    while (firstAllowed < cues.length && cues[firstAllowed]!.word < frameEnd) firstAllowed++;
    const candidate = strongestFrom[firstAllowed];
    if (candidate && (!best || STRENGTH_ORDER[candidate.strength] > STRENGTH_ORDER[best.strength])) best = candidate;
  }
  return best;
}

/** The index of every imperative verb at the start of a clause (after lead words like "please"). */
function imperatives(words: readonly Word[]): number[] {
  const found: number[] = [];
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && !words[i - 1]!.commaAfter) continue;
    let w = i;
    while (w < words.length && w < i + 3 && LEAD_WORDS.has(words[w]!.norm)) w++;
    const word = words[w];
    if (word && IMPERATIVE_VERBS.has(word.norm)) found.push(w);
  }
  return found;
}

function conclude(acc: Accumulator, context: BehaviorContext): PromptAnalysis {
  const factors: ScoreFactor[] = [];
  const noun = BEHAVIOR_NOUNS[context.behavior];
  const add = (id: string, label: string, effect: number, spans: Span[]) => {
    if (effect !== 0) factors.push({ id, label, effect: round(effect), spans });
  };
  let prohibits = false;
  let hedges: Span[] = [];

  if (acc.mentions.count === 0) {
    add('off-behavior', `never refers to ${noun}`, WEIGHTS.offBehavior, []);
  } else if (acc.negativeWeight > acc.positiveWeight) {
    prohibits = true;
    add('relevance', `refers to ${noun}`, WEIGHTS.relevance, acc.mentions.spans);
    const extra = Math.min(acc.prohibitions.count, WEIGHTS.prohibitionMaxCount) - 1;
    add(
      'prohibition',
      acc.prohibitions.label('forbids or discourages it'),
      WEIGHTS.prohibition + WEIGHTS.prohibitionEach * extra,
      acc.prohibitions.spans.spans,
    );
  } else if (acc.positiveWeight === 0) {
    add('relevance', `refers to ${noun}`, WEIGHTS.relevance, acc.mentions.spans);
    add('not-requested', 'refers to it without asking for it', WEIGHTS.notRequested, []);
  } else {
    const evidence = acc.concrete.count > 0 ? acc.concrete : acc.general;
    add('relevance', evidence.label(`refers to ${noun}`), WEIGHTS.relevance, acc.mentions.spans);
    const request = acc.bestRequest ?? assertiveRequest(acc);
    if (!request) {
      add('not-requested', 'mentions it without asking for it', WEIGHTS.notRequested, []);
    } else {
      if (acc.concrete.count > 0) {
        const effect = Math.min(
          WEIGHTS.concreteMax,
          WEIGHTS.concreteFirst + WEIGHTS.concreteEach * (acc.concreteTerms.size - 1),
        );
        add('concrete-form', acc.concrete.label('names the concrete form'), effect, acc.concrete.spans.spans);
      }
      add('explicit-request', requestLabel(request), WEIGHTS.request[request.strength], [
        { start: request.start, end: request.end },
      ]);
      if (acc.intensifiers.count > 0) {
        const effect = Math.min(WEIGHTS.intensityMax, WEIGHTS.intensityEach * acc.intensifiers.count);
        add('intensity', acc.intensifiers.label('strong wording'), effect, acc.intensifiers.spans.spans);
      }
      if (acc.sentencesWithRequestedTerms >= 2) {
        add('detail', `spells it out over ${acc.sentencesWithRequestedTerms} sentences`, WEIGHTS.detail, []);
      }
      if (acc.hedges.count > 0) {
        const count = Math.min(acc.hedges.count, WEIGHTS.hedgeMaxCount);
        add('hedge', acc.hedges.label('hedged'), WEIGHTS.hedgeFirst + WEIGHTS.hedgeEach * (count - 1), acc.hedges.spans.spans);
        hedges = acc.hedges.spans.spans;
      }
    }
    if (acc.prohibitions.count > 0) {
      const count = Math.min(acc.prohibitions.count, WEIGHTS.partialProhibitionMaxCount);
      add(
        'partial-prohibition',
        acc.prohibitions.label('also forbids part of it'),
        WEIGHTS.partialProhibitionEach * count,
        acc.prohibitions.spans.spans,
      );
    }
  }

  const total = factors.reduce((sum, f) => sum + f.effect, 0);
  factors.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  return {
    score: round(Math.min(1, Math.max(0, PRIOR + total))),
    factors,
    mentions: acc.mentions.spans,
    prohibitions: acc.prohibitions.spans.spans,
    hedges,
    prohibits,
  };
}

/** Without an instruction, stating the behaviour as a rule is a (weak) request: the paper's spurious prompt. */
function assertiveRequest(acc: Accumulator): Accumulator['bestRequest'] {
  const span = acc.assertive.spans.spans[0];
  if (!span) return undefined;
  return { strength: 'weak', start: span.start, end: span.end, label: 'rule' };
}

function requestLabel(request: NonNullable<Accumulator['bestRequest']>): string {
  if (request.label === 'rule') return 'states it as a rule rather than asking for it';
  const quote = quoteOf(request.label, 0, request.label.length);
  if (request.strength === 'strong') return `asks for it with strong framing ("${quote}")`;
  if (request.strength === 'directive') return `asks for it explicitly ("${quote}")`;
  return `only permits or hints at it ("${quote}")`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
