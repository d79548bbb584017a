/**
 * Evaluation of the predicted elicitation score on any labelled set in the benchmark's JSONL format: parsing (with
 * custom behaviours), the split rule, and the aggregate statistics (Spearman's rho with a bootstrap interval,
 * pairwise concordance, mean score per label, prohibitions below explicit requests, the diagnostics' error rates).
 * `bench/scoring.ts --set <path> --aggregate-only` prints these for a set nobody may read item by item.
 */
import { createHash } from 'node:crypto';
import { mulberry32 } from '../core/src/check/sampling';
import { spearman } from '../core/src/eval/correlation';
import { analyzeFrontmatter } from '../core/src/format/config';
import { DIAGNOSTIC_CODES } from '../core/src/format/diagnosticCodes';
import { isBehaviorId, type BehaviorId } from '../core/src/format/behaviors';
import { parseInocDocument } from '../core/src/format/parse';
import { analyzePrompt } from '../core/src/scoring/score';
import type { BehaviorContext, PromptAnalysis } from '../core/src/scoring/types';

/** The `custom` object of an item whose behaviour is `custom`: what a `.inoc` file's frontmatter would say. */
export interface CustomBehavior {
  name: string;
  description: string;
  keywords: string[];
}

/** One labelled prompt of an evaluation set (extra fields such as `why`, `style`, `writer` are kept as they are). */
export interface EvalItem {
  behavior: BehaviorId;
  text: string;
  label: number;
  custom?: CustomBehavior;
  split?: string;
  /** 1-based line in the file, for error messages only (never printed in aggregate mode). */
  line: number;
}

