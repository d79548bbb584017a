/**
 * The learned combination of the scorer's features (features.ts): a linear model trained offline by
 * bench/scoring/train.ts on the labelled development sets of many writers and stored in model.json. Inference is a
 * dot product; every weighted feature keeps the words that triggered it, so the score is explained by the factors
 * that raised and lowered it, with quotes.
 */
import type { FeatureOptions, FeatureValue } from './features';
import type { ScoreFactor, Span } from './types';

/** A trained linear model: the raw prediction is in label units (0-4), intercept plus weighted features. */
export interface LinearModel {
  version: 1;
  features: FeatureOptions;
  intercept: number;
  weights: Record<string, number>;
}

/** A model ready for inference: its weights in a map (no prototype lookups, whatever a feature is called). */
export interface LoadedModel {
  model: LinearModel;
  weights: ReadonlyMap<string, number>;
}

/** Validates and indexes a model read from JSON; throws with what is wrong. */
export function loadModel(value: unknown): LoadedModel {
  const model = value as LinearModel;
  if (typeof model !== 'object' || model === null || model.version !== 1) throw new Error('scoring model: unknown version');
  if (typeof model.intercept !== 'number' || !Number.isFinite(model.intercept)) throw new Error('scoring model: bad intercept');
  const weights = new Map<string, number>();
  for (const [name, weight] of Object.entries(model.weights ?? {})) {
    if (typeof weight !== 'number' || !Number.isFinite(weight)) throw new Error(`scoring model: bad weight for ${name}`);
    weights.set(name, weight);
  }
  const f = model.features;
  if (
    typeof f?.ngram !== 'number' ||
    typeof f.behaviourNgrams !== 'boolean' ||
    typeof f.behaviourDense !== 'boolean' ||
    (f.window !== undefined && typeof f.window !== 'number') ||
    (f.readings !== undefined && typeof f.readings !== 'boolean') ||
    (f.offNgrams !== undefined && !['keep', 'drop', 'split'].includes(f.offNgrams))
  ) {
    throw new Error('scoring model: bad feature options');
  }
  return { model, weights };
}

/**
 * Where the model's raw score (label / 4) overrides the rule reading's verdicts that the diagnostics show, chosen
 * on held-out predictions (leave-one-writer-out): a prohibition the model scores as a request (label ≥ 2) is not
 * reported as one, a partial prohibition it scores near 0 (label < 0.8) is; an unmentioned behaviour is reported
 * `off-behavior` only if the model does not predict a request either. Over 12 writers (held-out predictions, final
 * features) this lowered the false `prohibits-behavior` warnings from 67 to 56 of 1,297 and raised the prohibitions
 * caught from 330 to 334 of 447, and lowered false `off-behavior` warnings from 74 to 64 with the same 319 of 415
 * unrelated prompts flagged.
 */
export const GATES = { prohibitsBelow: 0.5, partialProhibitsBelow: 0.2, offBehaviorBelow: 0.5 } as const;

/** The verdicts the diagnostics show, from the rule reading's and the model's raw score. */
export function gatedVerdicts(
  rule: { prohibits: boolean; prohibitions: number; mentions: number },
  raw: number,
): { prohibits: boolean; offBehavior: boolean } {
  const prohibits = rule.prohibitions > 0 && ((rule.prohibits && raw < GATES.prohibitsBelow) || raw < GATES.partialProhibitsBelow);
  return { prohibits, offBehavior: !prohibits && rule.mentions === 0 && raw < GATES.offBehaviorBelow };
}

/** Label units per score point: the labels run 0-4, the score 0-1. */
const LABEL_RANGE = 4;
/** Below and above these, the raw score is squashed smoothly towards 0 and 1 (strictly monotone: ranks are kept). */
const EDGE = 0.05;

/** Maps a raw score (label / 4) into (0, 1): the identity in [EDGE, 1 - EDGE], exponential tails outside. */
export function squash(raw: number): number {
  if (raw < EDGE) return EDGE * Math.exp((raw - EDGE) / EDGE);
  if (raw > 1 - EDGE) return 1 - EDGE * Math.exp(-(raw - (1 - EDGE)) / EDGE);
  return raw;
}

/** The raw score of a model with no feature at all: where the factors' effects start from. */
export function priorOf(loaded: LoadedModel): number {
  return loaded.model.intercept / LABEL_RANGE;
}

