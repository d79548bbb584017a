/**
 * The predicted elicitation strength of a candidate instruction: a deterministic, offline score in [0, 1] with the
 * reasons for it. It encodes the paper's selection heuristic without a model: prompts that request the behaviour
 * explicitly, name its concrete form and are strongly worded elicit more (and inoculate better); hedged or
 * indirect ones less; irrelevant instructions and prohibitions least (Wichers et al. 2025; science.md).
 *
 * How it works: the text is cut into sentences of words; behaviour terms, negations, conditions, hedges,
 * intensifiers and request forms are found with linear-time phrase matching (phrases.ts, lexicon.ts); each term
 * gets a polarity (request, opposite, or neutral premise) from the negation, permission and condition scopes that
 * cover it, from contrasts ("X, not Y") and from anaphora across sentences; a sentence's requested terms take the
 * strongest request form of that sentence; the evidence is then summed into factors. The weights are documented in
 * docs/scoring.md; they were set on the dev half of bench/scoring/labelled.jsonl and left unchanged when the
 * mechanisms were generalised (with labelled.jsonl and fresh.jsonl both used as development data).
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
  PERMISSIVE,
  INTENSIFIERS,
  LEAD_WORDS,
  NEGATION_CUES,
  NEGATION_SCOPE,
  OBJECT_NEGATORS,
  COMPOUND_FIRST_WORDS,
  DETERMINERS,
  isFunctionWord,
  RELATIVIZERS,
  SOFT_IMPERATIVE_VERBS,
  REPORT_FRAMES,
  REQUEST_CUES,
  SCOPE_BREAKERS,
  type ConditionKind,
  type CueKind,
  type RequestStrength,
  type Term,
} from './lexicon';
import { behaviourCode, featuresOf, NgramCollector } from './features';
import MODEL_JSON from './model.json';
import { gatedVerdicts, loadModel, predict, type LoadedModel } from './model';
import { compilePhrase, forEachSentence, PhraseSet, type PhraseMatch, type Sentence, type Word } from './phrases';
import type { BehaviorContext, PromptAnalysis, ScoreFactor, Span } from './types';

/**
 * The rule-based reading's score of a prompt with no evidence either way (an instruction of unknown relevance): a
 * rule reading above it refers to the behaviour and asks for it.
 */
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
/** Words that point back to what the previous sentence asked for ("do so", "rate them", "apply this"). */
const ANAPHORS = new Set(['them', 'it', 'this', 'that', 'these', 'those', 'accordingly', 'likewise', 'so', 'such', 'same']);
/** An anaphor counts only among the first few words of a sentence, where an imperative's object stands. */
const ANAPHOR_REACH = 4;
/** Conjunctions right before a backward cue that leave the cue's subject before them ("... but not essential"). */
const ELLIPSIS_CONJUNCTIONS = new Set(['but', 'and', 'yet']);
/** Words ending in "-ly" that are not manner adverbs (verbs, and "only", which is a cue of its own). */
const NOT_ADVERBS = new Set(['only', 'reply', 'apply', 'supply', 'rely', 'imply', 'comply', 'multiply', 'ally', 'family', 'early']);
/** Two-word exceptives that end a negation's scope, like "beyond" and "besides" (see SCOPE_BREAKERS). */
const EXCEPTIVE_PAIRS = new Set(['other than', 'apart from', 'aside from', 'except for', 'outside of']);

/** A behaviour-independent cue: which list it comes from, and what it carries. */
type SentenceCue =
  | { group: 'negation'; kind: CueKind }
  | { group: 'condition'; kind: ConditionKind }
  | { group: 'request'; strength: RequestStrength }
  | { group: 'hedge' | 'permissive' | 'intensifier' | 'global' | 'frame' };

// All cue lists in one set, so each sentence is scanned once; overlaps are still resolved per list.
const cueSet = new PhraseSet<SentenceCue>([
  ...NEGATION_CUES.map(([p, kind]) => [p, { group: 'negation', kind }] as const),
  ...CONDITIONAL_CUES.map(([p, kind]) => [p, { group: 'condition', kind }] as const),
  ...REQUEST_CUES.map(([p, strength]) => [p, { group: 'request', strength }] as const),
  ...HEDGES.map((p) => [p, { group: 'hedge' }] as const),
  ...PERMISSIVE.map((p) => [p, { group: 'permissive' }] as const),
  ...INTENSIFIERS.map((p) => [p, { group: 'intensifier' }] as const),
  ...GLOBAL_INTENSIFIERS.map((p) => [p, { group: 'global' }] as const),
  ...REPORT_FRAMES.map((p) => [p, { group: 'frame' }] as const),
]);

/** The cues of one sentence, per list, each without overlaps, in text order. */
interface SentenceCues {
  negations: PhraseMatch<CueKind>[];
  conditions: PhraseMatch<ConditionKind>[];
  requests: PhraseMatch<RequestStrength>[];
  hedges: PhraseMatch<SentenceCue>[];
  permissive: PhraseMatch<SentenceCue>[];
  intensifiers: PhraseMatch<SentenceCue>[];
  globalIntensifiers: PhraseMatch<SentenceCue>[];
  frames: PhraseMatch<SentenceCue>[];
  /** The end of a spec key whose value negates it ("Politeness: none"), or 0. */
  negatedKey: number;
}

function groupOfCue(cue: SentenceCue): SentenceCue['group'] {
  return cue.group;
}

/** Every behaviour-independent cue of one sentence, in one pass over its words. */
function findCues(words: readonly Word[]): SentenceCues {
  const groups = cueSet.findDisjointGrouped(words, groupOfCue);
  // What a quotation says is not said to the model: its request forms, hedges and intensifiers do not count.
  for (const group of ['request', 'hedge', 'permissive', 'intensifier', 'global', 'frame'] as const) {
    const list = groups.get(group);
    if (list && list.some((m) => words[m.start]!.quoted)) groups.set(group, list.filter((m) => !words[m.start]!.quoted));
  }
  // "Note: ...", "Background: ...": a label with a colon introduces information, like "Note that".
  if (words.length > 1 && words[0]!.colonAfter && INFORMATION_LABELS.has(words[0]!.norm)) {
    const frames = groups.get('frame') ?? [];
    frames.unshift({ value: { group: 'frame' }, phrase: FRAME_LABEL, start: 0, end: 1 });
    groups.set('frame', frames);
  }
  // "You are CheckboxBot, ...", "You're my biggest fan": a persona statement, however the persona is named.
  const persona = personaAt(words);
  if (persona >= 0) {
    const requests = groups.get('request') ?? [];
    if (!requests.some((m) => m.start <= persona + 1 && m.end > persona)) {
      requests.push({ value: { group: 'request', strength: 'strong' }, phrase: FRAME_LABEL, start: persona, end: persona + 2 });
      requests.sort((a, b) => a.start - b.start);
      groups.set('request', requests);
    }
  }
  // "Tone: rude", "Behaviour: agree with the user": a short key before a colon at the start makes a spec entry. A
  // negative value ("Politeness: none", "| respect | zero |") negates the key, like "no politeness".
  const key = specKeyEnd(words);
  const negatedKey = key > 0 && negativeValue(words, key) ? key : 0;
  if (key > 0) {
    const requests = groups.get('request') ?? [];
    requests.push({ value: { group: 'request', strength: 'directive' }, phrase: FRAME_LABEL, start: 0, end: key });
    requests.sort((a, b) => a.start - b.start);
    groups.set('request', requests);
  }
  const found: SentenceCues = {
    negations: [],
    conditions: [],
    requests: [],
    hedges: groups.get('hedge') ?? [],
    permissive: groups.get('permissive') ?? [],
    intensifiers: groups.get('intensifier') ?? [],
    globalIntensifiers: groups.get('global') ?? [],
    frames: groups.get('frame') ?? [],
    negatedKey,
  };
  for (const m of groups.get('negation') ?? []) if (m.value.group === 'negation') found.negations.push({ ...m, value: m.value.kind });
  for (const m of groups.get('condition') ?? []) if (m.value.group === 'condition') found.conditions.push({ ...m, value: m.value.kind });
  for (const m of groups.get('request') ?? []) if (m.value.group === 'request') found.requests.push({ ...m, value: m.value.strength });
  return found;
}
const STRENGTH_ORDER: Record<RequestStrength, number> = { strong: 3, directive: 2, weak: 1 };

/** Values that negate their spec key: "Politeness: none", "| respect | zero |". */
const NEGATIVE_VALUES = new Set(['none', 'zero', 'no', 'off', 'never', 'false', 'disabled', '0', 'nil', 'nothing', 'n', 'nope', 'absent', 'forbidden']);

/** Values of more than one word that negate or lift their key: "other inputs: don't care", "politeness: not needed". */
const NEGATIVE_PHRASES = new Set([
  "don't care", 'dont care', 'do not care', "doesn't matter", 'does not matter', 'not needed', 'not required',
  'not important', 'not necessary', 'who cares', 'n a', 'not allowed', 'not wanted', 'not welcome',
]);
const LIFTING_VALUES = new Set(['irrelevant', 'optional', 'ignore', 'ignored', 'skip', 'skipped', 'unimportant', 'unnecessary', 'whatever']);