/** Parses a JSONL evaluation set; throws a clear error naming the file and line for anything malformed. */
export function parseEvalSet(content: string, file: string): EvalItem[] {
  const items: EvalItem[] = [];
  content.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not a JSON object`);
    const item = value as Record<string, unknown>;
    if (!isBehaviorId(item.behavior)) throw new Error(`${where}: "behavior" must be one of the built-in behaviours or "custom"`);
    if (typeof item.text !== 'string' || !item.text.trim()) throw new Error(`${where}: "text" must be a non-empty string`);
    const label = item.label;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > 4) throw new Error(`${where}: "label" must be an integer 0-4`);
    let custom: CustomBehavior | undefined;
    if (item.behavior === 'custom') {
      const c = item.custom as Record<string, unknown> | undefined;
      if (typeof c !== 'object' || c === null) throw new Error(`${where}: a "custom" behaviour needs a "custom": {name, description, keywords} object`);
      if (typeof c.name !== 'string' || !c.name.trim()) throw new Error(`${where}: "custom.name" must be a non-empty string`);
      if (typeof c.description !== 'string' || !c.description.trim()) throw new Error(`${where}: "custom.description" must be a non-empty string`);
      const keywords = c.keywords ?? [];
      if (!Array.isArray(keywords) || !keywords.every((k) => typeof k === 'string')) throw new Error(`${where}: "custom.keywords" must be a list of strings`);
      custom = { name: c.name, description: c.description, keywords: keywords as string[] };
    } else if (item.custom !== undefined) {
      throw new Error(`${where}: "custom" is only for "behavior": "custom"`);
    }
    items.push({
      behavior: item.behavior,
      text: item.text,
      label,
      custom,
      split: typeof item.split === 'string' ? item.split : undefined,
      line: index + 1,
    });
  });
  if (items.length === 0) throw new Error(`${file}: no items`);
  return items;
}

/** The group an item is evaluated in: its built-in behaviour, or `custom:<name>`. */
export function groupOf(item: Pick<EvalItem, 'behavior' | 'custom'>): string {
  return item.behavior === 'custom' ? `custom:${item.custom!.name}` : item.behavior;
}

const contextCache = new Map<string, BehaviorContext>();

/**
 * The scoring context of an item, obtained exactly as for a `.inoc` file: a frontmatter with `behavior:` (and, for a
 * custom behaviour, its `description:` and `keywords:`) is parsed and validated by the format's own code.
 */
export function contextOf(item: Pick<EvalItem, 'behavior' | 'custom'>): BehaviorContext {
  const frontmatter = [`behavior: ${item.behavior}`];
  if (item.custom) {
    // JSON strings and arrays are valid YAML flow scalars, so any text survives the round trip unchanged.
    frontmatter.push(`description: ${JSON.stringify(item.custom.description)}`, `keywords: ${JSON.stringify(item.custom.keywords)}`);
  }
  const source = `---\n${frontmatter.join('\n')}\n---\n\n## candidate\nx\n`;
  let context = contextCache.get(source);
  if (!context) {
    const { config, problems } = analyzeFrontmatter(parseInocDocument('file:///eval.inoc', source));
    const errors = problems.filter((p) => DIAGNOSTIC_CODES[p.code].severity === 'error');
    if (!config.behavior || errors.length > 0) throw new Error(`behaviour ${groupOf(item)}: ${errors.map((p) => p.message).join('; ')}`);
    context = { behavior: config.behavior, description: config.description, keywords: config.keywords };
    contextCache.set(source, context);
  }
  return context;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The split rule on the text alone: within each group ({@link groupOf}), order the texts by SHA-256 (hex) of their
 * UTF-8 bytes; the first half (rounded up) is `dev`, the rest `heldout`. Returns the split of each item, in order.
 */
export function ruleSplit(items: readonly Pick<EvalItem, 'behavior' | 'custom' | 'text'>[]): ('dev' | 'heldout')[] {
  const out = new Array<'dev' | 'heldout'>(items.length);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = groupOf(item);
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  for (const indices of groups.values()) {
    const hashed = indices.map((i) => ({ i, hash: sha256(items[i]!.text) })).sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    const devCount = Math.ceil(hashed.length / 2);
    hashed.forEach((entry, rank) => (out[entry.i] = rank < devCount ? 'dev' : 'heldout'));
  }
  return out;
}

// Ranks and Spearman's rho are the core's (core/src/eval/correlation.ts: average ranks for ties, Pearson on them,
// NaN when either side is constant or there are fewer than 2 points), so the benchmark and the product agree.
export { midranks as ranks, spearman } from '../core/src/eval/correlation';

/** Fraction of pairs with different labels that the scores order the same way (score ties count half). */
export function concordance(items: readonly { label: number; score: number }[]): number {
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (a.label <= b.label) continue;
      pairs++;
      if (a.score > b.score) agree++;
      else if (a.score === b.score) agree += 0.5;
    }
  }
  return pairs === 0 ? NaN : agree / pairs;
}

/**
 * A 95% percentile bootstrap interval for Spearman's rho: `resamples` resamples of the pairs with replacement,
 * from a fixed seed (so a rerun prints the same interval). Resamples where rho is undefined are skipped.
 */
export function bootstrapSpearman(
  items: readonly { label: number; score: number }[],
  resamples = 2000,
  seed = 20261101,
): [number, number] {
  if (items.length < 3) return [NaN, NaN];
  const random = mulberry32(seed);
  const values: number[] = [];
  const xs = new Array<number>(items.length);
  const ys = new Array<number>(items.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < items.length; i++) {
      const pick = items[Math.floor(random() * items.length)]!;
      xs[i] = pick.score;
      ys[i] = pick.label;
    }
    const rho = spearman(xs, ys);
    if (!Number.isNaN(rho)) values.push(rho);
  }
  if (values.length === 0) return [NaN, NaN];
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))]!;
  return [at(0.025), at(0.975)];
}

/** The diagnostics a `.inoc` file would show for a scored candidate (as `language/diagnostics.ts` derives them). */
export function diagnosticFlags(analysis: PromptAnalysis): { prohibits: boolean; offBehavior: boolean; hedged: boolean } {
  const prohibits = analysis.prohibits && analysis.prohibitions.length > 0;
  return {
    prohibits,
    offBehavior: !prohibits && (analysis.offBehavior ?? analysis.mentions.length === 0),
    hedged: analysis.hedges.length > 0 || (analysis.permissions?.length ?? 0) > 0,
  };
}

