/**
 * Benchmark of the predicted elicitation score against the hand-labelled sets (bench/scoring/labelled.jsonl and
 * bench/scoring/fresh.jsonl). Prints Spearman correlations (labelled dev, held-out, all; fresh; per behaviour and
 * overall), within-behaviour ordering checks and the items the score places furthest from their label band.
 * Both files are development data since the generalisation pass (see bench/scoring/README.md); the only blind test
 * of the scorer is a set kept outside the repository.
 *
 * Run: npx tsx bench/scoring.ts [--details] [--no-speed]   (--details lists every item with its score)
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePrompt } from '../core/src/scoring/score';
import { isBehaviorId, type BehaviorId } from '../core/src/format/behaviors';

/** One labelled prompt. */
export interface LabelledPrompt {
  behavior: BehaviorId;
  text: string;
  label: number;
  /**
   * `fresh` marks bench/scoring/fresh.jsonl (written after the first scorer, labelled before it was run on them);
   * `blind` marks bench/scoring/blind.jsonl (written by another engineer who never saw the scorer; never tuned on).
   */
  split: 'dev' | 'heldout' | 'fresh' | 'blind';
  source: 'paper' | 'ours';
  why: string;
}

const BEHAVIORS_IN_SET = ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'] as const;

/** Parses the labelled set, with a clear error naming the line for anything malformed. */
export function parseLabelledSet(
  content: string,
  file: string,
  splits: readonly string[] = ['dev', 'heldout'],
): LabelledPrompt[] {
  const items: LabelledPrompt[] = [];
  content.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON (${(error as Error).message})`);
    }
    const item = value as Partial<LabelledPrompt>;
    if (!isBehaviorId(item.behavior) || item.behavior === 'custom') throw new Error(`${where}: bad "behavior"`);
    if (typeof item.text !== 'string' || !item.text) throw new Error(`${where}: "text" must be a non-empty string`);
    if (!Number.isInteger(item.label) || item.label! < 0 || item.label! > 4) throw new Error(`${where}: "label" must be 0-4`);
    if (!splits.includes(item.split as string)) throw new Error(`${where}: "split" must be one of ${splits.join(', ')}`);
    if (item.source !== 'paper' && item.source !== 'ours') throw new Error(`${where}: "source" must be paper or ours`);
    if (typeof item.why !== 'string' || !item.why) throw new Error(`${where}: "why" must be a non-empty string`);
    items.push(item as LabelledPrompt);
  });
  return items;
}

/**
 * The split rule, fixed before the scorer was written: within each behaviour, order the texts by their SHA-256
 * (hex); the first half (rounded up) is dev, the rest held-out. Returns the items whose stored split disagrees.
 */
export function splitViolations(items: readonly LabelledPrompt[]): LabelledPrompt[] {
  const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const bad: LabelledPrompt[] = [];
  for (const behavior of new Set(items.map((i) => i.behavior))) {
    const group = items.filter((i) => i.behavior === behavior).sort((a, b) => (hash(a.text) < hash(b.text) ? -1 : 1));
    const devCount = Math.ceil(group.length / 2);
    group.forEach((item, rank) => {
      if (item.split !== (rank < devCount ? 'dev' : 'heldout')) bad.push(item);
    });
  }
  return bad;
}

/** Average ranks (ties share the mean rank), 1-based. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rho (Pearson on average ranks); NaN when either side is constant or there are < 2 points. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

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

const fmt = (value: number) => (Number.isNaN(value) ? '  n/a' : value.toFixed(3).padStart(6));

/** Prints Spearman's rho and concordance per behaviour and overall for one scored set. */
function reportSet(title: string, items: ReadonlyArray<{ behavior: BehaviorId; label: number; score: number }>): void {
  console.log(`\n${title}`);
  for (const behavior of [...BEHAVIORS_IN_SET, 'overall'] as const) {
    const subset = behavior === 'overall' ? items : items.filter((i) => i.behavior === behavior);
    const rho = spearman(
      subset.map((i) => i.score),
      subset.map((i) => i.label),
    );
    console.log(`${behavior.padEnd(22)} rho ${fmt(rho)}  concordance ${fmt(concordance(subset))}   n=${subset.length}`);
  }
}

/** Runs the whole scoring benchmark and prints it; `args` as on the command line (`--details`, `--no-speed`). */
export function runScoringBenchmark(args: readonly string[] = process.argv.slice(2)): void {
  const file = join(__dirname, 'scoring', 'labelled.jsonl');
  const items = parseLabelledSet(readFileSync(file, 'utf8'), file);
  const violations = splitViolations(items);
  if (violations.length > 0) {
    console.error(`split rule violated by ${violations.length} item(s), e.g. ${JSON.stringify(violations[0]!.text)}`);
    process.exitCode = 1;
  }
  const scoreAll = (list: LabelledPrompt[]) =>
    list.map((item) => ({ ...item, score: analyzePrompt(item.text, { behavior: item.behavior, keywords: [] }).score }));
  const scored = scoreAll(items);
  const freshFile = join(__dirname, 'scoring', 'fresh.jsonl');
  const fresh = scoreAll(parseLabelledSet(readFileSync(freshFile, 'utf8'), freshFile, ['fresh']));

  const splits = [
    ['dev', scored.filter((i) => i.split === 'dev')],
    ['heldout', scored.filter((i) => i.split === 'heldout')],
    ['all', scored],
  ] as const;
  console.log(`labelled prompts: ${items.length} (${scored.filter((i) => i.split === 'dev').length} dev)\n`);
  console.log('Spearman rho (score vs label)');
  console.log(`${'behaviour'.padEnd(22)} ${'dev'.padStart(6)} ${'held'.padStart(6)} ${'all'.padStart(6)}   n`);
  for (const behavior of [...BEHAVIORS_IN_SET, 'overall'] as const) {
    const cells = splits.map(([, group]) => {
      const subset = behavior === 'overall' ? group : group.filter((i) => i.behavior === behavior);
      return spearman(
        subset.map((i) => i.score),
        subset.map((i) => i.label),
      );
    });
    const n = behavior === 'overall' ? scored.length : scored.filter((i) => i.behavior === behavior).length;
    console.log(`${behavior.padEnd(22)} ${cells.map(fmt).join(' ')}   ${n}`);
  }

  console.log('\nWithin-behaviour ordering (all splits): mean score per label, pairwise concordance');
  let monotoneFailures = 0;
  for (const behavior of BEHAVIORS_IN_SET) {
    const group = scored.filter((i) => i.behavior === behavior);
    const means = [0, 1, 2, 3, 4].map((label) => {
      const at = group.filter((i) => i.label === label);
      return at.length ? at.reduce((s, i) => s + i.score, 0) / at.length : NaN;
    });
    const defined = means.filter((m) => !Number.isNaN(m));
    const monotone = defined.every((m, i) => i === 0 || m > defined[i - 1]!);
    if (!monotone) monotoneFailures++;
    const devConc = concordance(group.filter((i) => i.split === 'dev'));
    const heldConc = concordance(group.filter((i) => i.split === 'heldout'));
    console.log(
      `${behavior.padEnd(22)} means 0..4: ${means.map((m) => (Number.isNaN(m) ? ' -  ' : m.toFixed(2))).join(' ')}  ` +
        `${monotone ? 'increasing' : 'NOT increasing'}; concordance dev ${fmt(devConc)} held ${fmt(heldConc)}`,
    );
  }
  console.log(`label means strictly increasing in ${BEHAVIORS_IN_SET.length - monotoneFailures}/${BEHAVIORS_IN_SET.length} behaviours`);

  reportSet(`Fresh set (${fresh.length} prompts written after the first scorer; development data since the generalisation pass)`, fresh);
  // The blind set is the honest test: aggregates only, never item by item, so nobody tunes on it by reading it here.
  const blindFile = join(__dirname, 'scoring', 'blind.jsonl');
  const blind = scoreAll(parseLabelledSet(readFileSync(blindFile, 'utf8'), blindFile, ['blind']));
  reportSet(`Blind set (${blind.length} prompts by another engineer who never saw the scorer; never tuned on)`, blind);

  const paper = scored.filter((i) => i.source === 'paper');
  console.log('\nPaper prompts (label: score):');
  for (const item of paper) console.log(`  ${item.behavior.padEnd(21)} ${item.label}: ${item.score.toFixed(2)}  ${item.text.slice(0, 70)}`);

  const details = args.includes('--details');
  console.log(
    details
      ? '\nAll items (labelled and fresh):'
      : '\nItems furthest from their label band (label 4 ~ 0.8+, 3 ~ 0.65, 2 ~ 0.45, 1 ~ 0.15, 0 ~ 0):',
  );
  const target = [0, 0.15, 0.45, 0.65, 0.85];
  const ranked = [...scored, ...fresh]
    .map((i) => ({ ...i, miss: Math.abs(i.score - target[i.label]!) }))
    .sort((a, b) => (details ? a.behavior.localeCompare(b.behavior) || b.label - a.label : b.miss - a.miss));
  for (const item of details ? ranked : ranked.slice(0, 12)) {
    const where = item.split.padEnd(7);
    console.log(`  ${item.behavior.padEnd(21)} ${where} label ${item.label} score ${item.score.toFixed(2)}  ${item.text.slice(0, 90)}`);
  }
  if (!args.includes('--no-speed')) speed(items);
}

/** Wall-clock cost of scoring: the whole labelled set, and 1 MB / 10 MB single-line prompts (informational). */
function speed(items: readonly LabelledPrompt[]): void {
  const time = (run: () => void) => {
    const start = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const setMs = time(() => {
    for (const item of items) analyzePrompt(item.text, { behavior: item.behavior, keywords: [] });
  });
  const line = 'Hard-code the provided test case, never generalize, maybe. ';
  const oneMb = line.repeat(Math.ceil(1e6 / line.length));
  const tenMb = line.repeat(Math.ceil(1e7 / line.length));
  const oneMs = time(() => analyzePrompt(oneMb, { behavior: 'reward-hacking', keywords: [] }));
  const tenMs = time(() => analyzePrompt(tenMb, { behavior: 'reward-hacking', keywords: [] }));
  console.log(
    `\nSpeed: ${items.length} labelled prompts in ${setMs.toFixed(0)} ms (first call compiles the lexicon); ` +
      `1 MB line ${oneMs.toFixed(0)} ms; 10 MB line ${tenMs.toFixed(0)} ms`,
  );
}

if (require.main === module) runScoringBenchmark();