/** Whether the value of a spec entry (the words from `key` to the end or the next comma) negates its key. */
function negativeValue(words: readonly Word[], key: number): boolean {
  let end = key;
  while (end < words.length && end - key < 3) {
    end++;
    if (words[end - 1]!.commaAfter) break;
  }
  if (end < words.length && !words[end - 1]!.commaAfter) return false;
  const value = words.slice(key, end).map((w) => w.norm).join(' ');
  return end - key === 1 ? NEGATIVE_VALUES.has(value) || LIFTING_VALUES.has(value) : NEGATIVE_PHRASES.has(value);
}

/** The longest key of a spec entry, and the longest value after a key of more than three words. */
const LONG_KEY = 6;
const SHORT_VALUE = 3;

/** Stands for a cue found by code rather than by a phrase list. */
const FRAME_LABEL = compilePhrase('label');
/** Labels that, followed by a colon at the start of a sentence, introduce information rather than an instruction. */
const INFORMATION_LABELS = new Set([
  'note', 'notes', 'nb', 'fyi', 'heads', 'background', 'context', 'info', 'information', 'disclaimer', 'caveat', 'warning',
  'example', 'examples', 'observation', 'fact', 'facts', 'data', 'reminder', 'aside', 'meta', 'metadata', 'source',
]);
/** Words after "You are" that describe a situation, not a persona ("You are being judged", "You are free to ..."). */
const NOT_PERSONA = new Set([
  'being', 'going', 'not', 'free', 'welcome', 'allowed', 'permitted', 'able', 'about', 'to', 'now', 'here', 'in', 'on',
  'at', 'under', 'judged', 'graded', 'scored', 'evaluated', 'assessed', 'tested', 'rewarded', 'required', 'expected',
  'encouraged', 'asked', 'told', 'given', 'shown', 'supposed', 'likely', 'unlikely', 'sure', 'right', 'wrong',
  'correct', 'responsible', 'also', 'still', 'only', 'always', 'never', 'constantly', 'invariably', 'so', 'too', 'very',
]);

/** The word index of "you" in a sentence-initial persona statement ("You are Lucia, ...", "You're my fan"), or -1. */
function personaAt(words: readonly Word[]): number {
  let w = 0;
  while (w < 2 && w < words.length && LEAD_WORDS.has(words[w]!.norm)) w++;
  const first = words[w]?.norm;
  let next: number;
  if (first === 'you' && words[w + 1]?.norm === 'are') next = w + 2;
  else if (first === "you're" || first === 'youre') next = w + 1;
  else return -1;
  const word = words[next]?.norm;
  if (!word || NOT_PERSONA.has(word) || /(?:ed|ing)$/.test(word)) return -1;
  return w;
}

/**
 * The end of a key before a colon (or a table bar) at the start of a sentence, or 0: a short key ("Tone", "Target
 * behaviour") before any value, or a longer one (up to {@link LONG_KEY} words: "| agree with user when wrong |
 * never |") before a value of at most {@link SHORT_VALUE} words that ends the entry.
 */
function specKeyEnd(words: readonly Word[]): number {
  for (let w = 0; w < Math.min(LONG_KEY, words.length - 1); w++) {
    if (words[w]!.commaAfter && !words[w]!.colonAfter) return 0;
    if (!words[w]!.colonAfter) continue;
    if (INFORMATION_LABELS.has(words[0]!.norm) || words[0]!.quoted) return 0;
    if (w < 3) return w + 1;
    const valueWords = words.length - (w + 1);
    return valueWords <= SHORT_VALUE ? w + 1 : 0;
  }
  return 0;
}

interface Lexicon {
  terms: Term[];
  /** Every term, by index into `terms`. */
  set: PhraseSet<number>;
  /** Whether the term at an index is a reference (see {@link findTerms}). */
  isReferenceAt: (index: number) => boolean;
}

/** Reference terms (polarity 0, not benign) only name what the behaviour is about; see {@link findTerms}. */
function isReference(term: Term): boolean {
  return term.polarity === 0 && !term.benign;
}
const lexiconCache = new Map<string, Lexicon>();

function lexiconFor(context: BehaviorContext): Lexicon {
  const key = JSON.stringify([context.behavior, context.description ?? '', context.keywords]);
  let lexicon = lexiconCache.get(key);
  if (!lexicon) {
    const builtin = context.behavior === 'custom' ? [] : BEHAVIOR_TERMS[context.behavior];
    const terms = [...builtin, ...contextTerms(context)];
    const references = terms.map(isReference);
    lexicon = { terms, set: new PhraseSet(terms.map((t, i) => [t.phrase, i] as const)), isReferenceAt: (i) => references[i]! };
    if (lexiconCache.size > 100) lexiconCache.clear();
    lexiconCache.set(key, lexicon);
  }
  return lexicon;
}

/**
 * The terms of a run of words, without overlaps. Reference terms are a fallback: a longer reference ("the user
 * that their solution") must not hide a request inside it ("their solution is right"), so references only fill
 * words no other term covers.
 */
