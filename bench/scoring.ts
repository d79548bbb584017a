/**
 * Benchmark of the predicted elicitation score against the hand-labelled sets in bench/scoring/ (all development
 * data: see bench/scoring/README.md). Prints, per set, Spearman's rho per behaviour with a bootstrap interval,
 * concordance, mean score per label, prohibitions below requests and the diagnostics' error rates; the paper's
 * prompts with their diagnostics; the development items furthest from their label band; speed.
 *
 * `--set <file> --aggregate-only [--split dev|heldout]` scores any set in the same format (custom behaviours with
 * their `custom` object, exactly as a .inoc file would) and prints aggregates only: the command for blind sets.
 *
 * Run: npx tsx bench/scoring.ts [--details] [--no-speed]   (--details lists every development item with its score)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePrompt } from '../core/src/scoring/score';
import { isBehaviorId, type BehaviorId } from '../core/src/format/behaviors';
import { crossValidationReport } from './scoring/train';
import { concordance, formatReport, parseEvalSet, reportOf, ruleSplit, scoreItems, spearman, type ScoredItem } from './scoringEval';

export { concordance, ranks, spearman } from './scoringEval';

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

const fmt = (value: number) => (Number.isNaN(value) ? '  n/a' : value.toFixed(3).padStart(6));

const SETS_DIR = join(__dirname, 'scoring');

/** Every option of the command line, parsed strictly (an unknown option is an error, not ignored). */
interface Options {
  set?: string;
  split?: 'dev' | 'heldout';
  aggregateOnly: boolean;
  details: boolean;
  speed: boolean;
  cv: boolean;
}