/** How a feature is shown: the factor it belongs to and the sentence that says what it found. */
interface FactorTemplate {
  id: string;
  /** `{noun}` is the behaviour's noun; the quotes of the evidence are appended. */
  text: string;
  /** Quote the feature's spans. */
  quote: boolean;
}

const DENSE_FACTORS: Record<string, FactorTemplate> = {
  off: { id: 'off-behavior', text: 'never refers to {noun}', quote: false },
  mentions: { id: 'relevance', text: 'refers to {noun}', quote: true },
  positive: { id: 'requested', text: 'asks for {noun}', quote: true },
  balance: { id: 'requested', text: 'asks for {noun}', quote: false },
  general: { id: 'requested', text: 'asks for {noun}', quote: true },
  concrete: { id: 'concrete-form', text: 'names the concrete form', quote: true },
  'request:strong': { id: 'explicit-request', text: 'asks for it with strong framing', quote: true },
  'request:directive': { id: 'explicit-request', text: 'asks for it explicitly', quote: true },
  'request:weak': { id: 'explicit-request', text: 'only permits or hints at it', quote: true },
  'request:rule': { id: 'explicit-request', text: 'states it as a rule rather than asking for it', quote: true },
  'request:none': { id: 'not-requested', text: 'mentions it without asking for it', quote: false },
  intensity: { id: 'intensity', text: 'strong wording', quote: true },
  hedges: { id: 'hedge', text: 'hedged', quote: true },
  permissions: { id: 'hedge', text: 'hedged', quote: true },
  permitted: { id: 'permission', text: 'only permits it', quote: true },
  prohibits: { id: 'prohibition', text: 'forbids or discourages it', quote: true },
  negative: { id: 'prohibition', text: 'forbids or discourages it', quote: true },
  prohibitions: { id: 'prohibition', text: 'forbids or discourages it', quote: true },
  'negated-request': { id: 'prohibition', text: 'forbids or discourages it', quote: true },
  partial: { id: 'partial-prohibition', text: 'also forbids part of it', quote: true },
  opposite: { id: 'opposite', text: 'asks for the opposite', quote: true },
  'by-negation': { id: 'double-negative', text: 'asks for it through a negation', quote: true },
  premise: { id: 'condition', text: 'names it only in a condition', quote: true },
  reported: { id: 'quotation', text: 'only quotes it', quote: true },
  conceded: { id: 'concession', text: 'accepts it in a concession', quote: true },
};

/** Effects smaller than this (in score points) are pooled into one "other" factor. */
const MIN_SHOWN = 0.01;
const MAX_QUOTES = 3;
const MAX_QUOTE_LENGTH = 40;

/** The model's verdict on one prompt: its score and the factors behind it. */
export interface Prediction {
  score: number;
  /** Raw score before squashing (label / 4); the factors' effects add up to it minus the prior. */
  raw: number;
  factors: ScoreFactor[];
}