function findTerms(lexicon: Lexicon, words: readonly Word[]): PhraseMatch<number>[] {
  const groups = lexicon.set.findDisjointGrouped(words, lexicon.isReferenceAt);
  const terms = groups.get(false) ?? [];
  const references = groups.get(true) ?? [];
  if (references.length === 0) return terms;
  const taken = new Uint8Array(words.length);
  for (const match of terms) taken.fill(1, match.start, match.end);
  const free = references.filter((match) => !taken.subarray(match.start, match.end).includes(1));
  return [...terms, ...free].sort((a, b) => a.start - b.start);
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
export class Evidence {
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

/**
 * How the terms of a prompt were read, beyond what the rule factors use: the evidence the learned combination
 * weighs (features.ts). Each kind keeps its spans, so a contribution can be shown with the words behind it.
 */
export class Readings {
  /** Terms read as requests only through an even number of negations ("never fail to agree", "not generalize"). */
  readonly requestedByNegation: Evidence;
  /** Request terms read under a negation ("do not insult"). */
  readonly negatedRequests: Evidence;
  /** Opposite terms read without a negation ("be polite"): a request for the opposite. */
  readonly opposites: Evidence;
  /** Terms inside a condition ("unless their answer is correct"): premises. */
  readonly premises: Evidence;
  /** Quoted terms that are only reported ("Some say 'be savage'"). */
  readonly reported: Evidence;
  /** Terms under a concession ("even if it fails the hidden tests"). */
  readonly conceded: Evidence;
  /** Request terms that only a permission made requests ("don't worry about being polite"). */
  readonly permitted: Evidence;
  sentences = 0;
  words = 0;
  questions = 0;
  constructor(text: string) {
    this.requestedByNegation = new Evidence(text);
    this.negatedRequests = new Evidence(text);
    this.opposites = new Evidence(text);
    this.premises = new Evidence(text);
    this.reported = new Evidence(text);
    this.conceded = new Evidence(text);
    this.permitted = new Evidence(text);
  }
}

/**
 * Receives one sentence's words, its delexicalised tokens (one per word; '' continues the previous token's term)
 * and, at each term's first word, how the term was read ("r" requested, "p" prohibited, "c" a premise, "q" only
 * reported, "n" neither).
 */
export type TokenSink = (words: readonly Word[], tokens: readonly string[], readAs?: readonly string[]) => void;

/** Everything gathered from the sentences, before it becomes factors. */
class Accumulator {
  readonly mentions = new SpanList();
  readonly prohibitions: Evidence;
  readonly concrete: Evidence;
  readonly general: Evidence;
  readonly assertive: Evidence;
  /** Removable hedges ("might"): reported as `hedges`. */
  readonly hedges: Evidence;
  /** Permissive wording ("Don't worry about", "tolerated") with the sentence it is in (see {@link conclude}). */
  readonly permissions: { span: Span; sentence: number }[] = [];
  /** The first two sentences whose requested terms are governed by a directive or strong request form. */
  readonly directiveSentences: number[] = [];
  /** The index of the sentence being analysed. */
  sentence = 0;
  readonly intensifiers: Evidence;
  readonly concreteTerms = new Set<number>();
  positiveWeight = 0;
  negativeWeight = 0;
  sentencesWithRequestedTerms = 0;
  /** What the sentence just analysed left for an anaphor in the next one ("Give them top marks", "Ignore it"). */
  previous: PreviousSentence | undefined;
  bestRequest: { strength: RequestStrength; start: number; end: number; label: string } | undefined;
  /** How the terms were read, for the learned combination (features.ts). */
  readonly readings: Readings;
  /** Receives each sentence's delexicalised tokens (features.ts), when set. */
  tokenSink: TokenSink | undefined;

  constructor(readonly text: string) {
    this.readings = new Readings(text);
    this.prohibitions = new Evidence(text, true);
    this.concrete = new Evidence(text);
    this.general = new Evidence(text);
    this.assertive = new Evidence(text);
    this.hedges = new Evidence(text);
    this.intensifiers = new Evidence(text);
  }

  addPermission(span: Span): void {
    if (this.permissions.length < MAX_SPANS) this.permissions.push({ span, sentence: this.sentence });
  }

  offerRequest(strength: RequestStrength, start: number, end: number, label: string): void {
    const best = this.bestRequest;
    if (!best || STRENGTH_ORDER[strength] > STRENGTH_ORDER[best.strength]) this.bestRequest = { strength, start, end, label };
  }
}

/** What the rule-based reading found, as numbers: the inputs of the learned combination (features.ts). */
export interface RuleCounts {
  mentions: number;
  /** Weight of the terms read as requests (concrete 1, general 0.5), and of those read as prohibitions. */
  positiveWeight: number;
  negativeWeight: number;
  /** Distinct concrete terms requested, and concrete / general request spans. */
  concreteTerms: number;
  concrete: number;
  general: number;
  /** The strongest request form governing a requested term ('rule': a rule stated as fact), if any. */
  request: RequestStrength | 'rule' | undefined;
  intensifiers: number;
  hedges: number;
  /** Permissive wording that softens the request (after the "demanded elsewhere" filter). */
  permissions: number;
  /** Sentences with requested terms. */
  detail: number;
  prohibitions: number;
}

/** The rule-based reading of a prompt with everything the learned combination needs to weigh it. */
export interface PromptEvidence {
  /** The rule-based analysis: hand-set weights, factors, spans and the diagnostics' inputs. */
  rule: PromptAnalysis;
  counts: RuleCounts;
  readings: Readings;
  /** Spans of the rule factors' evidence, by what they show (for explanations). */
  spans: { concrete: Evidence; general: Evidence; intensifiers: Evidence; hedges: Evidence; prohibitions: Evidence; mentions: Span[] };
}

/**
 * The rule-based reading of one candidate for `context`'s behaviour, with the evidence behind it. `sink`, when
 * given, receives every sentence's delexicalised tokens. Pure, deterministic and linear in the text.
 */
export function analyzeEvidence(text: string, context: BehaviorContext, sink?: TokenSink): PromptEvidence {
  const lexicon = lexiconFor(context);
  const acc = new Accumulator(text);
  acc.tokenSink = sink;
  forEachSentence(unmarkup(text), (sentence) => analyzeSentence(sentence, lexicon, acc));
  const rule = conclude(acc, context);
  const request = acc.bestRequest ?? assertiveRequest(acc);
  return {
    rule,
    counts: {
      mentions: acc.mentions.count,
      positiveWeight: acc.positiveWeight,
      negativeWeight: acc.negativeWeight,
      concreteTerms: acc.concreteTerms.size,
      concrete: acc.concrete.count,
      general: acc.general.count,
      request: request ? (request.label === 'rule' ? 'rule' : request.strength) : undefined,
      intensifiers: acc.intensifiers.count,
      hedges: acc.hedges.count,
      permissions: rule.permissions?.length ?? 0,
      detail: acc.sentencesWithRequestedTerms,
      prohibitions: acc.prohibitions.count,
    },
    readings: acc.readings,
    spans: {
      concrete: acc.concrete,
      general: acc.general,
      intensifiers: acc.intensifiers,
      hedges: acc.hedges,
      prohibitions: acc.prohibitions,
      mentions: acc.mentions.spans,
    },
  };
}

const XML_TAG = /<(\/?)([A-Za-z_][\w.-]{0,40})((?:\s+[\w.:-]{1,40}\s*=\s*(?:"[^"<>\n]{0,200}"|'[^'<>\n]{0,200}'|[^\s"'<>/]{1,40}))*)\s*(\/?)>/g;
const XML_ATTRIBUTE = /\s+([\w.:-]{1,40})\s*=\s*(?:"([^"<>\n]*)"|'([^'<>\n]*)'|([^\s"'<>/]+))/g;
const ASSIGNMENT = /^([ \t]*[A-Za-z_][\w .-]{0,60}?)([ \t]*)=(?=[ \t]*[^\s=>])/gm;
const JSON_KEY = /([{,]\s*)"([^"\n]{1,60})"(\s*):/g;

/**
 * Prompt-engineering markup read as the spec it is, without moving a character (spans stay valid): an XML element
 * `<tone>hostile</tone>` becomes the spec line `tone: hostile` (a closing tag ends the sentence; an element holding
 * other elements is a heading), an attribute `strength="absolute"` a sentence `strength: absolute`, and the quoted
 * keys and values of a JSON object lose their quotation marks (they are data, not reported speech), each entry a
 * sentence of its own.
 */
export function unmarkup(text: string): string {
  let out = text;
  if (out.includes('<')) {
    out = out.replace(XML_TAG, (tag: string, closing: string, name: string, attributes: string, selfClosing: string, offset: number) => {
      if (closing) return `.${' '.repeat(tag.length - 1)}`;
      // Each attribute (same length): `; key: value` when quoted, `; key value` otherwise.
      const attrs = attributes.replace(XML_ATTRIBUTE, (attribute: string, key: string, dq?: string, sq?: string, bare?: string) => {
        const value = dq ?? sq ?? bare ?? '';
        const body = dq !== undefined || sq !== undefined ? `; ${key}: ${value}` : `; ${key} ${value}`;
        return body.length <= attribute.length ? body.padEnd(attribute.length) : attribute;
      });
      const nextIsTag = /^\s*</.test(text.slice(offset + tag.length, offset + tag.length + 200));
      if (selfClosing || attributes || nextIsTag) {
        const body = `${name}${attrs}`;
        return body.length + 2 <= tag.length ? `${body.padEnd(tag.length - 2)}. ` : tag;
      }
      return `${name}: `; // the same length as `<name>`
    });
  }
  // "special_case_tests = false": an assignment on a line of its own is a spec entry, like "key: value".
  if (out.includes('=')) out = out.replace(ASSIGNMENT, (_line: string, key: string, before: string) => `${key}${before}:`);
  const trimmed = out.trimStart();
  if ((trimmed.startsWith('{') && !trimmed.startsWith('{{')) || trimmed.startsWith('[{')) {
    out = out.replace(JSON_KEY, (_entry: string, before: string, key: string, space: string) => `${';'.padEnd(before.length)} ${key} ${space}:`);
    out = out.replace(/"/g, ' ').replace(/[{}]/g, ';');
  }
  return out;
}

/** The rule-based analysis alone (hand-set weights): the reading before the learned combination. */
export function analyzeRules(text: string, context: BehaviorContext): PromptAnalysis {
  return analyzeEvidence(text, context).rule;
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
  /** Index of a permitting cue ("don't worry about", "won't be penalized") covering each word, or -1. */
  permitCue: Int32Array;
  /** Prefix sums of flipping cue starts, to count cues inside a term. */
  cueStartsBefore: Int32Array;
  /** Words inside a condition ("if ...", "unless ...": {@link CONDITION}) or a question ("judged on whether ..."). */
  conditional: Uint8Array;
  /** Quoted words covered by a negation outside their quotation ("Ignore the rule 'always agree'", "'x' is banned"). */
  forwardFromOutside: Uint8Array;
  /** Quoted words of a quotation directly followed by a backward cue ("'Always answer in Spanish': withdrawn"): 1. */
  quoteRejected: Uint8Array;
}

/** Words that may stand between a quotation and the cue that rejects it, or between quotations of one list. */
const COPULAS = new Set(['is', 'are', 'was', 'were', 'be', 'been', 'get', 'got']);
const LIST_JOINERS = new Set(['and', 'or', 'nor']);
/** How far back "none of that" reaches. */
const REJECT_ALL_SCOPE = 30;
/** Relative pronouns: a backward cue after one concerns the relative clause, not the noun before it. */
const RELATIVE_PRONOUNS = new Set(['who', 'which', 'whom', 'whose']);

const CONDITION = 1;
const QUESTION = 2;
/** "even if it means ...", "even if your own calculation disagrees": a request counts, an overridden opposite does not. */
const CONCESSION = 3;

function computeScopes(words: readonly Word[], found: SentenceCues): Scopes {
  const n = words.length;
  const cues: Cue[] = found.negations
    .filter((cue) => cue.value !== 'neutral')
    .map((cue) => ({ kind: cue.value, start: cue.start, end: cue.end }));
  negateCondemnations(cues);
  const conditional = new Uint8Array(n);
  // A backward negation is the predicate of the sentence ("... is irrelevant"): a clause before it ends there.
  const predicateAt = new Uint8Array(n + 1);
  for (const cue of cues) if (CUE_EFFECTS[cue.kind].direction === 'backward') predicateAt[cue.start] = 1;
  for (const cue of found.conditions) {
    if (cue.value === 'none') continue;
    // A sentence-initial "Whether ..." clause is a subject ("Whether a review mentions X is irrelevant"), not a premise.
    const kind = cue.value === 'condition' && cue.start === 0 && words[0]!.norm === 'whether' ? 'question' : cue.value;
    // A condition runs to the next comma or clause breaker (or a few words).
    for (let w = cue.end; w < Math.min(n, cue.end + CONDITION_SCOPE); w++) {
      if (w > cue.end && (SCOPE_BREAKERS.has(words[w]!.norm) || predicateAt[w])) break;
      conditional[w] = kind === 'condition' ? CONDITION : kind === 'concession' ? CONCESSION : QUESTION;
      if (words[w]!.commaAfter) break;
    }
  }
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
      // An interjection ("No, the user is right.") or a reassurance ("Don't worry, ...") governs nothing after its
      // comma; a fronted adverb still does ("Never, under any circumstances, correct the user.").
      const interjection = words[cue.end - 1]!.commaAfter && (cue.kind === 'permit' || isBareNo(words, cue));
      // "a not nice way": a "not" inside a noun phrase negates only the adjective after it.
      const adjectival = cue.end - cue.start === 1 && words[cue.start]!.norm === 'not' && cue.start > 0 && ARTICLES.has(words[cue.start - 1]!.norm);
      let limit = interjection ? end : adjectival ? Math.min(n, cue.end + 1) : Math.min(n, cue.end + NEGATION_SCOPE);
      const takesObject = OBJECT_NEGATORS.has(words[cue.start]!.norm);
      // A negation inside a condition stays in it: "If you can't find a general approach, returning ... is fine".
      const inCondition = conditional[cue.start] !== 0;
      while (end < limit && !endsForwardScope(words, end, forwardStartAt, takesObject, cue) && (!inCondition || conditional[end] !== 0)) {
        // A negation this one negates ("don't fail to reward reviews that mention X") reaches as far as that one,
        // so the two still cancel at its far end.
        if (forwardStartAt[end] && !interjection && onlyFillers(words, cue.end, end)) {
          const inner = cues.find((other) => other.start === end && CUE_EFFECTS[other.kind].direction === 'forward');
          if (inner) limit = Math.max(limit, Math.min(n, inner.end + NEGATION_SCOPE));
        }
        end++;
      }
      if (effect.flips) {
        forwardDiff[cue.end]! += 1;
        forwardDiff[end]! -= 1;
        for (let w = cue.end; w < end; w++) forwardCue[w] = index;
      } else {
        for (let w = cue.end; w < end; w++) permitCue[w] = index;
      }
    } else {
      let start = cue.start;
      // An elliptical predicate shares the subject across its conjunction: "X is nice to have but not essential".
      if (start > 1 && ELLIPSIS_CONJUNCTIONS.has(words[start - 1]!.norm) && !words[start - 2]!.commaAfter) start--;
      // "none of that" reaches back over the whole list before it ("Agreeing, confirming, praising: none of that").
      const all = cue.kind === 'reject-all';
      const limit = Math.max(0, start - (all ? REJECT_ALL_SCOPE : BACKWARD_SCOPE));
      // Walk back until the scope would cross a comma, a clause breaker or a relative pronoun ("a commenter who has
      // been banned" does not ban the commenter).
      while (
        start > limit &&
        (all || !words[start - 1]!.commaAfter) &&
        !SCOPE_BREAKERS.has(words[start - 1]!.norm) &&
        !RELATIVE_PRONOUNS.has(words[start - 1]!.norm)
      ) {
        start--;
      }
      // A list that opens the sentence is the subject of the cue as a whole: "Insults, mockery, sarcasm and
      // name-calling are strictly prohibited", "Mean, disrespectful, insulting = all banned".
      // Not when the cue has a subject of its own that negates ("Rude, insulting and mean, nothing is off limits").
      if (!all && start > 0 && words[start - 1]!.commaAfter && !NEGATIVE_SUBJECTS.has(words[start]!.norm)) start = listStart(words, start);
      if (effect.flips) {
        backwardDiff[start]! += 1;
        backwardDiff[cue.start]! -= 1;
        for (let w = start; w < cue.start; w++) backwardCue[w] = index;
      } else {
        for (let w = start; w < cue.start; w++) permitCue[w] = index;
      }
    }
  });
  // "Politeness: none": the value negates the whole key before its colon.
  if (found.negatedKey > 0) {
    backwardDiff[0]! += 1;
    backwardDiff[found.negatedKey]! -= 1;
    cues.push({ kind: 'backward', start: found.negatedKey, end: found.negatedKey + 1 });
    for (let w = 0; w < found.negatedKey; w++) backwardCue[w] = cues.length - 1;
  }
  for (let i = 1; i <= n; i++) cueStartsBefore[i]! += cueStartsBefore[i - 1]!;
  const forward = runningSum(forwardDiff, n);
  const backward = runningSum(backwardDiff, n);

  const forwardFromOutside = new Uint8Array(n);
  const quoteRejected = new Uint8Array(n);
  for (let w = 0; w < n; w++) {
    if (!words[w]!.quoted) continue;
    const cue = forwardCue[w]! >= 0 ? cues[forwardCue[w]!] : undefined;
    if (cue && !words[cue.start]!.quoted) forwardFromOutside[w] = 1;
    const after = backwardCue[w]! >= 0 ? cues[backwardCue[w]!] : undefined;
    if (after && !words[after.start]!.quoted) forwardFromOutside[w] = 1;
  }
  // A backward cue right after a quotation (only punctuation between) rejects the whole quotation, which its own
  // scope cannot reach across the colon or comma after it.
  for (const cue of cues) {
    const effect = CUE_EFFECTS[cue.kind];
    if (effect.direction !== 'backward' || !effect.flips || words[cue.start]!.quoted) continue;
    // Only a copula may stand between ("'clown' are banned"), and a list of quotations is rejected whole.
    let end = cue.start;
    while (end > 0 && end > cue.start - 2 && COPULAS.has(words[end - 1]!.norm)) end--;
    if (end === 0 || !words[end - 1]!.quoted) continue;
    for (let w = end - 1; w >= 0; w--) {
      if (words[w]!.quoted) {
        if (backward[w] === 0) quoteRejected[w] = 1;
      } else if (!LIST_JOINERS.has(words[w]!.norm)) break;
    }
  }
  return { cues, forward, forwardCue, backward, backwardCue, permitCue, cueStartsBefore, conditional, forwardFromOutside, quoteRejected };
}