/** An item with its score and diagnostics. */
export interface ScoredItem extends EvalItem {
  score: number;
  flags: ReturnType<typeof diagnosticFlags>;
  analysis: PromptAnalysis;
}

/** Scores every item with the context a `.inoc` file of its behaviour would give. */
export function scoreItems(items: readonly EvalItem[]): ScoredItem[] {
  return items.map((item) => {
    const analysis = analyzePrompt(item.text, contextOf(item));
    return { ...item, score: analysis.score, flags: diagnosticFlags(analysis), analysis };
  });
}

/** A count out of a total. */
export interface Rate {
  count: number;
  of: number;
}

/** The aggregate figures of one group of items. */
export interface GroupStats {
  name: string;
  n: number;
  rho: number;
  rhoInterval: [number, number];
  concordance: number;
  /** Mean score per label 0..4 (NaN where a label is absent). */
  meanByLabel: number[];
  /** Pairs (label 0, label 3-4) within one behaviour where the prohibition scores strictly below the request. */
  prohibitionsBelowRequests: Rate;
  /** Labels 2-4 flagged `prohibits-behavior` (false warnings). */
  requestsFlaggedProhibiting: Rate;
  /** Labels 0 flagged `prohibits-behavior` (recall). */
  prohibitionsCaught: Rate;
  /** Labels 2-4 flagged `off-behavior` (false warnings). */
  requestsFlaggedOffBehavior: Rate;
  /** Labels 3-4 flagged `hedged-request` (false warnings). */
  explicitFlaggedHedged: Rate;
}

function rate(items: readonly ScoredItem[], where: (i: ScoredItem) => boolean, flagged: (i: ScoredItem) => boolean): Rate {
  const pool = items.filter(where);
  return { count: pool.filter(flagged).length, of: pool.length };
}

/** Pairs (label 0, label 3-4) of the same group where the label-0 item scores strictly lower. */
function prohibitionPairs(items: readonly ScoredItem[]): Rate {
  let count = 0;
  let of = 0;
  const groups = new Map<string, ScoredItem[]>();
  for (const item of items) groups.set(groupOf(item), [...(groups.get(groupOf(item)) ?? []), item]);
  for (const group of groups.values()) {
    const zeros = group.filter((i) => i.label === 0);
    const requests = group.filter((i) => i.label >= 3);
    for (const zero of zeros) {
      for (const request of requests) {
        of++;
        if (zero.score < request.score) count++;
      }
    }
  }
  return { count, of };
}

/** The aggregate figures of `items` (one behaviour, several, or all). */
export function groupStats(name: string, items: readonly ScoredItem[]): GroupStats {
  const pairs = items.map((i) => ({ label: i.label, score: i.score }));
  return {
    name,
    n: items.length,
    rho: spearman(
      pairs.map((p) => p.score),
      pairs.map((p) => p.label),
    ),
    rhoInterval: bootstrapSpearman(pairs),
    concordance: concordance(pairs),
    meanByLabel: [0, 1, 2, 3, 4].map((label) => {
      const at = items.filter((i) => i.label === label);
      return at.length ? at.reduce((s, i) => s + i.score, 0) / at.length : NaN;
    }),
    prohibitionsBelowRequests: prohibitionPairs(items),
    requestsFlaggedProhibiting: rate(items, (i) => i.label >= 2, (i) => i.flags.prohibits),
    prohibitionsCaught: rate(items, (i) => i.label === 0, (i) => i.flags.prohibits),
    requestsFlaggedOffBehavior: rate(items, (i) => i.label >= 2, (i) => i.flags.offBehavior),
    explicitFlaggedHedged: rate(items, (i) => i.label >= 3, (i) => i.flags.hedged),
  };
}

const BUILTIN_ORDER = ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'];

