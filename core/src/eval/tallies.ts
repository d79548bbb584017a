/**
 * Per-item tallies: the input of every evaluation statistic. An evaluation samples each dataset item k times per
 * model and condition; a tally says, for one item, how many of its samples were graded (`n`) and how many of those
 * showed the outcome (`k`: the behaviour B, or the capability C). Samples that failed (no answer or no grade after
 * retries) are not in `n`.
 */

/** One item's graded samples for one model and condition. */
export interface ItemTally {
  /** The dataset item (its line number or id); the key that pairs two models evaluated on the same items. */
  item: string | number;
  /** Graded samples of this item. */
  n: number;
  /** Graded samples that showed the outcome, 0 ≤ k ≤ n. */
  k: number;
  /** Samples of this item that could not be obtained or graded (for reporting; not used in any estimate). */
  failed?: number;
}

/** One graded (or failed) sample, as evaluation records them. */
export interface SampleOutcome {
  item: string | number;
  /** true/false: the grade said whether the outcome was shown; null: the sample failed or the grade could not tell. */
  outcome: boolean | null;
}

/** Tallies per item from individual samples (items in order of first appearance). */
export function tallyByItem(samples: Iterable<SampleOutcome>): ItemTally[] {
  const byItem = new Map<string | number, ItemTally>();
  for (const sample of samples) {
    let tally = byItem.get(sample.item);
    if (!tally) {
      tally = { item: sample.item, n: 0, k: 0, failed: 0 };
      byItem.set(sample.item, tally);
    }
    if (sample.outcome === null) tally.failed = (tally.failed ?? 0) + 1;
    else {
      tally.n++;
      if (sample.outcome) tally.k++;
    }
  }
  return [...byItem.values()];
}

/**
 * Throws a RangeError naming the side and the item when a tally is impossible (counts that are not whole numbers,
 * k > n) or an item occurs twice.
 */
export function validateTallies(tallies: readonly ItemTally[], label: string): void {
  const seen = new Set<string | number>();
  for (const tally of tallies) {
    const where = `${label}, item ${String(tally.item)}`;
    if (seen.has(tally.item)) throw new RangeError(`${where}: the item occurs twice (one tally per item)`);
    seen.add(tally.item);
    const { n, k } = tally;
    if (!Number.isInteger(n) || !Number.isInteger(k) || n < 0 || k < 0 || k > n) {
      throw new RangeError(`${where}: invalid counts k=${k}, n=${n} (need whole numbers with 0 <= k <= n)`);
    }
    if (tally.failed !== undefined && (!Number.isInteger(tally.failed) || tally.failed < 0)) {
      throw new RangeError(`${where}: invalid failed count ${tally.failed}`);
    }
  }
}

/** Sums over tallies: items with at least one graded sample, graded samples, outcomes, failed samples. */
export interface TallyTotals {
  items: number;
  n: number;
  k: number;
  failed: number;
  /** Items listed whose samples all failed (no graded sample): they take no part in any estimate. */
  ungradedItems: number;
}

/** Totals of a list of tallies. */
export function totals(tallies: readonly ItemTally[]): TallyTotals {
  let items = 0;
  let n = 0;
  let k = 0;
  let failed = 0;
  let ungradedItems = 0;
  for (const tally of tallies) {
    if (tally.n > 0) items++;
    else ungradedItems++;
    n += tally.n;
    k += tally.k;
    failed += tally.failed ?? 0;
  }
  return { items, n, k, failed, ungradedItems };
}

/** What pairing two sides by item kept and dropped. */
export interface PairingReport {
  /** Items graded on both sides: the pairs every paired estimate uses. */
  pairs: number;
  /** Items on both sides with no graded sample on side A only, on side B only, on both (their pairs are dropped). */
  droppedUngradedA: number;
  droppedUngradedB: number;
  droppedUngradedBoth: number;
  /** Items that occur on one side only. */
  onlyA: number;
  onlyB: number;
}

/** Two tallies of the same item. */
export interface ItemPair {
  item: string | number;
  a: ItemTally;
  b: ItemTally;
}

/**
 * Pairs two sides' tallies by item. A pair is kept when the item has at least one graded sample on each side;
 * items whose samples all failed on a side are dropped and counted, and so are items that occur on one side only.
 */
export function pairByItem(a: readonly ItemTally[], b: readonly ItemTally[]): { pairs: ItemPair[]; report: PairingReport } {
  validateTallies(a, 'side A');
  validateTallies(b, 'side B');
  const bByItem = new Map(b.map((tally) => [tally.item, tally]));
  const pairs: ItemPair[] = [];
  const report: PairingReport = { pairs: 0, droppedUngradedA: 0, droppedUngradedB: 0, droppedUngradedBoth: 0, onlyA: 0, onlyB: 0 };
  const inA = new Set<string | number>();
  for (const tallyA of a) {
    inA.add(tallyA.item);
    const tallyB = bByItem.get(tallyA.item);
    if (!tallyB) {
      report.onlyA++;
      continue;
    }
    if (tallyA.n === 0 && tallyB.n === 0) report.droppedUngradedBoth++;
    else if (tallyA.n === 0) report.droppedUngradedA++;
    else if (tallyB.n === 0) report.droppedUngradedB++;
    else pairs.push({ item: tallyA.item, a: tallyA, b: tallyB });
  }
  for (const tallyB of b) if (!inA.has(tallyB.item)) report.onlyB++;
  report.pairs = pairs.length;
  return { pairs, report };
}

/** Items dropped from the pairs because their samples failed on at least one side. */
export function droppedPairs(report: PairingReport): number {
  return report.droppedUngradedA + report.droppedUngradedB + report.droppedUngradedBoth;
}