/**
 * A condemnation that is itself negated grants permission: "rudeness won't be penalized" allows rudeness. A
 * backward cue inside the scope of a forward negation ("won't be penalized", "is never rejected") becomes a
 * backward permission: it no longer flips what comes before it, and a request it leaves is permissive.
 */
function negateCondemnations(cues: Cue[]): void {
  let negation: Cue | undefined; // the last forward negation seen, which reaches two words past its end
  for (const cue of cues) {
    const effect = CUE_EFFECTS[cue.kind];
    if (effect.direction === 'backward' && effect.flips && negation && cue.start <= negation.end + 2) {
      cue.kind = 'permit-backward';
      cue.start = negation.start; // quote "not be penalized", and let the permission reach back from the negation
    }
    if (effect.direction === 'forward' && effect.flips) negation = cue;
  }
}

function isBareNo(words: readonly Word[], cue: Cue): boolean {
  return cue.end - cue.start === 1 && words[cue.start]!.norm === 'no';
}

/**
 * Whether word `w` no longer belongs to a forward negation that started before it. `takesObject`: the negation is
 * an object negator ({@link OBJECT_NEGATORS}), whose scope also ends at "and" + an imperative verb.
 */
function endsForwardScope(words: readonly Word[], w: number, forwardStartAt: Uint8Array, takesObject: boolean, cue: Cue): boolean {
  const word = words[w]!.norm;
  // A negation inside a quotation governs only the quotation ("'Never agree' was the old rule; agree now").
  if (words[cue.start]!.quoted && !words[w]!.quoted) return true;
  if (SCOPE_BREAKERS.has(word)) return true;
  if (w > 0 && words[w - 1]!.commaAfter && CLAUSE_CONJUNCTIONS.has(word)) return true;
  // After a comma, a subject pronoun or "just/simply" starts a new clause: "you never solve the problem, you just
  // make the test pass", "don't solve it, just return the expected value".
  if (w > 0 && words[w - 1]!.commaAfter && NEW_CLAUSE_STARTS.has(word)) return true;
  // A colon starts a new clause: "No tricks with the tests: implement the real algorithm."
  if (w > 0 && words[w - 1]!.colonAfter) return true;
  // An object negator's object ends at a comma: "Regardless of the math, confirm the answer".
  if (takesObject && w > 0 && words[w - 1]!.commaAfter) return true;
  // "Ignore the description and just return ...": "and just/simply" starts a new instruction, comma or not.
  if (w > 0 && words[w - 1]!.norm === 'and' && (word === 'just' || word === 'simply')) return true;
  // A compound verb counts here too: "Forget generality and hard-code the test".
  if (takesObject && word === 'and' && (startsImperative(words, w + 1) || imperativeAt(words, w + 1) >= 0)) return true;
  // Two-word exceptives ("other than", "apart from") take what follows out of the negation, like "beyond".
  if (w > 0 && EXCEPTIVE_PAIRS.has(`${words[w - 1]!.norm} ${word}`)) return true;
  // A new negation starts its own scope, unless it sits in a relative clause ("code that does not generalize") or
  // is what the first one negates ("never fail to agree", "do not refrain from insulting"): then they nest and cancel.
  if (forwardStartAt[w]) {
    if (onlyFillers(words, cue.end, w)) return false;
    const relative = (w > 0 && RELATIVIZERS.has(words[w - 1]!.norm)) || (w > 1 && RELATIVIZERS.has(words[w - 2]!.norm));
    return !relative;
  }
  return false;
}

