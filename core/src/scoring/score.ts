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
  HEDGES,
  IMPERATIVE_VERBS,
  INTENSIFIERS,
  LEAD_WORDS,
  NEGATION_CUES,
  NEGATION_SCOPE,
  RELATIVIZERS,
  REQUEST_CUES,
  SCOPE_BREAKERS,
  type CueKind,
  type RequestStrength,
  type Term,
} from './lexicon';
import { forEachSentence, PhraseSet, type Sentence, type Word } from './phrases';
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

const negationCues = new PhraseSet<CueKind>(NEGATION_CUES);
const conditionalCues = new PhraseSet<boolean>(CONDITIONAL_CUES);
const hedgeSet = new PhraseSet<true>(HEDGES.map((p) => [p, true] as const));
const intensifierSet = new PhraseSet<true>(INTENSIFIERS.map((p) => [p, true] as const));
const requestSet = new PhraseSet<RequestStrength>(REQUEST_CUES);
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

/** Per-word coverage of negation and condition scopes in one sentence. */
interface Scopes {
  /** Number of forward negation scopes covering each word. */
  forward: Int32Array;
  /** Start offset (in the text) of the nearest forward cue covering each word, for prohibition spans. */
  forwardCueStart: Float64Array;
  /** Number of backward negation scopes covering each word. */
  backward: Int32Array;
  backwardCueEnd: Float64Array;
  /** Prefix sums of negation cue starts, to count cues inside a term. */
  cueStartsBefore: Int32Array;
  /** Words inside a condition ("if ...", "unless ...", "whether ..."). */
  conditional: Uint8Array;
}

function computeScopes(words: readonly Word[]): Scopes {
  const n = words.length;
  const cues = negationCues.findDisjoint(words).filter((cue) => cue.value !== 'neutral');
  const forwardStartAt = new Uint8Array(n + 1);
  for (const cue of cues) if (cue.value === 'forward') forwardStartAt[cue.start] = 1;
  const forwardDiff = new Int32Array(n + 1);
  const backwardDiff = new Int32Array(n + 1);
  const forwardCueStart = new Float64Array(n).fill(-1);
  const backwardCueEnd = new Float64Array(n).fill(-1);
  const cueStartsBefore = new Int32Array(n + 1);
  for (const cue of cues) {
    cueStartsBefore[cue.start + 1]! += 1;
    if (cue.value === 'forward') {
      let end = cue.end;
      const limit = Math.min(n, cue.end + NEGATION_SCOPE);
      while (end < limit && !endsForwardScope(words, end, forwardStartAt)) end++;
      forwardDiff[cue.end]! += 1;
      forwardDiff[end]! -= 1;
      for (let w = cue.end; w < end; w++) forwardCueStart[w] = words[cue.start]!.start;
    } else {
      let start = cue.start;
      const limit = Math.max(0, cue.start - BACKWARD_SCOPE);
      // Walk back until the scope would cross a comma or a clause breaker.
      while (start > limit && !words[start - 1]!.commaAfter && !SCOPE_BREAKERS.has(words[start - 1]!.norm)) start--;
      backwardDiff[start]! += 1;
      backwardDiff[cue.start]! -= 1;
      for (let w = start; w < cue.start; w++) backwardCueEnd[w] = words[cue.end - 1]!.end;
    }
  }
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
  return { forward, forwardCueStart, backward, backwardCueEnd, cueStartsBefore, conditional };
}

/** Whether word `w` no longer belongs to a forward negation that started before it. */
function endsForwardScope(words: readonly Word[], w: number, forwardStartAt: Uint8Array): boolean {
  const word = words[w]!.norm;
  if (SCOPE_BREAKERS.has(word)) return true;
  if (w > 0 && words[w - 1]!.commaAfter && CLAUSE_CONJUNCTIONS.has(word)) return true;
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

function analyzeSentence(sentence: Sentence, lexicon: Lexicon, acc: Accumulator): void {
  const words = sentence.words;
  const scopes = computeScopes(words);
  const matches = lexicon.set.findDisjoint(words);
  let requestedHere = false;
  for (const match of matches) {
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
    const polarity = negated ? -term.polarity : term.polarity;
    const weight = term.kind === 'concrete' ? 1 : WEIGHTS.generalWeight;
    if (polarity === 0) continue; // names the subject only ("the user's answer")
    if (polarity > 0) {
      requestedHere = true;
      acc.positiveWeight += weight;
      if (term.kind === 'concrete') {
        acc.concrete.add(start, end);
        acc.concreteTerms.add(match.value);
      } else {
        acc.general.add(start, end);
      }
      if (term.assertive && !negated) acc.assertive.add(start, end);
    } else {
      acc.negativeWeight += weight;
      // Show the cue with the term: "Do not hard-code", "hard-coding ... is forbidden".
      let spanStart = start;
      let spanEnd = end;
      if (negated && forward > 0) spanStart = Math.min(spanStart, scopes.forwardCueStart[match.start]!);
      if (negated && backward > 0) spanEnd = Math.max(spanEnd, scopes.backwardCueEnd[match.end - 1]!);
      acc.prohibitions.add(spanStart, spanEnd);
    }
  }

  for (const request of requestSet.findDisjoint(words)) {
    const start = words[request.start]!.start;
    const end = words[request.end - 1]!.end;
    acc.offerRequest(request.value, start, end, acc.text.slice(start, end));
  }
  const imperative = findImperative(words);
  if (imperative !== undefined) {
    const start = words[imperative]!.start;
    const end = words[Math.min(words.length, imperative + 3) - 1]!.end;
    acc.offerRequest('directive', start, end, acc.text.slice(start, end));
  }

  if (!requestedHere) return;
  acc.sentencesWithRequestedTerms++;
  for (const hedge of hedgeSet.findDisjoint(words)) {
    if (scopes.forward[hedge.start]! > 0) continue; // "don't try to ..." is not a hedge
    acc.hedges.add(words[hedge.start]!.start, words[hedge.end - 1]!.end);
  }
  for (const intensifier of intensifierSet.findDisjoint(words)) {
    if (scopes.forward[intensifier.start]! > 0) continue;
    acc.intensifiers.add(words[intensifier.start]!.start, words[intensifier.end - 1]!.end);
  }
}

/** The index of the first imperative verb at the start of a clause (after lead words like "please"), if any. */
function findImperative(words: readonly Word[]): number | undefined {
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && !words[i - 1]!.commaAfter) continue;
    let w = i;
    while (w < words.length && w < i + 3 && LEAD_WORDS.has(words[w]!.norm)) w++;
    const word = words[w];
    if (word && IMPERATIVE_VERBS.has(word.norm)) return w;
  }
  return undefined;
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
