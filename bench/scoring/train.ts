/**
 * Training of the learned combination of the predicted elicitation score (core/src/scoring/model.ts): the data
 * (every labelled development set in bench/scoring/, grouped by writer), the features (core/src/scoring/features.ts),
 * a ridge regression on the labels solved by conjugate gradients (deterministic: no random initialisation, a fixed
 * order, a fixed number of iterations), leave-one-writer-out cross-validation, and the weights file.
 *
 * Run: npx tsx bench/scoring/train.ts            writes core/src/scoring/model.json
 *      npx tsx bench/scoring/train.ts --check    retrains and compares with the committed file (exit 1 if different)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyzeEvidence } from '../../core/src/scoring/score';
import { behaviourCode, featuresOf, NgramCollector, type FeatureOptions } from '../../core/src/scoring/features';
import { gatedVerdicts, type LinearModel } from '../../core/src/scoring/model';
import { contextOf, diagnosticFlags, groupOf, parseEvalSet, spearman, type EvalItem } from '../scoringEval';

const SETS_DIR = __dirname;

/** One labelled item with the writer it comes from. */
export interface TrainingItem extends EvalItem {
  writer: string;
  file: string;
}

/**
 * The development sets and their writers, one writer per file (their `writer` fields agree) except: the first
 * scorer's engineer wrote labelled.jsonl (with the paper's prompts) and fresh.jsonl, the issue-8 engineer the probe
 * sets. Every .jsonl in dev/ is included, so sets added there are trained on.
 */
export function trainingFiles(dir = SETS_DIR): Array<{ file: string; writer: string }> {
  const fixed = [
    { file: 'labelled.jsonl', writer: 'eng-2025' },
    { file: 'fresh.jsonl', writer: 'eng-2025' },
    { file: 'blind.jsonl', writer: 'blind-2025' },
    { file: 'dev-a.jsonl', writer: 'dev-a' },
    ...['b', 'c', 'd', 'e', 'f'].map((p) => ({ file: `probe-${p}.jsonl`, writer: 'probes-issue8' })),
    ...['a', 'b', 'c'].map((p) => ({ file: `spent/r1-test-${p}.jsonl`, writer: `r1-test-${p}` })),
    ...['a', 'b', 'c'].map((p) => ({ file: `spent/r2-blind2-${p}.jsonl`, writer: `r2-blind2-${p}` })),
    ...['a', 'b', 'c'].map((p) => ({ file: `spent/r3-blind3-${p}.jsonl`, writer: `r3-blind3-${p}` })),
    // Rounds 4 and 5 were kept out until the next change had its own unseen test (round 6, frozen before this).
    ...['a', 'b', 'c'].map((p) => ({ file: `spent/r4-blind4-${p}.jsonl`, writer: `r4-blind4-${p}` })),
    ...['a', 'b', 'c'].map((p) => ({ file: `spent/r5-blind5-${p}.jsonl`, writer: `r5-blind5-${p}` })),
  ];
  const dev = readdirSync(join(dir, 'dev'))
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => ({ file: `dev/${name}`, writer: basename(name, '.jsonl') }));
  return [...fixed, ...dev];
}

/** Loads every training item with its writer. */
export function loadTrainingItems(dir = SETS_DIR): TrainingItem[] {
  const items: TrainingItem[] = [];
  for (const { file, writer } of trainingFiles(dir)) {
    const path = join(dir, file);
    for (const item of parseEvalSet(readFileSync(path, 'utf8'), path)) items.push({ ...item, writer, file });
  }
  return items;
}

/** An item's features: names and values (sparse). */
export interface Featurised {
  item: TrainingItem;
  features: Map<string, number>;
  /** What the rule reading says, for the diagnostics (which the model's prediction then gates: model.ts). */
  rule: { prohibits: boolean; prohibitions: number; mentions: number; hedged: boolean };
}