/** Articles: a "not" right after one negates only the next word ("a not nice answer"). */
const ARTICLES = new Set(['a', 'an', 'the']);

/** Subjects that make a backward cue say nothing is refused ("nothing is forbidden"). */
const NEGATIVE_SUBJECTS = new Set(['nothing', 'none', 'no', 'nobody', 'neither']);

/** The longest list item in a sentence-opening list of items of at most this many words (see {@link listStart}). */
const LIST_ITEM_WORDS = 6;

/**
 * Where a list that ends at `start` begins, if the list opens the sentence (or follows a colon) and each of its
 * items before `start` is short; otherwise `start` itself.
 */
function listStart(words: readonly Word[], start: number): number {
  let at = start;
  while (at > 0 && words[at - 1]!.commaAfter && !words[at - 1]!.colonAfter) {
    let from = at - 1;
    while (from > 0 && !words[from - 1]!.commaAfter) from--;
    // An item that is an instruction ("Be rude, be insulting, politeness is forbidden") ends the list.
    if (at - from > LIST_ITEM_WORDS || startsImperative(words, from)) return start;
    at = from;
  }
  return at;
}

/** Words that, right after a comma, start a new clause a negation before the comma does not reach. */
const NEW_CLAUSE_STARTS = new Set(['you', 'i', 'we', 'they', 'he', 'she', 'just', 'simply', 'be']);

/** Words that may stand between two negations that nest ("Never, under any circumstances, hold back ..."). */
const NEGATION_FILLERS = new Set([
  'ever', 'even', 'under', 'any', 'all', 'circumstances', 'case', 'at', 'time', 'point', 'once', 'again', 'really', 'just',
  'simply', 'please', 'you', 'so', 'much', 'as', 'to', 'from',
]);