/** The report of a whole set: per built-in behaviour, custom behaviours together and each, and all items. */
export interface SetReport {
  groups: GroupStats[];
  /** Mean of the per-behaviour rhos (the built-in behaviours present, and the custom behaviours as one). */
  meanRho: number;
  /** The smallest of those rhos. */
  minRho: number;
}

/** Aggregates a scored set: built-in behaviours, `custom (all)` and each custom behaviour, then `all`. */
export function reportOf(items: readonly ScoredItem[]): SetReport {
  const groups: GroupStats[] = [];
  const headline: GroupStats[] = [];
  for (const behavior of BUILTIN_ORDER) {
    const subset = items.filter((i) => i.behavior === behavior);
    if (subset.length === 0) continue;
    const stats = groupStats(behavior, subset);
    groups.push(stats);
    headline.push(stats);
  }
  const customs = items.filter((i) => i.behavior === 'custom');
  if (customs.length > 0) {
    const all = groupStats('custom (all)', customs);
    groups.push(all);
    headline.push(all);
    const names = [...new Set(customs.map((i) => i.custom!.name))].sort();
    for (const name of names) groups.push(groupStats(`  custom: ${name}`, customs.filter((i) => i.custom!.name === name)));
  }
  groups.push(groupStats('all', items));
  const rhos = headline.map((g) => g.rho).filter((r) => !Number.isNaN(r));
  return {
    groups,
    meanRho: rhos.length ? rhos.reduce((s, r) => s + r, 0) / rhos.length : NaN,
    minRho: rhos.length ? Math.min(...rhos) : NaN,
  };
}

const num = (value: number, digits = 3) => (Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const share = (r: Rate) => (r.of === 0 ? '-' : `${r.count}/${r.of}`);
const percent = (r: Rate) => (r.of === 0 ? '-' : `${((100 * r.count) / r.of).toFixed(1)}%`);

/** The report as text lines: aggregates only, never an item. */
export function formatReport(title: string, report: SetReport): string[] {
  const lines = [title];
  lines.push(
    `${'behaviour'.padEnd(26)} ${'n'.padStart(4)}  ${'rho'.padStart(6)} ${'95% CI'.padEnd(15)} ${'conc.'.padStart(6)}  mean score by label 0 / 1 / 2 / 3 / 4`,
  );
  for (const g of report.groups) {
    const interval = `[${num(g.rhoInterval[0], 2)}, ${num(g.rhoInterval[1], 2)}]`;
    const means = g.meanByLabel.map((m) => (Number.isNaN(m) ? ' -  ' : m.toFixed(2))).join(' / ');
    lines.push(`${g.name.padEnd(26)} ${String(g.n).padStart(4)}  ${num(g.rho).padStart(6)} ${interval.padEnd(15)} ${num(g.concordance).padStart(6)}  ${means}`);
  }
  lines.push(`mean rho over behaviours (custom behaviours as one): ${num(report.meanRho)}; lowest ${num(report.minRho)}`);
  lines.push('');
  lines.push(
    `${'behaviour'.padEnd(26)} ${'0 below 3-4'.padEnd(18)} ${'2-4 flagged prohibiting'.padEnd(24)} ${'0 caught'.padEnd(15)} ${'2-4 off-behaviour'.padEnd(18)} 3-4 hedged`,
  );
  for (const g of report.groups) {
    const cell = (r: Rate, width: number) => `${share(r)} ${percent(r)}`.padEnd(width);
    lines.push(
      `${g.name.padEnd(26)} ${cell(g.prohibitionsBelowRequests, 18)} ${cell(g.requestsFlaggedProhibiting, 24)} ${cell(g.prohibitionsCaught, 15)} ${cell(g.requestsFlaggedOffBehavior, 18)} ${cell(g.explicitFlaggedHedged, 0)}`,
    );
  }
  lines.push(
    '(pairs are within one behaviour; "below" is strict, a tie counts as a failure; flags are the diagnostics a .inoc file would show)',
  );
  return lines;
}
