/**
 * The features the learned combination weighs (model.ts): numbers from the rule-based reading (score.ts: request
 * form, concreteness, negation, bounds, concessions, quotations, hedges, intensity, ...) and n-grams of the
 * *delexicalised* sentence, where the behaviour's own vocabulary (built-in lexicon, or a custom behaviour's
 * description and keywords) is replaced by placeholders, so that "never fail to [B]" means the same for every
 * behaviour, and for a custom behaviour never seen in training. Each feature keeps the spans that triggered it, so
 * a contribution can be explained with the words behind it.
 */
import type { Word } from './phrases';
import type { Evidence, PromptEvidence, TokenSink } from './score';
import type { BehaviorContext, Span } from './types';

/** How features are built; stored with the trained weights so training and inference build the same ones. */
export interface FeatureOptions {
  /** Longest n-gram of delexicalised tokens (0: none). */
  ngram: number;
  /** Also n-grams conditioned on the built-in behaviour ("rh|only the [R]"); custom behaviours get none. */
  behaviourNgrams: boolean;
  /** Interactions of the dense features with the built-in behaviour. */
  behaviourDense: boolean;
  /**
   * What n-grams do when the prompt never refers to the behaviour: `keep` them, `drop` them (the wording of an
   * unrelated instruction says nothing about the behaviour), or `split` them into their own features (`o:...`).
   */
  offNgrams?: 'keep' | 'drop' | 'split';
  /**
   * Window (in tokens) of word-placeholder pairs: `w:never>[B]` for "never" up to this many tokens before a
   * behaviour term, `w:[B]<forbidden` after it. Reaches past the words between, where n-grams cannot (0: none).
   */
  window?: number;
  /** Placeholders also carry how the rule reading read the term: `[B:r]` requested, `[B:p]` prohibited, ... */
  readings?: boolean;
}

/** One feature's value and, for explanations, where its evidence is. */
export interface FeatureValue {
  value: number;
  spans: Span[];
  /** For an n-gram: the spans of its tokens, per occurrence kept (to share its effect among the words). */
  tokens?: Span[][];
}

/** Short codes of the built-in behaviours, for feature names. */
const BEHAVIOUR_CODES: Record<string, string> = {
  'reward-hacking': 'rh',
  sycophancy: 'sy',
  'spurious-correlation': 'sc',
  toxicity: 'tx',
};

/** A behaviour's code for conditioned features, or undefined for a custom behaviour (nothing to condition on). */
export function behaviourCode(context: BehaviorContext): string | undefined {
  return BEHAVIOUR_CODES[context.behavior];
}

/** The placeholders' first two characters ("[B" of "[B]" and "[B:r]"). */
const PLACEHOLDERS = new Set(['[B', '[b', '[O', '[o', '[R', '[N', '[Q']);
const SENTENCE_START = '^';
const SENTENCE_END = '$';

/**
 * Collects the n-grams of delexicalised tokens, sentence by sentence. `keep` filters the names (at inference, the
 * model's vocabulary), so memory stays bounded by the vocabulary whatever the text; `maxSpans` spans are kept per
 * n-gram.
 */
export class NgramCollector {
  readonly found = new Map<string, FeatureValue>();
  constructor(
    private readonly n: number,
    private readonly code: string | undefined,
    private readonly behaviourNgrams: boolean,
    private readonly keep?: (name: string) => boolean,
    private readonly maxSpans = 3,
    private readonly window = 0,
    private readonly readings = false,
  ) {}

  readonly sink: TokenSink = (words: readonly Word[], tokens: readonly string[], readAs?: readonly string[]) => {
    const seq: string[] = [SENTENCE_START];
    const starts: number[] = [words.length ? words[0]!.start : 0];
    const ends: number[] = [words.length ? words[0]!.start : 0];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] === '') {
        ends[ends.length - 1] = words[i]!.end;
        continue;
      }
      seq.push(this.readings && readAs?.[i] ? `${tokens[i]!.slice(0, -1)}:${readAs[i]}]` : tokens[i]!);
      starts.push(words[i]!.start);
      ends.push(words[i]!.end);
    }
    const last = words.length ? words[words.length - 1]!.end : 0;
    seq.push(SENTENCE_END);
    starts.push(last);
    ends.push(last);
    if (this.window > 0) {
      for (let i = 0; i < seq.length; i++) {
        if (!PLACEHOLDERS.has(seq[i]!.slice(0, 2))) continue;
        const here = { start: starts[i]!, end: ends[i]! };
        // Pairs with the words around a behaviour term, skipping the adjacent ones (those are bigrams already).
        for (let j = Math.max(1, i - this.window); j < Math.min(seq.length - 1, i + this.window + 1); j++) {
          if (Math.abs(j - i) < 2) continue;
          const other = { start: starts[j]!, end: ends[j]! };
          const name = j < i ? `w:${seq[j]}>${seq[i]}` : `w:${seq[i]}<${seq[j]}`;
          const span = j < i ? { start: other.start, end: here.end } : { start: here.start, end: other.end };
          this.addPair(name, span, j < i ? [other, here] : [here, other]);
        }
      }
    }
    for (let i = 0; i < seq.length; i++) {
      let name = '';
      for (let k = 1; k <= this.n && i + k <= seq.length; k++) {
        name = k === 1 ? seq[i]! : `${name} ${seq[i + k - 1]}`;
        if (k === 1 && (seq[i] === SENTENCE_START || seq[i] === SENTENCE_END)) continue;
        const span = { start: starts[i]!, end: ends[i + k - 1]! };
        this.add(`g:${name}`, span, i, k, starts, ends, seq);
        if (this.behaviourNgrams && this.code) this.add(`g${this.code}:${name}`, span, i, k, starts, ends, seq);
      }
    }
  };

  private addPair(name: string, span: Span, tokens: Span[]): void {
    if (this.keep && !this.keep(name)) return;
    const entry = this.found.get(name);
    if (!entry) this.found.set(name, { value: 1, spans: [span], tokens: [tokens] });
    else if (entry.spans.length < this.maxSpans) {
      entry.spans.push(span);
      entry.tokens!.push(tokens);
    }
  }

  private add(name: string, span: Span, first: number, length: number, starts: number[], ends: number[], seq: string[]): void {
    if (this.keep && !this.keep(name)) return;
    const entry = this.found.get(name);
    if (entry && entry.spans.length >= this.maxSpans) return;
    // The words of the n-gram (the sentence's start and end marks have none).
    const tokens: Span[] = [];
    for (let t = first; t < first + length; t++) {
      if (seq[t] !== SENTENCE_START && seq[t] !== SENTENCE_END) tokens.push({ start: starts[t]!, end: ends[t]! });
    }
    if (!entry) this.found.set(name, { value: 1, spans: [span], tokens: [tokens] });
    else {
      entry.spans.push(span);
      entry.tokens!.push(tokens);
    }
  }
}

