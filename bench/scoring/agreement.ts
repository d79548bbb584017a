/**
 * Agreement of a second, independent labeller with a blind set's writers: the second labeller saw each prompt's
 * behaviour and text (never the label, the writer's reasons or the scorer) and labelled it by the same scale.
 * Prints per behaviour Spearman's rho between the two labellings, their mean, and exact / within-one agreement.
 *
 * Run: npx tsx bench/scoring/agreement.ts r4     (or r3)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spearman } from '../scoringEval';

const ROUNDS: Record<string, { sets: string[]; ids: (set: number, index: number) => string }> = {
  // Ids as the relabelling files were written: round 3 numbered the three sets' items consecutively, round 4 per set.
  r3: { sets: ['a', 'b', 'c'].map((s) => `spent/r3-blind3-${s}.jsonl`), ids: (set, index) => `r3${'abc'[set]}-${set * 84 + index}` },
  r4: { sets: ['a', 'b', 'c'].map((s) => `spent/r4-blind4-${s}.jsonl`), ids: (set, index) => `${'abc'[set]}-${index}` },
};

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** The agreement report of one round's relabelling. */
export function agreement(round: string, dir = __dirname): string[] {
  const spec = ROUNDS[round];
  if (!spec) throw new Error(`unknown round ${round}: one of ${Object.keys(ROUNDS).join(', ')}`);
  const writer = new Map<string, number>();
  spec.sets.forEach((file, set) => lines(join(dir, file)).forEach((item, index) => writer.set(spec.ids(set, index), item.label)));
  const second = new Map<string, number>(lines(join(dir, `agreement/${round}-labels.jsonl`)).map((l) => [l.id, l.label]));
  const groups = new Map<string, { a: number[]; b: number[] }>();
  let exact = 0;
  let withinOne = 0;
  const items = lines(join(dir, `agreement/${round}-items.jsonl`));
  for (const item of items) {
    const a = writer.get(item.id);
    const b = second.get(item.id);
    if (a === undefined || b === undefined) throw new Error(`${round}: no label for ${item.id}`);
    const group = item.behavior === 'custom' ? 'custom' : item.behavior;
    const g = groups.get(group) ?? { a: [], b: [] };
    g.a.push(a);
    g.b.push(b);
    groups.set(group, g);
    if (a === b) exact++;
    if (Math.abs(a - b) <= 1) withinOne++;
  }
  const out: string[] = [];
  let sum = 0;
  for (const [group, { a, b }] of [...groups].sort()) {
    const rho = spearman(a, b);
    sum += rho;
    out.push(`${group.padEnd(22)} n=${String(a.length).padStart(3)}  rho ${rho.toFixed(3)}`);
  }
  out.push(`mean rho over behaviours ${(sum / groups.size).toFixed(3)}; exact ${((100 * exact) / items.length).toFixed(1)}%, within one ${((100 * withinOne) / items.length).toFixed(1)}% of ${items.length}`);
  return out;
}

if (require.main === module) console.log(agreement(process.argv[2] ?? 'r4').join('\n'));