/** Scores a prompt's features and explains the score. `noun` names the behaviour in labels ("toxicity"). */
export function predict(loaded: LoadedModel, features: ReadonlyMap<string, FeatureValue>, text: string, noun: string): Prediction {
  let raw = priorOf(loaded);
  const groups = new Map<string, { template: FactorTemplate; effect: number; spans: Span[] }>();
  // An n-gram's effect is shared among its words; each word's net effect is what the wording factors show.
  const byWord = new Map<number, { span: Span; effect: number }>();
  for (const [name, feature] of features) {
    const weight = loaded.weights.get(name);
    if (weight === undefined) continue;
    const effect = (weight * feature.value) / LABEL_RANGE;
    if (effect === 0) continue;
    raw += effect;
    // A balance below zero is the prohibitions outweighing the requests.
    const dense = denseName(name);
    const template = dense === 'balance' && feature.value < 0 ? DENSE_FACTORS.prohibits : DENSE_FACTORS[dense];
    if (!template) {
      const occurrences = (feature.tokens ?? []).filter((t) => t.length > 0);
      const share = occurrences.reduce((n, t) => n + t.length, 0);
      for (const tokens of occurrences) {
        for (const span of tokens) {
          const word = byWord.get(span.start) ?? { span, effect: 0 };
          word.effect += effect / share;
          byWord.set(span.start, word);
        }
      }
      continue;
    }
    const group = groups.get(template.id) ?? { template, effect: 0, spans: [] };
    group.effect += effect;
    if (template.quote) group.spans.push(...feature.spans);
    groups.set(template.id, group);
  }
  const factors: ScoreFactor[] = [];
  let other = 0;
  const push = (id: string, label: string, effect: number, spans: Span[]) => {
    if (Math.abs(effect) < MIN_SHOWN) {
      other += effect;
      return;
    }
    factors.push({ id, label, effect: round(effect), spans: sortedUnique(spans) });
  };
  for (const { template, effect, spans } of groups.values()) {
    const label = template.text.replace('{noun}', noun);
    push(template.id, template.quote && spans.length ? withQuotes(label, text, spans) : label, effect, spans);
  }
  const phrases = wordingPhrases([...byWord.values()].sort((a, b) => a.span.start - b.span.start), text);
  for (const [sign, id, label] of [
    [1, 'wording-up', 'wording that goes with requests'],
    [-1, 'wording-down', 'wording that goes with prohibitions or unrelated text'],
  ] as const) {
    const list = phrases.filter((p) => Math.sign(p.effect) === sign).sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
    const effect = list.reduce((s, p) => s + p.effect, 0);
    const shown = list.slice(0, MAX_QUOTES).map((p) => p.span);
    push(id, shown.length ? withQuotes(label, text, shown, false) : label, effect, shown);
  }
  if (Math.abs(other) >= 0.00005) factors.push({ id: 'other', label: 'other small effects', effect: round(other), spans: [] });
  factors.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  return { score: round(squash(raw)), raw, factors };
}

/**
 * Runs of adjacent words (no other word between, same sentence) whose net effects have the same sign, joined into
 * phrases: "very mean" rather than "very" and "mean".
 */
function wordingPhrases(words: ReadonlyArray<{ span: Span; effect: number }>, text: string): Array<{ span: Span; effect: number }> {
  const phrases: Array<{ span: Span; effect: number }> = [];
  for (const word of words) {
    const last = phrases[phrases.length - 1];
    const gap = last ? text.slice(last.span.end, word.span.start) : '';
    if (last && Math.sign(last.effect) === Math.sign(word.effect) && /^[\s'"\u2019-]*$/.test(gap)) {
      last.span = { start: last.span.start, end: word.span.end };
      last.effect += word.effect;
    } else {
      phrases.push({ span: { ...word.span }, effect: word.effect });
    }
  }
  return phrases;
}

/** The dense feature a (possibly behaviour-conditioned: `rh|concrete`) feature name refers to. */
function denseName(name: string): string {
  const bar = name.indexOf('|');
  return bar >= 0 ? name.slice(bar + 1) : name;
}

/** `label ("quote", "quote", ...)` with up to {@link MAX_QUOTES} distinct quotes, in text order unless told. */
function withQuotes(label: string, text: string, spans: readonly Span[], inTextOrder = true): string {
  const quotes: string[] = [];
  for (const span of inTextOrder ? sortedUnique(spans) : spans) {
    const quote = quoteOf(text, span.start, span.end);
    if (quote && !quotes.includes(quote)) quotes.push(quote);
    if (quotes.length > MAX_QUOTES) break;
  }
  if (quotes.length === 0) return label;
  const shown = quotes.slice(0, MAX_QUOTES).map((q) => `"${q}"`);
  if (quotes.length > MAX_QUOTES) shown.push('...');
  return `${label} (${shown.join(', ')})`;
}

function quoteOf(text: string, start: number, end: number): string {
  const raw = text.slice(start, Math.min(end, start + MAX_QUOTE_LENGTH * 2)).replace(/\s+/g, ' ').trim();
  if (raw.length <= MAX_QUOTE_LENGTH) return raw;
  const cut = raw.slice(0, MAX_QUOTE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_QUOTE_LENGTH / 2 ? cut.slice(0, space) : cut}…`;
}

function sortedUnique(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  return sorted.filter((s, i) => i === 0 || s.start !== sorted[i - 1]!.start || s.end !== sorted[i - 1]!.end);
}

/** Scores and effects are kept to 4 decimals: enough to rank, stable to print. */
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