/** Every feature of every item (all n-grams: the vocabulary is chosen per fold). */
export function featurise(items: readonly TrainingItem[], options: FeatureOptions): Featurised[] {
  return items.map((item) => {
    const context = contextOf(item);
    const ngrams = options.ngram > 0 ? new NgramCollector(options.ngram, behaviourCode(context), options.behaviourNgrams, undefined, 3, options.window ?? 0, options.readings ?? false) : undefined;
    const evidence = analyzeEvidence(item.text, context, ngrams?.sink);
    const features = new Map<string, number>();
    for (const [name, f] of featuresOf(evidence, ngrams, context, options)) features.set(name, f.value);
    const rule = evidence.rule;
    return {
      item,
      features,
      rule: { prohibits: rule.prohibits, prohibitions: rule.prohibitions.length, mentions: rule.mentions.length, hedged: diagnosticFlags(rule).hedged },
    };
  });
}

/** Training settings: feature options, the vocabulary rule and the penalties. */
export interface TrainConfig {
  features: FeatureOptions;
  /** An n-gram enters the vocabulary if it occurs in items of at least this many writers ... */
  minWriters: number;
  /** ... and in at least this many items. */
  minItems: number;
  /** Ridge penalty on n-gram weights, and on dense-feature weights. */
  lambdaNgram: number;
  lambdaDense: number;
  iterations: number;
  /** `ridge`: squared error on the label; `pairwise`: logistic loss on pairs of one writer and behaviour. */
  objective: 'ridge' | 'pairwise';
  /** Dense features left out (by name). */
  exclude: string[];
  /** Item weights: each writer counts in proportion to (its items)^writerPower (1: every item equal; 0: every writer equal). */
  writerPower?: number;
  /** N-gram weights smaller than this (label units) are dropped after training: a smaller file, same ranking. */
  pruneBelow?: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  features: { ngram: 3, behaviourNgrams: true, behaviourDense: false, window: 6, readings: true },
  minWriters: 3,
  minItems: 4,
  lambdaNgram: 1,
  lambdaDense: 0.3,
  iterations: 400,
  objective: 'pairwise',
  exclude: [],
  pruneBelow: 0.01,
};

const isNgram = (name: string) => /^o?[gw]/.test(name);

/** The vocabulary of a training set: dense features always, n-grams by the writer and item counts. */
export function vocabulary(data: readonly Featurised[], config: TrainConfig): string[] {
  const writers = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const { item, features } of data) {
    for (const name of features.keys()) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!writers.has(name)) writers.set(name, new Set());
      writers.get(name)!.add(item.writer);
    }
  }
  return [...counts.keys()]
    .filter((name) => !config.exclude.includes(name))
    .filter((name) => !isNgram(name) || (writers.get(name)!.size >= config.minWriters && counts.get(name)! >= config.minItems))
    .sort();
}

/** Ridge regression of the labels on the features, by conjugate gradients on the normal equations. */
export function fitRidge(data: readonly Featurised[], names: readonly string[], config: TrainConfig): { intercept: number; weights: Float64Array } {
  const index = new Map(names.map((n, i) => [n, i] as const));
  const d = names.length + 1; // the last column is the intercept
  const rows = data.map(({ features }) => {
    const cols: number[] = [];
    const vals: number[] = [];
    for (const [name, value] of features) {
      const j = index.get(name);
      if (j !== undefined) {
        cols.push(j);
        vals.push(value);
      }
    }
    cols.push(d - 1);
    vals.push(1);
    return { cols, vals };
  });
  const y = data.map(({ item }) => item.label);
  const sizes = new Map<string, number>();
  for (const { item } of data) sizes.set(item.writer, (sizes.get(item.writer) ?? 0) + 1);
  const power = config.writerPower ?? 1;
  const rawWeights = data.map(({ item }) => sizes.get(item.writer)! ** (power - 1));
  const meanWeight = rawWeights.reduce((s, v) => s + v, 0) / rawWeights.length;
  const rowWeight = rawWeights.map((v) => v / meanWeight);
  const penalty = new Float64Array(d);
  names.forEach((name, j) => (penalty[j] = isNgram(name) ? config.lambdaNgram : config.lambdaDense));
  penalty[d - 1] = 1e-6;
  const apply = (v: Float64Array): Float64Array => {
    const out = new Float64Array(d);
    rows.forEach((row, i) => {
      let dot = 0;
      for (let k = 0; k < row.cols.length; k++) dot += row.vals[k]! * v[row.cols[k]!]!;
      dot *= rowWeight[i]!;
      for (let k = 0; k < row.cols.length; k++) out[row.cols[k]!]! += row.vals[k]! * dot;
    });
    for (let j = 0; j < d; j++) out[j]! += penalty[j]! * v[j]!;
    return out;
  };
  const b = new Float64Array(d);
  rows.forEach((row, i) => {
    for (let k = 0; k < row.cols.length; k++) b[row.cols[k]!]! += row.vals[k]! * y[i]! * rowWeight[i]!;
  });
  const w = new Float64Array(d);
  const r = Float64Array.from(b);
  const p = Float64Array.from(r);
  let rr = dot(r, r);
  const tolerance = 1e-12 * Math.max(1, dot(b, b));
  for (let it = 0; it < config.iterations && rr > tolerance; it++) {
    const ap = apply(p);
    const alpha = rr / dot(p, ap);
    for (let j = 0; j < d; j++) {
      w[j]! += alpha * p[j]!;
      r[j]! -= alpha * ap[j]!;
    }
    const next = dot(r, r);
    const beta = next / rr;
    rr = next;
    for (let j = 0; j < d; j++) p[j] = r[j]! + beta * p[j]!;
  }
  return { intercept: w[d - 1]!, weights: w.subarray(0, d - 1) };
}