const cap = (value: number, max: number) => Math.min(value, max) / max;
const spansOf = (evidence: Evidence) => evidence.spans.spans;

/**
 * The dense features of a prompt from its rule-based reading, each scaled to about [0, 1], with the spans that
 * show it. Names are stable: the trained weights refer to them.
 */
export function denseFeatures(evidence: PromptEvidence, context: BehaviorContext, options: FeatureOptions): Map<string, FeatureValue> {
  const { rule, counts, readings, spans } = evidence;
  const out = new Map<string, FeatureValue>();
  const set = (name: string, value: number, where: Span[] = []) => {
    if (value !== 0) out.set(name, { value, spans: where });
  };
  const factorSpans = (id: string) => rule.factors.find((f) => f.id === id)?.spans ?? [];
  set('off', counts.mentions === 0 ? 1 : 0);
  set('mentions', cap(counts.mentions, 4), spans.mentions);
  set('prohibits', rule.prohibits ? 1 : 0, rule.prohibitions);
  set('positive', cap(counts.positiveWeight, 4), [...spansOf(spans.concrete), ...spansOf(spans.general)]);
  set('negative', cap(counts.negativeWeight, 4), rule.prohibitions);
  set('balance', Math.max(-1, Math.min(1, (counts.positiveWeight - counts.negativeWeight) / 2)), []);
  set('concrete', cap(counts.concreteTerms, 4), spansOf(spans.concrete));
  set('general', cap(counts.general, 4), spansOf(spans.general));
  const request = factorSpans('explicit-request');
  if (counts.request) set(`request:${counts.request}`, 1, request);
  if (!counts.request && counts.positiveWeight > 0) set('request:none', 1);
  set('intensity', cap(counts.intensifiers, 4), spansOf(spans.intensifiers));
  set('hedges', cap(counts.hedges, 3), spansOf(spans.hedges));
  set('permissions', cap(counts.permissions, 3), rule.permissions ?? []);
  set('prohibitions', cap(counts.prohibitions, 4), spansOf(spans.prohibitions));
  set('partial', counts.prohibitions > 0 && !rule.prohibits ? 1 : 0, spansOf(spans.prohibitions));
  set('by-negation', cap(readings.requestedByNegation.count, 3), spansOf(readings.requestedByNegation));
  set('negated-request', cap(readings.negatedRequests.count, 3), spansOf(readings.negatedRequests));
  set('opposite', cap(readings.opposites.count, 3), spansOf(readings.opposites));
  set('premise', cap(readings.premises.count, 3), spansOf(readings.premises));
  set('reported', cap(readings.reported.count, 3), spansOf(readings.reported));
  set('conceded', cap(readings.conceded.count, 3), spansOf(readings.conceded));
  set('permitted', cap(readings.permitted.count, 3), spansOf(readings.permitted));
  const code = behaviourCode(context);
  if (options.behaviourDense && code) {
    for (const [name, feature] of [...out]) out.set(`${code}|${name}`, feature);
  }
  return out;
}

/** Every feature of a prompt: dense ones and the collected n-grams. */
export function featuresOf(
  evidence: PromptEvidence,
  ngrams: NgramCollector | undefined,
  context: BehaviorContext,
  options: FeatureOptions,
): Map<string, FeatureValue> {
  const out = denseFeatures(evidence, context, options);
  const off = evidence.counts.mentions === 0;
  const mode = options.offNgrams ?? 'keep';
  if (ngrams && !(off && mode === 'drop')) {
    for (const [name, value] of ngrams.found) out.set(off && mode === 'split' ? `o${name}` : name, value);
  }
  return out;
}
