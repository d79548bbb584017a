/**
 * Which dataset item each draw of a check uses. Deterministic from `check.seed`, and the same for every arm, so
 * draw j of every arm sends the same item (arms are paired by item and sample index).
 */

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). Good enough for sampling, not for secrets. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed and a stream number into one 32-bit seed (the splitmix32 finaliser), so streams do not overlap. */
export function mixSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) + Math.imul(stream >>> 0, 0x85ebca6b) + 0x7f4a7c15) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The item index of each of `samples` draws from `itemCount` items. Draws go through the items in a shuffled
 * order, each item once per pass; more samples than items start a new pass with a fresh shuffle (so items are
 * reused, each draw being an independent sample). Passes depend only on the seed and the pass number, so the
 * plan for 50 samples is the first 50 draws of the plan for 100 (raising `samples` keeps the cached ones).
 */
export function drawPlan(itemCount: number, samples: number, seed: number): Uint32Array {
  if (!Number.isInteger(itemCount) || itemCount < 1) throw new RangeError('the dataset has no items to draw from');
  if (!Number.isInteger(samples) || samples < 0) throw new RangeError(`samples must be a whole number >= 0, got ${samples}`);
  const plan = new Uint32Array(samples);
  const order = new Uint32Array(itemCount);
  for (let start = 0, pass = 0; start < samples; start += itemCount, pass++) {
    for (let i = 0; i < itemCount; i++) order[i] = i;
    const random = mulberry32(mixSeed(seed, pass));
    // Fisher-Yates; only as much of the shuffle as this pass needs.
    const take = Math.min(itemCount, samples - start);
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (itemCount - i));
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
      plan[start + i] = order[i]!;
    }
  }
  return plan;
}