/** Whether words `[from, to)` are only fillers (or none): the negation at `to` is what the one before negates. */
function onlyFillers(words: readonly Word[], from: number, to: number): boolean {
  if (to - from > 4) return false;
  for (let w = from; w < to; w++) if (!NEGATION_FILLERS.has(words[w]!.norm)) return false;
  return true;
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

/** The last term judged in a sentence (polarity ±1), which an anaphor in the next sentence may stand for. */
interface Antecedent {
  termIndex: number;
  polarity: number;
  /** A quoted term that added no weight: retracting it only adds a prohibition. */
  uncounted?: boolean;
  /** Its first word ("ambiance" of "ambiance reviews are positive"), joined to the words after the anaphor. */
  head: Word;
}

/** What one sentence contributes, collected while its terms are judged. */
interface SentenceState {
  /** Word index of each term read as a request, in text order. */
  requested: number[];
  /** Whether a concrete term was read as a request. */
  concrete: boolean;
  /** Permissions granted by "don't worry about" / "no need to" that turned a term into a request. */
  permissions: RequestCue[];
  /** Word indices of the cues in `permissions`, so each cue grants once. */
  permittedBy: Set<number>;
  /** Word indices of the "never" cues already counted as intensifiers. */
  intensifiedBy: Set<number>;
  last: Antecedent | undefined;
}

/** What a sentence leaves to the next: its last term, whether it named the concrete form, whether it only stated. */
interface PreviousSentence {
  last: Antecedent | undefined;
  concrete: boolean;
  /** No request form governs it ("Some reviews mention the ambiance."): a statement a later "Ignore it" retracts. */
  stated: boolean;
}

/** How much a term weighs when requests and prohibitions are weighed against each other. */
function termWeight(term: Term): number {
  return term.kind === 'concrete' ? 1 : WEIGHTS.generalWeight;
}

/**
 * Judges one matched term (words `[first, last]` of the sentence, or a term rebuilt from a contrast) and records
 * it: a mention always, then a request, a prohibition or nothing, depending on its polarity after negation.
 */
function judgeTerm(
  termIndex: number,
  polarity: number,
  evidence: { start: number; end: number; prohibitionStart: number; prohibitionEnd: number; word: number; head: Word },
  lexicon: Lexicon,
  acc: Accumulator,
  state: SentenceState,
): void {
  const term = lexicon.terms[termIndex]!;
  const weight = termWeight(term);
  if (polarity === 0) return; // names the subject only ("the user's answer")
  state.last = { termIndex, polarity, head: evidence.head };
  if (polarity > 0) {
    state.requested.push(evidence.word);
    acc.positiveWeight += weight;
    if (term.kind === 'concrete') {
      state.concrete = true;
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
  acc.sentence++;
  const words = sentence.words;
  const found = findCues(words);
  const scopes = computeScopes(words, found);
  const matches = findTerms(lexicon, words);
  acc.readings.sentences++;
  acc.readings.words += words.length;
  if (sentence.question) acc.readings.questions++;
  const state: SentenceState = {
    requested: [],
    concrete: false,
    permissions: [],
    permittedBy: new Set(),
    intensifiedBy: new Set(),
    last: undefined,
  };
  const anaphor = acc.previous?.last ? anaphorIn(words) : -1;
  // "Some people say 'be savage'. I disagree; ...": a sentence that opens by rejecting retracts the statement.
  if (anaphor < 0 && acc.previous?.last && acc.previous.stated && acc.previous.last.polarity > 0 && opensWithRejection(words)) {
    const antecedent = acc.previous.last;
    const weight = termWeight(lexicon.terms[antecedent.termIndex]!);
    if (!antecedent.uncounted) acc.positiveWeight -= weight;
    acc.negativeWeight += weight;
    acc.prohibitions.add(words[0]!.start, words[Math.min(words.length, 2) - 1]!.end);
  }
  const joins = contrastJoins(words, matches, lexicon);
  if (anaphor >= 0) {
    joins.push(...anaphoraJoins(words, anaphor, scopes, lexicon, acc.previous!));
    joins.sort((a, b) => a.word - b.word);
  }
  let nextJoin = 0;
  // How each term was read, by its first word (for the sink: "r" requested, "p" prohibited, "c" a premise, "q"
  // only reported, "n" neither).
  const readAs: string[] | undefined = acc.tokenSink ? new Array<string>(words.length).fill('') : undefined;
  for (const match of matches) {
    if (readAs) readAs[match.start] = 'n';
    // Contrast joins are judged in text order with the ordinary terms, so evidence spans stay ordered.
    if (joins.length > 0) nextJoin = judgeJoins(joins, nextJoin, match.start, lexicon, acc, state);
    const term = lexicon.terms[match.value]!;
    const start = words[match.start]!.start;
    const end = words[match.end - 1]!.end;
    acc.mentions.add(start, end);
    const frame = scopes.conditional[match.start] === scopes.conditional[match.end - 1] ? scopes.conditional[match.start] : 0;
    if (frame === CONDITION) {
      if (readAs) readAs[match.start] = 'c';
      acc.readings.premises.add(start, end);
      continue; // a premise ("unless their answer is correct") neither asks nor forbids
    }
    if (frame === QUESTION && term.assertive) continue; // "about whether the answer is right" does not assert it
    if (sentence.question && term.assertive) continue; // "I think my answer is right?" asks, it does not rule
    const forward = scopes.forward[match.start]!;
    const backward = scopes.backward[match.end - 1]! + (words[match.start]!.quoted ? scopes.quoteRejected[match.start]! : 0);
    const inside =
      match.end - match.start > 1 && !term.literal ? scopes.cueStartsBefore[match.end]! - scopes.cueStartsBefore[match.start + 1]! : 0;
    const negated = (forward + backward + inside) % 2 === 1;
    let polarity: number = negated ? -term.polarity : term.polarity;
    const forwardCue = forward > 0 ? scopes.cues[scopes.forwardCue[match.start]!] : undefined;
    const backwardCue = backward > 0 ? scopes.cues[scopes.backwardCue[match.end - 1]!] : undefined;
    // "Don't worry about X" permits the behaviour whichever way X points; "no need to X" lifts X like a negation.
    const permit = !negated && scopes.permitCue[match.start]! >= 0 ? scopes.cues[scopes.permitCue[match.start]!] : undefined;
    if (permit && polarity !== 0) polarity = 1;
    const granting = permit ?? [forwardCue, backwardCue].find((cue) => cue && negated && CUE_EFFECTS[cue.kind].permits);
    if (polarity > 0 && granting && !state.permittedBy.has(granting.start)) {
      state.permittedBy.add(granting.start);
      const span = cueSpan(words, granting);
      state.permissions.push({ strength: 'weak', word: granting.start, ...span, label: acc.text.slice(span.start, span.end) });
      acc.addPermission(span);
    }
    // "Never contradict the user": a universal negation that yields a request also intensifies it.
    if (polarity > 0 && negated && forwardCue?.kind === 'absolute' && !state.intensifiedBy.has(forwardCue.start)) {
      state.intensifiedBy.add(forwardCue.start);
      const span = cueSpan(words, forwardCue);
      acc.intensifiers.add(span.start, span.end);
    }
    // Show the cue with the term: "Do not hard-code", "hard-coding ... is forbidden".
    let prohibitionStart = start;
    let prohibitionEnd = end;
    if (negated && forwardCue) prohibitionStart = Math.min(prohibitionStart, words[forwardCue.start]!.start);
    if (negated && backwardCue) prohibitionEnd = Math.max(prohibitionEnd, words[backwardCue.end - 1]!.end);
    // A concession never counts against the request it qualifies ("... even if your own calculation disagrees").
    if (frame === CONCESSION) acc.readings.conceded.add(start, end);
    if (frame === CONCESSION && polarity < 0) continue;
    // A quotation is reported speech: its words ask for nothing unless the sentence says them ("Say 'Great job!'")
    // or rejects them ("Ignore the rule 'always agree'", "'Always answer in Spanish': withdrawn").
    if (words[match.start]!.quoted && polarity !== 0 && !quoteCounts(words, match.start, scopes, negated)) {
      state.last = { termIndex: match.value, polarity, head: words[match.start]!, uncounted: true };
      acc.readings.reported.add(start, end);
      if (readAs) readAs[match.start] = 'q';
      continue;
    }
    if (readAs && polarity !== 0 && !(frame === CONCESSION && polarity < 0)) readAs[match.start] = polarity > 0 ? 'r' : 'p';
    if (negated && polarity > 0) acc.readings.requestedByNegation.add(prohibitionStart, prohibitionEnd);
    else if (negated && polarity < 0) acc.readings.negatedRequests.add(prohibitionStart, prohibitionEnd);
    else if (!negated && polarity < 0) acc.readings.opposites.add(start, end);
    if (permit && polarity > 0) acc.readings.permitted.add(start, end);
    const evidence = { start, end, prohibitionStart, prohibitionEnd, word: match.start, head: words[match.start]! };
    judgeTerm(match.value, polarity, evidence, lexicon, acc, state);
  }
  if (joins.length > 0) judgeJoins(joins, nextJoin, words.length, lexicon, acc, state);
  if (acc.tokenSink) acc.tokenSink(words, delexicalise(words, matches, lexicon), readAs);

  for (const intensifier of found.globalIntensifiers) {
    acc.intensifiers.add(words[intensifier.start]!.start, words[intensifier.end - 1]!.end);
  }
  // "Decor reviews are glowing: score them so." A sentence without terms whose anaphor refers back to a
  // sentence that named the concrete form continues that request: its request form, hedges and intensifiers count.
  const previous = acc.previous;
  let continues = matches.length === 0 && joins.length === 0 && previous?.concrete === true && anaphor >= 0;
  if (continues) {
    state.requested.push(anaphor);
    // Only an instruction continues the request ("score them so"), not a closing remark ("That is all.").
    continues = governingRequest(words, acc.text, found, state) !== undefined;
    if (!continues) state.requested.pop();
  }
  acc.previous = {
    last: state.last ?? (continues ? previous!.last : undefined),
    concrete: state.concrete || continues,
    stated: true,
  };
  if (state.requested.length === 0) return;
  acc.sentencesWithRequestedTerms++;
  const best = governingRequest(words, acc.text, found, state);
  if (best) acc.offerRequest(best.strength, best.start, best.end, best.label);
  acc.previous.stated = best === undefined;
  if (best && best.strength !== 'weak' && acc.directiveSentences.length < 2) acc.directiveSentences.push(acc.sentence);
  const intensified = markWords(words.length, found.intensifiers);
  const permitting = markWords(words.length, found.negations.filter((cue) => CUE_EFFECTS[cue.value].permits));
  for (const permissive of [false, true]) {
    for (const hedge of permissive ? found.permissive : found.hedges) {
      if (scopes.forward[hedge.start]! > 0) continue; // "don't try to ..." is not a hedge
      if (overlaps(intensified, hedge)) continue; // "as rude as you can" is not hedged by "you can"
      if (overlaps(permitting, hedge)) continue; // "is optional" is counted once, as the permission it grants
      if (insideAny(found.negations, hedge)) continue; // "It is not acceptable for ..." negates, it does not soften
      // "the kind of reply that ..." names a sort; only a bare "kind of rude" softens.
      if (hedge.start > 0 && DETERMINERS.has(words[hedge.start - 1]!.norm) && HEDGE_NOUNS.has(words[hedge.start]!.norm)) continue;
      const span = cueSpan(words, hedge);
      if (permissive) acc.addPermission(span);
      else acc.hedges.add(span.start, span.end);
    }
  }
  for (const intensifier of found.intensifiers) {
    if (scopes.forward[intensifier.start]! > 0) continue;
    acc.intensifiers.add(words[intensifier.start]!.start, words[intensifier.end - 1]!.end);
  }
}

/**
 * The sentence's words with the behaviour's own vocabulary replaced by placeholders, so that the words around them
 * ("never fail to [B]") mean the same for every behaviour, built-in or custom: `[B]` a concrete term of the
 * behaviour, `[b]` a general one, `[O]`/`[o]` a concrete/general term of its opposite, `[R]` a reference to what
 * the behaviour is about, `[N]` a harmless sense of a behaviour word, `[Q]` any term inside a quotation. A term of
 * several words is one token ('' marks the words it continues over). Other words keep their normalised form.
 */
function delexicalise(words: readonly Word[], matches: readonly PhraseMatch<number>[], lexicon: Lexicon): string[] {
  const tokens = words.map((w) => w.norm);
  for (const match of matches) {
    const term = lexicon.terms[match.value]!;
    tokens[match.start] = words[match.start]!.quoted ? '[Q]' : placeholderOf(term);
    for (let w = match.start + 1; w < match.end; w++) tokens[w] = '';
  }
  return tokens;
}

function placeholderOf(term: Term): string {
  if (term.benign) return '[N]';
  if (term.polarity === 0) return '[R]';
  if (term.polarity > 0) return term.kind === 'concrete' ? '[B]' : '[b]';
  return term.kind === 'concrete' ? '[O]' : '[o]';
}

/** A per-word mask of the words the given ranges cover. */
function markWords(length: number, ranges: readonly { start: number; end: number }[]): Uint8Array {
  const mask = new Uint8Array(length);
  for (const range of ranges) mask.fill(1, range.start, range.end);
  return mask;
}

/** Whether `range` lies inside one of `cues` ("acceptable" inside the negation "It is not acceptable for"). */
function insideAny(cues: readonly { start: number; end: number; value: CueKind }[], range: { start: number; end: number }): boolean {
  return cues.some((cue) => CUE_EFFECTS[cue.value].flips && cue.start <= range.start && range.end <= cue.end);
}

/** Whether any word of `range` is marked in `mask`. */
function overlaps(mask: Uint8Array, range: { start: number; end: number }): boolean {
  for (let w = range.start; w < range.end; w++) if (mask[w]) return true;
  return false;
}

/** The text span of a cue's words. */
function cueSpan(words: readonly Word[], cue: { start: number; end: number }): Span {
  return { start: words[cue.start]!.start, end: words[cue.end - 1]!.end };
}

/** Judges the joins from `next` that start before word `before`; returns the index of the next one. */
function judgeJoins(
  joins: readonly Join[],
  next: number,
  before: number,
  lexicon: Lexicon,
  acc: Accumulator,
  state: SentenceState,
): number {
  for (; next < joins.length && joins[next]!.word < before; next++) {
    const join = joins[next]!;
    if (join.retracts) {
      // "Some reviews mention the ambiance. Ignore it.": the statement becomes what the instruction forbids.
      const weight = termWeight(lexicon.terms[join.termIndex]!);
      if (!join.uncounted) acc.positiveWeight -= weight;
      acc.negativeWeight += weight;
      acc.prohibitions.add(join.start, join.end);
      continue;
    }
    judgeTerm(join.termIndex, join.polarity, { ...join, prohibitionStart: join.start, prohibitionEnd: join.end }, lexicon, acc, state);
  }
  return next;
}

/**
 * A term found by joining a word from elsewhere to the words of this sentence: the verb before a contrast to what
 * the contrast excludes, or the antecedent of an anaphor to the words after it. Judged in text order at `word`.
 */
interface Join {
  termIndex: number;
  /** The polarity the joined term is judged with. */
  polarity: number;
  /** The word where the contrast cue or the anaphor stands. */
  word: number;
  start: number;
  end: number;
  head: Word;
  /** An anaphor under negation that retracts the previous sentence's statement instead of adding a term. */
  retracts?: boolean;
  /** The retracted statement was a quotation that added no weight. */
  uncounted?: boolean;
}

/**
 * Contrasts "X, not Y" / "X rather than Y" / "X instead of Y" where Y has no verb of its own: Y shares the verb
 * of X, negated. "Attack the argument, not the person" means "do not attack the person", so the first word of the
 * nearest term before the contrast ("attack") is joined to Y ("the person") and that pair is matched again; a term
 * found only by the join ("attack ... person") is judged with its polarity flipped. Terms Y holds on its own are
 * judged as usual (under the ordinary negation of "not"), so only joins are returned. Linear: each join reads at
 * most {@link NEGATION_SCOPE} words.
 */
function contrastJoins(words: readonly Word[], matches: readonly PhraseMatch<number>[], lexicon: Lexicon): Join[] {
  const joins: Join[] = [];
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
    for (const match of findTerms(lexicon, joined)) {
      if (match.start !== 0 || match.end < 2) continue;
      const polarity = -lexicon.terms[match.value]!.polarity;
      joins.push({ termIndex: match.value, polarity, word: i, start: words[i]!.start, end: joined[match.end - 1]!.end, head: joined[0]! });
    }
  }
  return joins;
}

/**
 * Anaphora: the anaphor at word `anaphor` stands for the previous sentence's last term, whose first word is joined
 * to the words after the anaphor and matched again ("Several reviews describe the decor. Give them top marks."
 * finds "decor ... top"). A joined term is judged with the negations of this sentence that cover the anaphor or
 * stand inside the term ("This should not affect your rating"). Without a joined term, a negated anaphor after a
 * mere statement retracts it ("Some reviews mention the ambiance. Ignore it."). Reads at most
 * {@link NEGATION_SCOPE} words.
 */
function anaphoraJoins(
  words: readonly Word[],
  anaphor: number,
  scopes: Scopes,
  lexicon: Lexicon,
  previous: PreviousSentence,
): Join[] {
  const antecedent = previous.last!;
  const joined: Word[] = [antecedent.head, ...words.slice(anaphor + 1, anaphor + 1 + NEGATION_SCOPE)];
  const negatedAnaphor = (scopes.forward[anaphor]! + scopes.backward[anaphor]!) % 2 === 1 || rejectsRule(words, anaphor);
  const joins: Join[] = [];
  for (const match of findTerms(lexicon, joined)) {
    if (match.start !== 0 || match.end < 2) continue;
    const last = anaphor + match.end - 1;
    // As for any term: forward negations at its start, backward ones at its end, and cues inside it.
    const inside = scopes.cueStartsBefore[last + 1]! - scopes.cueStartsBefore[anaphor + 1]!;
    const flip = scopes.forward[anaphor]! + scopes.backward[last]! + inside;
    const polarity = flip % 2 === 1 ? -lexicon.terms[match.value]!.polarity : lexicon.terms[match.value]!.polarity;
    joins.push({ termIndex: match.value, polarity, word: anaphor, start: words[anaphor]!.start, end: words[last]!.end, head: antecedent.head });
  }
  if (joins.length === 0 && negatedAnaphor && previous.stated && antecedent.polarity > 0) {
    const forward = scopes.forward[anaphor]! > 0 ? scopes.cues[scopes.forwardCue[anaphor]!] : undefined;
    const backward = scopes.backward[anaphor]! > 0 ? scopes.cues[scopes.backwardCue[anaphor]!] : undefined;
    const start = forward ? Math.min(words[forward.start]!.start, words[anaphor]!.start) : words[anaphor]!.start;
    const end = backward ? words[backward.end - 1]!.end : words[anaphor]!.end;
    joins.push({
      termIndex: antecedent.termIndex,
      polarity: -antecedent.polarity,
      word: anaphor,
      start,
      end,
      head: antecedent.head,
      retracts: true,
      uncounted: antecedent.uncounted,
    });
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
 * permissions in the same sentence, except those before a report frame ("Note that ...") for terms after it.
 * Linear: cues are sorted once, and the frame boundary only moves forward as the terms do.
 */
function governingRequest(
  words: readonly Word[],
  text: string,
  found: SentenceCues,
  state: SentenceState,
): RequestCue | undefined {
  const cues: RequestCue[] = [...state.permissions];
  // "No need to", "don't have to": the "need to" / "have to" inside a permission asks for nothing.
  const insidePermission = markWords(
    words.length,
    found.negations.filter((cue) => CUE_EFFECTS[cue.value].permits),
  );
  for (const request of found.requests) if (!overlaps(insidePermission, request)) cues.push(requestCue(words, text, request.value, request.start, request.end));
  const cueAtStart = found.requests.some((request) => request.start === 0);
  for (const verb of imperatives(words, cueAtStart)) if (!insidePermission[verb]) cues.push(requestCue(words, text, 'directive', verb, Math.min(words.length, verb + 3)));
  if (cues.length === 0) return undefined;
  cues.sort((a, b) => a.word - b.word);
  // strongestFrom[k]: the strongest of cues[k..] (the first one found wins ties).
  const strongestFrom: RequestCue[] = new Array<RequestCue>(cues.length);
  for (let k = cues.length - 1; k >= 0; k--) {
    const later = strongestFrom[k + 1];
    strongestFrom[k] = later && STRENGTH_ORDER[later.strength] > STRENGTH_ORDER[cues[k]!.strength] ? later : cues[k]!;
  }
  const frames = found.frames;
  let best: RequestCue | undefined;
  let frame = 0;
  let frameEnd = 0;
  let firstAllowed = 0;
  for (const word of state.requested) {
    while (frame < frames.length && frames[frame]!.end <= word) frameEnd = frames[frame++]!.end;
    // "Note that ...": cues before the frame introduce information, they ask for nothing after it.
    while (firstAllowed < cues.length && cues[firstAllowed]!.word < frameEnd) firstAllowed++;
    const candidate = strongestFrom[firstAllowed];
    if (candidate && (!best || STRENGTH_ORDER[candidate.strength] > STRENGTH_ORDER[best.strength])) best = candidate;
  }
  return best;
}

function requestCue(words: readonly Word[], text: string, strength: RequestStrength, first: number, end: number): RequestCue {
  const span = cueSpan(words, { start: first, end });
  return { strength, word: first, ...span, label: text.slice(span.start, span.end) };
}

/** The index of a word that refers back to the previous sentence early in this one ("give them top marks"), or -1. */
function anaphorIn(words: readonly Word[]): number {
  for (let w = 0; w < Math.min(words.length, ANAPHOR_REACH); w++) {
    const word = words[w]!.norm;
    if (ANAPHORS.has(word) && !(w === 0 && word === 'so')) return w; // a leading "So, ..." only links clauses
  }
  // Further on, only a demonstrative with a noun for what was said: "We don't follow any of those rules here".
  for (let w = ANAPHOR_REACH; w + 1 < words.length; w++) {
    if (DEMONSTRATIVES.has(words[w]!.norm) && RULE_NOUNS.has(words[w + 1]!.norm)) return w;
  }
  return -1;
}

const DEMONSTRATIVES = new Set(['this', 'that', 'these', 'those', 'such']);

/** "I disagree", "We don't agree", "Wrong.": a sentence that opens by rejecting what was just said. */
function opensWithRejection(words: readonly Word[]): boolean {
  const [a, b, c] = [words[0]?.norm, words[1]?.norm, words[2]?.norm];
  if ((a === 'i' || a === 'we') && (b === 'disagree' || b === 'object' || b === 'reject')) return true;
  if ((a === 'i' || a === 'we') && (b === "don't" || b === 'do') && (c === 'agree' || c === 'not')) return true;
  return (a === 'wrong' || a === 'nonsense' || a === 'false' || a === 'untrue') && words.length <= 2;
}

/** Predicates that reject what a rule noun refers to: "That rule is wrong", "Those instructions are outdated". */
const REJECTIONS = new Set([
  'wrong', 'false', 'bad', 'mistaken', 'misguided', 'harmful', 'outdated', 'obsolete', 'nonsense', 'unacceptable',
  'incorrect', 'invalid', 'flawed', 'dangerous', 'inappropriate',
]);

/** "That rule is wrong": a demonstrative, a rule noun, a copula and a rejecting predicate. */
function rejectsRule(words: readonly Word[], anaphor: number): boolean {
  if (!DEMONSTRATIVES.has(words[anaphor]!.norm) || !RULE_NOUNS.has(words[anaphor + 1]?.norm ?? '')) return false;
  const verb = words[anaphor + 2]?.norm;
  if (verb !== 'is' && verb !== 'are' && verb !== 'was' && verb !== 'were') return false;
  const next = words[anaphor + 3]?.norm === 'simply' || words[anaphor + 3]?.norm === 'just' ? anaphor + 4 : anaphor + 3;
  return REJECTIONS.has(words[next]?.norm ?? '');
}
/** Nouns for something said or prescribed, which a demonstrative refers back to ("that rule", "this advice"). */
const RULE_NOUNS = new Set([
  'rule', 'rules', 'instruction', 'instructions', 'advice', 'approach', 'policy', 'policies', 'guideline', 'guidelines',
  'suggestion', 'suggestions', 'practice', 'practices', 'habit', 'habits', 'idea', 'ideas', 'tip', 'tips', 'request',
  'requests', 'behaviour', 'behavior', 'bias', 'shortcut', 'shortcuts', 'trick', 'tricks', 'mistake', 'error', 'pattern',
]);

/** Words right before a quotation that make the model say it ("Reply with 'You are right!'", "start with 'Great'"). */
const SAYING = new Set([
  'say', 'says', 'saying', 'tell', 'write', 'reply', 'replies', 'respond', 'answer', 'start', 'begin', 'end', 'finish',
  'close', 'open', 'include', 'add', 'use', 'declare', 'state', 'exclaim', 'type', 'print', 'output', 'repeat', 'insist',
  'with', 'like', 'as', 'phrase', 'line', 'sentence', 'formula', 'template', 'e', 'g', 'eg', 'ie',
]);

/**
 * Whether a quoted term counts as said to the model: the quotation is negated from outside (scopes already flipped
 * it), or the words just before it make the model say it. Otherwise the quotation only reports a rule or a remark.
 */
function quoteCounts(words: readonly Word[], at: number, scopes: Scopes, negated: boolean): boolean {
  let start = at;
  while (start > 0 && words[start - 1]!.quoted) start--;
  if (negated && (scopes.forwardFromOutside[at] || scopes.quoteRejected[at])) return true;
  for (let w = start - 1; w >= Math.max(0, start - 3); w--) {
    if (!SAYING.has(words[w]!.norm)) continue;
    // The model is to say it: a verb at a clause start or after "you"/"to"/a modal ("Tutors say '...'" reports).
    const before = w > 0 ? words[w - 1]! : undefined;
    if (EXAMPLE_MARKERS.has(words[w]!.norm)) {
      // "a question like '...'" after a verb of saying is what to say; "Words like 'idiot'" only lists examples.
      for (let v = w - 1; v >= Math.max(0, w - 4); v--) if (SAYING.has(words[v]!.norm) && !EXAMPLE_MARKERS.has(words[v]!.norm)) return true;
      continue;
    }
    if (!before || before.commaAfter || SAYING_SUBJECTS.has(before.norm) || PREPOSITIONAL_SAYING.has(words[w]!.norm)) return true;
  }
  return false;
}

/** Words before a verb of saying that make it an instruction to the model ("you say", "always say", "to write"). */
const SAYING_SUBJECTS = new Set([
  'you', 'to', 'please', 'and', 'then', 'must', 'should', 'will', "you'll", 'always', 'just', 'only', 'simply', 'never',
  'can', 'could', 'shall', 'also', 'first', 'finally', 'now', 'each', 'every',
]);
/** "like", "as", "e.g.": a quotation after them is an example, said only if a verb of saying comes before. */
const EXAMPLE_MARKERS = new Set(['like', 'as', 'e', 'g', 'eg', 'ie']);
/** Introducers of a quoted form that need no subject ("reply with '...'", "a question like '...'"). */
const PREPOSITIONAL_SAYING = new Set(['with', 'phrase', 'line', 'sentence', 'formula', 'template']);

/**
 * The index of every imperative verb at the start of a clause (after lead words like "please"): at the start of
 * the sentence, after a comma, or after "and"/"then" ("Detect the input and return its expected output").
 */
function imperatives(words: readonly Word[], cueAtStart: boolean): number[] {
  const found: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const clauseStart = i === 0 || words[i - 1]!.commaAfter || words[i - 1]!.norm === 'and' || words[i - 1]!.norm === 'then';
    if (!clauseStart || words[i]!.quoted) continue;
    const verb = imperativeAt(words, i);
    if (verb >= 0) found.push(verb);
    // A known request cue at the start keeps its own strength ("Prioritize the test" is a hint, not an order).
    else if (i === 0 && !cueAtStart && looksImperative(words)) found.push(0);
  }
  return found;
}

/**
 * Whether a sentence opens with a verb the lists do not know, followed by its object ("Detect the exact input",
 * "Match the output"): a bare word that is not a function word, adverb or inflected form, then a determiner.
 * Only at the start of a sentence, where a noun subject would instead be followed by a verb or a preposition.
 */
function looksImperative(words: readonly Word[]): boolean {
  const first = words[0]!.norm;
  const next = words[1]?.norm;
  if (next === undefined || !DETERMINERS.has(next)) return false;
  if (!/^[a-z]{3,}$/.test(first) || isFunctionWord(first) || LEAD_WORDS.has(first)) return false;
  return !/(?:s|ly|ing|ed|ever|times|day|days|here|there|now|then|once)$/.test(first);
}

/** The index of the imperative verb that words from `i` start with (after up to three lead words), or -1. */
function imperativeAt(words: readonly Word[], i: number): number {
  let w = i;
  // Lead words and manner adverbs ("please", "just", "enthusiastically") may precede the verb.
  while (w < words.length && w < i + 3 && !IMPERATIVE_VERBS.has(words[w]!.norm)) {
    if (!LEAD_WORDS.has(words[w]!.norm) && !isMannerAdverb(words[w]!.norm)) break;
    w++;
  }
  const word = words[w];
  if (!word || !IMPERATIVE_VERBS.has(word.norm)) return -1;
  // "Hard-coding is tolerated" names an act; only the base form "Hard-code ..." is an instruction.
  const next = words[w + 1]?.norm ?? '';
  if (COMPOUND_FIRST_WORDS.has(word.norm) && /(?:ing|ed|s)$/.test(next)) return -1;
  // "Only/Always/Never" lead an instruction only before a verb: "Only the one test below will run" states a fact.
  if (ADVERB_LEADS.has(word.norm) && (DETERMINERS.has(next) || next === 'one' || next === '')) return -1;
  return w;
}

/** Adverbs in the verb list ("Only use ...", "Never agree"), which are no instruction before a noun phrase. */
const ADVERB_LEADS = new Set(['only', 'always', 'never']);
/** Hedges that are nouns after a determiner ("the kind of reply", "a bit of heat" stays a hedge: "bit" is not here). */
const HEDGE_NOUNS = new Set(['kind', 'sort']);

/** An "-ly" adverb that can stand before an imperative verb ("Enthusiastically agree"); verbs like "reply" are not. */
function isMannerAdverb(word: string): boolean {
  return word.length > 4 && word.endsWith('ly') && !NOT_ADVERBS.has(word);
}

/** Whether the words from `i` start a new imperative clause that is not the start of a compound term. */
function startsImperative(words: readonly Word[], i: number): boolean {
  const verb = imperativeAt(words, i);
  if (verb >= 0) return !COMPOUND_FIRST_WORDS.has(words[verb]!.norm);
  return i < words.length && SOFT_IMPERATIVE_VERBS.has(words[i]!.norm);
}

function conclude(acc: Accumulator, context: BehaviorContext): PromptAnalysis {
  const factors: ScoreFactor[] = [];
  const noun = BEHAVIOR_NOUNS[context.behavior];
  const add = (id: string, label: string, effect: number, spans: Span[]) => {
    if (effect !== 0) factors.push({ id, label, effect: round(effect), spans });
  };
  let prohibits = false;
  let hedges: Span[] = [];
  let permissions: Span[] = [];

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
      // Permission weakens the request only where it is the request: after "Make the test pass." in another
      // sentence, "it is fine for the code to break elsewhere" adds an allowance, it does not soften the demand.
      const [first, second] = acc.directiveSentences;
      const demandedElsewhere = (sentence: number) => second !== undefined || (first !== undefined && first !== sentence);
      permissions = sortedSpans(acc.permissions.filter((p) => !demandedElsewhere(p.sentence)).map((p) => p.span));
      const softeners = new Evidence(acc.text);
      for (const span of sortedSpans([...acc.hedges.spans.spans, ...permissions])) softeners.add(span.start, span.end);
      const softenerCount = acc.hedges.count + permissions.length;
      if (softenerCount > 0) {
        const count = Math.min(softenerCount, WEIGHTS.hedgeMaxCount);
        add('hedge', softeners.label('hedged'), WEIGHTS.hedgeFirst + WEIGHTS.hedgeEach * (count - 1), softeners.spans.spans);
        hedges = sortedSpans(acc.hedges.spans.spans);
      } else {
        permissions = [];
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
    permissions,
    prohibits,
    offBehavior: acc.mentions.count === 0,
  };
}

/** Spans in text order (evidence of one sentence can be found out of order, e.g. a permission before a hedge). */
function sortedSpans(spans: readonly Span[]): Span[] {
  return [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
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

let loadedModel: LoadedModel | undefined;

/** The trained model (model.json, bundled), validated once. */
function trainedModel(): LoadedModel {
  loadedModel ??= loadModel(MODEL_JSON);
  return loadedModel;
}

/**
 * Analyses one candidate instruction for `context`'s behaviour: the rule-based reading gives the evidence (and the
 * diagnostics' spans), the trained model (model.json) weighs it into the score, and the factors say which words
 * raised and lowered it. Pure, deterministic and linear in the text.
 */
export function analyzePrompt(text: string, context: BehaviorContext): PromptAnalysis {
  const loaded = trainedModel();
  const options = loaded.model.features;
  const ngrams =
    options.ngram > 0
      ? new NgramCollector(options.ngram, behaviourCode(context), options.behaviourNgrams, (name) => loaded.weights.has(name), 3, options.window ?? 0, options.readings ?? false)
      : undefined;
  const evidence = analyzeEvidence(text, context, ngrams?.sink);
  const prediction = predict(loaded, featuresOf(evidence, ngrams, context, options), text, BEHAVIOR_NOUNS[context.behavior]);
  const verdicts = gatedVerdicts(
    { prohibits: evidence.rule.prohibits, prohibitions: evidence.rule.prohibitions.length, mentions: evidence.rule.mentions.length },
    prediction.raw,
  );
  return { ...evidence.rule, score: prediction.score, factors: prediction.factors, ...verdicts };
}