/** Parses the command line; throws with a usage message on anything unknown. */
export function parseOptions(args: readonly string[]): Options {
  const options: Options = { aggregateOnly: false, details: false, speed: true, cv: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--set') options.set = args[++i];
    else if (arg === '--split') {
      const value = args[++i];
      if (value !== 'dev' && value !== 'heldout') throw new Error('--split takes dev or heldout');
      options.split = value;
    } else if (arg === '--aggregate-only') options.aggregateOnly = true;
    else if (arg === '--details') options.details = true;
    else if (arg === '--no-speed') options.speed = false;
    else if (arg === '--cv') options.cv = true;
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (args.includes('--set') && !options.set) throw new Error(`--set needs a path\n${USAGE}`);
  if (options.details && options.aggregateOnly) throw new Error('--details and --aggregate-only exclude each other');
  if (options.details && options.split === 'heldout') throw new Error('held-out items are never listed: measure them with --aggregate-only');
  if (options.split && !options.set) throw new Error('--split applies to --set');
  if (options.cv && (options.set || options.details)) throw new Error('--cv runs on the development sets alone');
  return options;
}

const USAGE = `usage:
  npx tsx bench/scoring.ts                                   development sets, paper prompts, worst items, speed
  npx tsx bench/scoring.ts --details                         ... and every development item with its score
  npx tsx bench/scoring.ts --cv                              leave-one-writer-out cross-validation of the trained model
  npx tsx bench/scoring.ts --set <file.jsonl> --aggregate-only [--split dev|heldout]
                                                             aggregates of any set (never an item)
  npx tsx bench/scoring.ts --set <file.jsonl> --split dev --details
                                                             the items of a set's development half`;

/** Aggregate report of one set file (optionally one half by the split rule); items only with `details`. */
export function evaluateSetFile(path: string, options: Pick<Options, 'split' | 'details'>): string[] {
  let items = parseEvalSet(readFileSync(path, 'utf8'), path);
  const total = items.length;
  if (options.split) {
    const splits = ruleSplit(items);
    items = items.filter((_, i) => splits[i] === options.split);
  }
  const scored = scoreItems(items);
  const title = `${path}${options.split ? `, ${options.split} half by the split rule (${items.length} of ${total})` : ` (${total} prompts)`}`;
  const lines = formatReport(title, reportOf(scored));
  if (options.details) lines.push('', ...detailLines(scored));
  return lines;
}

function detailLines(scored: readonly ScoredItem[]): string[] {
  const flagsOf = (i: ScoredItem) => [i.flags.prohibits ? 'P' : '', i.flags.offBehavior ? 'O' : '', i.flags.hedged ? 'H' : ''].join('');
  return [...scored]
    .sort((a, b) => groupKey(a).localeCompare(groupKey(b)) || b.label - a.label || b.score - a.score)
    .map((i) => `  ${groupKey(i).padEnd(24)} label ${i.label} score ${i.score.toFixed(2)} ${flagsOf(i).padEnd(3)} ${JSON.stringify(i.text)}`);
}

const groupKey = (i: ScoredItem) => (i.behavior === 'custom' ? `custom:${i.custom!.name}` : i.behavior);

/** Runs the whole scoring benchmark and prints it; `args` as on the command line (see {@link USAGE}). */
export function runScoringBenchmark(args: readonly string[] = process.argv.slice(2)): void {
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  if (options.cv) {
    for (const line of crossValidationReport()) console.log(line);
    return;
  }
  if (options.set) {
    try {
      for (const line of evaluateSetFile(options.set, options)) console.log(line);
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 1;
    }
    return;
  }

  const file = join(SETS_DIR, 'labelled.jsonl');
  const items = parseLabelledSet(readFileSync(file, 'utf8'), file);
  const violations = splitViolations(items);
  if (violations.length > 0) {
    console.error(`split rule violated by ${violations.length} item(s), e.g. ${JSON.stringify(violations[0]!.text)}`);
    process.exitCode = 1;
  }
  const scoreAll = (list: LabelledPrompt[]) =>
    list.map((item) => ({ ...item, score: analyzePrompt(item.text, { behavior: item.behavior, keywords: [] }).score }));
  const scored = scoreAll(items);

  const splits = [
    ['dev', scored.filter((i) => i.split === 'dev')],
    ['heldout', scored.filter((i) => i.split === 'heldout')],
    ['all', scored],
  ] as const;
  console.log(`labelled.jsonl: ${items.length} prompts (${scored.filter((i) => i.split === 'dev').length} dev); all development data\n`);
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
  console.log(`pairwise concordance, all: ${fmt(concordance(scored))}`);

  // Every other set through the same aggregate report the lead runs on the blind sets.
  const sets: Array<[string, string, 'dev' | 'heldout' | undefined]> = [
    ['labelled.jsonl (development data)', 'labelled.jsonl', undefined],
    ['fresh.jsonl (development data)', 'fresh.jsonl', undefined],
    ['blind.jsonl (the 2025 blind set, spent: development data)', 'blind.jsonl', undefined],
    ['dev-a.jsonl, dev half (development data: fit)', 'dev-a.jsonl', 'dev'],
    ['dev-a.jsonl, held-out half (measured once at 4b580f6: 0.637; development data since)', 'dev-a.jsonl', 'heldout'],
    ['probe-b.jsonl (development data; 0.506 when first measured)', 'probe-b.jsonl', undefined],
    ['probe-c.jsonl (development data; 0.788 when first measured)', 'probe-c.jsonl', undefined],
    ['probe-d.jsonl (development data; 0.827 when first measured)', 'probe-d.jsonl', undefined],
    ['probe-e.jsonl (development data; 0.546 when first measured)', 'probe-e.jsonl', undefined],
    ['probe-f.jsonl (measured once with the final issue-8 scorer: 0.764; development data since)', 'probe-f.jsonl', undefined],
    ...['a', 'b', 'c'].map((p) => [`spent/r1-test-${p}.jsonl (round 1 blind set, spent: development data)`, `spent/r1-test-${p}.jsonl`, undefined] as [string, string, undefined]),
    ...['a', 'b', 'c'].map((p) => [`spent/r2-blind2-${p}.jsonl (round 2 blind set, spent: development data)`, `spent/r2-blind2-${p}.jsonl`, undefined] as [string, string, undefined]),
    ...readdirSync(join(SETS_DIR, 'dev'))
      .filter((name) => name.endsWith('.jsonl'))
      .sort()
      .map((name) => [`dev/${name} (development data)`, `dev/${name}`, undefined] as [string, string, undefined]),
  ];
  console.log('\nEvery set below is training data of the model: these figures are fit. The estimate is `--cv`.');
  const devItems: ScoredItem[] = [];
  for (const [title, name, split] of sets) {
    const path = join(SETS_DIR, name);
    let list = parseEvalSet(readFileSync(path, 'utf8'), path);
    if (split) {
      const rule = ruleSplit(list);
      list = list.filter((_, i) => rule[i] === split);
    }
    const setScored = scoreItems(list);
    devItems.push(...setScored);
    console.log('');
    for (const line of formatReport(`${title}: ${list.length} prompts`, reportOf(setScored))) console.log(line);
  }

  console.log('\nPaper prompts (label: score, diagnostics; a warning on any of them is a false warning):');
  const paperItems = scoreItems(
    scored.filter((i) => i.source === 'paper').map((i) => ({ behavior: i.behavior, text: i.text, label: i.label, line: 0 })),
  );
  let falseWarnings = 0;
  for (const item of paperItems) {
    const warnings = [
      item.flags.prohibits && item.label > 0 ? 'prohibits-behavior' : '',
      item.flags.offBehavior && item.label >= 2 ? 'off-behavior' : '',
      item.flags.hedged && item.label >= 3 ? 'hedged-request' : '',
    ].filter(Boolean);
    falseWarnings += warnings.length;
    console.log(`  ${item.behavior.padEnd(21)} ${item.label}: ${item.score.toFixed(2)}  ${warnings.join(', ').padEnd(14)} ${item.text.slice(0, 70)}`);
  }
  console.log(`false warnings on the paper's prompts: ${falseWarnings}`);

  console.log(
    options.details
      ? '\nAll development items (every set above):'
      : '\nDevelopment items furthest from their label band (label 4 ~ 0.85, 3 ~ 0.65, 2 ~ 0.45, 1 ~ 0.15, 0 ~ 0):',
  );
  const target = [0, 0.15, 0.45, 0.65, 0.85];
  const ranked = [...devItems].sort((a, b) => Math.abs(b.score - target[b.label]!) - Math.abs(a.score - target[a.label]!));
  for (const line of detailLines(options.details ? devItems : ranked.slice(0, 15))) console.log(line);
  if (options.speed) speed(items);
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