/** Sparse rows of the design matrix (the last column is the intercept). */
function designRows(data: readonly Featurised[], names: readonly string[]): Array<{ cols: number[]; vals: number[] }> {
  const index = new Map(names.map((n, i) => [n, i] as const));
  return data.map(({ features }) => {
    const cols: number[] = [];
    const vals: number[] = [];
    for (const [name, value] of features) {
      const j = index.get(name);
      if (j !== undefined) {
        cols.push(j);
        vals.push(value);
      }
    }
    cols.push(names.length);
    vals.push(1);
    return { cols, vals };
  });
}

/**
 * A linear ranking model: logistic loss on every pair of items of one writer and behaviour group with different
 * labels (weighted by the label gap), plus the ridge penalties, by gradient descent with momentum from zero. The
 * scale is then fitted by least squares on the labels, so raw predictions are in label units.
 */
export function fitPairwise(data: readonly Featurised[], names: readonly string[], config: TrainConfig): { intercept: number; weights: Float64Array } {
  const rows = designRows(data, names);
  const d = names.length + 1;
  const groups = new Map<string, number[]>();
  data.forEach(({ item }, i) => {
    const key = `${item.writer}\u0000${groupOf(item)}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const pairs: Array<[number, number, number]> = [];
  for (const indices of groups.values()) {
    for (const i of indices) for (const j of indices) if (data[i]!.item.label > data[j]!.item.label) pairs.push([i, j, data[i]!.item.label - data[j]!.item.label]);
  }
  const totalWeight = pairs.reduce((s, p) => s + p[2], 0);
  const penalty = new Float64Array(d);
  names.forEach((name, j) => (penalty[j] = (isNgram(name) ? config.lambdaNgram : config.lambdaDense) / data.length));
  const w = new Float64Array(d);
  const velocity = new Float64Array(d);
  const scores = new Float64Array(rows.length);
  const rate = 0.5;
  for (let it = 0; it < config.iterations; it++) {
    rows.forEach((row, i) => {
      let sum = 0;
      for (let k = 0; k < row.cols.length; k++) sum += row.vals[k]! * w[row.cols[k]!]!;
      scores[i] = sum;
    });
    const itemGrad = new Float64Array(rows.length);
    for (const [i, j, gap] of pairs) {
      const margin = scores[i]! - scores[j]!;
      const g = (-gap / (1 + Math.exp(margin))) / totalWeight;
      itemGrad[i]! += g;
      itemGrad[j]! -= g;
    }
    const grad = new Float64Array(d);
    rows.forEach((row, i) => {
      const g = itemGrad[i]!;
      if (g !== 0) for (let k = 0; k < row.cols.length; k++) grad[row.cols[k]!]! += g * row.vals[k]!;
    });
    for (let j = 0; j < d; j++) {
      grad[j]! += penalty[j]! * w[j]!;
      velocity[j] = 0.9 * velocity[j]! - rate * grad[j]!;
      w[j]! += velocity[j]!;
    }
  }
  // Least-squares scale and offset onto the labels.
  rows.forEach((row, i) => {
    let sum = 0;
    for (let k = 0; k < row.cols.length; k++) sum += row.vals[k]! * w[row.cols[k]!]!;
    scores[i] = sum;
  });
  const n = rows.length;
  const ys = data.map((x) => x.item.label);
  const mx = scores.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (scores[i]! - mx) * (ys[i]! - my);
    sxx += (scores[i]! - mx) ** 2;
  }
  const a = sxx > 0 ? sxy / sxx : 1;
  const weights = new Float64Array(d - 1);
  for (let j = 0; j < d - 1; j++) weights[j] = a * w[j]!;
  return { intercept: a * w[d - 1]! + my - a * mx, weights };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Trains on `data` and returns the model (weights rounded to 6 digits, zero weights dropped, names sorted). */
export function train(data: readonly Featurised[], config: TrainConfig): LinearModel {
  const names = vocabulary(data, config);
  const { intercept, weights } = config.objective === 'pairwise' ? fitPairwise(data, names, config) : fitRidge(data, names, config);
  const table: Record<string, number> = {};
  const prune = config.pruneBelow ?? 0;
  names.forEach((name, j) => {
    const w = Math.round(weights[j]! * 1e6) / 1e6;
    if (w !== 0 && !(isNgram(name) && Math.abs(w) < prune)) table[name] = w;
  });
  return { version: 1, features: config.features, intercept: Math.round(intercept * 1e6) / 1e6, weights: table };
}

/** The raw prediction (label units) of a trained model on featurised data. */
export function predictRaw(model: LinearModel, features: ReadonlyMap<string, number>): number {
  let sum = model.intercept;
  for (const [name, value] of features) sum += (model.weights[name] ?? 0) * value;
  return sum;
}

/** The figures of one held-out writer. */
export interface FoldResult {
  writer: string;
  n: number;
  /** Spearman's rho per behaviour group (built-in behaviours, and the custom behaviours as one). */
  rho: Map<string, number>;
  meanRho: number;
  /** Pairs (label 0, label 3-4) of one group where the prohibition scores strictly lower. */
  pairs: { below: number; of: number };
}

const headlineGroup = (item: EvalItem) => (item.behavior === 'custom' ? 'custom' : item.behavior);

/** Per-writer figures from predictions. */
export function foldResult(writer: string, items: readonly EvalItem[], scores: readonly number[]): FoldResult {
  const rho = new Map<string, number>();
  for (const group of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom']) {
    const at = items.map((item, i) => [item, scores[i]!] as const).filter(([item]) => headlineGroup(item) === group);
    if (at.length < 3) continue;
    const value = spearman(
      at.map(([, s]) => s),
      at.map(([item]) => item.label),
    );
    if (!Number.isNaN(value)) rho.set(group, value);
  }
  let below = 0;
  let of = 0;
  const byGroup = new Map<string, number[]>();
  items.forEach((item, i) => byGroup.set(groupOf(item), [...(byGroup.get(groupOf(item)) ?? []), i]));
  for (const indices of byGroup.values()) {
    for (const z of indices.filter((i) => items[i]!.label === 0)) {
      for (const r of indices.filter((i) => items[i]!.label >= 3)) {
        of++;
        if (scores[z]! < scores[r]!) below++;
      }
    }
  }
  const values = [...rho.values()];
  return { writer, n: items.length, rho, meanRho: values.reduce((s, v) => s + v, 0) / values.length, pairs: { below, of } };
}

/** Leave-one-writer-out: for each writer, train on all the others and score that writer's items. */
export function crossValidate(data: readonly Featurised[], config: TrainConfig): { folds: FoldResult[]; predictions: number[] } {
  const writers = [...new Set(data.map((d) => d.item.writer))];
  const predictions = new Array<number>(data.length).fill(NaN);
  const folds: FoldResult[] = [];
  for (const writer of writers) {
    const trainSet = data.filter((d) => d.item.writer !== writer);
    const model = train(trainSet, config);
    const held = data.map((d, i) => [d, i] as const).filter(([d]) => d.item.writer === writer);
    const scores = held.map(([d]) => predictRaw(model, d.features));
    held.forEach(([, i], k) => (predictions[i] = scores[k]!));
    folds.push(foldResult(writer, held.map(([d]) => d.item), scores));
  }
  return { folds, predictions };
}

/** Averages over held-out writers: per behaviour group, the mean of the per-writer means, and the pairs. */
export function summarise(folds: readonly FoldResult[]): { perGroup: Map<string, number>; meanRho: number; minGroup: number; pairs: number; pairsPooled: number } {
  const perGroup = new Map<string, number>();
  for (const group of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom']) {
    const values = folds.map((f) => f.rho.get(group)).filter((v): v is number => v !== undefined);
    if (values.length) perGroup.set(group, values.reduce((s, v) => s + v, 0) / values.length);
  }
  const meanRho = folds.reduce((s, f) => s + f.meanRho, 0) / folds.length;
  const withPairs = folds.filter((f) => f.pairs.of > 0);
  const pairs = withPairs.reduce((s, f) => s + f.pairs.below / f.pairs.of, 0) / withPairs.length;
  const pairsPooled = folds.reduce((s, f) => s + f.pairs.below, 0) / folds.reduce((s, f) => s + f.pairs.of, 0);
  return { perGroup, meanRho, minGroup: Math.min(...perGroup.values()), pairs, pairsPooled };
}

/** Writers whose texts the rule-based reading was never tuned on (written after it): the cleaner estimate. */
export const UNSEEN_BY_RULES = new Set(['r1-test-a', 'r1-test-b', 'r1-test-c', 'r2-blind2-a', 'r2-blind2-b', 'r2-blind2-c', 'dev-b', 'dev-c', 'dev-d', 'dev-e', 'dev-f']);

const GROUP_ORDER = ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom'];
const f3 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '   -  ' : v.toFixed(3).padStart(6));
const pct = (count: number, of: number) => (of === 0 ? '-' : `${count}/${of} (${((100 * count) / of).toFixed(1)}%)`);

/**
 * The leave-one-writer-out report: per held-out writer, per behaviour rho, the mean, prohibitions below requests;
 * averages over writers (all, and those the rule reading never saw); mean score per label; the diagnostics' rates.
 */
export function crossValidationReport(config: TrainConfig = DEFAULT_CONFIG, dir = SETS_DIR): string[] {
  const items = loadTrainingItems(dir);
  const data = featurise(items, config.features);
  const { folds, predictions } = crossValidate(data, config);
  const lines: string[] = [];
  const writers = new Set(items.map((i) => i.writer));
  lines.push(`Leave-one-writer-out cross-validation: ${items.length} items, ${writers.size} writers; each writer scored by a model trained on the others.`);
  lines.push('(estimates of generalisation to a new writer; the rule reading under the model was tuned on the first four writers, see the second summary)');
  lines.push('');
  lines.push(`${'held-out writer'.padEnd(16)} ${'n'.padStart(4)} ${GROUP_ORDER.map((g) => g.slice(0, 6).padStart(6)).join(' ')}   mean  0 below 3-4`);
  for (const f of folds) {
    lines.push(
      `${f.writer.padEnd(16)} ${String(f.n).padStart(4)} ${GROUP_ORDER.map((g) => f3(f.rho.get(g))).join(' ')} ${f3(f.meanRho)}  ${pct(f.pairs.below, f.pairs.of)}`,
    );
  }
  for (const [title, subset] of [
    ['all writers', folds],
    ['writers the rule reading was not written on', folds.filter((f) => UNSEEN_BY_RULES.has(f.writer))],
  ] as const) {
    if (subset.length === 0) continue;
    const s = summarise(subset);
    lines.push('');
    lines.push(`Averaged over ${subset.length} held-out writers (${title}):`);
    for (const g of GROUP_ORDER) lines.push(`  ${g.padEnd(22)} rho ${f3(s.perGroup.get(g))}`);
    lines.push(`  mean rho over behaviours ${f3(s.meanRho)}; lowest behaviour ${f3(s.minGroup)}`);
    lines.push(`  prohibitions below explicit requests: ${(100 * s.pairs).toFixed(1)}% (mean over writers), ${(100 * s.pairsPooled).toFixed(1)}% of all pairs`);
  }
  // Mean held-out prediction per label, and the diagnostics (from the rule reading) over all writers.
  const byLabel = [0, 1, 2, 3, 4].map((label) => {
    const at = data.map((d, i) => [d, predictions[i]!] as const).filter(([d]) => d.item.label === label);
    return at.reduce((s, [, p]) => s + p, 0) / at.length;
  });
  lines.push('');
  lines.push(`Mean held-out prediction (label units) by label 0/1/2/3/4: ${byLabel.map((v) => v.toFixed(2)).join(' / ')}`);
  // The diagnostics as a .inoc file shows them: the rule reading gated by the held-out prediction (model.ts), and
  // the rule reading alone for comparison.
  const gated = data.map((d, i) => gatedVerdicts(d.rule, predictions[i]! / 4));
  const ruleOnly = data.map((d) => ({ prohibits: d.rule.prohibits && d.rule.prohibitions > 0, offBehavior: !(d.rule.prohibits && d.rule.prohibitions > 0) && d.rule.mentions === 0 }));
  const count = (verdicts: ReadonlyArray<{ prohibits: boolean; offBehavior: boolean }>, where: (d: Featurised) => boolean, flag: 'prohibits' | 'offBehavior') => {
    const pool = data.map((d, i) => [d, verdicts[i]!] as const).filter(([d]) => where(d));
    return pct(pool.filter(([, v]) => v[flag]).length, pool.length).padEnd(20);
  };
  lines.push('Diagnostics over all writers, held-out (shown: the rule reading gated by the model; in brackets the rule reading alone):');
  lines.push(`  labels 2-4 flagged prohibits-behavior (false warnings): ${count(gated, (d) => d.item.label >= 2, 'prohibits')} [${count(ruleOnly, (d) => d.item.label >= 2, 'prohibits').trim()}]`);
  lines.push(`  labels 0 flagged prohibits-behavior (caught):           ${count(gated, (d) => d.item.label === 0, 'prohibits')} [${count(ruleOnly, (d) => d.item.label === 0, 'prohibits').trim()}]`);
  lines.push(`  labels 2-4 flagged off-behavior (false warnings):       ${count(gated, (d) => d.item.label >= 2, 'offBehavior')} [${count(ruleOnly, (d) => d.item.label >= 2, 'offBehavior').trim()}]`);
  lines.push(`  labels 1 flagged off-behavior (unrelated or mentions):  ${count(gated, (d) => d.item.label === 1, 'offBehavior')} [${count(ruleOnly, (d) => d.item.label === 1, 'offBehavior').trim()}]`);
  const hedged = data.filter((d) => d.item.label >= 3);
  lines.push(`  labels 3-4 flagged hedged-request (false warnings):     ${pct(hedged.filter((d) => d.rule.hedged).length, hedged.length)} (the rule reading's)`);
  return lines;
}

export const MODEL_PATH = join(__dirname, '../../core/src/scoring/model.json');

/** The weights file's text: stable key order, one weight a line, so a retrain's diff is readable. */
export function serialise(model: LinearModel): string {
  return `${JSON.stringify(model, null, 1)}\n`;
}

function main(args: readonly string[]): void {
  const items = loadTrainingItems();
  const data = featurise(items, DEFAULT_CONFIG.features);
  const model = train(data, DEFAULT_CONFIG);
  const text = serialise(model);
  if (args.includes('--check')) {
    const committed = readFileSync(MODEL_PATH, 'utf8');
    if (committed !== text) {
      console.error('retraining does not reproduce core/src/scoring/model.json');
      process.exitCode = 1;
    } else console.log('retraining reproduces core/src/scoring/model.json byte for byte');
    return;
  }
  writeFileSync(MODEL_PATH, text);
  console.log(`${items.length} items from ${new Set(items.map((i) => i.writer)).size} writers; ${Object.keys(model.weights).length} weights written to ${MODEL_PATH}`);
}

if (require.main === module) main(process.argv.slice(2));
